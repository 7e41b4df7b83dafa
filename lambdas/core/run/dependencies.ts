// What a run needs from the outside world, and what it is asked to do.
import type {
  Clock,
  CommandRunner,
  FreePeriodMarkStore,
  Log,
  ManagedNodeDirectory,
  NodeInventoryCache,
  OutcomePublisher,
  RemediationLedger,
  ReplicationServerLocator,
  ServiceRoleChecker,
  SourceServerRepository,
} from '../ports';
import type { Trigger } from '../report';

/** The ports of one account and Region. Built once per cold start by the handler (or per account by a hub). */
export interface DoctorDependencies {
  readonly servers: SourceServerRepository;
  readonly nodes: ManagedNodeDirectory;
  /** Lets an event run skip listing the whole SSM inventory (docs/design.md section 5). */
  readonly nodeCache?: NodeInventoryCache;
  readonly commands: CommandRunner;
  /** The channel that must deliver: the ledger counts news as told only once it accepted the digest. */
  readonly publisher: OutcomePublisher;
  /** Further channels (chat, tickets, events): best effort, each failure logged. */
  readonly channels?: readonly OutcomePublisher[];
  readonly ledger: RemediationLedger;
  /** What was told about free replication periods; without it, no free-period notices (docs/design.md section 7). */
  readonly freePeriodMarks?: FreePeriodMarkStore;
  readonly replicationServers?: ReplicationServerLocator;
  readonly serviceRoles?: ServiceRoleChecker;
  readonly clock: Clock;
  readonly log: Log;
}

export interface RunRequest {
  readonly runId: string;
  readonly trigger: Trigger;
  /** An event run looks at these servers only. */
  readonly sourceServerIds?: readonly string[];
}

export interface RunEnvironment {
  readonly region: string;
  readonly accountId: string;
  /** Named in a digest too large to list every server. */
  readonly ledgerTableName?: string;
}

/** Independent calls to one service overlap, but never more than this many at once. */
export const CALL_CONCURRENCY = 8;
