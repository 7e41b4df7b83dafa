// One server's next step, from what MGN says now and what the ledger remembers. Pure: the run applies it.
import { choosePlaybook, type Playbook } from './playbook';
import { minutesBetween, parseDurationMinutes } from './durations';
import { isInFlight, isRelapse, lastTreatment, pendingCommands, type LedgerEntry } from './ledger';
import type { Classification, SourceServer } from './model';
import type { DoctorSettings } from '../shared/settings';

export type Step =
  /** Nothing to follow. */
  | { readonly kind: 'NONE' }
  /** Stop following: recovered, cleared, or left alone on purpose (silent). */
  | { readonly kind: 'CLOSE'; readonly reason: 'RECOVERED' | 'CLEARED' | 'INTENTIONAL'; readonly silent: boolean }
  /** Follow and report, but act on nothing (the blocker says why). */
  | { readonly kind: 'REPORT'; readonly blocker: Blocker; readonly playbook?: Playbook }
  /** Act now (or, in a dry run, say what would be done). */
  | { readonly kind: 'TREAT'; readonly playbook: Playbook }
  /** Already acted: waiting for results, or for the fix to work. */
  | {
      readonly kind: 'WAIT';
      readonly why: 'PENDING_RESULTS' | 'COOLDOWN';
      readonly until?: string;
      readonly playbook: Playbook;
    }
  /** Another run claimed this server and is acting on it right now: leave its entry to that run. */
  | { readonly kind: 'IN_FLIGHT' }
  /** Treated `maxAttempts` times without recovery: hand over to a person. */
  | { readonly kind: 'ESCALATE'; readonly playbook: Playbook }
  /** Escalated earlier: no more automatic actions until it recovers. */
  | { readonly kind: 'ESCALATED'; readonly playbook: Playbook };

export type Blocker =
  | 'REPORT_ONLY'
  | 'AGENTLESS'
  | 'SERVICE_RETRY_DISABLED'
  | 'UNMANAGED'
  | 'OFFLINE'
  | 'AMBIGUOUS'
  /** The node-ID tag and MGN's own EC2 instance ID disagree: the doctor never picks one. */
  | 'MISMATCH'
  /** SSM refused every command for the node (not valid for the account). */
  | 'REFUSED'
  /** IAM's `requireNodeTag` guard: the node does not carry the tag that admits the doctor. */
  | 'NOT_OPTED_IN'
  /** A mass stall: the agent restart waits until a sample shows that restarts help. */
  | 'HELD';

const AFFECTED = new Set(['STALLED', 'DISCONNECTED', 'LAGGING', 'UNKNOWN']);

export function decideStep(
  server: SourceServer,
  classification: Classification,
  entry: LedgerEntry | undefined,
  settings: DoctorSettings,
  now: Date,
): Step {
  const open = entry !== undefined && entry.status !== 'CLOSED';
  const { condition } = classification;
  if (open && isInFlight(entry, now)) return { kind: 'IN_FLIGHT' };

  // Replication resumed after a treatment and is catching up: that is a recovery as people see it. The lag is
  // followed as LAGGING again only if it does not shrink below what it was when the recovery was reported.
  const lag = parseDurationMinutes(server.lagDuration);
  if (condition === 'LAGGING' && open && entry.attempts > 0 && entry.condition !== 'LAGGING') {
    return { kind: 'CLOSE', reason: 'RECOVERED', silent: false };
  }
  if (condition === 'LAGGING' && !open && entry && isRelapse(entry, now) && lag !== undefined) {
    if (entry.recoveredLagMinutes !== undefined && lag < entry.recoveredLagMinutes) return { kind: 'NONE' };
  }

  if (!AFFECTED.has(condition)) {
    if (!open) return { kind: 'NONE' };
    if (condition === 'IGNORED') return { kind: 'CLOSE', reason: 'INTENTIONAL', silent: true };
    // Healthy or progressing again: a treated server recovered; an untreated one (lag, unmanaged) cleared.
    return entry.attempts > 0
      ? { kind: 'CLOSE', reason: 'RECOVERED', silent: false }
      : { kind: 'CLOSE', reason: 'CLEARED', silent: entry.notifiedAt === undefined };
  }

  const playbook = choosePlaybook(condition, server.errorCode);
  const remediable = settings.remediateStates.some((state) => state === condition);
  if (!playbook || !remediable) return { kind: 'REPORT', blocker: 'REPORT_ONLY', playbook };

  const serviceAction = settings.retryServiceSideErrors && condition === 'STALLED' ? playbook.serviceAction : undefined;
  const hostDocuments = classification.agentless ? [] : playbook.hostDocuments;
  if (hostDocuments.length === 0 && serviceAction === undefined) {
    return { kind: 'REPORT', blocker: classification.agentless ? 'AGENTLESS' : 'SERVICE_RETRY_DISABLED', playbook };
  }
  const effective: Playbook = { ...playbook, hostDocuments, serviceAction };

  if (open && entry.status === 'ESCALATED') return { kind: 'ESCALATED', playbook: effective };
  if (open && pendingCommands(entry).length > 0) return { kind: 'WAIT', why: 'PENDING_RESULTS', playbook: effective };
  // A relapse soon after a recovery counts on from the earlier treatments.
  const history = open || (entry !== undefined && isRelapse(entry, now)) ? entry : undefined;
  const lastAttemptAt = history ? (history.lastAttemptAt ?? lastTreatment(history)?.at) : undefined;
  if (lastAttemptAt !== undefined && minutesBetween(lastAttemptAt, now) < settings.cooldownMinutes) {
    const until = new Date(new Date(lastAttemptAt).getTime() + settings.cooldownMinutes * 60_000).toISOString();
    return { kind: 'WAIT', why: 'COOLDOWN', until, playbook: effective };
  }
  if (history && history.attempts >= settings.maxAttempts) return { kind: 'ESCALATE', playbook: effective };
  return { kind: 'TREAT', playbook: effective };
}
