// Stage 3: act on the servers the plan says to treat. Claim each in the ledger (of two overlapping runs only
// one acts), send the host documents, record the accepted command IDs at once (a run that dies later loses no
// command), run the service-side action, then collect results within the wait budget.
import { collectResults, type ExpectedCommand } from '../collect-results';
import { errorText, mapWithConcurrency } from '../concurrency';
import {
  appendTreatment,
  lastTreatment,
  replaceLastTreatment,
  type LedgerEntry,
  type ServiceActionRecord,
  type Treatment,
} from '../ledger';
import type { InvocationResult } from '../model';
import { clip } from '../text';
import type { DoctorSettings } from '../../shared/settings';
import { withResults } from './collect-earlier-results';
import { CALL_CONCURRENCY, type DoctorDependencies, type RunEnvironment, type RunRequest } from './dependencies';
import { describeDocuments } from './describe-step';
import { isFailure, throwFirstFailure } from './save-entries';
import { sendHostCommands, type SendOutcome } from './send-commands';
import { playbookOf, type ServerPlan } from './server-plan';

/** Time a run may still spend after its result wait (sending, recording, publishing) before its claims lapse. */
const CLAIM_MARGIN_SECONDS = 120;

/**
 * An event run acts at once and does not wait: during a mass stall many events queue behind reserved
 * concurrency 1, and the next scheduled run collects their results anyway.
 */
export const waitSecondsFor = (request: RunRequest, settings: DoctorSettings): number =>
  request.trigger === 'event' ? 0 : settings.resultWaitSeconds;

export interface TreatmentResult {
  readonly plans: readonly ServerPlan[];
  readonly commandsSent: number;
}

export async function treatServers(
  plans: readonly ServerPlan[],
  request: RunRequest,
  settings: DoctorSettings,
  environment: RunEnvironment,
  startedAt: Date,
  deps: DoctorDependencies,
): Promise<TreatmentResult> {
  const toTreat = plans.filter((plan) => plan.step.kind === 'TREAT');
  if (toTreat.length === 0) return { plans, commandsSent: 0 };
  // A claim stays in flight for at most as long as this run can last (the Lambda timeout is derived likewise).
  const inFlightSeconds = waitSecondsFor(request, settings) + CLAIM_MARGIN_SECONDS;
  const claimed = await claimServers(toTreat, request.runId, startedAt, inFlightSeconds, deps);
  const claimedPlans = toTreat.flatMap((plan) => {
    const claim = claimed.get(plan.server.sourceServerId);
    return claim?.entry !== undefined && claim.step.kind === 'TREAT' ? [claim] : [];
  });

  const sent = await sendHostCommands(claimedPlans, request.runId, settings, environment, deps);
  const recorded = await recordSentCommands(claimedPlans, sent, deps);
  const serviceActions = await runServiceActions(recorded, deps);
  const withSettings = await readReplicationSettings(recorded, deps);

  const expected: ExpectedCommand[] = [...groupByCommand(recorded)].map(([commandId, instanceIds]) => ({
    commandId,
    instanceIds,
  }));
  const deadline = new Date(startedAt.getTime() + waitSecondsFor(request, settings) * 1000);
  const results =
    expected.length > 0
      ? await collectResults(expected, deadline, deps.commands, deps.clock, deps.log)
      : new Map<string, InvocationResult>();

  const beforeClaim = new Map(toTreat.map((plan) => [plan.server.sourceServerId, plan.entry as LedgerEntry]));
  const finished = new Map(
    withSettings.map((plan) => {
      const id = plan.server.sourceServerId;
      const ended = finishTreatment(plan, sent.get(id), serviceActions.get(id), results);
      return [id, ended ?? unclaim(plan, beforeClaim.get(id) as LedgerEntry, sent.get(id) as SendOutcome)];
    }),
  );
  const updated = plans.map(
    (plan) => finished.get(plan.server.sourceServerId) ?? claimed.get(plan.server.sourceServerId) ?? plan,
  );
  return { plans: updated, commandsSent: expected.length };
}

