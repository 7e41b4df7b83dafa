// What one run found and did: returned by the handler, logged per server, and rendered into the digest.
import type { Blocker } from './decide';
import type { LedgerEntry } from './ledger';
import type { MigrationTerms } from './migration-terms';
import type { Playbook } from './playbook';
import type { Classification, Condition, ReplicationSettings, SourceServer, TargetResolution } from './model';

export type ServerAction =
  | 'TREATED'
  | 'WOULD_TREAT'
  | 'WAITING_FOR_RESULTS'
  | 'COOLDOWN'
  | 'ESCALATED'
  | 'ESCALATED_EARLIER'
  | 'WOULD_ESCALATE'
  | 'REPORTED'
  | 'SKIPPED_OVERLAP'
  | 'RECOVERED'
  | 'CLEARED'
  | 'LEFT_ALONE'
  | 'NONE';

/** Why a server is in this digest. */
export type News = 'NEW' | 'CHANGED' | 'OUTCOME' | 'RECOVERED' | 'CLEARED' | 'ESCALATED' | 'REMINDER';

export interface ServerReport {
  readonly server: SourceServer;
  readonly classification: Classification;
  readonly action: ServerAction;
  /** The decision in words: what was done, or why not. */
  readonly detail: string;
  readonly blocker?: Blocker;
  readonly playbook?: Playbook;
  readonly target?: TargetResolution;
  readonly replicationSettings?: ReplicationSettings;
  /** The ledger entry after this run (as it would be, in a dry run). */
  readonly entry?: LedgerEntry;
  readonly news?: News;
  /** The server's wave and application, where the fleet uses them (e.g. `Wave 3 / payments`). */
  readonly label?: string;
  /** The same as IDs and names, for grouping by wave (docs/design.md section 7). */
  readonly terms?: MigrationTerms;
}

export type Trigger = 'schedule' | 'event' | 'preview';

export interface RunReport {
  readonly runId: string;
  readonly trigger: Trigger;
  readonly dryRun: boolean;
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly counts: Readonly<Record<Condition, number>>;
  /** Every server that is affected, followed by the ledger, or changed this run (healthy ones are only counted). */
  readonly servers: readonly ServerReport[];
  readonly commandsSent: number;
  readonly published: boolean;
  /** Items the best-effort channels (OpsCenter, EventBridge) could not deliver; the digest stands regardless. */
  readonly channelFailures?: number;
  readonly subject?: string;
  /** MGN service roles found missing (checked only when a service-side error appeared). */
  readonly missingServiceRoles?: readonly string[];
  /** An event run's news left to the next digest (within `notifyIntervalMinutes` of the last one). */
  readonly coalesced?: boolean;
  /** Free replication period notices, one line per wave (scheduled runs and previews; docs/design.md section 7). */
  readonly freePeriod?: readonly string[];
}

/** Every condition at zero: what counts start from. */
export const noConditions = (): Record<Condition, number> => ({
  STALLED: 0,
  DISCONNECTED: 0,
  LAGGING: 0,
  UNKNOWN: 0,
  PROGRESSING: 0,
  HEALTHY: 0,
  IGNORED: 0,
});

export function countConditions(
  reports: readonly { readonly classification: Classification }[],
): Record<Condition, number> {
  const counts = noConditions();
  for (const { classification } of reports) counts[classification.condition] += 1;
  return counts;
}
