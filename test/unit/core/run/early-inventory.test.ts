// The SSM inventory listing starts while MGN is still being listed, once a page shows a host the run will find by
// name (docs/design.md section 2), and never for a run that would not have listed it.
import { numberedRuns } from '../../../fakes/runs';
import type { RunRequest } from '../../../../lambdas/core/run/run-doctor';
import type { ManagedNode, SourceServer } from '../../../../lambdas/core/model';
import type { SourceServerFilter } from '../../../../lambdas/core/ports';
import { DEFAULT_SETTINGS, type DoctorSettings } from '../../../../lambdas/shared/settings';
import { aNode, aNodeFor, aServer, aStalledServer } from '../../../fakes/builders';
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
import { selectSourceServers } from '../../../../lambdas/adapters/in-memory/source-server-repository';

/** MGN's pages arrive one at a time, with time between them; notes whether the inventory listing had begun. */
class PagedSourceServers extends InMemorySourceServerRepository {
  inventoryListedBeforeLastPage?: boolean;
  failAfterFirstPage?: Error;

  constructor(
    servers: SourceServer[],
    private readonly directory: InMemoryNodeDirectory,
  ) {
    super(servers);
    this.pageSize = 2;
  }

  override async listSourceServers(
    filter?: SourceServerFilter,
    onPage?: (servers: readonly SourceServer[]) => void,
  ): Promise<SourceServer[]> {
    const servers = selectSourceServers(this.servers, filter);
    for (let start = 0; start < servers.length; start += this.pageSize) {
      await new Promise((resolve) => setImmediate(resolve));
      if (start > 0 && this.failAfterFirstPage) throw this.failAfterFirstPage;
      if (start + this.pageSize >= servers.length) this.inventoryListedBeforeLastPage = this.directory.listCalls > 0;
      onPage?.(servers.slice(start, start + this.pageSize));
    }
    return servers;
  }
}

class FailingNodeDirectory extends InMemoryNodeDirectory {
  override async listNodes(): Promise<ManagedNode[]> {
    this.listCalls += 1;
    throw Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
  }
}

/** Six servers in three pages of two; `stalled` at the given places, every host found by name. */
function setup(
  options: { stalled?: number[]; overrides?: Partial<DoctorSettings>; directory?: InMemoryNodeDirectory } = {},
) {
  const servers = Array.from({ length: 6 }, (_, index) =>
    (options.stalled ?? [0]).includes(index) ? aStalledServer() : aServer(),
  );
  const nodes = servers.map((server) => aNodeFor(server));
  const directory = options.directory ?? new InMemoryNodeDirectory();
  directory.nodes = nodes;
  const repository = new PagedSourceServers(servers, directory);
  const runner = new RecordingCommandRunner();
  const settings: DoctorSettings = { ...DEFAULT_SETTINGS, resultWaitSeconds: 0, ...options.overrides };
  const deps = {
    servers: repository,
    nodes: directory,
    commands: runner,
    publisher: new RecordingPublisher(),
    ledger: new InMemoryLedger(),
    nodeCache: new InMemoryNodeInventoryCache(),
    clock: new ManualClock(),
    log: new MemoryLog(),
  };
  const runNext = numberedRuns('us-east-1');
  const run = (request: Partial<RunRequest> = {}) => runNext(request, settings, deps);
  return { servers, nodes, directory, repository, runner, run };
}

const targetsOf = (runner: RecordingCommandRunner): string[] => [
  ...new Set(runner.sent.flatMap((request) => request.instanceIds)),
];