/** Records the treatment before acting, with a conditional write: of two overlapping runs, only one acts. */
async function claimServers(
  plans: readonly ServerPlan[],
  runId: string,
  now: Date,
  inFlightSeconds: number,
  deps: DoctorDependencies,
): Promise<Map<string, ServerPlan>> {
  const inFlightUntil = new Date(now.getTime() + inFlightSeconds * 1000).toISOString();
  const treatment: Treatment = { at: now.toISOString(), runId, commands: [], inFlightUntil };
  const claims = plans.map((plan) => {
    const entry = plan.entry as LedgerEntry;
    return { ...appendTreatment(entry, treatment), version: entry.version + 1 };
  });
  const outcomes = await deps.ledger.saveEntries(claims);
  throwFirstFailure(outcomes);
  const claimed = plans.map((plan, index): ServerPlan => {
    if (outcomes[index] === 'SAVED') return { ...plan, entry: claims[index] };
    deps.log.warn('Another run is treating this server; skipping it', { sourceServerId: plan.server.sourceServerId });
    return {
      ...plan,
      step: { kind: 'NONE' },
      entry: undefined,
      action: 'SKIPPED_OVERLAP',
      detail: 'another run treated this server at the same time; skipped',
    };
  });
  return new Map(claimed.map((plan) => [plan.server.sourceServerId, plan]));
}

/**
 * Writes the accepted command IDs to the ledger as soon as SSM has them: if the run dies after this (timeout,
 * memory, an outage), the next run still collects and reports every command's result.
 */
async function recordSentCommands(
  plans: readonly ServerPlan[],
  sent: ReadonlyMap<string, SendOutcome>,
  deps: DoctorDependencies,
): Promise<ServerPlan[]> {
  const toRecord = plans.flatMap((plan) => {
    const commands = sent.get(plan.server.sourceServerId)?.commands ?? [];
    if (commands.length === 0) return [];
    const entry = plan.entry as LedgerEntry;
    const withCommands = replaceLastTreatment(entry, { ...(lastTreatment(entry) as Treatment), commands });
    return [{ plan, withCommands, next: { ...withCommands, version: entry.version + 1 } }];
  });
  const outcomes = await deps.ledger.saveEntries(toRecord.map(({ next }) => next));
  const recorded = new Map(
    toRecord.map(({ plan, withCommands, next }, index): [string, ServerPlan] => {
      const outcome = outcomes[index];
      const sourceServerId = plan.server.sourceServerId;
      if (outcome === 'SAVED') return [sourceServerId, { ...plan, entry: next }];
      // The end of the run writes them again; only a run that also dies before then loses them.
      if (isFailure(outcome))
        deps.log.warn('Could not record sent commands yet', { sourceServerId, error: errorText(outcome.failed) });
      else deps.log.warn('Could not record sent commands: the entry changed', { sourceServerId });
      return [sourceServerId, { ...plan, entry: withCommands }];
    }),
  );
  return plans.map((plan) => recorded.get(plan.server.sourceServerId) ?? plan);
}

const REFUSALS = new Set([
  'ValidationException',
  'ConflictException',
  'ResourceNotFoundException',
  'UninitializedAccountException',
]);

async function runServiceActions(
  plans: readonly ServerPlan[],
  deps: DoctorDependencies,
): Promise<Map<string, ServiceActionRecord>> {
  const withAction = plans.filter((plan) => playbookOf(plan.step)?.serviceAction === 'RetryDataReplication');
  const records = await mapWithConcurrency(withAction, CALL_CONCURRENCY, async (plan) => {
    const at = deps.clock.now().toISOString();
    try {
      await deps.servers.retryDataReplication(plan.server.sourceServerId);
      return [plan.server.sourceServerId, { action: 'RetryDataReplication', at, outcome: 'SUCCEEDED' }] as const;
    } catch (error) {
      const outcome = REFUSALS.has(error instanceof Error ? error.name : '') ? 'REFUSED' : 'FAILED';
      const record: ServiceActionRecord = {
        action: 'RetryDataReplication',
        at,
        outcome,
        detail: errorText(error).slice(0, 300),
      };
      return [plan.server.sourceServerId, record] as const;
    }
  });
  return new Map<string, ServiceActionRecord>(records);
}

