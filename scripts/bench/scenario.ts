// One benchmark scenario: a generated fleet behind the local endpoints, the bundled handler run in its own
// process against them, and the calls it made next to the minimum the fleet needs. Also module init: the median
// of several cold `require`s of the bundle in fresh processes.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { BuiltBundle } from './bundle';
import type { ApiSourceServer } from '../../test/support/fake-mgn-endpoint';
import { ACCOUNT_ID, BENCH_SETTINGS, REGION, startBenchEndpoints, type BenchEndpoints } from './endpoints';
import {
  AGENT_PLAYBOOK_DOCUMENTS,
  generateFleet,
  inventoryNeedPage,
  minimumCalls,
  type Fleet,
  type FleetSpec,
  type MinimumCall,
} from './fleet';
import type { ParseResult, RunnerResult } from './handler-runner';
import { ioFloor, runCallsOf, type IoFloor } from './io-floor';
import { type EndpointOverrun, recordResponses, summarizeOverrun } from './response-recorder';
import { startXraySink, tracingEnvironment } from './xray-sink';

const CHILD_TIMEOUT_MS = 180_000;
const OUTPUT_TAIL = 4_000;
/** Enough for every log line of a run at WARN (and most at INFO). */
const OUTPUT_KEEP = 8 * 1024 * 1024;

export interface ScenarioOptions {
  /** The Node executable that runs the bundle. Default: this process's. */
  readonly node?: string;
  readonly latencyMs: number;
  /** Runs, each on fresh endpoints (an empty ledger); times and memory are their medians. Default 1. */
  readonly runs?: number;
  readonly logLevel?: string;
  /** Emulate Lambda's active tracing (X-Ray subsegments to a local UDP sink). Default true. */
  readonly tracing?: boolean;
  /** An X-Ray subsegment per AWS call (the stack's `traceAwsCalls`). Default: the stack's default. */
  readonly traceAwsCalls?: boolean;
  /** The wall-time ratio's baseline bundle (buildChainBaselineBundle), run after each handler run. */
  readonly chainBaselineFile?: string;
}

/** The wall-time ratio's baseline: the floor's calls alone, run beside the handler on the same fleet. */
export interface ChainBaselineResult {
  readonly wallMs: number;
  readonly wallMsPerRun: readonly number[];
  /** Its calls, which should be the handler's. */
  readonly totalCalls: number;
  /** Operations it called a different number of times than the handler (none when it made the same calls). */
  readonly callsDiffer: readonly string[];
  /** Handler wall ÷ baseline wall, run by run (the handler's run, then the baseline's); the median. */
  readonly ratio: number;
}

export interface OperationCount {
  readonly operation: string;
  readonly calls: number;
  readonly minimum: number;
  readonly alsoAccepted?: readonly number[];
  readonly basis: string;
  readonly errors: number;
}

export interface ScenarioResult {
  readonly spec: Required<FleetSpec>;
  readonly latencyMs: number;
  readonly runs: number;
  readonly operations: readonly OperationCount[];
  readonly totalCalls: number;
  readonly totalMinimum: number;
  /** Calls that differed between runs (should be none). */
  readonly unstableOperations: readonly string[];
  readonly wallMs: number;
  readonly cpuMs: number;
  readonly maxRssBytes: number;
  readonly rssAfterInitBytes: number;
  /** Peak V8 heap (used / reserved) and external memory (buffers) during the call. */
  readonly peakHeapUsedBytes: number;
  readonly peakHeapTotalBytes: number;
  readonly peakExternalBytes: number;
  readonly wallMsPerRun: readonly number[];
  readonly digestBytes?: number;
  readonly report?: RunnerResult['report'];
  /** Bytes of one DescribeSourceServers item on the wire, on average. */
  readonly sourceServerItemBytes: number;
  /** What the run should have done to this fleet, and whether it did (treated every stalled server, one digest). */
  readonly outcomeProblems: readonly string[];
  /** The handler's structured log lines (stdout and stderr) by level. */
  readonly logLevels: Record<string, number>;
  /** Distinct WARN/ERROR messages with their counts: a run that degrades quietly shows here. */
  readonly problems: readonly {
    readonly level: string;
    readonly message: string;
    readonly count: number;
    readonly example?: string;
  }[];
  /** X-Ray subsegments the run sent (0 without tracing). */
  readonly xraySubsegments: number;
  readonly tracing: boolean;
  /** `process.version` of the Node that ran the bundle. */
  readonly node: string;
  /** The longest chain of calls a run over this fleet needs, times the latency. */
  readonly ioFloor: IoFloor;
  /** Handler wall time ÷ I/O floor (median of the runs' ratios). */
  readonly wallRatio: number;
  /** Bytes of the response bodies the handler received (first run). */
  readonly responseBytes: number;
  /** CPU time of JSON.parse over those bodies, in the handler's own process (median). */
  readonly jsonParseCpuMs: number;
  /** Handler CPU time ÷ that JSON.parse time (median of the runs' ratios). */
  readonly cpuRatio: number;
  /** Replies the endpoints sent later than the latency, in the run with the median wall time. */
  readonly endpointOverrun: EndpointOverrun;
  readonly chainBaseline?: ChainBaselineResult;
}

