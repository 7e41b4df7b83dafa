// Whole runs, and series of runs, against the in-memory ports: what the doctor does in one run and over time.
import { numberedRuns } from '../../fakes/runs';
import type { DoctorDependencies, RunRequest } from '../../../lambdas/core/run/run-doctor';
import type { ManagedNode, SourceServer } from '../../../lambdas/core/model';
import { DEFAULT_SETTINGS, type DoctorSettings } from '../../../lambdas/shared/settings';
import { aNodeFor, aServer, aStalledServer } from '../../fakes/builders';
import {
  ManualClock,
  InMemoryLedger,
  InMemoryNodeDirectory,
  InMemorySourceServerRepository,
  MemoryLog,
  RecordingCommandRunner,
  RecordingPublisher,
} from '../../../lambdas/adapters/in-memory';

const AGENT_OK =
  'MGN_DOCTOR check=agent status=RUNNING service=aws-replication-agent active_state=active version=1.2.3';

function setup(
  servers: SourceServer[],
  nodes: ManagedNode[],
  overrides: Partial<DoctorSettings> = {},
  extras: Partial<DoctorDependencies> = {},
) {
  const repository = new InMemorySourceServerRepository(servers);
  const directory = new InMemoryNodeDirectory(nodes);
  const runner = new RecordingCommandRunner();
  const publisher = new RecordingPublisher();
  const ledger = new InMemoryLedger();
  const clock = new ManualClock();
  const log = new MemoryLog();
  const settings: DoctorSettings = { ...DEFAULT_SETTINGS, resultWaitSeconds: 60, ...overrides };
  const runNext = numberedRuns('us-east-1');
  const run = (request: Partial<RunRequest> = {}, settingsOverride: Partial<DoctorSettings> = {}) =>
    runNext(
      request,
      { ...settings, ...settingsOverride },
      { servers: repository, nodes: directory, commands: runner, publisher, ledger, clock, log, ...extras },
    );
  runner.answers.set('RestartReplicationAgent', { status: 'Success', output: AGENT_OK });
  return { repository, directory, runner, publisher, ledger, clock, log, run };
}