/** Bandwidth throttling and routing settings, for the playbooks whose advice depends on them. */
async function readReplicationSettings(plans: readonly ServerPlan[], deps: DoctorDependencies): Promise<ServerPlan[]> {
  return mapWithConcurrency(plans, CALL_CONCURRENCY, async (plan) => {
    if (!playbookOf(plan.step)?.reportReplicationSettings) return plan;
    try {
      return { ...plan, replicationSettings: await deps.servers.getReplicationSettings(plan.server.sourceServerId) };
    } catch (error) {
      deps.log.warn('Could not read replication settings', {
        sourceServerId: plan.server.sourceServerId,
        error: errorText(error),
      });
      return plan;
    }
  });
}

function groupByCommand(plans: readonly ServerPlan[]): Map<string, string[]> {
  const byCommand = new Map<string, string[]>();
  for (const plan of plans) {
    for (const command of lastTreatment(plan.entry as LedgerEntry)?.commands ?? []) {
      byCommand.set(command.commandId, [...(byCommand.get(command.commandId) ?? []), command.instanceId]);
    }
  }
  return byCommand;
}

/**
 * The treatment as it ends this run: results applied and the claim released. Undefined when nothing was
 * accepted (every command refused or failed to send, no service action): such a treatment never counts.
 */
function finishTreatment(
  plan: ServerPlan,
  sent: SendOutcome | undefined,
  serviceAction: ServiceActionRecord | undefined,
  results: ReadonlyMap<string, InvocationResult>,
): ServerPlan | undefined {
  const entry = plan.entry as LedgerEntry;
  const claim = lastTreatment(entry) as Treatment;
  const sendErrors = sent?.sendErrors.length ? sent.sendErrors : undefined;
  const treatment = withResults({ ...claim, inFlightUntil: undefined, sendErrors, serviceAction }, results);
  const sentDocuments = new Set(treatment.commands.map((command) => command.document));
  if (sentDocuments.size === 0 && serviceAction === undefined) return undefined;
  const accepted = plan.hostDocuments.filter((document) => sentDocuments.has(document));
  const attempt = entry.attempts;
  const where = plan.target?.status === 'RESOLVED' ? ` on ${plan.target.node.instanceId}` : '';
  const notSent = sendErrors ? `; not sent: ${sendErrors.join('; ')}` : '';
  return {
    ...plan,
    entry: replaceLastTreatment(entry, treatment),
    detail: `ran ${describeDocuments(accepted, serviceAction?.action)}${where} (treatment ${attempt})${notSent}`,
  };
}

/**
 * Nothing reached the host: the claim is withdrawn (the entry as it was before it, at the claim's version), so
 * no treatment is ever counted that was not sent, and the server is reported with why nothing ran.
 */
function unclaim(plan: ServerPlan, beforeClaim: LedgerEntry, sent: SendOutcome | undefined): ServerPlan {
  const errors = sent?.sendErrors.join('; ') || 'no command was accepted';
  const blocker = sent?.refusal ?? 'REFUSED';
  return {
    ...plan,
    step: { kind: 'REPORT', blocker, playbook: playbookOf(plan.step) },
    blocker,
    action: 'REPORTED',
    entry: { ...beforeClaim, version: (plan.entry as LedgerEntry).version, blocker, advice: clip(errors, 500) },
    detail: `nothing was sent: ${clip(errors, 500)}`,
  };
}