export const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
};

/** The run whose `value` is the median (the lower middle one of an even count). */
export function medianRun<T>(runs: readonly T[], value: (run: T) => number): T {
  const sorted = [...runs].sort((a, b) => value(a) - value(b));
  return sorted[Math.floor((sorted.length - 1) / 2)] as T;
}

/** The child's environment: the Lambda's, and no NODE_PATH: the bundle brings every module it loads. */
export function childEnvironment(lambdaEnvironment: Record<string, string>): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '/tmp',
    ...lambdaEnvironment,
    NODE_PATH: '',
  };
}

export interface ChildOutcome {
  readonly result: RunnerResult;
  /** JSON.parse of the recorded responses, timed in the child (absent when the run failed). */
  readonly parse?: ParseResult;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs the bundle once in its own process. `bodiesFor` is asked, once the handler's result is in, for the file of
 * response bodies the child should time JSON.parse on (undefined: the child is done).
 */
export function runChild(
  bundle: BuiltBundle,
  env: NodeJS.ProcessEnv,
  node: string,
  bodiesFor: (result: RunnerResult) => string | undefined,
  eventFile?: string,
): Promise<ChildOutcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(node, [bundle.runner, bundle.file, ...(eventFile ? [eventFile] : [])], {
      env,
      cwd: bundle.dir,
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    let stdout = '';
    let stderr = '';
    let result: RunnerResult | undefined;
    let parse: ParseResult | undefined;
    child.stdout?.on('data', (chunk: Buffer) => (stdout = (stdout + chunk.toString('utf8')).slice(-OUTPUT_KEEP)));
    child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString('utf8')).slice(-OUTPUT_KEEP)));
    child.on('message', (message) => {
      if (result !== undefined) {
        parse = message as ParseResult;
        return;
      }
      result = message as RunnerResult;
      const bodiesFile = bodiesFor(result);
      if (bodiesFile === undefined) child.kill('SIGKILL');
      else child.send({ bodiesFile });
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), CHILD_TIMEOUT_MS);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (result) resolve({ result, parse, stdout, stderr });
      else
        reject(
          new Error(
            `handler process ended (${signal ?? `exit ${String(code)}`}) without a result\n${stderr.slice(-OUTPUT_TAIL)}${stdout.slice(-OUTPUT_TAIL)}`,
          ),
        );
    });
  });
}

/** The ports the handler talks to (not the SSM front's backend, nor dynalite's own listener). */
const handlerFacingPorts = (endpoints: BenchEndpoints): number[] =>
  [endpoints.mgn, endpoints.ssm, endpoints.sns, endpoints.dynamodb, endpoints.ec2, endpoints.iam].map((endpoint) =>
    Number(new URL(endpoint.url).port),
  );

