// A simulated AWS account for the offline demo. MGN, the SSM inventory, the ledger and the publisher are the
// in-memory ports (lambdas/adapters/in-memory); what this file adds are hosts that answer Run Command from their
// own state. The clock is simulated, so a demo of several hours runs in milliseconds without any network.
import type {
  CommandBatchResult,
  CommandRequest,
  DocumentRole,
  InvocationResult,
  ManagedNode,
  MigrationApplication,
  MigrationWave,
  ReplicationSettings,
  SourceServer,
} from '../../lambdas/core/model';
import type { Clock, CommandRunner } from '../../lambdas/core/ports';
import type { DoctorDependencies } from '../../lambdas/core/run/run-doctor';
import { parametersForBatch } from '../../lambdas/core/command-parameters';
import {
  InMemoryLedger,
  InMemoryNodeDirectory,
  InMemoryReplicationServerLocator,
  InMemorySourceServerRepository,
  ManualClock,
  MemoryLog,
  RecordingPublisher,
} from '../../lambdas/adapters/in-memory';
import { answerDocument, type SimulatedHost } from './simulated-host-output';

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

/** SSM Run Command on simulated hosts: each host answers from its own state; InProgress on the first poll. */
export class SimulatedRunCommand implements CommandRunner {
  readonly sent: SentCommand[] = [];
  private readonly polls = new Map<string, number>();
  private readonly hosts: ReadonlyMap<string, SimulatedHost>;

  constructor(
    hosts: readonly SimulatedHost[],
    private readonly clock: Clock,
  ) {
    this.hosts = new Map(hosts.map((host) => [host.instanceId, host]));
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

export interface SimulatedAccountSpec {
  readonly start: Date;
  readonly servers: readonly SourceServer[];
  readonly nodes: readonly ManagedNode[];
  readonly hosts: readonly SimulatedHost[];
  readonly replicationServerIps: ReadonlyMap<string, string>;
  readonly replicationSettings: ReplicationSettings;
  /** The migration's MGN applications and waves; none by default. */
  readonly applications?: readonly MigrationApplication[];
  readonly waves?: readonly MigrationWave[];
}

export class SimulatedAccount {
  readonly clock: ManualClock;
  readonly mgn: InMemorySourceServerRepository;
  readonly nodes: InMemoryNodeDirectory;
  readonly ssm: SimulatedRunCommand;
  readonly ledger = new InMemoryLedger();
  readonly publisher = new RecordingPublisher();
  readonly log = new MemoryLog();
  private readonly replicationServers: InMemoryReplicationServerLocator;

  /** `clock`: one shared by several accounts (a hub's program run), else the account's own from `spec.start`. */
  constructor(spec: SimulatedAccountSpec, clock = new ManualClock(spec.start)) {
    this.clock = clock;
    this.mgn = new InMemorySourceServerRepository([...spec.servers], this.clock);
    this.mgn.settings = spec.replicationSettings;
    this.mgn.applications = [...(spec.applications ?? [])];
    this.mgn.waves = [...(spec.waves ?? [])];
    this.nodes = new InMemoryNodeDirectory([...spec.nodes]);
    // Hosts are copied: a restart changes a host's state, and each demo starts from the same world.
    this.ssm = new SimulatedRunCommand(
      spec.hosts.map((host) => ({ ...host })),
      this.clock,
    );
    this.replicationServers = new InMemoryReplicationServerLocator(spec.replicationServerIps);
  }

  dependencies(): DoctorDependencies {
    return {
      servers: this.mgn,
      nodes: this.nodes,
      commands: this.ssm,
      publisher: this.publisher,
      ledger: this.ledger,
      freePeriodMarks: this.ledger,
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
    return this.mgn.retryCalls.some((call) => call.sourceServerId === sourceServerId && call.outcome === 'accepted');
  }
}
