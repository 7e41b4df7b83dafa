// A simulated AWS account for the offline demo: MGN source servers, SSM managed nodes that answer Run Command
// like real hosts, a versioned ledger, and a publisher that keeps each digest. Everything is in memory and the
// clock is simulated, so a demo of several hours runs in milliseconds without any network.
import type {
  CommandBatchResult,
  CommandRequest,
  DocumentRole,
  InvocationResult,
  ManagedNode,
  ReplicationSettings,
  SourceServer,
} from '../../lambdas/core/model';
import type {
  Clock,
  CommandRunner,
  ManagedNodeDirectory,
  ReplicationServerLocator,
  SourceServerRepository,
} from '../../lambdas/core/ports';
import type { DoctorDependencies } from '../../lambdas/core/run/run-doctor';
import { parametersForBatch } from '../../lambdas/core/command-parameters';
import { answerDocument, type SimulatedHost } from './simulated-host-output';
import { InMemoryLedger, ManualClock, MemoryLog, RecordingPublisher } from './in-memory-ports';

export interface ServiceCall {
  readonly at: string;
  readonly action: 'RetryDataReplication';
  readonly sourceServerId: string;
  readonly outcome: 'accepted' | 'refused';
  readonly detail?: string;
}

/** MGN: lists the fleet, and refuses RetryDataReplication for a server that is not stalled, as MGN does. */
export class SimulatedMgn implements SourceServerRepository {
  readonly calls: ServiceCall[] = [];
  private readonly servers = new Map<string, SourceServer>();

  constructor(
    servers: readonly SourceServer[],
    private readonly clock: Clock,
    private readonly settings: ReplicationSettings,
  ) {
    for (const server of servers) this.servers.set(server.sourceServerId, server);
  }

  async listSourceServers(filter?: { readonly sourceServerIds?: readonly string[] }): Promise<SourceServer[]> {
    const ids = filter?.sourceServerIds;
    return [...this.servers.values()].filter(
      (server) => !server.isArchived && (!ids || ids.includes(server.sourceServerId)),
    );
  }

  async retryDataReplication(sourceServerId: string): Promise<void> {
    const at = this.clock.now().toISOString();
    if (this.get(sourceServerId).dataReplicationState !== 'STALLED') {
      const detail = 'Source server data replication is not stalled';
      this.calls.push({ at, action: 'RetryDataReplication', sourceServerId, outcome: 'refused', detail });
      throw Object.assign(new Error(detail), { name: 'ValidationException' });
    }
    this.calls.push({ at, action: 'RetryDataReplication', sourceServerId, outcome: 'accepted' });
  }

  async getReplicationSettings(): Promise<ReplicationSettings> {
    return this.settings;
  }

  get(sourceServerId: string): SourceServer {
    const server = this.servers.get(sourceServerId);
    if (!server) throw new Error(`No simulated source server ${sourceServerId}`);
    return server;
  }

  update(sourceServerId: string, change: Partial<SourceServer>): void {
    this.servers.set(sourceServerId, { ...this.get(sourceServerId), ...change });
  }
}

export interface SentCommand {
  readonly commandId: string;
  readonly at: string;
  readonly document: DocumentRole;
  readonly instanceIds: readonly string[];
  readonly parameters: Readonly<Record<string, readonly string[]>>;
  readonly comment: string;
  /** What each host answered (SSM reports it once the invocation finishes). */
  readonly results: readonly InvocationResult[];
}

/** SSM: the managed-node inventory and Run Command. Each invocation is InProgress on its first poll. */
export class SimulatedSsm implements ManagedNodeDirectory, CommandRunner {
  readonly sent: SentCommand[] = [];
  private readonly polls = new Map<string, number>();
  private readonly hosts: ReadonlyMap<string, SimulatedHost>;

  constructor(
    private readonly nodes: readonly ManagedNode[],
    hosts: readonly SimulatedHost[],
    private readonly clock: Clock,
  ) {
    this.hosts = new Map(hosts.map((host) => [host.instanceId, host]));
  }

  async describeNodes(instanceIds: readonly string[]): Promise<ManagedNode[]> {
    return this.nodes.filter((node) => instanceIds.includes(node.instanceId));
  }

