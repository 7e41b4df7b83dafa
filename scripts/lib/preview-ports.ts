// Ports for the preview CLI. A preview is a dry run, so the core never sends, publishes or writes; these
// wrappers make that a guarantee of the wiring too: every call that would change something throws.
import { InMemoryLedger, selectSourceServers } from '../../lambdas/adapters/in-memory';
import type { FreePeriodMarks } from '../../lambdas/core/free-period';
import type { LedgerEntry } from '../../lambdas/core/ledger';
import type {
  CommandBatchResult,
  CommandRequest,
  InvocationResult,
  ManagedNode,
  MigrationApplication,
  MigrationWave,
  ReplicationSettings,
  SourceServer,
} from '../../lambdas/core/model';
import type {
  CommandRunner,
  FreePeriodMarkStore,
  ManagedNodeDirectory,
  OutcomePublisher,
  RemediationLedger,
  SaveOutcome,
  SaveResult,
  SourceServerFilter,
  SourceServerRepository,
} from '../../lambdas/core/ports';

export class PreviewRefusal extends Error {
  constructor(what: string) {
    super(`The preview never ${what}`);
    this.name = 'PreviewRefusal';
  }
}

export const refusingPublisher: OutcomePublisher = {
  publish: async () => {
    throw new PreviewRefusal('publishes a digest');
  },
};

/** Reads earlier results only when they can exist (a ledger was given); sending always throws. */
export class PreviewCommandRunner implements CommandRunner {
  constructor(private readonly results?: Pick<CommandRunner, 'listInvocations'>) {}

  async sendCommand(_request: CommandRequest): Promise<CommandBatchResult[]> {
    throw new PreviewRefusal('sends an SSM command');
  }

  async listInvocations(commandId: string): Promise<InvocationResult[]> {
    if (!this.results) throw new PreviewRefusal('reads command results without a ledger');
    return this.results.listInvocations(commandId);
  }
}

/** The deployed ledger, read-only: what earlier runs did shapes the preview's decisions. */
export class ReadOnlyLedger implements RemediationLedger {
  constructor(private readonly ledger: Pick<RemediationLedger, 'loadEntries'>) {}

  loadEntries(): Promise<LedgerEntry[]> {
    return this.ledger.loadEntries();
  }

  async saveEntries(_entries: readonly LedgerEntry[]): Promise<SaveOutcome[]> {
    throw new PreviewRefusal('writes to the ledger');
  }
}

/** No ledger: every server is seen for the first time. */
export const emptyLedger = new ReadOnlyLedger(new InMemoryLedger());

/** The deployed free-period marks, read-only: the preview shows what a scheduled run would tell, never records it. */
export class ReadOnlyFreePeriodMarks implements FreePeriodMarkStore {
  constructor(private readonly store: Pick<FreePeriodMarkStore, 'loadFreePeriodMarks'>) {}

  loadFreePeriodMarks(): Promise<FreePeriodMarks> {
    return this.store.loadFreePeriodMarks();
  }

  async saveFreePeriodMarks(_marks: FreePeriodMarks): Promise<SaveResult> {
    throw new PreviewRefusal('writes the free-period marks');
  }
}

/** No ledger: nothing was told yet. */
export const noFreePeriodMarks = new ReadOnlyFreePeriodMarks(new InMemoryLedger());

/**
 * Serves a listing made beforehand (the CLI lists first, to report progress and find the account) and
 * refuses RetryDataReplication; replication settings, applications and waves are read-only and pass through.
 */
export class ListedSourceServers implements SourceServerRepository {
  constructor(
    private readonly servers: readonly SourceServer[],
    private readonly repository: Pick<
      SourceServerRepository,
      'getReplicationSettings' | 'listApplications' | 'listWaves'
    >,
  ) {}

  async listSourceServers(filter?: SourceServerFilter): Promise<SourceServer[]> {
    return selectSourceServers(this.servers, filter);
  }

  listApplications(filter?: { readonly waveIds?: readonly string[] }): Promise<MigrationApplication[]> {
    return this.repository.listApplications(filter);
  }

  listWaves(): Promise<MigrationWave[]> {
    return this.repository.listWaves();
  }

  async retryDataReplication(_sourceServerId: string): Promise<void> {
    throw new PreviewRefusal('calls RetryDataReplication');
  }

  getReplicationSettings(sourceServerId: string): Promise<ReplicationSettings> {
    return this.repository.getReplicationSettings(sourceServerId);
  }
}

/** Says on stderr when the (possibly long) SSM inventory listing starts and ends. */
export class ReportingNodeDirectory implements ManagedNodeDirectory {
  constructor(
    private readonly directory: ManagedNodeDirectory,
    private readonly progress: (line: string) => void,
  ) {}

  async describeNodes(instanceIds: readonly string[]): Promise<ManagedNode[]> {
    this.progress(`looking up ${instanceIds.length} SSM managed node(s)…`);
    return this.directory.describeNodes(instanceIds);
  }

  async listNodes(): Promise<ManagedNode[]> {
    this.progress('listing SSM managed nodes…');
    const nodes = await this.directory.listNodes();
    this.progress(`${nodes.length} SSM managed node(s) listed`);
    return nodes;
  }
}
