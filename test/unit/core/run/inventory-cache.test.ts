// The event path (docs/design.md section 5): an event run matches its host against the SSM inventory the last
// scheduled run listed, confirms the node with one DescribeInstanceInformation, and lists the whole inventory
// when the cache is missing, stale, or names a node that no longer matches.
import { numberedRuns } from '../../../fakes/runs';
import { candidatesFromCache } from '../../../../lambdas/core/node-inventory-cache';
import type { ManagedNode, SourceServer } from '../../../../lambdas/core/model';
import type { RunRequest } from '../../../../lambdas/core/run/run-doctor';
import { DEFAULT_SETTINGS, type DoctorSettings } from '../../../../lambdas/shared/settings';
import { aNodeFor, aServer, aStalledServer } from '../../../fakes/builders';
import {
  InMemoryLedger,
  InMemoryNodeDirectory,
  InMemoryNodeInventoryCache,
  InMemorySourceServerRepository,
  ManualClock,
  MemoryLog,
  RecordingCommandRunner,
  RecordingPublisher,
} from '../../../../lambdas/adapters/in-memory';

function setup(overrides: Partial<DoctorSettings> = {}) {
  // One server stalled from the start (so the scheduled run lists the inventory), one that stalls later.
  const first = aStalledServer({ hostname: 'app-01', fqdn: 'app-01.corp.example.com', ips: ['10.0.0.1'] });
  const later = aServer({ hostname: 'db-07', fqdn: 'db-07.corp.example.com', ips: ['10.0.0.7'] });
  const others = Array.from({ length: 8 }, () => aServer());
  const servers = [first, later, ...others];
  const nodes = servers.map((server) => aNodeFor(server));
  const repository = new InMemorySourceServerRepository(servers);
  const directory = new InMemoryNodeDirectory(nodes);
  const cache = new InMemoryNodeInventoryCache();
  const runner = new RecordingCommandRunner();
  const clock = new ManualClock();
  const settings: DoctorSettings = { ...DEFAULT_SETTINGS, resultWaitSeconds: 0, ...overrides };
  const deps = {
    servers: repository,
    nodes: directory,
    nodeCache: cache,
    commands: runner,
    publisher: new RecordingPublisher(),
    ledger: new InMemoryLedger(),
    clock,
    log: new MemoryLog(),
  };
  const runNext = numberedRuns('us-east-1');
  const run = (request: Partial<RunRequest> = {}) => runNext(request, settings, deps);
  /** `later` stalls and MGN's event for it arrives. */
  const eventRunForLater = () => {
    repository.update(later.sourceServerId, { dataReplicationState: 'STALLED', errorCode: 'AGENT_NOT_SEEN' });
    return run({ trigger: 'event', sourceServerIds: [later.sourceServerId] });
  };
  const nodeOf = (server: SourceServer) => nodes[servers.indexOf(server)] as ManagedNode;
  return { first, later, nodes, nodeOf, directory, cache, runner, clock, deps, run, eventRunForLater };
}

const targetsOf = (runner: RecordingCommandRunner): string[] => [
  ...new Set(runner.sent.flatMap((request) => request.instanceIds)),
];

describe('a scheduled run that lists the SSM inventory', () => {
  test('saves who is who for the event runs, not the ping state', async () => {
    // Arrange
    const { cache, directory, clock, run } = setup();

    // Act
    await run();

    // Assert
    expect(directory.listCalls).toBe(1);
    expect(cache.saves).toBe(1);
    expect(cache.inventory?.listedAt).toBe(clock.now().toISOString());
    expect(cache.inventory?.nodes).toHaveLength(10);
    expect(cache.inventory?.nodes[0]).not.toHaveProperty('pingStatus');
  });

  test('saves nothing when the cache is off (inventoryCacheMinutes=0) or in a dry run', async () => {
    const off = setup({ inventoryCacheMinutes: 0 });
    await off.run();
    const dry = setup({ dryRun: true });
    await dry.run();

    expect([off.cache.saves, dry.cache.saves]).toEqual([0, 0]);
  });
});

