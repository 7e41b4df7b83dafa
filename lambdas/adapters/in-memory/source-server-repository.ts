// MGN in memory: lists the fleet, its applications and its waves as the MGN adapter does (no archived servers,
// the same filters), and answers RetryDataReplication as MGN does: refused for a server that is not stalled.
import { systemClock } from '../../shared/system-clock';
import type { MigrationApplication, MigrationWave, ReplicationSettings, SourceServer } from '../../core/model';
import type { Clock, SourceServerFilter, SourceServerRepository } from '../../core/ports';

/** One RetryDataReplication call and MGN's answer. */
export interface RetryCall {
  readonly at: string;
  readonly action: 'RetryDataReplication';
  readonly sourceServerId: string;
  readonly outcome: 'accepted' | 'refused';
  readonly detail?: string;
}

const mgnError = (name: string, message: string): Error => Object.assign(new Error(message), { name });

const within = (ids: readonly string[] | undefined, id: string | undefined): boolean =>
  ids === undefined || (id !== undefined && ids.includes(id));

/** SourceServerRepository.listSourceServers over servers held in memory: never archived ones, narrowed like MGN. */
export function selectSourceServers(servers: Iterable<SourceServer>, filter: SourceServerFilter = {}): SourceServer[] {
  return [...servers].filter(
    (server) =>
      !server.isArchived &&
      within(filter.sourceServerIds, server.sourceServerId) &&
      within(filter.applicationIds, server.applicationId),
  );
}

/** SourceServerRepository.listApplications over applications held in memory (archived ones are not held). */
export function selectApplications(
  applications: readonly MigrationApplication[],
  filter: { readonly waveIds?: readonly string[] } = {},
): MigrationApplication[] {
  return applications.filter((application) => within(filter.waveIds, application.waveId));
}

export class InMemorySourceServerRepository implements SourceServerRepository {
  readonly retryCalls: RetryCall[] = [];
  readonly listCalls: (SourceServerFilter | undefined)[] = [];
  /** The migration's applications and waves (non-archived, as MGN lists them); none by default. */
  applications: MigrationApplication[] = [];
  waves: MigrationWave[] = [];
  /** How often applications and waves were read. */
  termCalls = 0;
  /** Makes every RetryDataReplication fail with this error (throttling, access denied, …). */
  retryError?: Error;
  settings: ReplicationSettings = { bandwidthThrottling: 0, createPublicIP: false, dataPlaneRouting: 'PRIVATE_IP' };
  /** Servers per page offered to a listing's `onPage` (MGN's largest page). */
  pageSize = 1000;

  constructor(
    public servers: SourceServer[] = [],
    private readonly clock: Clock = systemClock,
  ) {}

  /** Every server RetryDataReplication was called for, accepted or refused. */
  get retried(): string[] {
    return this.retryCalls.map((call) => call.sourceServerId);
  }

  async listSourceServers(
    filter?: SourceServerFilter,
    onPage?: (servers: readonly SourceServer[]) => void,
  ): Promise<SourceServer[]> {
    this.listCalls.push(filter);
    const servers = selectSourceServers(this.servers, filter);
    for (let start = 0; start < servers.length; start += this.pageSize)
      onPage?.(servers.slice(start, start + this.pageSize));
    return servers;
  }

  async listApplications(filter?: { readonly waveIds?: readonly string[] }): Promise<MigrationApplication[]> {
    this.termCalls += 1;
    return selectApplications(this.applications, filter);
  }

  async listWaves(): Promise<MigrationWave[]> {
    this.termCalls += 1;
    return [...this.waves];
  }

  async retryDataReplication(sourceServerId: string): Promise<void> {
    const call = { at: this.clock.now().toISOString(), action: 'RetryDataReplication', sourceServerId } as const;
    const refusal = this.retryError ?? this.findRefusal(sourceServerId);
    if (refusal) {
      this.retryCalls.push({ ...call, outcome: 'refused', detail: refusal.message });
      throw refusal;
    }
    this.retryCalls.push({ ...call, outcome: 'accepted' });
  }

  async getReplicationSettings(): Promise<ReplicationSettings> {
    return this.settings;
  }

  get(sourceServerId: string): SourceServer {
    const server = this.servers.find((candidate) => candidate.sourceServerId === sourceServerId);
    if (!server) throw new Error(`No source server ${sourceServerId} in memory`);
    return server;
  }

  update(sourceServerId: string, change: Partial<SourceServer>): void {
    this.servers = this.servers.map((server) =>
      server.sourceServerId === sourceServerId ? { ...server, ...change } : server,
    );
  }

  private findRefusal(sourceServerId: string): Error | undefined {
    const server = this.servers.find((candidate) => candidate.sourceServerId === sourceServerId);
    if (!server) return mgnError('ResourceNotFoundException', 'Source server not found');
    if (server.dataReplicationState !== 'STALLED')
      return mgnError('ValidationException', 'Source server data replication is not stalled');
    return undefined;
  }
}
