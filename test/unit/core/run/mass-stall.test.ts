// Stalls come in clusters and MGN's events in storms: the doctor treats a sample first, says what the servers
// share, coalesces event runs' news into few messages, and reports a resumed server as recovered.
import { numberedRuns } from '../../../fakes/runs';
import { findCommonCauses } from '../../../../lambdas/core/common-cause';
import type { ManagedNode, SourceServer } from '../../../../lambdas/core/model';
import type { DoctorDependencies, RunRequest } from '../../../../lambdas/core/run/run-doctor';
import { DEFAULT_SETTINGS, type DoctorSettings } from '../../../../lambdas/shared/settings';
import { aNodeFor, aServer, aStalledServer } from '../../../fakes/builders';
import {
  ManualClock,
  InMemoryLedger,
  InMemoryNodeDirectory,
  InMemorySourceServerRepository,
  MemoryLog,
  RecordingCommandRunner,
  RecordingPublisher,
} from '../../../../lambdas/adapters/in-memory';

const CONNECTIVITY_FAILS =
  'MGN_DOCTOR check=connectivity status=FAIL\nMGN_DOCTOR check=connectivity target=mgn.us-east-1.amazonaws.com:443 result=reachable\n' +
  'MGN_DOCTOR check=connectivity target=10.0.1.5:1500 result=timed_out\n';

function fleet(servers: SourceServer[], nodes: ManagedNode[], overrides: Partial<DoctorSettings> = {}) {
  const repository = new InMemorySourceServerRepository(servers);
  const runner = new RecordingCommandRunner();
  const publisher = new RecordingPublisher();
  const ledger = new InMemoryLedger();
  const clock = new ManualClock();
  const deps: DoctorDependencies = {
    servers: repository,
    nodes: new InMemoryNodeDirectory(nodes),
    commands: runner,
    publisher,
    ledger,
    clock,
    log: new MemoryLog(),
  };
  const settings: DoctorSettings = { ...DEFAULT_SETTINGS, resultWaitSeconds: 60, ...overrides };
  const runNext = numberedRuns('us-east-1');
  const run = (request: Partial<RunRequest> = {}) => runNext(request, settings, deps);
  return { repository, runner, publisher, ledger, clock, run };
}

describe('a mass stall', () => {
  const cluster = (count: number) => {
    const servers = Array.from({ length: count }, () => aStalledServer({ errorCode: 'AGENT_NOT_SEEN' }));
    return { servers, nodes: servers.map((server) => aNodeFor(server)) };
  };

  it.each([20, 150, 1000])('of %i servers: a sample of 5 is treated, the other restarts are held', async (count) => {
    const { servers, nodes } = cluster(count);
    const { runner, run } = fleet(servers, nodes);

    const report = await run();

    const restart = runner.sent.find((request) => request.document === 'RestartReplicationAgent');
    expect(restart?.instanceIds).toHaveLength(5);
    expect(report.servers.filter((server) => server.blocker === 'HELD')).toHaveLength(count - 5);
    expect(report.servers.filter((server) => server.action === 'TREATED')).toHaveLength(5);
  });

  it('keeps holding while the sample does not recover and its checks fail, and releases once a sample server recovers', async () => {
    const { servers, nodes } = cluster(30);
    const { repository, runner, clock, run } = fleet(servers, nodes);
    runner.answers.set('CheckConnectivity', { status: 'Failed', output: CONNECTIVITY_FAILS });
    await run();
    clock.advanceMinutes(61);
    const second = await run();
    expect(second.servers.filter((server) => server.blocker === 'HELD')).toHaveLength(25);
    expect(
      runner.sent.filter((request) => request.document === 'RestartReplicationAgent').flatMap((r) => r.instanceIds),
    ).toHaveLength(10);

    // One sample server recovers: a restart helps, so the others are treated.
    const sample = second.servers.find((server) => server.action === 'TREATED')?.server as SourceServer;
    repository.servers = repository.servers.map((server) =>
      server.sourceServerId === sample.sourceServerId ? aServer({ sourceServerId: server.sourceServerId }) : server,
    );
    clock.advanceMinutes(15);
    const third = await run();
    expect(third.servers.filter((server) => server.blocker === 'HELD')).toHaveLength(0);
    expect(third.servers.find((server) => server.server.sourceServerId === sample.sourceServerId)?.news).toBe(
      'RECOVERED',
    );
  });

  it('says what the servers share, once, at the top of the digest', async () => {
    const servers = Array.from({ length: 12 }, () =>
      aStalledServer({ errorCode: 'UNSTABLE_NETWORK', replicatorId: 'i-00000000000000001' }),
    );
    const { runner, publisher, repository, run } = fleet(
      servers,
      servers.map((server) => aNodeFor(server)),
      {
        massStallThreshold: 0,
      },
    );
    repository.settings = { stagingAreaSubnetId: 'subnet-0abc', bandwidthThrottling: 0 };
    runner.answers.set('CheckConnectivity', { status: 'Failed', output: CONNECTIVITY_FAILS });

    await run();

    const text = publisher.published[0]?.text ?? '';
    const top = text.split('\n').slice(0, 8).join('\n');
    expect(top).toContain(
      'Likely common cause: 12 of 12 stalled servers report UNSTABLE_NETWORK and share staging subnet subnet-0abc; ' +
        'connectivity checks from 12 host(s) fail on TCP 1500 to the replication servers.',
    );
    expect(text.match(/Likely common cause/g)).toHaveLength(1);
  });

  it('finds no common cause in a handful of unrelated stalls', () => {
    expect(findCommonCauses([])).toEqual([]);
  });
});