describe('an event run for a host found by name', () => {
  test('hit: one DescribeInstanceInformation for the cached node, no listing, the command goes to it', async () => {
    // Arrange
    const { later, nodeOf, directory, runner, clock, run, eventRunForLater } = setup();
    await run();
    runner.sent.length = 0;
    clock.advanceMinutes(20);

    // Act
    const report = await eventRunForLater();

    // Assert
    expect(directory.listCalls).toBe(1);
    expect(directory.describeCalls).toEqual([[nodeOf(later).instanceId]]);
    expect(targetsOf(runner)).toEqual([nodeOf(later).instanceId]);
    expect(report.servers.map((server) => [server.server.sourceServerId, server.action])).toEqual([
      [later.sourceServerId, 'TREATED'],
    ]);
  });

  test('stale: a listing older than inventoryCacheMinutes sends the run to the full listing', async () => {
    // Arrange
    const { later, nodeOf, directory, runner, clock, run, eventRunForLater } = setup({ inventoryCacheMinutes: 30 });
    await run();
    runner.sent.length = 0;
    clock.advanceMinutes(31);

    // Act
    await eventRunForLater();

    // Assert
    expect(directory.listCalls).toBe(2);
    expect(directory.describeCalls).toEqual([]);
    expect(targetsOf(runner)).toEqual([nodeOf(later).instanceId]);
  });

  test('wrong node: the cached node was renamed and another took the name; the full listing finds the new one', async () => {
    // Arrange
    const { later, nodeOf, directory, runner, clock, run, eventRunForLater } = setup();
    await run();
    runner.sent.length = 0;
    clock.advanceMinutes(5);
    const old = nodeOf(later);
    const replacement = aNodeFor(later, { ipAddress: '10.0.9.9' });
    directory.nodes = directory.nodes
      .map((node) =>
        node === old ? { ...node, computerName: 'retired-07.corp.example.com', ipAddress: '10.0.9.8' } : node,
      )
      .concat(replacement);

    // Act
    await eventRunForLater();

    // Assert: the cached node was asked about, did not match, and the whole inventory was listed
    expect(directory.describeCalls).toEqual([[old.instanceId]]);
    expect(directory.listCalls).toBe(2);
    expect(targetsOf(runner)).toEqual([replacement.instanceId]);
  });

  test('wrong node: SSM no longer knows the cached node; the full listing reports the host unmanaged', async () => {
    // Arrange
    const { later, nodeOf, directory, runner, run, eventRunForLater } = setup();
    await run();
    runner.sent.length = 0;
    directory.nodes = directory.nodes.filter((node) => node !== nodeOf(later));

    // Act
    const report = await eventRunForLater();

    // Assert
    expect(directory.listCalls).toBe(2);
    expect(runner.sent).toEqual([]);
    expect(report.servers[0]).toMatchObject({ server: { sourceServerId: later.sourceServerId }, blocker: 'UNMANAGED' });
  });

  test('missing: with no scheduled listing yet, the event run lists the inventory (and does not save it)', async () => {
    // Arrange
    const { later, nodeOf, directory, cache, runner, eventRunForLater } = setup();

    // Act
    await eventRunForLater();

    // Assert
    expect(directory.listCalls).toBe(1);
    expect(cache.saves).toBe(0);
    expect(targetsOf(runner)).toEqual([nodeOf(later).instanceId]);
  });
});

describe('candidatesFromCache', () => {
  const server = aServer({ hostname: 'web-1', fqdn: 'web-1.corp.example.com', ips: ['10.1.1.1'] });
  const options = {
    maxAgeMinutes: 60,
    nodeIdTagKey: DEFAULT_SETTINGS.nodeIdTagKey,
    now: new Date('2026-11-26T08:00:00Z'),
  };
  const cached = (nodes: ManagedNode[], listedAt = '2026-11-26T07:30:00.000Z') => ({ listedAt, nodes });

  test('the one node that matches by name', () => {
    const node = aNodeFor(server);
    expect(candidatesFromCache([server], cached([node]), options)).toEqual(
      new Map([[server.sourceServerId, node.instanceId]]),
    );
  });

  test('two nodes with the name: not for the cache to choose', () => {
    expect(candidatesFromCache([server], cached([aNodeFor(server), aNodeFor(server)]), options)).toBe('unmatched');
  });

  test('a listing from the future, one too old, none, or the cache off', () => {
    const node = aNodeFor(server);
    expect(candidatesFromCache([server], cached([node], '2026-11-26T08:05:00.000Z'), options)).toBe('stale');
    expect(candidatesFromCache([server], cached([node], '2026-11-26T06:59:59.000Z'), options)).toBe('stale');
    expect(candidatesFromCache([server], undefined, options)).toBe('missing');
    expect(candidatesFromCache([server], cached([node]), { ...options, maxAgeMinutes: 0 })).toBe('disabled');
  });
});