/** Powertools' JSON lines: INFO/DEBUG on stdout, WARN/ERROR on stderr. */
export function readLogs(stdout: string, stderr: string): Pick<ScenarioResult, 'logLevels' | 'problems'> {
  const levels: Record<string, number> = {};
  const problems = new Map<string, { level: string; message: string; count: number; example?: string }>();
  for (const line of `${stdout}\n${stderr}`.split('\n')) {
    if (!line.startsWith('{')) continue;
    let entry: { level?: unknown; message?: unknown; error?: unknown };
    try {
      entry = JSON.parse(line) as typeof entry;
    } catch {
      continue;
    }
    if (typeof entry.level !== 'string') continue;
    levels[entry.level] = (levels[entry.level] ?? 0) + 1;
    if (entry.level === 'WARN' || entry.level === 'ERROR' || entry.level === 'CRITICAL') {
      const key = `${entry.level} ${String(entry.message)}`;
      const known = problems.get(key);
      if (known) known.count++;
      else
        problems.set(key, {
          level: entry.level,
          message: String(entry.message),
          count: 1,
          example: entry.error === undefined ? undefined : String(entry.error).slice(0, 300),
        });
    }
  }
  return { logLevels: levels, problems: [...problems.values()] };
}

/** Every stalled server treated, nothing else acted on, one digest when something was treated. */
export function checkOutcome(fleet: Fleet, report: RunnerResult['report'], digestBytes: number | undefined): string[] {
  const problems: string[] = [];
  if (!report) return ['the handler returned no report'];
  const stalled = fleet.spec.stalled;
  const treated = report.actions.TREATED ?? 0;
  if (treated !== stalled) problems.push(`${treated} servers TREATED, expected ${stalled}`);
  const others = Object.entries(report.actions).filter(([action]) => action !== 'TREATED');
  if (others.length > 0)
    problems.push(`unexpected actions: ${others.map(([action, count]) => `${count} ${action}`).join(', ')}`);
  if (stalled > 0 && (!report.published || digestBytes === undefined)) problems.push('no digest was published');
  if (stalled === 0 && report.published) problems.push('a digest was published although nothing was affected');
  return problems;
}

export function compare(
  counts: Record<string, number>,
  errors: Record<string, number>,
  minimum: readonly MinimumCall[],
): OperationCount[] {
  const rows: OperationCount[] = minimum.map((call) => ({
    ...call,
    calls: counts[call.operation] ?? 0,
    errors: errors[call.operation] ?? 0,
  }));
  for (const [operation, calls] of Object.entries(counts)) {
    if (!minimum.some((call) => call.operation === operation))
      rows.push({ operation, calls, minimum: 0, basis: 'not needed for this fleet', errors: errors[operation] ?? 0 });
  }
  return rows;
}

export interface RunOnceResult {
  readonly outcome: ChildOutcome;
  readonly counts: Record<string, number>;
  readonly errors: Record<string, number>;
  readonly digestBytes?: number;
  readonly xraySubsegments: number;
  /** Bytes of the response bodies the handler received. */
  readonly responseBytes: number;
  readonly endpointOverrun: EndpointOverrun;
}

/** One run of the handler against fresh endpoints. */
export async function runOnce(
  bundle: BuiltBundle,
  fleet: Fleet,
  options: ScenarioOptions & { readonly timeJsonParse?: boolean },
): Promise<RunOnceResult> {
  const endpoints = await startBenchEndpoints(fleet, { latencyMs: options.latencyMs });
  const sink = options.tracing === false ? undefined : await startXraySink();
  const recorder = recordResponses(handlerFacingPorts(endpoints));
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'mgn-doctor-bench-bodies-'));
  try {
    const environment = {
      ...endpoints.environment({ logLevel: options.logLevel, traceAwsCalls: options.traceAwsCalls }),
      ...(sink ? tracingEnvironment(sink, bundle.dir) : {}),
    };
    const outcome = await runChild(
      bundle,
      childEnvironment(environment),
      options.node ?? process.execPath,
      (result) => {
        recorder.stop();
        if (!result.ok || options.timeJsonParse === false) return undefined;
        const file = path.join(scratch, 'bodies.json');
        fs.writeFileSync(file, JSON.stringify(recorder.bodies()));
        return file;
      },
    );
    const counts = endpoints.callCounts();
    const errors = endpoints.errorCounts();
    const digestBytes =
      endpoints.sns.published.reduce((largest, message) => Math.max(largest, message.messageBytes), 0) || undefined;
    // UDP datagrams sent just before the child exited may still be in the socket's queue.
    if (sink) await new Promise((resolve) => setTimeout(resolve, 50));
    return {
      outcome,
      counts,
      errors,
      digestBytes,
      xraySubsegments: sink?.subsegments ?? 0,
      responseBytes: recorder.bytes,
      endpointOverrun: summarizeOverrun(recorder.replyTimes(), options.latencyMs),
    };
  } finally {
    recorder.stop();
    fs.rmSync(scratch, { recursive: true, force: true });
    await sink?.close();
    await endpoints.close();
  }
}

