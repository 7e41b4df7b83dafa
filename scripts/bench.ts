// `npm run bench`: the performance budgets of docs/design.md section 12, measured as ratios that hold on any machine.
// Builds the Lambda bundle with the stack's esbuild options, starts local endpoints (MGN, SSM, SNS, DynamoDB, EC2,
// IAM on 127.0.0.1, each with a per-call latency) for generated fleets, runs the bundled handler on Node 24 (as
// Lambda does) in its own process against them, and prints API calls per operation next to the minimum the fleet
// needs, wall time against a baseline that makes only the I/O floor's calls (and against the floor itself), CPU time
// against JSON.parse of the same responses, module init against a baseline bundle, and what a run would cost in
// Lambda at each memory size. Never talks to AWS.
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { STACK_CONTEXT_DEFAULTS } from '../lib/config';
import {
  buildBaselineBundle,
  buildBundle,
  buildChainBaselineBundle,
  HANDLER_ENTRY,
  PROJECT_ROOT,
} from './bench/bundle';
import { BENCH_SETTINGS, startBenchEndpoints } from './bench/endpoints';
import { main as measureDigestSizes } from './bench/digest-sizes';
import { generateFleet, type FleetSpec } from './bench/fleet';
import { projectLambda, runsPerMonth, type LambdaProjection } from './bench/lambda-projection';
import {
  BUDGET_FLEET,
  bundleLines,
  describeMachine,
  eventPathLines,
  floorLines,
  projectionLines,
  scenarioLines,
  summaryLines,
  verdictLines,
  verdicts,
} from './bench/report';
import {
  measureModuleInit,
  runEventPath,
  runScenario,
  type EventPathResult,
  type ScenarioResult,
} from './bench/scenario';
import { runProgramScenario, type ProgramResult } from './bench/program';
import { HUB_ACCOUNT } from './bench/program-endpoints';
import { programLines } from './bench/program-report';
import { startXraySink, tracingEnvironment } from './bench/xray-sink';
import { exitQuietlyOnBrokenPipe } from './lib/cli-io';
import { installLambdaNode } from './lib/lambda-node';

export const USAGE = `Usage: npm run bench -- [options]

Runs the bundled doctor Lambda against local endpoints for generated fleets and checks docs/design.md section 12.

Options:
  --sizes LIST          fleet sizes (source servers), comma-separated (default 100,1000,4000,10000)
  --stalled-every N     one stalled server in N (default 25)
  --latency MS          delay per API call (default 20)
  --runs N              handler runs per fleet, on fresh endpoints; times are medians (default 3)
  --init-samples N      cold starts for the module-init median (default 7)
  --no-budget           skip the budget fleet (4,000 servers, 150 stalled, 4,000 SSM nodes)
  --no-idle             skip the run with nothing affected (4,000 servers, none stalled)
  --no-tracing          do not emulate Lambda's active tracing (X-Ray subsegments to a local UDP sink)
  --trace-aws-calls     an X-Ray subsegment per AWS call (the stack's traceAwsCalls; off by default)
  --program             also a hub's program run (docs/design.md section 13): list-accounts, run-account for
                        each account of an organization, publish-digest, through the bundled handler; slow
  --accounts N          member accounts of that organization, each with the budget fleet (default 20)
  --account-concurrency N  the Map's MaxConcurrency the program's wall time is scheduled at (default: the
                        stack's accountConcurrency)
  --log-level LEVEL     POWERTOOLS_LOG_LEVEL for the handler (default WARN)
  --out-dir DIR         where the bundle is written (default cdk.out/bench)
  --entry FILE          bundle this handler entry instead of lambdas/handlers/run-doctor.ts (same options),
                        e.g. a candidate change in a copy of lambdas/
  --node FILE           run the bundle on this Node instead of Node 24 (fetched once from the npm registry)
  --json                one JSON object on stdout instead of tables
  -h, --help            this text

With --digest [--sizes LIST] [--json] as its first argument, it measures only the digest of a mass stall (size of
the e-mail text, SMS and SNS message, and build time) for 150, 1,000 and 10,000 affected servers by default, in
this process, without a bundle or endpoints (scripts/bench/digest-sizes.ts).

Exit code: 0 when every ratio and the call count pass, 1 when one misses (the output says which), 2 on a\nusage error.`;

