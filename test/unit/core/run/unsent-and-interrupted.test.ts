// What the doctor does when SSM refuses a node, when a run dies after sending, and when a value from AWS is not
// what a document parameter expects: one bad node, one crash, one odd value never costs the whole run.
import { numberedRuns } from '../../../fakes/runs';
import type { CommandBatchResult, CommandRequest } from '../../../../lambdas/core/model';
import type { DoctorDependencies } from '../../../../lambdas/core/run/run-doctor';
import { DEFAULT_SETTINGS, type DoctorSettings } from '../../../../lambdas/shared/settings';
import { aNodeFor, aStalledServer } from '../../../fakes/builders';
import {
  ManualClock,
  InMemoryLedger,
  InMemoryNodeDirectory,
  InMemorySourceServerRepository,
  MemoryLog,
  RecordingCommandRunner,
  RecordingPublisher,
} from '../../../../lambdas/adapters/in-memory';

/** SSM as it behaves for a node that is not valid for the account: the node is refused, the rest accepted. */
class RefusingCommandRunner extends RecordingCommandRunner {
  readonly refused = new Set<string>();
  refusal: 'REFUSED' | 'NOT_OPTED_IN' = 'REFUSED';

  async sendCommand(request: CommandRequest): Promise<CommandBatchResult[]> {
    const bad = request.instanceIds.filter((id) => this.refused.has(id));
    const good = request.instanceIds.filter((id) => !this.refused.has(id));
    const accepted = good.length > 0 ? await super.sendCommand({ ...request, instanceIds: good }) : [];
    const error = `InvalidInstanceId: Instances [[${bad.join(', ')}]] not in a valid state for account 111122223333`;
    return [...accepted, ...(bad.length > 0 ? [{ instanceIds: bad, error, refusal: this.refusal }] : [])];
  }
}

function setup(count: number, overrides: Partial<DoctorSettings> = {}, extras: Partial<DoctorDependencies> = {}) {
  const servers = Array.from({ length: count }, () => aStalledServer());
  const nodes = servers.map((server) => aNodeFor(server));
  const runner = new RefusingCommandRunner();
  const ledger = new InMemoryLedger();
  const publisher = new RecordingPublisher();
  const clock = new ManualClock();
  const settings: DoctorSettings = {
    ...DEFAULT_SETTINGS,
    resultWaitSeconds: 60,
    cooldownMinutes: 0,
    massStallThreshold: 0,
    ...overrides,
  };
  const deps: DoctorDependencies = {
    servers: new InMemorySourceServerRepository(servers),
    nodes: new InMemoryNodeDirectory(nodes),
    commands: runner,
    publisher,
    ledger,
    clock,
    log: new MemoryLog(),
    ...extras,
  };
  const runNext = numberedRuns('us-east-1');
  const run = (dependencies: DoctorDependencies = deps) => runNext({}, settings, dependencies);
  return { servers, nodes, runner, ledger, publisher, clock, deps, run };
}

describe('a node SSM refuses', () => {
  it.each([1, 150, 1000])('among %i stalled servers, only the refused one goes without its commands', async (count) => {
    const { servers, nodes, runner, ledger, run } = setup(count);
    const refusedNode = nodes[Math.floor(count / 2)]?.instanceId as string;
    runner.refused.add(refusedNode);

    const report = await run();

    const refusedServer = servers[Math.floor(count / 2)]?.sourceServerId as string;
    const byId = new Map(report.servers.map((server) => [server.server.sourceServerId, server]));
    expect(byId.get(refusedServer)).toMatchObject({ action: 'REPORTED', blocker: 'REFUSED' });
    expect(byId.get(refusedServer)?.detail).toMatch(/^nothing was sent: .*InvalidInstanceId/);
    expect(byId.get(refusedServer)?.detail).not.toContain('ran ');
    const treated = report.servers.filter((server) => server.action === 'TREATED');
    expect(treated).toHaveLength(count - 1);
    const entries = new Map((await ledger.loadEntries()).map((entry) => [entry.sourceServerId, entry]));
    expect(entries.get(refusedServer)).toMatchObject({ attempts: 0, treatments: [], blocker: 'REFUSED' });
    for (const server of treated) expect(entries.get(server.server.sourceServerId)?.attempts).toBe(1);
  });

  it('is never escalated over many runs, because no treatment was ever sent to it', async () => {
    const { nodes, runner, ledger, run, clock } = setup(3, { maxAttempts: 2 });
    runner.refused.add(nodes[1]?.instanceId as string);
    for (let attempt = 0; attempt < 6; attempt++) {
      await run();
      clock.advanceMinutes(61);
    }
    const entries = await ledger.loadEntries();
    const escalated = entries.filter((entry) => entry.status === 'ESCALATED');
    expect(escalated).toHaveLength(2);
    for (const entry of escalated)
      expect(entry.treatments.every((treatment) => treatment.commands.length > 0)).toBe(true);
    expect(entries.find((entry) => entry.blocker === 'REFUSED')).toMatchObject({ status: 'OPEN', attempts: 0 });
  });

  it("a node IAM's tag guard keeps out is reported as not opted in", async () => {
    const { nodes, runner, run } = setup(2);
    runner.refused.add(nodes[0]?.instanceId as string);
    runner.refusal = 'NOT_OPTED_IN';
    const report = await run();
    expect(report.servers.find((server) => server.blocker === 'NOT_OPTED_IN')).toMatchObject({ action: 'REPORTED' });
    expect(report.servers.filter((server) => server.action === 'TREATED')).toHaveLength(1);
  });
});

