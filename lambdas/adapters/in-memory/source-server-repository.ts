// MGN in memory: lists the fleet as the MGN adapter does (no archived servers), and answers
// RetryDataReplication as MGN does: refused for a server that is not stalled.
import { systemClock } from '../../shared/system-clock';
import type { ReplicationSettings, SourceServer } from '../../core/model';
import type { Clock, SourceServerRepository } from '../../core/ports';

/** One RetryDataReplication call and MGN's answer. */
export interface RetryCall {
  readonly at: string;
  readonly action: 'RetryDataReplication';
  readonly sourceServerId: string;
  readonly outcome: 'accepted' | 'refused';
  readonly detail?: string;
}

const mgnError = (name: string, message: string): Error => Object.assign(new Error(message), { name });

export class InMemorySourceServerRepository implements SourceServerRepository {
  readonly retryCalls: RetryCall[] = [];
  readonly listCalls: ({ sourceServerIds?: readonly string[] } | undefined)[] = [];
  /** Makes every RetryDataReplication fail with this error (throttling, access denied, …). */
  retryError?: Error;
  settings: ReplicationSettings = { bandwidthThrottling: 0, createPublicIP: false, dataPlaneRouting: 'PRIVATE_IP' };

  constructor(
    public servers: SourceServer[] = [],
    private readonly clock: Clock = systemClock,
  ) {}

  /** Every server RetryDataReplication was called for, accepted or refused. */
  get retried(): string[] {
    return this.retryCalls.map((call) => call.sourceServerId);
  }

  async listSourceServers(filter?: { readonly sourceServerIds?: readonly string[] }): Promise<SourceServer[]> {
    this.listCalls.push(filter);
    const live = this.servers.filter((server) => !server.isArchived);
    return filter?.sourceServerIds
      ? live.filter((server) => filter.sourceServerIds?.includes(server.sourceServerId))
      : live;
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