interface BenchOptions {
  readonly sizes: number[];
  readonly stalledEvery: number;
  readonly latencyMs: number;
  readonly runs: number;
  readonly initSamples: number;
  readonly budget: boolean;
  readonly idle: boolean;
  readonly tracing: boolean;
  readonly traceAwsCalls: boolean;
  readonly logLevel: string;
  readonly outDir: string;
  readonly entry: string;
  readonly node?: string;
  readonly json: boolean;
  /** A hub's program run over this many member accounts (undefined: none, the default). */
  readonly programAccounts?: number;
  readonly accountConcurrency: number;
}

class UsageError extends Error {}

function positiveInteger(name: string, raw: string | undefined, fallback: number, min = 1): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min)
    throw new UsageError(`--${name}: expected a whole number ≥ ${min}, got ${raw}`);
  return value;
}

export function parseBenchArgs(argv: readonly string[]): BenchOptions | 'help' {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      sizes: { type: 'string' },
      'stalled-every': { type: 'string' },
      latency: { type: 'string' },
      runs: { type: 'string' },
      'init-samples': { type: 'string' },
      'no-budget': { type: 'boolean' },
      'no-idle': { type: 'boolean' },
      'no-tracing': { type: 'boolean' },
      'trace-aws-calls': { type: 'boolean' },
      'log-level': { type: 'string' },
      'out-dir': { type: 'string' },
      entry: { type: 'string' },
      node: { type: 'string' },
      json: { type: 'boolean' },
      program: { type: 'boolean' },
      accounts: { type: 'string' },
      'account-concurrency': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help) return 'help';
  const sizes = (values.sizes ?? '100,1000,4000,10000')
    .split(',')
    .map((size) => positiveInteger('sizes', size.trim().replace(/_/g, ''), 0, 0));
  if (sizes.some((size) => size > 60_000)) throw new UsageError('--sizes: at most 60000 servers');
  return {
    sizes,
    stalledEvery: positiveInteger('stalled-every', values['stalled-every'], 25),
    latencyMs: positiveInteger('latency', values.latency, 20, 0),
    runs: positiveInteger('runs', values.runs, 3),
    initSamples: positiveInteger('init-samples', values['init-samples'], 7),
    budget: !values['no-budget'],
    idle: !values['no-idle'],
    tracing: !values['no-tracing'],
    traceAwsCalls: values['trace-aws-calls'] ?? STACK_CONTEXT_DEFAULTS.traceAwsCalls,
    logLevel: values['log-level'] ?? 'WARN',
    outDir: path.resolve(PROJECT_ROOT, values['out-dir'] ?? path.join('cdk.out', 'bench')),
    entry: values.entry === undefined ? HANDLER_ENTRY : path.resolve(values.entry),
    node: values.node === undefined ? undefined : path.resolve(values.node),
    json: values.json ?? false,
    ...(values.program && { programAccounts: positiveInteger('accounts', values.accounts, 20) }),
    accountConcurrency: positiveInteger(
      'account-concurrency',
      values['account-concurrency'],
      STACK_CONTEXT_DEFAULTS.accountConcurrency,
    ),
  };
}

/** Node 24 as Lambda runs it, unless --node names another; when it cannot be had, this process's Node, said so. */
async function chooseNode(options: BenchOptions, progress: (line: string) => void): Promise<string> {
  if (options.node) return options.node;
  const node = await installLambdaNode();
  if ('path' in node) return node.path;
  progress(`Node 24 unavailable (${node.unavailable}): running on this process's Node ${process.version}`);
  return process.execPath;
}