describe('one run: list, classify, resolve, treat, collect and publish', () => {
  it('treats a stalled host, collects the results and publishes one digest', async () => {
    const stalled = aStalledServer({ hostname: 'web01', fqdn: 'web01.corp.example.com' });
    const healthy = aServer();
    const { runner, publisher, run } = setup([stalled, healthy], [aNodeFor(stalled), aNodeFor(healthy)]);

    const report = await run();

    expect(runner.sent.map((request) => request.document)).toEqual([
      'RestartReplicationAgent',
      'CheckDiskSpace',
      'CheckConnectivity',
    ]);
    const disk = runner.sent.find((request) => request.document === 'CheckDiskSpace');
    expect(disk?.parameters).toEqual({ minFreeRootMiB: ['2048'], minFreeTmpMiB: ['500'] });
    expect(runner.sent.find((request) => request.document === 'CheckConnectivity')).toMatchObject({
      parameters: { region: ['us-east-1'] },
      instanceParameters: { replicationServerIps: {} },
    });
    for (const request of runner.sent) {
      expect(request.comment.length).toBeLessThanOrEqual(100);
      expect(request.comment).toBe('mgn-replication-doctor run run1: STALLED AGENT_NOT_SEEN');
    }
    expect(report.counts).toMatchObject({ STALLED: 1, HEALTHY: 1 });
    expect(report.commandsSent).toBe(3);
    expect(report.servers).toHaveLength(1);
    expect(report.servers[0]).toMatchObject({ action: 'TREATED', news: 'NEW' });
    expect(publisher.published).toHaveLength(1);
    const [digest] = publisher.published;
    expect(digest?.subject).toBe('MGN us-east-1: 1 stalled (111122223333)');
    expect(digest?.text).toContain(stalled.sourceServerId);
    expect(digest?.text).toContain('RestartReplicationAgent on');
    expect(digest?.text).toContain('check=agent status=RUNNING');
    expect(digest?.text).toContain('https://us-east-1.console.aws.amazon.com/systems-manager/run-command/');
    expect(digest?.sms.length).toBeLessThanOrEqual(140);
  });

  it('dry run: decides and reports, but sends nothing and writes nothing', async () => {
    const stalled = aStalledServer();
    const { runner, publisher, ledger, run } = setup([stalled], [aNodeFor(stalled)], { dryRun: true });

    const report = await run();

    expect(runner.sent).toHaveLength(0);
    expect(ledger.writes).toBe(0);
    expect(report.servers[0]).toMatchObject({ action: 'WOULD_TREAT', target: { status: 'RESOLVED' } });
    expect(report.servers[0]?.detail).toMatch(
      /^would run RestartReplicationAgent, CheckDiskSpace, CheckConnectivity on mi-/,
    );
    expect(publisher.published[0]?.subject).toMatch(/^\[dry run\] MGN us-east-1/);
    expect(publisher.published[0]?.text).toContain('DRY RUN');
  });

  it('leaves intentional states alone and counts them', async () => {
    const servers = [
      aServer({ lifeCycleState: 'CUTOVER', dataReplicationState: 'DISCONNECTED' }),
      aServer({ dataReplicationState: 'PAUSED' }),
      aServer({ dataReplicationState: 'STALLED', tags: { 'mgn-doctor:opt-out': 'yes' } }),
    ];
    const { runner, publisher, run } = setup(
      servers,
      servers.map((server) => aNodeFor(server)),
    );

    const report = await run();

    expect(report.counts.IGNORED).toBe(3);
    expect(runner.sent).toHaveLength(0);
    expect(publisher.published).toHaveLength(0);
  });

  it('reports an unmanaged host with advice and runs nothing', async () => {
    const stalled = aStalledServer({ ips: ['10.9.9.9'] });
    const { runner, publisher, run } = setup([stalled], []);

    const report = await run();

    expect(runner.sent).toHaveLength(0);
    expect(report.servers[0]).toMatchObject({ action: 'REPORTED', blocker: 'UNMANAGED' });
    expect(publisher.published[0]?.text).toContain('No SSM managed node matches this host');
  });

  it('one host whose command cannot be sent does not stop the others', async () => {
    const [a, b] = [aStalledServer(), aStalledServer({ errorCode: 'UNSTABLE_NETWORK' })] as const;
    const { runner, publisher, run } = setup([a, b], [aNodeFor(a), aNodeFor(b)]);
    // Only `a` gets a disk check (AGENT_NOT_SEEN); `b` (UNSTABLE_NETWORK) does not.
    runner.failSend = (request) =>
      request.document === 'CheckDiskSpace' ? 'InvalidInstanceId: not registered' : undefined;

    const report = await run();

    expect(report.servers.map((server) => server.action)).toEqual(['TREATED', 'TREATED']);
    const [entryA, entryB] = report.servers.map((server) => server.entry?.treatments[0]);
    expect(entryA?.sendErrors).toEqual(['CheckDiskSpace: InvalidInstanceId: not registered']);
    expect(entryA?.commands.map((command) => `${command.document}:${command.status}`)).toEqual([
      'RestartReplicationAgent:Success',
      'CheckConnectivity:Success',
    ]);
    expect(entryB?.sendErrors).toBeUndefined();
    expect(entryB?.commands.map((command) => command.status)).toEqual(['Success', 'Success']);
    expect(publisher.published[0]?.text).toContain('Not sent: CheckDiskSpace: InvalidInstanceId: not registered');
  });

  it('sends one request per document for 120 hosts (the adapter splits it into batches of 50)', async () => {
    const servers = Array.from({ length: 120 }, () => aStalledServer());
    // Every host at once: the mass-stall sample (massStallThreshold) is switched off here.
    const { runner, directory, run } = setup(
      servers,
      servers.map((server) => aNodeFor(server)),
      { massStallThreshold: 0 },
    );

    await run();

    expect(runner.sent).toHaveLength(3);
    expect(runner.sent.every((request) => request.instanceIds.length === 120)).toBe(true);
    expect(runner.sent[0]?.comment).toBe('mgn-replication-doctor run run1: STALLED AGENT_NOT_SEEN x120');
    expect(directory.listCalls).toBe(1);
  });

  it('never passes a malformed node-ID tag to SSM', async () => {
    const tagged = aStalledServer({ tags: { 'mgn-doctor:ssm-node-id': 'mi-123; reboot' }, awsInstanceId: undefined });
    const byId = aStalledServer({ awsInstanceId: 'i-0abc1234def567890' });
    const { directory, run } = setup(
      [tagged, byId],
      [{ instanceId: 'i-0abc1234def567890', pingStatus: 'Online', platformType: 'Linux' }],
    );

    const report = await run();

    expect(directory.describeCalls).toEqual([['i-0abc1234def567890']]);
    expect(report.servers.find((entry) => entry.server.sourceServerId === tagged.sourceServerId)).toMatchObject({
      action: 'REPORTED',
      blocker: 'UNMANAGED',
    });
  });

  it('asks SSM only for the named nodes when every target is known by ID', async () => {
    const stalled = aStalledServer({ awsInstanceId: 'i-0abc1234def567890' });
    const { directory, runner, run } = setup(
      [stalled],
      [{ instanceId: 'i-0abc1234def567890', pingStatus: 'Online', platformType: 'Linux' }],
    );

    await run();

    expect(directory.listCalls).toBe(0);
    expect(directory.describeCalls).toEqual([['i-0abc1234def567890']]);
    expect(runner.sent[0]?.instanceIds).toEqual(['i-0abc1234def567890']);
  });

  it('an event run lists only the server named in the event', async () => {
    const [a, b] = [aStalledServer(), aStalledServer()] as const;
    const [nodeA, nodeB] = [aNodeFor(a), aNodeFor(b)];
    const { repository, runner, run } = setup([a, b], [nodeA, nodeB]);

    await run({ trigger: 'event', sourceServerIds: [b.sourceServerId] });

    expect(repository.listCalls).toEqual([{ sourceServerIds: [b.sourceServerId] }]);
    expect(runner.documentsSentTo(nodeA.instanceId)).toEqual([]);
    expect(runner.documentsSentTo(nodeB.instanceId)).toEqual([
      'RestartReplicationAgent',
      'CheckDiskSpace',
      'CheckConnectivity',
    ]);
  });

  it('an event run acts at once and leaves the results to the next scheduled run', async () => {
    const server = aStalledServer();
    const { runner, ledger, clock, run } = setup([server], [aNodeFor(server)], { resultWaitSeconds: 120 });
    runner.answers.set('RestartReplicationAgent', { status: 'Success', output: AGENT_OK, pendingPolls: 1 });
    const started = clock.now().getTime();

    await run({ trigger: 'event', sourceServerIds: [server.sourceServerId] });

    expect(clock.now().getTime()).toBe(started);
    expect(
      ledger
        .get(server.sourceServerId)
        ?.treatments[0]?.commands.find((command) => command.document === 'RestartReplicationAgent')?.status,
    ).toBe('InProgress');
    clock.advanceMinutes(15);
    const next = await run();
    expect(next.servers[0]).toMatchObject({ action: 'COOLDOWN', news: 'OUTCOME' });
  });

  it('a run with nothing affected touches only the listing and the ledger', async () => {
    const { directory, runner, publisher, ledger, run } = setup([aServer(), aServer()], []);

    await run();

    expect(directory.listCalls + directory.describeCalls.length).toBe(0);
    expect(runner.sent).toHaveLength(0);
    expect(publisher.published).toHaveLength(0);
    expect(ledger.writes).toBe(0);
  });
});

