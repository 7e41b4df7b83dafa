// The remediation ledger: one entry per source server the doctor is following, so that runs remember
// what they did (cooldown, attempts, escalation), what is still running (pending results) and what people
// were already told (no duplicate alerts, nothing lost when a publish fails).
import type { Condition, DocumentRole, InvocationStatus, SourceServer } from './model';

export type LedgerStatus = 'OPEN' | 'ESCALATED' | 'CLOSED';

/** One SSM invocation the doctor started: a command on one instance. */
export interface CommandRecord {
  readonly commandId: string;
  readonly document: DocumentRole;
  readonly instanceId: string;
  readonly requestedAt: string;
  readonly status: InvocationStatus;
  readonly statusDetails?: string;
  readonly responseCode?: number;
  /** The key output lines (the documents' `MGN_DOCTOR` lines), trimmed. */
  readonly summary?: string;
}

export interface ServiceActionRecord {
  readonly action: 'RetryDataReplication';
  readonly at: string;
  readonly outcome: 'SUCCEEDED' | 'REFUSED' | 'FAILED';
  readonly detail?: string;
}

/** One treatment: what the doctor did to a server in one run. */
export interface Treatment {
  readonly at: string;
  readonly runId: string;
  readonly commands: readonly CommandRecord[];
  readonly serviceAction?: ServiceActionRecord;
  /** Sending failed for these documents (the error text), so they never ran. */
  readonly sendErrors?: readonly string[];
  /**
   * Set when a run claims the server, before it acts; cleared when it records what it sent. Until then another
   * run leaves the server alone (overlapping runs, or a cooldown of 0), and after it the claim counts as done.
   */
  readonly inFlightUntil?: string;
}

export interface LedgerEntry {
  readonly sourceServerId: string;
  /** Optimistic lock: each write expects the stored version to be one less. */
  readonly version: number;
  readonly status: LedgerStatus;
  readonly condition: Condition;
  readonly errorCode?: string;
  readonly hostname?: string;
  /** When the doctor first saw this condition. */
  readonly since: string;
  readonly attempts: number;
  readonly lastAttemptAt?: string;
  /** Most recent last; capped so the item stays small. */
  readonly treatments: readonly Treatment[];
  /** Why the doctor could not act (UNMANAGED, OFFLINE, AMBIGUOUS, REPORT_ONLY, …) and what a person can do. */
  readonly blocker?: string;
  readonly advice?: string;
  /** The SSM node the doctor last resolved this server to. */
  readonly nodeId?: string;
  /** The news fingerprint last delivered, and when; undefined until a digest carrying it was published. */
  readonly notifiedFingerprint?: string;
  readonly notifiedAt?: string;
  /** When a closed entry was closed, and why (RECOVERED, CUTOVER, ARCHIVED, …). */
  readonly closedAt?: string;
  readonly closedReason?: string;
  /** The replication lag when a treated server was reported recovered while still catching up. */
  readonly recoveredLagMinutes?: number;
  /** DynamoDB TTL (epoch seconds): set once the entry is closed. */
  readonly expiresAt?: number;
}

/** How long a closed entry stays (for "recovered" history and audit) before DynamoDB's TTL removes it. */
export const CLOSED_RETENTION_DAYS = 30;
/** Treatments kept per entry: enough for the escalation message, small enough for a 400 KB item. */
export const MAX_TREATMENTS = 10;

const RUNNING_STATUSES: ReadonlySet<string> = new Set(['Pending', 'InProgress', 'Delayed', 'Cancelling']);

/** Still running? Unknown statuses count as finished, so a value SSM adds later never makes the doctor wait forever. */
export function isRunning(status: InvocationStatus): boolean {
  return RUNNING_STATUSES.has(status);
}

export const lastTreatment = (entry: LedgerEntry): Treatment | undefined =>
  entry.treatments[entry.treatments.length - 1];

/** Another run has claimed this server and is acting on it now. */
export function isInFlight(entry: LedgerEntry, now: Date): boolean {
  const until = lastTreatment(entry)?.inFlightUntil;
  return entry.status !== 'CLOSED' && until !== undefined && new Date(until).getTime() > now.getTime();
}

export function pendingCommands(entry: LedgerEntry): CommandRecord[] {
  return (lastTreatment(entry)?.commands ?? []).filter((command) => isRunning(command.status));
}

/** A server that stalls again this soon after recovering keeps its treatment count, so flapping still escalates. */
export const RELAPSE_WINDOW_HOURS = 24;

