// The benchmark's child process (bundled to runner.js next to the Lambda bundle; the parent starts it with the
// Lambda's environment and an IPC channel). It loads the bundle as the Lambda runtime would (module init builds
// the SDK clients from the environment), invokes the handler once with a scheduled event (or the event in the
// file named after the bundle), and sends back what it
// measured. Then, for the CPU ratio, it times JSON.parse of the response bodies the parent recorded, in this same
// process. Plain Node: no loader, so memory and CPU are the bundle's own.
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import scheduledEvent from '../../test/fixtures/events/scheduled.json';

export interface RunnerResult {
  readonly ok: boolean;
  readonly error?: string;
  /** require() of the bundle, including the SDK clients built at module load. */
  readonly initMs: number;
  readonly initCpuMs: number;
  readonly rssAfterInitBytes: number;
  /** The handler call alone. */
  readonly wallMs: number;
  readonly cpuUserMs: number;
  readonly cpuSystemMs: number;
  /** Peak resident set of the whole process (getrusage ru_maxrss). */
  readonly maxRssBytes: number;
  readonly heapUsedBytes: number;
  /** Peaks of process.memoryUsage() sampled every 50 ms during the handler call (cheap enough not to show). */
  readonly peakHeapUsedBytes: number;
  readonly peakHeapTotalBytes: number;
  readonly peakExternalBytes: number;
  /** Every module the process loaded from a file (the bundle must bring all of them). */
  readonly loadedModules: readonly string[];
  readonly node: string;
  /** A program step's answer (docs/design.md section 13): the account list, one account's result, the digest's outcome. */
  readonly answer?: unknown;
  readonly report?: {
    readonly counts: Record<string, number>;
    readonly commandsSent: number;
    readonly published: boolean;
    readonly subject?: string;
    readonly actions: Record<string, number>;
  };
}

interface Handler {
  handler(
    event: unknown,
    context: unknown,
  ): Promise<
    | {
        counts: Record<string, number>;
        commandsSent: number;
        published: boolean;
        subject?: string;
        servers: { action: string }[];
      }
    | undefined
  >;
}