export interface EventPathResult {
  /** Whether a scheduled run had listed the inventory (and cached it) before the event. */
  readonly warm: boolean;
  readonly sourceServerId: string;
  readonly operations: Record<string, number>;
  readonly totalCalls: number;
  /** The calls up to and including the first SendCommand. */
  readonly callsToFirstSend: number;
  readonly beforeFirstSend: Record<string, number>;
  readonly wallMs: number;
  readonly cpuMs: number;
  readonly action?: string;
}

/** An MGN stall event for one server of the fleet, as EventBridge delivers it. */
function stallEvent(server: ApiSourceServer): unknown {
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': 'MGN Source Server Data Replication Stalled Change',
    source: 'aws.mgn',
    account: ACCOUNT_ID,
    time: new Date().toISOString(),
    region: REGION,
    resources: [`arn:aws:mgn:${REGION}:${ACCOUNT_ID}:source-server/${server.sourceServerID}`],
    detail: { state: 'STALLED' },
  };
}

/**
 * The event path (docs/design.md section 5): on the fleet's endpoints, a scheduled run (when `warm`), then a
 * healthy server found by name stalls and MGN's event for it invokes the handler; its calls are counted.
 */
export async function runEventPath(
  bundle: BuiltBundle,
  spec: FleetSpec,
  options: ScenarioOptions & { readonly warm: boolean },
): Promise<EventPathResult> {
  const fleet = generateFleet(spec);
  const endpoints = await startBenchEndpoints(fleet, { latencyMs: options.latencyMs });
  const sink = options.tracing === false ? undefined : await startXraySink();
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'mgn-doctor-bench-event-'));
  const node = options.node ?? process.execPath;
  try {
    const env = childEnvironment({
      ...endpoints.environment({ logLevel: options.logLevel, traceAwsCalls: options.traceAwsCalls }),
      ...(sink ? tracingEnvironment(sink, bundle.dir) : {}),
    });
    const done = () => undefined;
    if (options.warm) {
      const scheduled = await runChild(bundle, env, node, done);
      if (!scheduled.result.ok) throw new Error(`scheduled run failed: ${scheduled.result.error}`);
    }
    const index = endpoints.mgn.servers.findIndex(
      (server, at) => at >= 1 && server.dataReplicationInfo?.dataReplicationState === 'CONTINUOUS',
    );
    const healthy = endpoints.mgn.servers[index] as ApiSourceServer;
    const stalled: ApiSourceServer = {
      ...healthy,
      dataReplicationInfo: {
        ...healthy.dataReplicationInfo,
        dataReplicationState: 'STALLED',
        dataReplicationError: { error: 'AGENT_NOT_SEEN', rawError: 'AGENT_NOT_SEEN reported by the benchmark' },
      },
    };
    endpoints.mgn.servers[index] = stalled;
    const eventFile = path.join(scratch, 'event.json');
    fs.writeFileSync(eventFile, JSON.stringify(stallEvent(stalled)));
    endpoints.clearRecords();
    const outcome = await runChild(bundle, env, node, done, eventFile);
    if (!outcome.result.ok) throw new Error(`event run failed: ${outcome.result.error}`);
    const operations = Object.fromEntries(Object.entries(endpoints.callCounts()).filter(([, calls]) => calls > 0));
    const beforeFirstSend = endpoints.callsBeforeFirstSend() ?? {};
    const total = (counts: Record<string, number>): number => Object.values(counts).reduce((sum, n) => sum + n, 0);
    return {
      warm: options.warm,
      sourceServerId: stalled.sourceServerID as string,
      operations,
      totalCalls: total(operations),
      callsToFirstSend: total(beforeFirstSend) + (endpoints.callsBeforeFirstSend() ? 1 : 0),
      beforeFirstSend,
      wallMs: outcome.result.wallMs,
      cpuMs: outcome.result.cpuUserMs + outcome.result.cpuSystemMs,
      action: Object.keys(outcome.result.report?.actions ?? {}).join(', '),
    };
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
    await sink?.close();
    await endpoints.close();
  }
}