  async listNodes(): Promise<ManagedNode[]> {
    return [...this.nodes];
  }

  async sendCommand(request: CommandRequest): Promise<CommandBatchResult[]> {
    const now = this.clock.now();
    const commandId = `5d1e0c2a-0000-4000-8000-${String(this.sent.length + 1).padStart(12, '0')}`;
    const results = request.instanceIds.map((instanceId): InvocationResult => {
      const host = this.hosts.get(instanceId);
      if (!host) return { commandId, instanceId, status: 'Failed', statusDetails: 'Undeliverable', output: '' };
      // What this host's SSM Agent would receive: the batch's parameters, per-host values included.
      const answer = answerDocument(host, request.document, parametersForBatch(request, request.instanceIds), now);
      const status = answer.exitCode === 0 ? 'Success' : 'Failed';
      return {
        commandId,
        instanceId,
        status,
        statusDetails: status,
        responseCode: answer.exitCode,
        output: answer.output,
      };
    });
    this.sent.push({ commandId, at: now.toISOString(), ...request, results });
    return [{ instanceIds: request.instanceIds, commandId }];
  }

  async listInvocations(commandId: string): Promise<InvocationResult[]> {
    const command = this.sent.find((sent) => sent.commandId === commandId);
    if (!command) return [];
    const poll = (this.polls.get(commandId) ?? 0) + 1;
    this.polls.set(commandId, poll);
    if (poll > 1) return [...command.results];
    return command.results.map(({ commandId: id, instanceId }) => ({
      commandId: id,
      instanceId,
      status: 'InProgress',
      statusDetails: 'InProgress',
      output: '',
    }));
  }

  host(instanceId: string): SimulatedHost | undefined {
    return this.hosts.get(instanceId);
  }
}

/** EC2's view of the replication servers: their private IPs, for CheckConnectivity's port 1500 probe. */
export class SimulatedReplicationServers implements ReplicationServerLocator {
  constructor(private readonly privateIps: ReadonlyMap<string, string>) {}
  async findPrivateIps(instanceIds: readonly string[]): Promise<Map<string, string>> {
    return new Map([...this.privateIps].filter(([id]) => instanceIds.includes(id)));
  }
}

export interface SimulatedAccountSpec {
  readonly start: Date;
  readonly servers: readonly SourceServer[];
  readonly nodes: readonly ManagedNode[];
  readonly hosts: readonly SimulatedHost[];
  readonly replicationServerIps: ReadonlyMap<string, string>;
  readonly replicationSettings: ReplicationSettings;
}

export class SimulatedAccount {
  readonly clock: ManualClock;
  readonly mgn: SimulatedMgn;
  readonly ssm: SimulatedSsm;
  readonly ledger = new InMemoryLedger();
  readonly publisher = new RecordingPublisher();
  readonly log = new MemoryLog();
  private readonly replicationServers: SimulatedReplicationServers;

  constructor(spec: SimulatedAccountSpec) {
    this.clock = new ManualClock(spec.start);
    this.mgn = new SimulatedMgn(spec.servers, this.clock, spec.replicationSettings);
    // Hosts are copied: a restart changes a host's state, and each demo starts from the same world.
    this.ssm = new SimulatedSsm(
      spec.nodes,
      spec.hosts.map((host) => ({ ...host })),
      this.clock,
    );
    this.replicationServers = new SimulatedReplicationServers(spec.replicationServerIps);
  }

  dependencies(): DoctorDependencies {
    return {
      servers: this.mgn,
      nodes: this.ssm,
      commands: this.ssm,
      publisher: this.publisher,
      ledger: this.ledger,
      replicationServers: this.replicationServers,
      clock: this.clock,
      log: this.log,
    };
  }

  /** Whether a RestartReplicationAgent command succeeded on this node, at any time so far. */
  agentRestartSucceeded(instanceId: string): boolean {
    return this.ssm.sent.some(
      (command) =>
        command.document === 'RestartReplicationAgent' &&
        command.results.some((result) => result.instanceId === instanceId && result.status === 'Success'),
    );
  }

  retryAccepted(sourceServerId: string): boolean {
    return this.mgn.calls.some((call) => call.sourceServerId === sourceServerId && call.outcome === 'accepted');
  }
}