describe('service-side errors: RetryDataReplication, only when enabled and stalled', () => {
  const snapshotStall = () => aStalledServer({ errorCode: 'SNAPSHOTS_FAILURE' });

  it('reports a service-side error without acting while RetryDataReplication is off', async () => {
    const server = snapshotStall();
    const { repository, runner, run } = setup([server], [aNodeFor(server)]);

    const report = await run();

    expect(repository.retried).toEqual([]);
    expect(runner.sent).toEqual([]);
    expect(report.servers[0]).toMatchObject({ action: 'REPORTED', blocker: 'SERVICE_RETRY_DISABLED' });
  });

  it('retries on the service side when enabled, and never runs anything on the host', async () => {
    const server = snapshotStall();
    const { repository, runner, publisher, run } = setup([server], [aNodeFor(server)], {
      retryServiceSideErrors: true,
    });

    await run();

    expect(repository.retried).toEqual([server.sourceServerId]);
    expect(runner.sent).toEqual([]);
    expect(publisher.published[0]?.text).toContain('RetryDataReplication: SUCCEEDED');
  });

  it('never retries on the service side for a server that is not stalled', async () => {
    const disconnected = aServer({ dataReplicationState: 'DISCONNECTED', errorCode: 'SNAPSHOTS_FAILURE' });
    const { repository, run } = setup([disconnected], [aNodeFor(disconnected)], { retryServiceSideErrors: true });

    const report = await run();

    expect(repository.retried).toEqual([]);
    expect(report.servers[0]?.detail).toMatch(/^ran RestartReplicationAgent, CheckDiskSpace on mi-/);
  });

  it('a refusal from MGN is an outcome, not a crash', async () => {
    const server = snapshotStall();
    const { repository, publisher, run } = setup([server], [], { retryServiceSideErrors: true });
    repository.retryError = Object.assign(new Error('Source server is not stalled'), { name: 'ValidationException' });

    await expect(run()).resolves.toBeDefined();
    expect(publisher.published[0]?.text).toContain(
      'RetryDataReplication: REFUSED (ValidationException: Source server is not stalled)',
    );
  });
});

