// The remediation ledger: one entry per source server the doctor is following, so that runs remember
// what they did (cooldown, attempts, escalation), what is still running (pending results) and what people
// were already told (no duplicate alerts, nothing lost when a publish fails).
import type { Condition, DocumentRole, InvocationStatus } from './model';

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
  /** The news fingerprint last delivered, and when; undefined until a digest carrying it was published. */
  readonly notifiedFingerprint?: string;
  readonly notifiedAt?: string;
  /** When a closed entry was closed, and why (RECOVERED, CUTOVER, ARCHIVED, …). */
  readonly closedAt?: string;
  readonly closedReason?: string;
  /** DynamoDB TTL (epoch seconds): set once the entry is closed. */
  readonly expiresAt?: number;
}