describe('the SSM inventory listing, started early', () => {
  test('starts before MGN’s last page once a page shows a host to find by name, and runs once', async () => {
    // Arrange: the first page holds a stalled server; the mass-stall rule is off, so nothing can hold it
    const { nodes, directory, repository, runner, run } = setup({ overrides: { massStallThreshold: 0 } });

    // Act
    const report = await run();

    // Assert
    expect(repository.inventoryListedBeforeLastPage).toBe(true);
    expect(directory.listCalls).toBe(1);
    expect(targetsOf(runner)).toEqual([nodes[0]?.instanceId]);
    expect(report.servers.map((server) => server.action)).toEqual(['TREATED']);
  });

  test('starts from a later page when the first shows nothing to treat', async () => {
    // Arrange: the only stalled server is on the second page
    const { directory, repository, run } = setup({ stalled: [3], overrides: { massStallThreshold: 0 } });

    // Act
    await run();

    // Assert
    expect(repository.inventoryListedBeforeLastPage).toBe(true);
    expect(directory.listCalls).toBe(1);
  });

  test('waits for the last page while the mass-stall rule could still hold the restart, then lists once', async () => {
    // Arrange: the default threshold (20): more pages could make this a mass stall that holds the restart
    const { nodes, directory, repository, runner, run } = setup();

    // Act
    await run();

    // Assert
    expect(repository.inventoryListedBeforeLastPage).toBe(false);
    expect(directory.listCalls).toBe(1);
    expect(targetsOf(runner)).toEqual([nodes[0]?.instanceId]);
  });

  test('never lists the inventory for a run that does not need it', async () => {
    // Arrange: nothing affected; and a stalled server whose host MGN names by instance ID
    const idle = setup({ stalled: [], overrides: { massStallThreshold: 0 } });
    const byId = setup({ stalled: [], overrides: { massStallThreshold: 0 } });
    const node = aNode({ instanceId: 'i-0123456789abcdef0' });
    byId.directory.nodes.push(node);
    byId.repository.servers[0] = aStalledServer({ awsInstanceId: node.instanceId });

    // Act
    await idle.run();
    await byId.run();

    // Assert
    expect(idle.directory.listCalls).toBe(0);
    expect(byId.directory.listCalls).toBe(0);
    expect(byId.directory.describeCalls).toEqual([[node.instanceId]]);
    expect(targetsOf(byId.runner)).toEqual([node.instanceId]);
  });

  test('an event run tries the cached inventory first: it never lists early', async () => {
    // Arrange: a scheduled run lists (and caches) the inventory; then a healthy server stalls
    const { servers, nodes, directory, repository, runner, run } = setup({ overrides: { massStallThreshold: 0 } });
    await run();
    runner.sent.length = 0;
    const later = servers[1] as SourceServer;
    repository.update(later.sourceServerId, { dataReplicationState: 'STALLED', errorCode: 'AGENT_NOT_SEEN' });

    // Act
    await run({ trigger: 'event', sourceServerIds: [later.sourceServerId] });

    // Assert: the cached node, confirmed with one DescribeInstanceInformation; no second listing
    expect(directory.listCalls).toBe(1);
    expect(directory.describeCalls).toEqual([[nodes[1]?.instanceId]]);
    expect(targetsOf(runner)).toEqual([nodes[1]?.instanceId]);
  });

  test('a failing MGN listing fails the run with MGN’s error, the inventory listing under way left handled', async () => {
    // Arrange: the inventory listing (started by the first page) fails too
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    const { directory, repository, run } = setup({
      overrides: { massStallThreshold: 0 },
      directory: new FailingNodeDirectory(),
    });
    repository.failAfterFirstPage = Object.assign(new Error('MGN is unavailable'), { name: 'InternalServerException' });

    try {
      // Act / Assert
      await expect(run()).rejects.toThrow('MGN is unavailable');
      await new Promise((resolve) => setImmediate(resolve));
      expect(directory.listCalls).toBe(1);
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  test('a failing inventory listing fails the run with SSM’s error, as it did when listed after MGN', async () => {
    // Arrange
    const { run } = setup({ overrides: { massStallThreshold: 0 }, directory: new FailingNodeDirectory() });

    // Act / Assert
    await expect(run()).rejects.toThrow('Rate exceeded');
  });
});