describe('a run that dies after sending', () => {
  it('leaves every accepted command in the ledger, and the next run reports each result', async () => {
    const { deps, ledger, publisher, run, clock } = setup(3, { cooldownMinutes: 60 });
    // The run dies while it waits for results (a timeout, out of memory): its sleep never returns.
    const dying: DoctorDependencies = {
      ...deps,
      clock: { now: () => deps.clock.now(), sleep: () => Promise.reject(new Error('Task timed out')) },
      commands: {
        sendCommand: (request) => deps.commands.sendCommand(request),
        listInvocations: async (commandId) =>
          (await deps.commands.listInvocations(commandId)).map((result) => ({
            ...result,
            status: 'InProgress' as const,
          })),
      },
    };
    await expect(run(dying)).rejects.toThrow('Task timed out');
    expect(publisher.published).toHaveLength(0);
    const afterCrash = await ledger.loadEntries();
    expect(afterCrash).toHaveLength(3);
    for (const entry of afterCrash) expect(entry.treatments[0]?.commands).toHaveLength(3);

    clock.advanceMinutes(15); // the next scheduled run, after the dead run's claims lapsed
    const report = await run();
    for (const entry of await ledger.loadEntries()) {
      expect(entry.treatments).toHaveLength(1);
      expect(entry.treatments[0]?.commands.map((command) => command.status)).toEqual(['Success', 'Success', 'Success']);
    }
    expect(publisher.published).toHaveLength(1);
    expect(report.servers.every((server) => server.news === 'NEW')).toBe(true);
  });
});

describe('values from AWS that a document parameter would reject', () => {
  it('a replication-server address that is not an IPv4 address costs only its own host the port-1500 target', async () => {
    const { servers, nodes, runner, run } = setup(0);
    const network = [1, 2, 3].map((n) =>
      aStalledServer({ errorCode: 'UNSTABLE_NETWORK', replicatorId: `i-0000000000000000${n}` }),
    );
    const deps = setup(0).deps;
    const found = new Map([
      ['i-00000000000000001', '10.0.1.5'],
      ['i-00000000000000002', '10.0.1.6; reboot'],
      ['i-00000000000000003', '10.0.1.7'],
    ]);
    const report = await run({
      ...deps,
      commands: runner,
      servers: new InMemorySourceServerRepository([...servers, ...network]),
      nodes: new InMemoryNodeDirectory([...nodes, ...network.map((server) => aNodeFor(server))]),
      replicationServers: { findPrivateIps: async () => found },
    });
    const connectivity = runner.sent.find((request) => request.document === 'CheckConnectivity');
    expect(Object.values(connectivity?.instanceParameters?.replicationServerIps ?? {})).toEqual([
      '10.0.1.5',
      '10.0.1.7',
    ]);
    expect(connectivity?.instanceIds).toHaveLength(3);
    expect(report.servers.filter((server) => server.action === 'TREATED')).toHaveLength(3);
  });

  it('an error code that is not an UPPER_SNAKE word never reaches the command comment', async () => {
    const odd = aStalledServer({ errorCode: 'X; $(reboot)\nforged' });
    const { runner, deps, run } = setup(0);
    await run({
      ...deps,
      servers: new InMemorySourceServerRepository([odd]),
      nodes: new InMemoryNodeDirectory([aNodeFor(odd)]),
    });
    expect(runner.sent.length).toBeGreaterThan(0);
    for (const request of runner.sent)
      expect(request.comment).toBe('mgn-replication-doctor run run1: STALLED UNRECOGNIZED_CODE');
  });
});

describe('publishing and the ledger', () => {
  it('news that was published is not sent again when the ledger writes after the publish fail', async () => {
    const { ledger, publisher, deps, run, clock } = setup(2, { cooldownMinutes: 60 });
    // A DynamoDB outage that starts the moment SNS accepted the digest.
    const failingAfterPublish = {
      loadEntries: () => ledger.loadEntries(),
      saveEntries: async (entries: Parameters<InMemoryLedger['saveEntries']>[0]) => {
        if (publisher.published.length === 0) return ledger.saveEntries(entries);
        return entries.map(() => ({ failed: new Error('ServiceUnavailable: DynamoDB is down') }));
      },
    };
    await run({ ...deps, ledger: failingAfterPublish });
    expect(publisher.published).toHaveLength(1);

    clock.advanceMinutes(15);
    await run();
    expect(publisher.published).toHaveLength(1);
  });

  it('news whose publish failed is sent by the next run', async () => {
    const { publisher, run, clock } = setup(2, { cooldownMinutes: 60 });
    publisher.failures = 1;
    await expect(run()).rejects.toThrow();
    expect(publisher.published).toHaveLength(0);
    clock.advanceMinutes(15);
    await run();
    expect(publisher.published).toHaveLength(1);
    expect(publisher.published[0]?.text).toContain('[NEW]');
  });

  it('a failing extra channel never fails the run nor keeps the digest from the topic', async () => {
    const failing = { publish: async () => Promise.reject(new Error('chat is down')) };
    const { publisher, deps, run } = setup(1);
    const report = await run({ ...deps, channels: [failing] });
    expect(report.published).toBe(true);
    expect(publisher.published).toHaveLength(1);
  });
});