async function main(argv: readonly string[]): Promise<number> {
  if (argv[0] === '--digest')
    return measureDigestSizes(argv.slice(1), (line) => void process.stdout.write(`${line}\n`));
  let options: BenchOptions | 'help';
  try {
    options = parseBenchArgs(argv);
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE}\n`);
    return 2;
  }
  if (options === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const progress = (line: string): void => void process.stderr.write(`bench: ${line}\n`);
  const machine = describeMachine();
  const node = await chooseNode(options, progress);
  progress(`building the bundle into ${path.relative(PROJECT_ROOT, options.outDir)}`);
  const loadBefore = os.loadavg()[0] ?? 0;
  const bundle = await buildBundle(options.outDir, options.entry);
  const baseline = await buildBaselineBundle(path.join(options.outDir, 'baseline'));
  const chainBaseline = await buildChainBaselineBundle(path.join(options.outDir, 'chain-baseline'));

  // Module init with the Lambda's environment (endpoints are only needed for the variables to exist).
  progress(`module init: ${options.initSamples} cold starts, each beside the baseline bundle's`);
  const idleEndpoints = await startBenchEndpoints(generateFleet({ servers: 0, stalled: 0 }), { latencyMs: 0 });
  const sink = options.tracing ? await startXraySink() : undefined;
  const initEnvironment = {
    ...idleEndpoints.environment({ logLevel: options.logLevel, traceAwsCalls: options.traceAwsCalls }),
    ...(sink ? tracingEnvironment(sink, bundle.dir) : {}),
  };
  const init = await measureModuleInit(bundle, baseline.file, initEnvironment, {
    samples: options.initSamples,
    node,
  }).finally(async () => {
    await sink?.close();
    await idleEndpoints.close();
  });

  const run = async (spec: FleetSpec): Promise<ScenarioResult> => {
    progress(
      `${spec.servers} servers, ${spec.stalled} stalled: ${options.runs} run(s), each beside the chain baseline's`,
    );
    return runScenario(bundle, spec, {
      chainBaselineFile: chainBaseline.file,
      node,
      latencyMs: options.latencyMs,
      runs: options.runs,
      logLevel: options.logLevel,
      tracing: options.tracing,
      traceAwsCalls: options.traceAwsCalls,
    });
  };
  const scenarios: ScenarioResult[] = [];
  for (const servers of options.sizes)
    scenarios.push(await run({ servers, stalled: Math.floor(servers / options.stalledEvery) }));
  const budget = options.budget ? await run(BUDGET_FLEET) : undefined;
  const idle = options.idle ? await run({ servers: BUDGET_FLEET.servers, stalled: 0 }) : undefined;
  const eventPaths: EventPathResult[] = [];
  if (options.budget) {
    for (const warm of [true, false]) {
      progress(`event path on the budget fleet, ${warm ? 'after a scheduled run (cache warm)' : 'cache cold'}`);
      eventPaths.push(
        await runEventPath(bundle, BUDGET_FLEET, {
          node,
          latencyMs: options.latencyMs,
          logLevel: options.logLevel,
          tracing: options.tracing,
          traceAwsCalls: options.traceAwsCalls,
          warm,
        }),
      );
    }
  }
  let program: ProgramResult | undefined;
  if (options.programAccounts !== undefined)
    program = await runProgramScenario(
      bundle,
      { accounts: options.programAccounts, fleet: BUDGET_FLEET, accountConcurrency: options.accountConcurrency },
      {
        node,
        latencyMs: options.latencyMs,
        logLevel: options.logLevel,
        tracing: options.tracing,
        traceAwsCalls: options.traceAwsCalls,
        progress,
      },
    );
  const load = { before: loadBefore, after: os.loadavg()[0] ?? 0 };
  const runs = runsPerMonth(STACK_CONTEXT_DEFAULTS.schedule);
  const projectionOf = (result: ScenarioResult): LambdaProjection =>
    projectLambda({ cpuMs: result.cpuMs, ioFloorMs: result.ioFloor.ms, peakRssBytes: result.maxRssBytes }, runs);
  const list = verdicts(
    budget,
    init,
    eventPaths.find((path) => path.warm),
  );
  if (program)
    list.push({
      budget: 'program: every account treated, one digest',
      limit: 'each member listed, held, its commands sent, a section in the digest',
      measured:
        program.problems.length === 0 ? `${program.digestAccounts.length} sections` : program.problems.join('; '),
      pass: program.problems.length === 0,
    });
  const misses = list.filter((verdict) => !verdict.pass);

  if (options.json) {
    process.stdout.write(
      `${JSON.stringify(
        {
          command: `npm run bench${argv.length > 0 ? ` -- ${argv.join(' ')}` : ''}`,
          machine,
          node: init.node,
          loadAverage1m: load,
          entry: path.relative(PROJECT_ROOT, bundle.entry),
          settings: {
            latencyMs: options.latencyMs,
            runs: options.runs,
            stalledEvery: options.stalledEvery,
            resultWaitSeconds: BENCH_SETTINGS.resultWaitSeconds,
            logLevel: options.logLevel,
            tracing: options.tracing,
            traceAwsCalls: options.traceAwsCalls,
          },
          bundle: {
            files: bundle.files,
            options: bundle.options,
            baseline,
          },
          moduleInit: init,
          scenarios: scenarios.map((result) => ({ ...result, lambda: projectionOf(result) })),
          budget: budget && { fleet: BUDGET_FLEET, result: budget, lambda: projectionOf(budget) },
          idle,
          eventPaths,
          program,
          schedule: { expression: STACK_CONTEXT_DEFAULTS.schedule, runsPerMonth: runs },
          verdicts: list,
          pass: misses.length === 0,
        },
        null,
        2,
      )}\n`,
    );
    return misses.length === 0 ? 0 : 1;
  }

  const lines: string[] = [
    'mgn-replication-doctor benchmark',
    `Machine: ${machine.nproc} cores, ${machine.cpuModel}, ${(machine.memoryBytes / 1024 ** 3).toFixed(1)} GiB, ${machine.os}; ` +
      `1-min load average ${load.before.toFixed(2)} before, ${load.after.toFixed(2)} after`,
    `Node: the bundle ran on ${init.node} (${path.relative(PROJECT_ROOT, node) || node}); the bench itself on ${process.version}`,
    `Entry: ${path.relative(PROJECT_ROOT, bundle.entry)}`,
    `Settings: ${options.latencyMs} ms per API call, hosts answer at once, resultWaitSeconds ${BENCH_SETTINGS.resultWaitSeconds}, POWERTOOLS_LOG_LEVEL ${options.logLevel}, ${options.tracing ? 'active tracing emulated (X-Ray to a local UDP sink)' : 'tracing off'}, ${options.traceAwsCalls ? 'a subsegment per AWS call' : 'no per-call subsegments'}, empty ledger (first run)`,
    '',
    ...bundleLines(bundle, init),
    '',
  ];
  for (const result of scenarios) lines.push(...scenarioLines(result), '');
  lines.push(
    `Growth (one stalled in ${options.stalledEvery}):`,
    ...summaryLines(scenarios).map((line) => `  ${line}`),
    '',
  );
  if (idle) lines.push('Nothing affected:', ...scenarioLines(idle).map((line) => `  ${line}`), '');
  if (budget) {
    lines.push(
      'Budget fleet (docs/design.md section 12):',
      ...scenarioLines(budget).map((line) => `  ${line}`),
      '  I/O floor:',
      ...floorLines(budget).map((line) => `    ${line}`),
      `In Lambda (arm64, ${STACK_CONTEXT_DEFAULTS.schedule}: ${runs} runs a month), budget fleet:`,
      ...projectionLines(projectionOf(budget)).map((line) => `  ${line}`),
      '',
    );
  }
  if (eventPaths.length > 0)
    lines.push(
      'Event path (budget fleet; one healthy host found by name stalls):',
      ...eventPathLines(eventPaths).map((line) => `  ${line}`),
      '',
    );
  if (program)
    lines.push(
      "A hub's program (docs/design.md section 13):",
      ...programLines(program, HUB_ACCOUNT).map((line) => `  ${line}`),
      '',
    );
  lines.push('Lambda memory by fleet size (the smallest that fits within 1.2× of the I/O floor):');
  for (const result of scenarios) {
    const recommended = projectionOf(result).recommendedMb;
    lines.push(
      `  ${result.spec.servers} servers: ${recommended === undefined ? 'no size within 1.2× of the floor' : `${recommended} MB`}`,
    );
  }
  lines.push('', 'Budgets (docs/design.md section 12, ratios):', ...verdictLines(list).map((line) => `  ${line}`));
  if (misses.length > 0) lines.push('', `MISSED: ${misses.map((verdict) => verdict.budget).join('; ')}`);
  process.stdout.write(`${lines.join('\n')}\n`);
  return misses.length === 0 ? 0 : 1;
}

if (require.main === module) {
  exitQuietlyOnBrokenPipe();
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exit(1);
    },
  );
}