describe('diagnosis: service roles, replication-server IPs and replication settings', () => {
  it("checks MGN's service roles once per run, only when a service-side error appears", async () => {
    const servers = [
      aStalledServer({ errorCode: 'SNAPSHOTS_FAILURE' }),
      aStalledServer({ errorCode: 'FAILED_TO_CREATE_STAGING_DISKS' }),
    ];
    let checks = 0;
    const serviceRoles = {
      findMissingRoles: async () => {
        checks++;
        return ['AWSApplicationMigrationReplicationServerRole'];
      },
    };
    const { publisher, run } = setup(servers, [], {}, { serviceRoles });

    const report = await run();

    expect(checks).toBe(1);
    expect(report.missingServiceRoles).toEqual(['AWSApplicationMigrationReplicationServerRole']);
    expect(publisher.published[0]?.text).toContain(
      "MGN's IAM roles missing in this account: AWSApplicationMigrationReplicationServerRole",
    );
  });

  it('does not check the roles when no service-side error appears', async () => {
    const server = aStalledServer();
    let checks = 0;
    const { run } = setup(
      [server],
      [aNodeFor(server)],
      {},
      {
        serviceRoles: {
          findMissingRoles: async () => {
            checks++;
            return [];
          },
        },
      },
    );
    await run();
    expect(checks).toBe(0);
  });

  it("checks connectivity to each host's own replication server, and shows each target's result", async () => {
    const [a, b, c] = [
      aStalledServer({ errorCode: 'UNSTABLE_NETWORK', replicatorId: 'i-0aaaaaaaaaaaaaaaa' }),
      aStalledServer({ errorCode: 'UNSTABLE_NETWORK', replicatorId: 'i-0aaaaaaaaaaaaaaaa' }),
      aStalledServer({
        errorCode: 'FAILED_TO_CONNECT_AGENT_TO_REPLICATION_SERVER',
        replicatorId: 'i-0bbbbbbbbbbbbbbbb',
      }),
    ] as const;
    const replicationServers = {
      findPrivateIps: async () =>
        new Map([
          ['i-0aaaaaaaaaaaaaaaa', '10.0.1.5'],
          ['i-0bbbbbbbbbbbbbbbb', '10.0.1.6'],
        ]),
    };
    const [nodeA, nodeB, nodeC] = [aNodeFor(a), aNodeFor(b), aNodeFor(c)];
    const { runner, publisher, run } = setup([a, b, c], [nodeA, nodeB, nodeC], {}, { replicationServers });
    runner.answers.set('CheckConnectivity', {
      status: 'Failed',
      output: [
        'MGN_DOCTOR check=connectivity status=FAILED reachable=1 failed=1',
        'MGN_DOCTOR check=connectivity target=mgn.us-east-1.amazonaws.com:443 result=reachable probe=tls',
        'MGN_DOCTOR check=connectivity target=10.0.1.5:1500 result=timed_out probe=tcp',
      ].join('\n'),
    });

    await run();

    // One request for all three hosts: each host's own replication server travels as a per-host value.
    const checks = runner.sent.filter((request) => request.document === 'CheckConnectivity');
    expect(checks).toHaveLength(1);
    expect(checks[0]?.instanceParameters).toEqual({
      replicationServerIps: {
        [nodeA.instanceId]: '10.0.1.5',
        [nodeB.instanceId]: '10.0.1.5',
        [nodeC.instanceId]: '10.0.1.6',
      },
    });
    expect(publisher.published[0]?.text).toContain('CheckConnectivity on');
    expect(publisher.published[0]?.text).toContain(
      'status=FAILED: mgn.us-east-1.amazonaws.com:443 reachable, 10.0.1.5:1500 timed_out',
    );
  });

  it('looks up replication servers only for network-class errors (443 is what an unseen agent needs)', async () => {
    const server = aStalledServer({ errorCode: 'AGENT_NOT_SEEN', replicatorId: 'i-0aaaaaaaaaaaaaaaa' });
    let lookups = 0;
    const replicationServers = {
      findPrivateIps: async () => {
        lookups++;
        return new Map([['i-0aaaaaaaaaaaaaaaa', '10.0.1.5']]);
      },
    };
    const { runner, run } = setup([server], [aNodeFor(server)], {}, { replicationServers });

    await run();

    expect(lookups).toBe(0);
    expect(runner.sent.find((request) => request.document === 'CheckConnectivity')?.instanceParameters).toEqual({
      replicationServerIps: {},
    });
  });

  it('shows the replication settings next to network advice', async () => {
    const server = aStalledServer({ errorCode: 'UNSTABLE_NETWORK' });
    const { repository, publisher, run } = setup([server], [aNodeFor(server)]);
    repository.settings = {
      bandwidthThrottling: 50,
      createPublicIP: false,
      dataPlaneRouting: 'PRIVATE_IP',
      stagingAreaSubnetId: 'subnet-0123456789abcdef0',
    };

    await run();

    expect(publisher.published[0]?.text).toContain(
      'Replication settings: bandwidth throttling 50 Mbps, data routing PRIVATE_IP, public IP no, staging subnet subnet-0123456789abcdef0',
    );
  });

  it('a failing replication-server lookup still runs the connectivity check, without port 1500', async () => {
    const server = aStalledServer({ errorCode: 'UNSTABLE_NETWORK', replicatorId: 'i-0aaaaaaaaaaaaaaaa' });
    const replicationServers = {
      findPrivateIps: async (): Promise<Map<string, string>> => {
        throw new Error('UnauthorizedOperation');
      },
    };
    const { runner, run } = setup([server], [aNodeFor(server)], {}, { replicationServers });

    await run();

    expect(runner.sent.find((request) => request.document === 'CheckConnectivity')?.instanceParameters).toEqual({
      replicationServerIps: {},
    });
  });
});