export async function runScenario(
  bundle: BuiltBundle,
  spec: FleetSpec,
  options: ScenarioOptions,
): Promise<ScenarioResult> {
  const fleet = generateFleet(spec);
  const minimum = minimumCalls(fleet);
  const runs = Math.max(1, options.runs ?? 1);
  const outcomes: Awaited<ReturnType<typeof runOnce>>[] = [];
  const baselines: Awaited<ReturnType<typeof runOnce>>[] = [];
  const baselineBundle = options.chainBaselineFile && { ...bundle, file: options.chainBaselineFile };
  for (let run = 0; run < runs; run++) {
    outcomes.push(succeeded(await runOnce(bundle, fleet, options), `handler, ${spec.servers} servers`));
    if (baselineBundle)
      baselines.push(
        succeeded(
          await runOnce(baselineBundle, fleet, { ...options, timeJsonParse: false }),
          `chain baseline, ${spec.servers} servers`,
        ),
      );
  }
  const first = outcomes[0] as (typeof outcomes)[number];
  const operations = compare(first.counts, first.errors, minimum);
  const unstable = operations
    .filter((row) => outcomes.some((other) => (other.counts[row.operation] ?? 0) !== row.calls))
    .map((row) => row.operation);
  const results = outcomes.map((once) => once.outcome.result);
  const listed = fleet.sourceServers.filter((server) => !server.isArchived);
  const needPage = inventoryNeedPage(fleet, BENCH_SETTINGS.massStallThreshold);
  const floor = ioFloor(runCallsOf(minimum, AGENT_PLAYBOOK_DOCUMENTS, spec.stalled, needPage), options.latencyMs);
  const cpuOf = (result: RunnerResult): number => result.cpuUserMs + result.cpuSystemMs;
  const parseMs = outcomes.map((once) => once.outcome.parse?.jsonParseCpuMs ?? Number.NaN);
  return {
    spec: fleet.spec,
    latencyMs: options.latencyMs,
    runs,
    operations,
    totalCalls: operations.reduce((sum, row) => sum + row.calls, 0),
    totalMinimum: operations.reduce(
      (sum, row) => sum + (row.calls > row.minimum && row.alsoAccepted?.includes(row.calls) ? row.calls : row.minimum),
      0,
    ),
    unstableOperations: unstable,
    wallMs: median(results.map((result) => result.wallMs)),
    cpuMs: median(results.map(cpuOf)),
    maxRssBytes: median(results.map((result) => result.maxRssBytes)),
    rssAfterInitBytes: median(results.map((result) => result.rssAfterInitBytes)),
    peakHeapUsedBytes: median(results.map((result) => result.peakHeapUsedBytes)),
    peakHeapTotalBytes: median(results.map((result) => result.peakHeapTotalBytes)),
    peakExternalBytes: median(results.map((result) => result.peakExternalBytes)),
    wallMsPerRun: results.map((result) => result.wallMs),
    digestBytes: first.digestBytes,
    report: first.outcome.result.report,
    sourceServerItemBytes:
      listed.length === 0 ? 0 : Math.round(Buffer.byteLength(JSON.stringify(listed)) / listed.length),
    outcomeProblems: checkOutcome(fleet, first.outcome.result.report, first.digestBytes),
    ...readLogs(first.outcome.stdout, first.outcome.stderr),
    xraySubsegments: first.xraySubsegments,
    tracing: options.tracing !== false,
    node: first.outcome.result.node,
    ioFloor: floor,
    wallRatio: median(results.map((result) => (floor.ms > 0 ? result.wallMs / floor.ms : Number.NaN))),
    responseBytes: first.responseBytes,
    jsonParseCpuMs: median(parseMs),
    cpuRatio: median(results.map((result, index) => cpuOf(result) / (parseMs[index] as number))),
    endpointOverrun: medianRun(outcomes, (once) => once.outcome.result.wallMs).endpointOverrun,
    ...(baselines.length > 0 && { chainBaseline: summarizeChainBaseline(outcomes, baselines) }),
  };
}

