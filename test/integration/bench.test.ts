// The benchmark's own machinery at a small size: the bundle built with the stack's options, run in its own
// process against the local endpoints, makes exactly the calls the fleet needs (docs/design.md section 12), and the
// counters see each one. On this process's Node and on Node 24, the runtime Lambda runs. Budgets themselves are
// checked by `npm run bench`, not here.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildBundle, buildChainBaselineBundle, type BuiltBundle } from '../../scripts/bench/bundle';
import { runEventPath, runScenario } from '../../scripts/bench/scenario';
import { findLambdaNode } from '../../scripts/lib/lambda-node';

const lambdaNode = findLambdaNode();
// Jest drops console output of a file whose tests are all skipped, so the line goes to stdout directly.
if ('unavailable' in lambdaNode)
  process.stdout.write(`bench machinery on Node 24: skipped (${lambdaNode.unavailable})\n`);
const RUNTIMES = [
  { label: `this process's Node ${process.version}`, node: process.execPath, version: process.version },
  {
    label: 'Node 24 (Lambda)',
    ...('path' in lambdaNode ? { node: lambdaNode.path, version: lambdaNode.version } : {}),
  },
];

let dir: string;
let bundle: BuiltBundle;
let chainBaselineFile: string;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mgn-doctor-bench-'));
  bundle = await buildBundle(dir);
  chainBaselineFile = (await buildChainBaselineBundle(path.join(dir, 'chain-baseline'))).file;
}, 30_000);

afterAll(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

/** The counts the minimum accepts for EC2 (0 when the handler does not look replication servers up). */
const withoutEc2 = (counts: readonly { operation: string; calls: number }[]): Record<string, number> =>
  Object.fromEntries(
    counts
      .filter((row) => row.operation !== 'ec2:DescribeInstances' && row.calls > 0)
      .map((row) => [row.operation, row.calls]),
  );

for (const runtime of RUNTIMES) {
  const describeOn = runtime.node === undefined ? describe.skip : describe;
  describeOn(`npm run bench machinery on ${runtime.label}`, () => {
    test('120 servers, 10 stalled on one site: the calls per operation are exactly the minimum', async () => {
      // Act
      const result = await runScenario(
        bundle,
        { servers: 120, stalled: 10, stalledLayout: 'block' },
        { latencyMs: 0, node: runtime.node, chainBaselineFile },
      );

      // Assert
      expect(result.node).toBe(runtime.version);
      // The wall ratio's baseline, bundled and run the same way, made the handler's calls and nothing else.
      expect(result.chainBaseline?.callsDiffer).toEqual([]);
      expect(result.chainBaseline?.totalCalls).toBe(result.totalCalls);
      expect(result.outcomeProblems).toEqual([]);
      expect(result.problems).toEqual([]);
      expect(withoutEc2(result.operations)).toEqual({
        'mgn:DescribeSourceServers': 1,
        'dynamodb:Scan': 1,
        'ssm:DescribeInstanceInformation': 3,
        'ssm:SendCommand': 3,
        'ssm:ListCommandInvocations': 3,
        'sns:Publish': 1,
        'dynamodb:TransactWriteItems': 3,
        'dynamodb:PutItem': 1,
      });
      expect([0, 1]).toContain(result.operations.find((row) => row.operation === 'ec2:DescribeInstances')?.calls);
      expect(
        result.operations.filter((row) => row.calls !== row.minimum && !row.alsoAccepted?.includes(row.calls)),
      ).toEqual([]);
      expect(result.operations.every((row) => row.errors === 0)).toBe(true);
      expect(result.totalCalls).toBe(result.totalMinimum);
      expect(result.report?.actions).toEqual({ TREATED: 10 });
      expect(result.maxRssBytes).toBeGreaterThan(result.rssAfterInitBytes * 0.9);
    }, 30_000);

    test('nothing affected: only the MGN listing and the one ledger scan', async () => {
      // Act
      const result = await runScenario(bundle, { servers: 120, stalled: 0 }, { latencyMs: 0, node: runtime.node });

      // Assert
      expect(result.operations.filter((row) => row.calls > 0).map((row) => [row.operation, row.calls])).toEqual([
        ['mgn:DescribeSourceServers', 1],
        ['dynamodb:Scan', 1],
      ]);
      expect(result.outcomeProblems).toEqual([]);
      expect(result.report?.published).toBe(false);
    }, 30_000);
  });
}

describe('the event path (a stall event for one host found by name)', () => {
  test('with the inventory a scheduled run cached: at most 6 calls up to the first SendCommand, no listing', async () => {
    // Act
    const warm = await runEventPath(bundle, { servers: 300, stalled: 12 }, { latencyMs: 0, warm: true });

    // Assert
    expect(warm.action).toBe('TREATED');
    expect(warm.beforeFirstSend).toEqual({
      'mgn:DescribeSourceServers': 1,
      'dynamodb:Scan': 1,
      'ssm:DescribeInstanceInformation': 1,
      'dynamodb:PutItem': 1,
    });
    expect(warm.callsToFirstSend).toBeLessThanOrEqual(6);
  }, 60_000);

  test('without it: the whole inventory, as before', async () => {
    // Act
    const cold = await runEventPath(bundle, { servers: 300, stalled: 12 }, { latencyMs: 0, warm: false });

    // Assert: 300 nodes are 6 pages
    expect(cold.action).toBe('TREATED');
    expect(cold.beforeFirstSend['ssm:DescribeInstanceInformation']).toBe(6);
  }, 60_000);
});