describe('over several runs: results, cooldown, escalation, recovery and no duplicate alerts', () => {
  it('stall → treated → still stalled → … → escalated once, then hands off', async () => {
    const server = aStalledServer();
    const { runner, publisher, clock, ledger, run } = setup([server], [aNodeFor(server)], {
      maxAttempts: 3,
      cooldownMinutes: 60,
    });
    const treatments = (): number =>
      runner.sent.filter((request) => request.document === 'RestartReplicationAgent').length;

    await run();
    expect(treatments()).toBe(1);
    for (let attempt = 2; attempt <= 3; attempt++) {
      clock.advanceMinutes(61);
      await run();
      expect(treatments()).toBe(attempt);
    }
    clock.advanceMinutes(61);
    const escalation = await run();
    expect(treatments()).toBe(3);
    expect(escalation.servers[0]).toMatchObject({ action: 'ESCALATED', news: 'ESCALATED' });
    expect(ledger.get(server.sourceServerId)).toMatchObject({ status: 'ESCALATED', attempts: 3 });
    const message = publisher.published.at(-1);
    expect(message?.subject).toContain('1 escalated');
    expect(message?.text).toContain('Escalated: a person needs to look');
    expect(message?.text).toMatch(/History: #1 .*#2 .*#3 /);
    expect(message?.text).toContain('Advice: MGN has not heard from the AWS Replication Agent');

    const published = publisher.published.length;
    clock.advanceMinutes(61);
    await run();
    expect(treatments()).toBe(3);
    expect(publisher.published).toHaveLength(published);
  });

  it('stall → treated → recovered: reported once, with the time it took, and the entry closed', async () => {
    const server = aStalledServer();
    const { repository, publisher, ledger, clock, run } = setup([server], [aNodeFor(server)]);

    await run();
    clock.advanceMinutes(15);
    repository.update(server.sourceServerId, { dataReplicationState: 'CONTINUOUS', errorCode: undefined });
    const recovery = await run();

    expect(recovery.servers[0]).toMatchObject({ action: 'RECOVERED', news: 'RECOVERED' });
    expect(publisher.published.at(-1)?.subject).toBe('MGN us-east-1: 1 recovered (111122223333)');
    expect(publisher.published.at(-1)?.text).toMatch(
      /recovered \(continuous replication\) after 1 treatment\(s\): RestartReplicationAgent, CheckDiskSpace, CheckConnectivity/,
    );
    expect(publisher.published.at(-1)?.text).toContain('followed since 2026-11-26T08:00:00.000Z (15m)');
    const entry = ledger.get(server.sourceServerId);
    expect(entry).toMatchObject({ status: 'CLOSED', closedReason: 'RECOVERED' });
    expect(entry?.expiresAt).toBe(Math.floor(Date.parse('2026-11-26T08:15:00Z') / 1000) + 30 * 86_400);

    clock.advanceMinutes(15);
    const count = publisher.published.length;
    await run();
    expect(publisher.published).toHaveLength(count);
  });

  it('a server that stalls again days after recovering is followed afresh', async () => {
    const server = aStalledServer();
    const { repository, runner, ledger, clock, run } = setup([server], [aNodeFor(server)]);
    await run();
    clock.advanceMinutes(15);
    repository.update(server.sourceServerId, { dataReplicationState: 'CONTINUOUS' });
    await run();
    clock.advanceMinutes(3 * 24 * 60);
    repository.update(server.sourceServerId, { dataReplicationState: 'STALLED' });

    const report = await run();

    expect(report.servers[0]).toMatchObject({ action: 'TREATED', news: 'NEW' });
    expect(ledger.get(server.sourceServerId)).toMatchObject({ status: 'OPEN', attempts: 1 });
    expect(runner.sent.filter((request) => request.document === 'RestartReplicationAgent')).toHaveLength(2);
  });

  it('a server that keeps relapsing soon after each recovery still escalates', async () => {
    const server = aStalledServer();
    const { repository, ledger, clock, run } = setup([server], [aNodeFor(server)], {
      maxAttempts: 2,
      cooldownMinutes: 60,
    });
    for (let cycle = 0; cycle < 2; cycle++) {
      await run();
      clock.advanceMinutes(61);
      repository.update(server.sourceServerId, { dataReplicationState: 'INITIAL_SYNC' });
      await run();
      clock.advanceMinutes(61);
      repository.update(server.sourceServerId, { dataReplicationState: 'STALLED' });
    }

    const report = await run();

    expect(report.servers[0]).toMatchObject({ action: 'ESCALATED' });
    expect(ledger.get(server.sourceServerId)).toMatchObject({ status: 'ESCALATED', attempts: 2 });
  });

  it('writes nothing for a followed server with no change', async () => {
    const server = aStalledServer({ ips: ['10.9.9.9'] });
    const { ledger, clock, run } = setup([server], []);
    await run();
    const writes = ledger.writes;
    clock.advanceMinutes(15);

    await run();

    expect(ledger.writes).toBe(writes);
  });

  it('results still running at the end of the wait are collected and reported by the next run', async () => {
    const server = aStalledServer();
    const { runner, publisher, ledger, clock, run } = setup([server], [aNodeFor(server)], { resultWaitSeconds: 5 });
    // Polled at 0 s, 2 s and 5 s within the 5-second budget; the fourth look (next run) finds it done.
    runner.answers.set('RestartReplicationAgent', { status: 'Success', output: AGENT_OK, pendingPolls: 3 });

    await run();
    const pending = ledger
      .get(server.sourceServerId)
      ?.treatments[0]?.commands.find((command) => command.document === 'RestartReplicationAgent');
    expect(pending?.status).toBe('InProgress');
    expect(publisher.published[0]?.text).toMatch(/RestartReplicationAgent on mi-\d+: InProgress/);

    clock.advanceMinutes(15);
    const next = await run();
    expect(next.servers[0]).toMatchObject({ action: 'COOLDOWN', news: 'OUTCOME' });
    expect(publisher.published.at(-1)?.text).toContain('check=agent status=RUNNING');
    expect(runner.sent.filter((request) => request.document === 'RestartReplicationAgent')).toHaveLength(1);
  });

  it('keeps waiting while results are pending, even past the cooldown', async () => {
    const server = aStalledServer();
    const { runner, clock, run } = setup([server], [aNodeFor(server)], { resultWaitSeconds: 0 });
    runner.answers.set('RestartReplicationAgent', { status: 'Success', pendingPolls: 100 });
    await run();
    clock.advanceMinutes(90);

    const report = await run();

    expect(report.servers[0]).toMatchObject({ action: 'WAITING_FOR_RESULTS' });
    expect(runner.sent.filter((request) => request.document === 'RestartReplicationAgent')).toHaveLength(1);
  });

  it('stops waiting for results SSM never reports', async () => {
    const server = aStalledServer();
    const { runner, ledger, clock, run } = setup([server], [aNodeFor(server)], { resultWaitSeconds: 0 });
    runner.answers.set('RestartReplicationAgent', { status: 'Success', pendingPolls: 1000 });
    await run();
    clock.advanceMinutes(200);

    const report = await run();

    expect(report.servers[0]).toMatchObject({ action: 'TREATED' });
    expect(ledger.get(server.sourceServerId)?.treatments[0]?.commands[0]).toMatchObject({
      status: 'TimedOut',
      statusDetails: 'No result from SSM within 3 hours',
    });
  });

  it('respects the cooldown and publishes nothing when nothing changed', async () => {
    const server = aStalledServer();
    const { runner, publisher, clock, run } = setup([server], [aNodeFor(server)], { cooldownMinutes: 60 });
    await run();
    clock.advanceMinutes(15);

    const second = await run();

    expect(second.servers[0]).toMatchObject({ action: 'COOLDOWN' });
    expect(second.servers[0]?.detail).toContain('next treatment not before 2026-11-26T09:00:00.000Z');
    expect(runner.sent).toHaveLength(3);
    expect(publisher.published).toHaveLength(1);
    expect(second.published).toBe(false);
  });

  it('reminds every reminderHours while something stays unresolved', async () => {
    const server = aStalledServer({ ips: ['10.9.9.9'] });
    const { publisher, clock, run } = setup([server], [], { reminderHours: 24 });
    await run();
    clock.advanceMinutes(23 * 60);
    await run();
    expect(publisher.published).toHaveLength(1);

    clock.advanceMinutes(60);
    const reminder = await run();

    expect(publisher.published).toHaveLength(2);
    expect(reminder.servers[0]).toMatchObject({ news: 'REMINDER' });
    expect(publisher.published[1]?.text).toContain('Reminder: still unresolved (1)');
  });

  it('a server cut over while followed is closed without a word', async () => {
    const server = aStalledServer();
    const { repository, publisher, ledger, clock, runner, run } = setup([server], [aNodeFor(server)]);
    await run();
    clock.advanceMinutes(15);
    repository.update(server.sourceServerId, { lifeCycleState: 'CUTOVER', dataReplicationState: 'DISCONNECTED' });

    const report = await run();

    expect(report.servers[0]).toMatchObject({ action: 'LEFT_ALONE' });
    expect(publisher.published).toHaveLength(1);
    expect(ledger.get(server.sourceServerId)).toMatchObject({ status: 'CLOSED', closedReason: 'lifecycle CUTOVER' });
    clock.advanceMinutes(120);
    await run();
    expect(runner.sent).toHaveLength(3);
  });

  it('a server archived (no longer listed) while followed is closed without a word', async () => {
    const server = aStalledServer();
    const { repository, publisher, ledger, clock, run } = setup([server], [aNodeFor(server)]);
    await run();
    clock.advanceMinutes(15);
    repository.update(server.sourceServerId, { isArchived: true });

    await run();

    expect(publisher.published).toHaveLength(1);
    expect(ledger.get(server.sourceServerId)).toMatchObject({ status: 'CLOSED', closedReason: 'NOT_LISTED' });
  });

  it('news a failed publish did not deliver is delivered by the next run', async () => {
    const server = aStalledServer();
    const { publisher, ledger, clock, runner, run } = setup([server], [aNodeFor(server)]);
    publisher.failures = 1;

    await expect(run()).rejects.toThrow('SNS is unavailable');
    expect(ledger.get(server.sourceServerId)).toMatchObject({ attempts: 1 });
    expect(ledger.get(server.sourceServerId)?.notifiedFingerprint).toBeUndefined();

    clock.advanceMinutes(15);
    const retry = await run();

    expect(retry.published).toBe(true);
    expect(publisher.published[0]?.text).toContain(server.sourceServerId);
    expect(publisher.published[0]?.text).toContain('check=agent status=RUNNING');
    expect(runner.sent).toHaveLength(3);
  });

  it('a recovery whose digest failed to publish is reported by the next run', async () => {
    const server = aStalledServer();
    const { repository, publisher, clock, run } = setup([server], [aNodeFor(server)]);
    await run();
    clock.advanceMinutes(15);
    repository.update(server.sourceServerId, { dataReplicationState: 'CONTINUOUS', errorCode: undefined });
    publisher.failures = 1;
    await expect(run()).rejects.toThrow('SNS is unavailable');
    clock.advanceMinutes(15);

    const retry = await run();

    expect(retry.servers[0]).toMatchObject({ action: 'RECOVERED', news: 'RECOVERED' });
    expect(publisher.published.at(-1)?.subject).toBe('MGN us-east-1: 1 recovered (111122223333)');
    clock.advanceMinutes(15);
    const count = publisher.published.length;
    await run();
    expect(publisher.published).toHaveLength(count);
  });

  it('an escalation whose digest failed to publish is still sent as an escalation', async () => {
    const server = aStalledServer();
    const { publisher, clock, run } = setup([server], [aNodeFor(server)], { maxAttempts: 1 });
    await run();
    clock.advanceMinutes(61);
    publisher.failures = 1;
    await expect(run()).rejects.toThrow('SNS is unavailable');
    clock.advanceMinutes(15);

    const retry = await run();

    expect(retry.servers[0]).toMatchObject({ action: 'ESCALATED_EARLIER', news: 'ESCALATED' });
    expect(publisher.published.at(-1)?.subject).toContain('1 escalated');
  });

  it('leaves a server another run has claimed and is still acting on to that run: no action, no digest, no write', async () => {
    const server = aStalledServer();
    const { ledger, runner, publisher, clock, run } = setup([server], [aNodeFor(server)], { cooldownMinutes: 0 });
    await run();
    const stored = ledger.get(server.sourceServerId);
    // Another run's claim, written a moment ago and not yet finished.
    ledger.items.set(server.sourceServerId, {
      ...(stored as NonNullable<typeof stored>),
      version: (stored?.version ?? 0) + 1,
      attempts: 2,
      treatments: [
        ...(stored?.treatments ?? []),
        {
          at: clock.now().toISOString(),
          runId: 'other',
          commands: [],
          inFlightUntil: new Date(clock.now().getTime() + 300_000).toISOString(),
        },
      ],
    });
    const writes = ledger.writes;
    const published = publisher.published.length;
    clock.advanceMinutes(1);

    const report = await run();

    expect(report.servers[0]).toMatchObject({ action: 'SKIPPED_OVERLAP' });
    expect(runner.sent.filter((request) => request.document === 'RestartReplicationAgent')).toHaveLength(1);
    expect(ledger.writes).toBe(writes);
    expect(publisher.published).toHaveLength(published);
  });

  it('clears an old blocker once the host is found and treated', async () => {
    const server = aStalledServer();
    const { directory, ledger, clock, run } = setup([server], []);
    await run();
    expect(ledger.get(server.sourceServerId)).toMatchObject({ blocker: 'UNMANAGED' });
    directory.nodes = [aNodeFor(server)];
    clock.advanceMinutes(15);

    await run();

    expect(ledger.get(server.sourceServerId)?.blocker).toBeUndefined();
    expect(ledger.get(server.sourceServerId)?.advice).toBeUndefined();
    expect(ledger.get(server.sourceServerId)?.attempts).toBe(1);
  });

  it('stops polling results of a server that recovered while they were pending', async () => {
    const server = aStalledServer();
    const { repository, runner, clock, run } = setup([server], [aNodeFor(server)], { resultWaitSeconds: 0 });
    runner.answers.set('RestartReplicationAgent', { status: 'Success', pendingPolls: 1000 });
    await run();
    clock.advanceMinutes(15);
    repository.update(server.sourceServerId, { dataReplicationState: 'CONTINUOUS' });
    await run();
    const polls = runner.polls.length;
    clock.advanceMinutes(15);

    await run();

    expect(runner.polls).toHaveLength(polls);
  });

  it('when another run claims the server first, this run skips it and says so', async () => {
    const [a, b] = [aStalledServer(), aStalledServer()] as const;
    const { runner, ledger, log, run } = setup([a, b], [aNodeFor(a), aNodeFor(b)]);
    ledger.conflictOnce.add(a.sourceServerId);

    const report = await run();

    expect(report.servers.find((server) => server.server.sourceServerId === a.sourceServerId)).toMatchObject({
      action: 'SKIPPED_OVERLAP',
    });
    expect(runner.sent.every((request) => request.instanceIds.length === 1)).toBe(true);
    expect(log.lines).toContainEqual(
      expect.objectContaining({ level: 'warn', message: 'Another run is treating this server; skipping it' }),
    );
  });

  it('dry run reports cooldown and escalation decisions from the ledger, and changes nothing', async () => {
    const server = aStalledServer();
    const { ledger, clock, runner, run } = setup([server], [aNodeFor(server)], { maxAttempts: 1 });
    await run();
    const writes = ledger.writes;
    clock.advanceMinutes(15);
    expect((await run({}, { dryRun: true })).servers[0]).toMatchObject({ action: 'COOLDOWN' });
    clock.advanceMinutes(60);
    expect((await run({}, { dryRun: true })).servers[0]).toMatchObject({ action: 'WOULD_ESCALATE' });
    expect(ledger.writes).toBe(writes);
    expect(runner.sent).toHaveLength(3);
  });

  it('follows a lagging server without treating it, and says when the lag clears', async () => {
    const server = aServer({
      dataReplicationState: 'CONTINUOUS',
      lagDuration: 'PT3H',
      backloggedStorageBytes: 5 * 1_048_576 * 1024,
    });
    const { repository, publisher, runner, clock, run } = setup([server], [aNodeFor(server)]);

    await run();
    expect(runner.sent).toHaveLength(0);
    expect(publisher.published[0]?.text).toContain('lag 3h, backlog 5120 MiB');

    clock.advanceMinutes(15);
    repository.update(server.sourceServerId, { lagDuration: 'PT1M' });
    const cleared = await run();
    expect(cleared.servers[0]).toMatchObject({ action: 'CLEARED', news: 'CLEARED' });
  });
});
