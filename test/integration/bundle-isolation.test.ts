// The Lambda bundle is all Lambda needs: on Node 24 (the runtime Lambda runs), copied alone into a directory with
// no node_modules anywhere above it and with an empty NODE_PATH, it runs a fleet that makes it call every AWS
// client it has (MGN, SSM, SNS, DynamoDB, and EC2 and IAM from their lazily loaded files), and every module the
// process loaded came from that directory.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildBundle, type BuiltBundle } from '../../scripts/bench/bundle';
import { generateFleet } from '../../scripts/bench/fleet';
import { runOnce, type RunOnceResult } from '../../scripts/bench/scenario';
import { findLambdaNode } from '../../scripts/lib/lambda-node';

const lambdaNode = findLambdaNode();
// Jest drops console output of a file whose tests are all skipped, so the line goes to stdout directly.
if ('unavailable' in lambdaNode)
  process.stdout.write(`bundle isolation on Node 24: skipped (${lambdaNode.unavailable})\n`);
const describeOnNode24 = 'path' in lambdaNode ? describe : describe.skip;

/** Directories from `dir` up to the root that hold a node_modules Node's resolution would search. */
function nodeModulesAbove(dir: string): string[] {
  const found: string[] = [];
  for (let current = dir; ; current = path.dirname(current)) {
    if (fs.existsSync(path.join(current, 'node_modules'))) found.push(current);
    if (path.dirname(current) === current) return found;
  }
}

describeOnNode24('the bundle on Node 24, alone in a directory', () => {
  let dir: string;
  let bundle: BuiltBundle;
  let run: RunOnceResult;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mgn-doctor-isolated-'));
    bundle = await buildBundle(dir);
    // Agent, network-class and service-side stalls: the playbooks that reach every client between them.
    const fleet = generateFleet({
      servers: 30,
      stalled: 6,
      stalledErrorCodes: ['AGENT_NOT_SEEN', 'UNSTABLE_NETWORK', 'SNAPSHOTS_FAILURE'],
    });
    run = await runOnce(bundle, fleet, { latencyMs: 0, node: 'path' in lambdaNode ? lambdaNode.path : '' });
  }, 60_000);

  afterAll(() => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  test('the directory has no node_modules above it (else a missing module could resolve from there)', () => {
    expect(nodeModulesAbove(dir)).toEqual([]);
  });

  test('the run succeeds on Node 24 and calls every client', () => {
    expect(run.outcome.result).toMatchObject({ ok: true, node: 'path' in lambdaNode ? lambdaNode.version : '' });
    const services = new Set(
      Object.entries(run.counts)
        .filter(([, calls]) => calls > 0)
        .map(([operation]) => operation.split(':')[0]),
    );
    expect([...services].sort()).toEqual(['dynamodb', 'ec2', 'iam', 'mgn', 'sns', 'ssm']);
    expect(Object.values(run.errors).reduce((sum, count) => sum + count, 0)).toBe(0);
  });

  test('every module the process loaded came from the bundle directory, the lazy ones included', () => {
    const loaded = run.outcome.result.loadedModules;
    expect(loaded.filter((file) => !file.startsWith(`${dir}${path.sep}`))).toEqual([]);
    expect(loaded.map((file) => path.basename(file)).sort()).toEqual(
      ['ec2-sdk.js', 'iam-sdk.js', 'index.js', 'runner.js'].sort(),
    );
  });
});
