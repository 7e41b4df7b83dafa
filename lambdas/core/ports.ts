// The doctor's side effects, named by role. Adapters implement them with the AWS SDK (lambdas/adapters);
// lambdas/adapters/in-memory implements them in memory for the tests, the demo and the preview CLI.
import type {
  CommandBatchResult,
  CommandRequest,
  InvocationResult,
  ManagedNode,
  MigrationApplication,
  MigrationWave,
  ReplicationSettings,
  SourceServer,
} from './model';
import type { FreePeriodMarks } from './free-period';
import type { LedgerEntry } from './ledger';
import type { ChannelDelivery, OutcomeReport, ToldNews } from './outcome-report';

/** Which source servers to list; each list given narrows the listing, and an empty list matches nothing. */
export interface SourceServerFilter {
  readonly sourceServerIds?: readonly string[];
  /** Only servers in these MGN applications (MGN filters on its side). */
  readonly applicationIds?: readonly string[];
}

export interface SourceServerRepository {
  /**
   * Every non-archived source server, all pages; narrowed by `filter` when given. `onPage`, when given, sees each
   * page's servers as it arrives (a run starts the work they call for early).
   */
  listSourceServers(
    filter?: SourceServerFilter,
    onPage?: (servers: readonly SourceServer[]) => void,
  ): Promise<SourceServer[]>;
  /** Every non-archived MGN application, all pages; only those in the given waves when `waveIds` is set. */
  listApplications(filter?: { readonly waveIds?: readonly string[] }): Promise<MigrationApplication[]>;
  /** Every non-archived MGN wave, all pages. */
  listWaves(): Promise<MigrationWave[]>;
  /** MGN RetryDataReplication. Never StopReplication or anything else that deletes replicated data. */
  retryDataReplication(sourceServerId: string): Promise<void>;
  getReplicationSettings(sourceServerId: string): Promise<ReplicationSettings>;
}

export interface ManagedNodeDirectory {
  /** Only the named nodes (cheap: used when every target is known by ID). */
  describeNodes(instanceIds: readonly string[]): Promise<ManagedNode[]>;
  /** The whole SSM inventory (used when a hostname or IP must be matched). */
  listNodes(): Promise<ManagedNode[]>;
}

export interface CommandRunner {
  /** SendCommand in batches of at most 50 instances; one result per batch, errors included. */
  sendCommand(request: CommandRequest): Promise<CommandBatchResult[]>;
  /** Every invocation of one command (ListCommandInvocations with details, all pages). */
  listInvocations(commandId: string): Promise<InvocationResult[]>;
}

/**
 * One channel: it renders the run's report its own way and delivers it (docs/design.md section 7). It throws when
 * it delivered nothing it should have; items it could not deliver after its own retries are in `failures`.
 */
export interface OutcomePublisher {
  /** `told`: what the run saved as told, for a publisher that holds the report (a hub's account run). */
  publish(report: OutcomeReport, told?: ToldNews): Promise<ChannelDelivery>;
}

export type SaveResult = 'SAVED' | 'CONFLICT';

/** A write that failed on its own (refused, throttled past its retries): the batch's other writes still happen. */
export interface WriteFailure {
  readonly failed: unknown;
}

export type SaveOutcome = SaveResult | WriteFailure;

export interface RemediationLedger {
  /** Every entry (one per source server the doctor is following). */
  loadEntries(): Promise<LedgerEntry[]>;
  /**
   * Writes each entry if its stored item still has `entry.version - 1` (or does not exist when `entry.version` is
   * 1): CONFLICT when another run wrote first. One outcome per entry, in order; one failing write never keeps the
   * others from being written (docs/design.md section 8, the ledger).
   */
  saveEntries(entries: readonly LedgerEntry[]): Promise<SaveOutcome[]>;
}

/** The SSM inventory as a scheduled run listed it: who is who, without the state that changes by the minute. */
export interface CachedInventory {
  /** ISO 8601. */
  readonly listedAt: string;
  readonly nodes: readonly CachedNode[];
}

export type CachedNode = Pick<ManagedNode, 'instanceId' | 'computerName' | 'ipAddress' | 'platformType'>;

export interface NodeInventoryCache {
  /** The inventory the last scheduled run saved, if any. */
  load(): Promise<CachedInventory | undefined>;
  save(inventory: CachedInventory): Promise<void>;
}

/** What the doctor told people about free replication periods (see free-period.ts); one item, versioned. */
export interface FreePeriodMarkStore {
  /** The marks last saved; NO_FREE_PERIOD_MARKS (version 0) before the first save. */
  loadFreePeriodMarks(): Promise<FreePeriodMarks>;
  /** Saves if the stored version is still `marks.version - 1`; CONFLICT when another run saved first. */
  saveFreePeriodMarks(marks: FreePeriodMarks): Promise<SaveResult>;
}

export interface Clock {
  now(): Date;
  sleep(milliseconds: number): Promise<void>;
}

/** What the core logs; Powertools' Logger fits it. */
export interface Log {
  info(message: string, attributes?: Record<string, unknown>): void;
  warn(message: string, attributes?: Record<string, unknown>): void;
  error(message: string, attributes?: Record<string, unknown>): void;
}

export interface ReplicationServerLocator {
  /** Private IPv4 address per replication-server EC2 instance ID (those it can find). */
  findPrivateIps(instanceIds: readonly string[]): Promise<Map<string, string>>;
}

export interface ServiceRoleChecker {
  /** Names of the IAM roles MGN needs that do not exist in this account (empty when all are there). */
  findMissingRoles(): Promise<string[]>;
}