function succeeded(once: RunOnceResult, what: string): RunOnceResult {
  const { result, stderr } = once.outcome;
  if (!result.ok) throw new Error(`${what} failed: ${result.error ?? 'unknown error'}\n${stderr.slice(-OUTPUT_TAIL)}`);
  return once;
}

function summarizeChainBaseline(
  handler: readonly RunOnceResult[],
  baselines: readonly RunOnceResult[],
): ChainBaselineResult {
  const walls = baselines.map((once) => once.outcome.result.wallMs);
  const calls = baselines[0]?.counts ?? {};
  const handlerCalls = handler[0]?.counts ?? {};
  const operations = new Set([...Object.keys(calls), ...Object.keys(handlerCalls)]);
  return {
    wallMs: median(walls),
    wallMsPerRun: walls,
    totalCalls: Object.values(calls).reduce((sum, count) => sum + count, 0),
    callsDiffer: [...operations].filter((operation) => (calls[operation] ?? 0) !== (handlerCalls[operation] ?? 0)),
    ratio: median(handler.map((once, index) => once.outcome.result.wallMs / (walls[index] as number))),
  };
}

export interface InitSamples {
  readonly medianMs: number;
  readonly samplesMs: readonly number[];
  readonly rssAfterInitBytes: number;
}

export interface ModuleInitResult extends InitSamples {
  /** The baseline bundle (the same SDK clients and Powertools, built alike, nothing else), measured alongside. */
  readonly baseline: InitSamples;
  /** Module init ÷ the baseline's (medians). */
  readonly ratio: number;
  readonly node: string;
}

const INIT_SCRIPT = [
  'const t0 = performance.now();',
  'require(process.argv[1]);',
  'const ms = performance.now() - t0;',
  'process.stdout.write(JSON.stringify({ ms, rss: process.memoryUsage().rss, node: process.version }));',
  'process.exit(0);',
].join(' ');

interface InitSample {
  readonly ms: number;
  readonly rss: number;
  readonly node: string;
}

function requireOnce(node: string, file: string, env: NodeJS.ProcessEnv): Promise<InitSample> {
  return new Promise<InitSample>((resolve, reject) => {
    const child = spawn(node, ['-e', INIT_SCRIPT, file], {
      env,
      cwd: path.dirname(file),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString('utf8')).slice(-OUTPUT_TAIL)));
    child.on('error', reject);
    child.on('close', (code) => {
      try {
        resolve(JSON.parse(stdout) as InitSample);
      } catch {
        reject(new Error(`module init run failed (exit ${String(code)}): ${stderr}`));
      }
    });
  });
}

const summarize = (samples: readonly InitSample[]): InitSamples => ({
  medianMs: median(samples.map((sample) => sample.ms)),
  samplesMs: samples.map((sample) => sample.ms),
  rssAfterInitBytes: median(samples.map((sample) => sample.rss)),
});

/**
 * Module init (require + the SDK clients built at load) in `samples` fresh processes, each followed by the
 * baseline bundle's, so that both see the same machine; the medians and their ratio.
 */
export async function measureModuleInit(
  bundle: Pick<BuiltBundle, 'file'>,
  baselineFile: string,
  lambdaEnvironment: Record<string, string>,
  options: { readonly samples?: number; readonly node?: string } = {},
): Promise<ModuleInitResult> {
  const env = childEnvironment(lambdaEnvironment);
  const node = options.node ?? process.execPath;
  const handler: InitSample[] = [];
  const baseline: InitSample[] = [];
  for (let sample = 0; sample < (options.samples ?? 7); sample++) {
    handler.push(await requireOnce(node, bundle.file, env));
    baseline.push(await requireOnce(node, baselineFile, env));
  }
  const measured = summarize(handler);
  const base = summarize(baseline);
  return { ...measured, baseline: base, ratio: measured.medianMs / base.medianMs, node: handler[0]?.node ?? '' };
}