describe('a storm of stall events', () => {
  it('100 event runs in five minutes publish at most 3 messages, and the next scheduled digest names all 100', async () => {
    const servers = Array.from({ length: 100 }, () => aStalledServer());
    const { publisher, clock, run } = fleet(
      servers,
      servers.map((server) => aNodeFor(server)),
      { massStallThreshold: 0 },
    );
    for (const server of servers) {
      await run({ trigger: 'event', sourceServerIds: [server.sourceServerId] });
      clock.advance(3_000);
    }
    expect(publisher.published.length).toBeLessThanOrEqual(3);

    clock.advanceMinutes(15);
    await run();
    const digest = publisher.published.at(-1)?.text ?? '';
    const named = servers.filter((server) => digest.includes(server.sourceServerId)).length;
    const earlier = publisher.published
      .slice(0, -1)
      .map((message) => message.text)
      .join('\n');
    expect(
      named +
        servers.filter((server) => earlier.includes(server.sourceServerId) && !digest.includes(server.sourceServerId))
          .length,
    ).toBe(100);
  });

  it('a coalesced item survives a failed publish and is delivered by a later run', async () => {
    const [first, second] = [aStalledServer(), aStalledServer()];
    const servers = [first, second] as SourceServer[];
    const { publisher, clock, run } = fleet(
      servers,
      servers.map((server) => aNodeFor(server)),
    );
    await run({ trigger: 'event', sourceServerIds: [first?.sourceServerId as string] });
    clock.advanceMinutes(1);
    await run({ trigger: 'event', sourceServerIds: [second?.sourceServerId as string] });
    expect(publisher.published).toHaveLength(1);

    clock.advanceMinutes(15);
    publisher.failures = 1;
    await expect(run()).rejects.toThrow();
    clock.advanceMinutes(15);
    await run();
    expect(publisher.published.at(-1)?.text).toContain(second?.sourceServerId);
  });
});

describe('recovery as people see it', () => {
  it('a treated server that resumes with a 2-hour lag is reported as resumed and catching up', async () => {
    const server = aStalledServer();
    const { repository, publisher, clock, run } = fleet([server], [aNodeFor(server)]);
    await run();
    repository.servers = [
      {
        ...server,
        dataReplicationState: 'CONTINUOUS',
        errorCode: undefined,
        lagDuration: 'PT2H',
        etaDateTime: '2026-11-26T12:00:00Z',
      },
    ];
    clock.advanceMinutes(20);
    const report = await run();

    expect(report.servers[0]).toMatchObject({ action: 'RECOVERED', news: 'RECOVERED' });
    expect(report.servers[0]?.detail).toBe(
      'replication resumed after 1 treatment(s), catching up: lag 2h, ETA 2026-11-26T12:00:00Z',
    );
    expect(publisher.published.at(-1)?.text).toContain('replication resumed after treatment, catching up');

    // While the lag shrinks, nothing more is said; if it grows back, it is followed as LAGGING.
    repository.servers = [
      { ...server, dataReplicationState: 'CONTINUOUS', errorCode: undefined, lagDuration: 'PT1H30M' },
    ];
    clock.advanceMinutes(20);
    expect((await run()).servers).toHaveLength(0);
    repository.servers = [{ ...server, dataReplicationState: 'CONTINUOUS', errorCode: undefined, lagDuration: 'PT3H' }];
    clock.advanceMinutes(20);
    expect((await run()).servers[0]?.classification.condition).toBe('LAGGING');
  });

  it("MGN's NOT_STALLED event run reports the recovery at once", async () => {
    const server = aStalledServer();
    const { repository, publisher, clock, run } = fleet([server], [aNodeFor(server)]);
    await run();
    repository.servers = [{ ...server, dataReplicationState: 'CONTINUOUS', errorCode: undefined }];
    clock.advanceMinutes(16);

    const report = await run({ trigger: 'event', sourceServerIds: [server.sourceServerId] });

    expect(report.servers[0]?.news).toBe('RECOVERED');
    expect(publisher.published).toHaveLength(2);
    expect(publisher.published[1]?.text).toContain('== Recovered (1) ==');
  });
});