export function isRelapse(entry: LedgerEntry, now: Date): boolean {
  return (
    entry.status === 'CLOSED' &&
    entry.closedReason === 'RECOVERED' &&
    entry.closedAt !== undefined &&
    now.getTime() - new Date(entry.closedAt).getTime() < RELAPSE_WINDOW_HOURS * 3_600_000
  );
}

/** A new entry, not yet stored (version 0: the first save writes version 1). */
export function openEntry(server: SourceServer, condition: Condition, now: Date): LedgerEntry {
  return {
    sourceServerId: server.sourceServerId,
    version: 0,
    status: 'OPEN',
    condition,
    errorCode: server.errorCode,
    hostname: server.hostname ?? server.fqdn,
    since: now.toISOString(),
    attempts: 0,
    treatments: [],
  };
}

export function appendTreatment(entry: LedgerEntry, treatment: Treatment): LedgerEntry {
  return {
    ...entry,
    attempts: entry.attempts + 1,
    lastAttemptAt: treatment.at,
    treatments: [...entry.treatments, treatment].slice(-MAX_TREATMENTS),
  };
}

/** Replaces the last treatment (results collected, commands recorded). */
export function replaceLastTreatment(entry: LedgerEntry, treatment: Treatment): LedgerEntry {
  return { ...entry, treatments: [...entry.treatments.slice(0, -1), treatment] };
}

export function closeEntry(
  entry: LedgerEntry,
  reason: string,
  now: Date,
  options: { readonly silent: boolean; readonly lagMinutes?: number },
): LedgerEntry {
  const closed: LedgerEntry = {
    ...entry,
    recoveredLagMinutes: options.lagMinutes,
    status: 'CLOSED',
    closedAt: now.toISOString(),
    closedReason: reason,
    expiresAt: Math.floor(now.getTime() / 1000) + CLOSED_RETENTION_DAYS * 86_400,
  };
  return options.silent
    ? { ...closed, notifiedFingerprint: newsFingerprint(closed), notifiedAt: now.toISOString() }
    : closed;
}

/** What people have been told about an entry; a change in it is news. */
export function newsFingerprint(entry: LedgerEntry): string {
  const last = lastTreatment(entry);
  const outcome = last
    ? [
        ...last.commands.map((command) => `${command.document}:${command.status}`),
        last.serviceAction?.outcome ?? '',
        ...(last.sendErrors ?? []),
      ]
    : [];
  return [
    entry.status,
    entry.closedReason ?? '',
    entry.condition,
    entry.errorCode ?? '',
    entry.attempts,
    entry.blocker ?? '',
    ...outcome,
  ].join('|');
}

export const hasNews = (entry: LedgerEntry): boolean => entry.notifiedFingerprint !== newsFingerprint(entry);

export function markNotified(entry: LedgerEntry, now: Date): LedgerEntry {
  return { ...entry, notifiedFingerprint: newsFingerprint(entry), notifiedAt: now.toISOString() };
}

/**
 * What marking an entry as told changed, and the version it was saved at: enough to put it back later exactly as
 * it was (docs/design.md section 2, stage 4b), without keeping the whole entry. Small, so a hub's held report can
 * carry one per told server (section 7, "Delivery").
 */
export interface ToldMark {
  readonly sourceServerId: string;
  /** The version the marked entry was saved at. */
  readonly version: number;
  /** The marks as they were before (undefined: never told). */
  readonly notifiedFingerprint?: string;
  readonly notifiedAt?: string;
}

/** The mark of `before` (the entry before markNotified) now stored as `saved`; undefined when nothing changed. */
export function toldMarkOf(before: LedgerEntry, saved: LedgerEntry): ToldMark | undefined {
  if (before.notifiedFingerprint === saved.notifiedFingerprint && before.notifiedAt === saved.notifiedAt)
    return undefined;
  return {
    sourceServerId: saved.sourceServerId,
    version: saved.version,
    ...(before.notifiedFingerprint !== undefined && { notifiedFingerprint: before.notifiedFingerprint }),
    ...(before.notifiedAt !== undefined && { notifiedAt: before.notifiedAt }),
  };
}

/** `stored` with the notification marks as they were before `mark` (the version left to the write). */
export function unmarkEntry(stored: LedgerEntry, mark: ToldMark): LedgerEntry {
  const { notifiedFingerprint: _fingerprint, notifiedAt: _at, ...rest } = stored;
  return {
    ...rest,
    ...(mark.notifiedFingerprint !== undefined && { notifiedFingerprint: mark.notifiedFingerprint }),
    ...(mark.notifiedAt !== undefined && { notifiedAt: mark.notifiedAt }),
  };
}
