// In-memory implementations of the core's ports: the core tests run whole runs against these, no mocks.
import type {
  CommandBatchResult,
  CommandRequest,
  InvocationResult,
  ManagedNode,
  ReplicationSettings,
  SourceServer,
} from '../../lambdas/core/model';
import type { CommandRunner, ManagedNodeDirectory, SourceServerRepository } from '../../lambdas/core/ports';

export {
  InMemoryLedger,
  ManualClock as FixedClock,
  MemoryLog,
  RecordingPublisher,
} from '../../scripts/lib/in-memory-ports';

export class InMemorySourceServerRepository implements SourceServerRepository {
  readonly retried: string[] = [];
  readonly listCalls: ({ sourceServerIds?: readonly string[] } | undefined)[] = [];
  retryError?: Error;
  settings: ReplicationSettings = { bandwidthThrottling: 0, createPublicIP: false, dataPlaneRouting: 'PRIVATE_IP' };

  constructor(public servers: SourceServer[] = []) {}

  async listSourceServers(filter?: { readonly sourceServerIds?: readonly string[] }): Promise<SourceServer[]> {
    this.listCalls.push(filter);
    const live = this.servers.filter((server) => !server.isArchived);
    return filter?.sourceServerIds
      ? live.filter((server) => filter.sourceServerIds?.includes(server.sourceServerId))
      : live;
  }

  async retryDataReplication(sourceServerId: string): Promise<void> {
    if (this.retryError) throw this.retryError;
    this.retried.push(sourceServerId);
  }

  async getReplicationSettings(): Promise<ReplicationSettings> {
    return this.settings;
  }

  update(sourceServerId: string, change: Partial<SourceServer>): void {
    this.servers = this.servers.map((server) =>
      server.sourceServerId === sourceServerId ? { ...server, ...change } : server,
    );
  }
}

export class InMemoryNodeDirectory implements ManagedNodeDirectory {
  listCalls = 0;
  describeCalls: string[][] = [];
  constructor(public nodes: ManagedNode[] = []) {}

  async describeNodes(instanceIds: readonly string[]): Promise<ManagedNode[]> {
    this.describeCalls.push([...instanceIds]);
    return this.nodes.filter((node) => instanceIds.includes(node.instanceId));
  }

  async listNodes(): Promise<ManagedNode[]> {
    this.listCalls += 1;
    return [...this.nodes];
  }
}

/** How a host answers a document: status and output; `pendingPolls` keeps it InProgress for that many polls. */
export interface HostAnswer {
  readonly status: InvocationResult['status'];
  readonly output?: string;
  readonly responseCode?: number;
  readonly pendingPolls?: number;
}

export class RecordingCommandRunner implements CommandRunner {
  readonly sent: CommandRequest[] = [];
  readonly polls: string[] = [];
  /** Answer per `${document}/${instanceId}`, or per document; default Success. */
  answers = new Map<string, HostAnswer>();
  failSend?: (request: CommandRequest) => string | undefined;
  private readonly invocations = new Map<string, { request: CommandRequest; instanceId: string; polls: number }[]>();
  private counter = 0;

  async sendCommand(request: CommandRequest): Promise<CommandBatchResult[]> {
    this.sent.push(request);
    const error = this.failSend?.(request);
    if (error) return [{ instanceIds: request.instanceIds, error }];
    const commandId = `00000000-0000-4000-8000-${String(++this.counter).padStart(12, '0')}`;
    this.invocations.set(
      commandId,
      request.instanceIds.map((instanceId) => ({ request, instanceId, polls: 0 })),
    );
    return [{ instanceIds: request.instanceIds, commandId }];
  }

  async listInvocations(commandId: string): Promise<InvocationResult[]> {
    this.polls.push(commandId);
    return (this.invocations.get(commandId) ?? []).map((invocation) => {
      invocation.polls += 1;
      const answer = this.answers.get(`${invocation.request.document}/${invocation.instanceId}`) ??
        this.answers.get(invocation.request.document) ?? { status: 'Success' };
      const running = invocation.polls <= (answer.pendingPolls ?? 0);
      return {
        commandId,
        instanceId: invocation.instanceId,
        status: running ? 'InProgress' : answer.status,
        responseCode: running ? undefined : (answer.responseCode ?? (answer.status === 'Success' ? 0 : 1)),
        output: running ? '' : (answer.output ?? ''),
      };
    });
  }

  documentsSentTo(instanceId: string): string[] {
    return this.sent.filter((request) => request.instanceIds.includes(instanceId)).map((request) => request.document);
  }
}