function lambdaContext(): unknown {
  const functionName = process.env.AWS_LAMBDA_FUNCTION_NAME ?? 'mgn-replication-doctor';
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${process.env.AWS_REGION ?? 'us-east-1'}:111122223333:function:${functionName}`,
    memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE ?? '256',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: '2026/11/26/[$LATEST]0123456789abcdef0123456789abcdef',
    getRemainingTimeInMillis: () => 900_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

const ms = (micros: number): number => micros / 1000;

/** A run's report has servers; a program step answers with something else (small, passed on as it is). */
const isRunReport = (answer: unknown): answer is NonNullable<Awaited<ReturnType<Handler['handler']>>> =>
  typeof answer === 'object' && answer !== null && Array.isArray((answer as { servers?: unknown }).servers);

async function main(): Promise<RunnerResult> {
  const [bundle, eventFile] = process.argv.slice(2);
  if (!bundle) throw new Error('usage: node runner.js <path/to/index.js> [event.json]');
  const event: unknown = eventFile ? JSON.parse(fs.readFileSync(eventFile, 'utf8')) : scheduledEvent;
  // The bench's endpoints are http://. For such URLs the SDK's HTTP handler loads node:http on its first call with a
  // dynamic import, whose ES module facade loads undici (40-60 ms here); Lambda reaches AWS over https, whose
  // module the handler imports statically, so it never pays that. Loaded here, outside both measurements.
  await import('node:http');
  const initCpu0 = process.cpuUsage();
  const init0 = performance.now();
  const loaded = createRequire(__filename)(bundle) as Handler;
  const initMs = performance.now() - init0;
  const initCpu = process.cpuUsage(initCpu0);
  const rssAfterInitBytes = process.memoryUsage().rss;

  const peaks = { heapUsed: 0, heapTotal: 0, external: 0 };
  const sample = (): void => {
    const usage = process.memoryUsage();
    peaks.heapUsed = Math.max(peaks.heapUsed, usage.heapUsed);
    peaks.heapTotal = Math.max(peaks.heapTotal, usage.heapTotal);
    peaks.external = Math.max(peaks.external, usage.external);
  };
  const sampler = setInterval(sample, 50);
  const cpu0 = process.cpuUsage();
  const wall0 = performance.now();
  let error: string | undefined;
  let report: Awaited<ReturnType<Handler['handler']>>;
  try {
    report = await loaded.handler(event, lambdaContext());
  } catch (caught) {
    error = caught instanceof Error ? (caught.stack ?? caught.message) : String(caught);
  }
  const wallMs = performance.now() - wall0;
  const cpu = process.cpuUsage(cpu0);
  clearInterval(sampler);
  sample();
  const actions: Record<string, number> = {};
  for (const server of report?.servers ?? []) actions[server.action] = (actions[server.action] ?? 0) + 1;
  return {
    ok: error === undefined,
    error,
    initMs,
    initCpuMs: ms(initCpu.user + initCpu.system),
    rssAfterInitBytes,
    wallMs,
    cpuUserMs: ms(cpu.user),
    cpuSystemMs: ms(cpu.system),
    maxRssBytes: process.resourceUsage().maxRSS * 1024,
    heapUsedBytes: process.memoryUsage().heapUsed,
    peakHeapUsedBytes: peaks.heapUsed,
    peakHeapTotalBytes: peaks.heapTotal,
    peakExternalBytes: peaks.external,
    loadedModules: Object.keys(require.cache),
    node: process.version,
    ...(isRunReport(report) ? {} : { answer: report }),
    report: isRunReport(report)
      ? {
          counts: report.counts,
          commandsSent: report.commandsSent,
          published: report.published,
          subject: report.subject,
          actions,
        }
      : undefined,
  };
}

/** The parent's second message: a file with the response bodies the handler received (a JSON array of strings). */
export interface ParseRequest {
  readonly bodiesFile: string;
}

export interface ParseResult {
  readonly bodies: number;
  readonly bytes: number;
  /** CPU time of the fastest JSON.parse pass over every body (an XML body is parsed as one JSON string of its text). */
  readonly jsonParseCpuMs: number;
}

/** Passes over the bodies; the fastest is the yardstick (the others pay for garbage collection and neighbours). */
const PARSE_PASSES = 7;

/** JSON.parse of the same bytes the handler's SDK clients parsed, as the CPU ratio's yardstick. */
export function timeJsonParse(bodies: readonly string[]): ParseResult {
  // An untimed first pass sorts JSON from XML and warms the parser up.
  const texts = bodies.map((body) => {
    try {
      JSON.parse(body);
      return body;
    } catch {
      return JSON.stringify(body);
    }
  });
  const passes: number[] = [];
  for (let pass = 0; pass < PARSE_PASSES; pass++) {
    const cpu0 = process.cpuUsage();
    for (const text of texts) JSON.parse(text);
    const cpu = process.cpuUsage(cpu0);
    passes.push(ms(cpu.user + cpu.system));
  }
  return {
    bodies: bodies.length,
    bytes: bodies.reduce((sum, body) => sum + Buffer.byteLength(body), 0),
    jsonParseCpuMs: Math.min(...passes),
  };
}

const exit = (): never => process.exit(0);

function send(message: RunnerResult): void {
  if (!process.send) {
    process.stdout.write(`${JSON.stringify(message)}\n`);
    exit();
  }
  process.send?.(message);
  // The SDK keeps sockets alive: exit once the parse result is on its way rather than wait for them.
  process.once('message', (request: ParseRequest) => {
    const bodies = JSON.parse(fs.readFileSync(request.bodiesFile, 'utf8')) as string[];
    process.send?.(timeJsonParse(bodies), exit);
  });
}

if (require.main === module) {
  main().then(send, (error: unknown) =>
    send({
      ok: false,
      error: error instanceof Error ? (error.stack ?? error.message) : String(error),
    } as RunnerResult),
  );
}
