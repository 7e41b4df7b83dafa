// The decided step in words and as the ledger entry to keep. Pure: the same plan and entry give the same result.
import type { Blocker } from '../decide';
import { formatMinutes, parseDurationMinutes } from '../durations';
import { closeEntry, hasNews, isRelapse, lastTreatment, openEntry, type LedgerEntry } from '../ledger';
import type { ServerPlan } from './server-plan';

const BLOCKER_DETAILS: Readonly<Record<Blocker, string>> = {
  REPORT_ONLY: '', // filled in with the condition below
  AGENTLESS: 'agentless replication: there is no agent to act on',
  SERVICE_RETRY_DISABLED: 'the host is not the problem; RetryDataReplication is off (retryServiceSideErrors=false)',
  UNMANAGED: 'no SSM managed node found for this host; nothing was run',
  OFFLINE: 'the SSM node is not online; nothing was run',
  AMBIGUOUS: 'more than one SSM node matches; nothing was run',
  MISMATCH: "the node-ID tag and MGN's own EC2 instance ID name different nodes; nothing was run",
  REFUSED: 'SSM refused every command for this host; nothing ran',
  NOT_OPTED_IN: 'the SSM node does not carry the tag that admits the doctor (requireNodeTag); nothing was run',
  HELD: 'agent restart held: a mass stall is under way and a sample is treated first (massStallThreshold)',
};

export function describeDocuments(documents: readonly string[], serviceAction: string | undefined): string {
  return [...documents, ...(serviceAction ? [serviceAction] : [])].join(', ');
}

export function describeBlocker(blocker: Blocker, condition: string): string {
  return blocker === 'REPORT_ONLY'
    ? `reported only (${condition} is not remediated by configuration or by design)`
    : BLOCKER_DETAILS[blocker];
}

/** The entry that follows this server now: the open one updated, or a fresh one (reusing a closed item's version). */
export function followEntry(entry: LedgerEntry | undefined, plan: ServerPlan, now: Date): LedgerEntry {
  const { server, classification } = plan;
  if (entry === undefined || entry.status === 'CLOSED') {
    const fresh: LedgerEntry = { ...openEntry(server, classification.condition, now), version: entry?.version ?? 0 };
    return entry && isRelapse(entry, now)
      ? { ...fresh, attempts: entry.attempts, lastAttemptAt: entry.lastAttemptAt, treatments: entry.treatments }
      : fresh;
  }
  // The blocker and advice describe the last REPORT; any other step replaces them (REPORT sets them again).
  return {
    ...entry,
    condition: classification.condition,
    errorCode: server.errorCode,
    hostname: server.hostname ?? server.fqdn ?? entry.hostname,
    blocker: undefined,
    advice: undefined,
  };
}

/** Turns the decided step into the entry to keep and the words to report. */
export function describeStep(plan: ServerPlan, entry: LedgerEntry | undefined, now: Date, dryRun: boolean): ServerPlan {
  const { step, classification } = plan;
  switch (step.kind) {
    case 'NONE':
      // A closure whose news a failed publish did not deliver (recovered, cleared) is sent by this run.
      if (entry?.status !== 'CLOSED' || !hasNews(entry)) return plan;
      return {
        ...plan,
        entry,
        action: entry.closedReason === 'RECOVERED' ? 'RECOVERED' : 'CLEARED',
        detail: `${entry.closedReason === 'RECOVERED' ? 'recovered' : 'cleared'} at ${entry.closedAt} (news not delivered then)`,
      };
    case 'IN_FLIGHT':
      return {
        ...plan,
        action: 'SKIPPED_OVERLAP',
        detail: 'another run is treating this server right now; left to it',
      };
    case 'CLOSE':
      return entry ? describeClose(plan, step, entry, now) : plan;
    case 'REPORT': {
      const advice = plan.target && plan.target.status !== 'RESOLVED' ? plan.target.advice : undefined;
      return {
        ...plan,
        entry: { ...followEntry(entry, plan, now), blocker: step.blocker, advice },
        blocker: step.blocker,
        action: 'REPORTED',
        detail: describeBlocker(step.blocker, classification.condition),
      };
    }
    case 'WAIT': {
      const followed = followEntry(entry, plan, now);
      return step.why === 'COOLDOWN'
        ? {
            ...plan,
            entry: followed,
            action: 'COOLDOWN',
            detail: `treated at ${followed.lastAttemptAt}; next treatment not before ${step.until} (cooldown)`,
          }
        : {
            ...plan,
            entry: followed,
            action: 'WAITING_FOR_RESULTS',
            detail: 'results of the last treatment are still pending',
          };
    }
    case 'ESCALATE': {
      const followed = followEntry(entry, plan, now);
      return {
        ...plan,
        entry: { ...followed, status: 'ESCALATED' },
        action: dryRun ? 'WOULD_ESCALATE' : 'ESCALATED',
        detail: `still ${classification.condition} after ${followed.attempts} treatment(s); no more automatic actions until it recovers`,
      };
    }
    case 'ESCALATED':
      return {
        ...plan,
        entry: followEntry(entry, plan, now),
        action: 'ESCALATED_EARLIER',
        detail: 'escalated earlier; waiting for a person',
      };
    case 'TREAT': {
      const followed = followEntry(entry, plan, now);
      const what = describeDocuments(plan.hostDocuments, step.playbook.serviceAction);
      const where = plan.target?.status === 'RESOLVED' ? ` on ${plan.target.node.instanceId}` : '';
      return {
        ...plan,
        entry: followed,
        action: dryRun ? 'WOULD_TREAT' : 'TREATED',
        detail: `${dryRun ? 'would run' : 'ran'} ${what}${where} (treatment ${followed.attempts + 1})`,
      };
    }
  }
}

function describeClose(
  plan: ServerPlan,
  step: Extract<ServerPlan['step'], { kind: 'CLOSE' }>,
  entry: LedgerEntry,
  now: Date,
): ServerPlan {
  const { reason } = plan.classification;
  const catchingUp = step.reason === 'RECOVERED' && plan.classification.condition === 'LAGGING';
  const lagMinutes = catchingUp ? parseDurationMinutes(plan.server.lagDuration) : undefined;
  const closed = closeEntry(entry, step.reason === 'INTENTIONAL' ? reason : step.reason, now, {
    silent: step.silent,
    lagMinutes,
  });
  const last = lastTreatment(entry);
  const eta = plan.server.etaDateTime ? `, ETA ${plan.server.etaDateTime}` : '';
  const detail = catchingUp
    ? `replication resumed after ${entry.attempts} treatment(s), catching up: lag ${formatMinutes(lagMinutes ?? 0)}${eta}`
    : step.reason === 'RECOVERED'
      ? `recovered (${reason}) after ${entry.attempts} treatment(s): ${describeDocuments(last?.commands.map((command) => command.document) ?? [], last?.serviceAction?.action)}`
      : step.reason === 'CLEARED'
        ? `no longer ${entry.condition}: ${reason}`
        : `no longer followed: ${reason}`;
  return { ...plan, entry: closed, action: step.reason === 'INTENTIONAL' ? 'LEFT_ALONE' : step.reason, detail };
}
