// The benchmark's verdicts and its text output. The budgets are ratios measured in the same run, so that they hold
// on any machine (docs/design.md section 12): wall time over a baseline that makes the I/O floor's calls alone,
// module init over a baseline bundle, CPU time over JSON.parse of the same bytes, calls over the minimum. Absolute
// figures (and wall time over the I/O floor itself) are reported as information.
import * as fs from 'node:fs';
import * as os from 'node:os';
import { execFileSync } from 'node:child_process';
import { renderTable } from '../lib/render-table';
import * as path from 'node:path';
import type { BuiltBundle, BundlePart } from './bundle';
import type { LambdaProjection } from './lambda-projection';
import type { EventPathResult, ModuleInitResult, OperationCount, ScenarioResult } from './scenario';
import type { EndpointOverrun } from './response-recorder';

/** Design section 12, as ratios. */
export const BUDGETS = {
  /** API calls ÷ the minimum the fleet needs, per operation and in total. */
  callRatio: 1.0,
  /**
   * Handler wall time ÷ the chain baseline's (the I/O floor's calls alone, through the same clients and adapters),
   * on the budget fleet: like module init, a baseline measured in the same run, so the same 1.2. Wall ÷ the I/O
   * floor is reported beside it (BENCHMARKS.md, "The wall ratio").
   */
  wallRatio: 1.2,
  /** Module init ÷ the baseline bundle's. */
  initRatio: 1.2,
  /** Calls an event run makes up to its first SendCommand, with the inventory cached (design section 5). */
  eventCallsToSend: 6,
  /**
   * Handler CPU time ÷ JSON.parse of the same response bytes, on the budget fleet: half of the 110 it measured
   * when the ratio was introduced (BENCHMARKS.md, "CPU").
   */
  cpuRatio: 55,
} as const;

/** The fleet the budgets are stated for. */
export const BUDGET_FLEET = { servers: 4_000, stalled: 150, nodes: 4_000 } as const;

export interface Machine {
  readonly nproc: number;
  readonly cpuModel: string;
  readonly node: string;
  readonly os: string;
  readonly memoryBytes: number;
}

export function describeMachine(): Machine {
  let nproc = os.cpus().length;
  try {
    nproc = Number(execFileSync('nproc', { encoding: 'utf8' }).trim()) || nproc;
  } catch {
    // os.cpus() it is.
  }
  let cpuModel = os.cpus()[0]?.model ?? 'unknown';
  try {
    cpuModel = /^model name\s*:\s*(.+)$/m.exec(fs.readFileSync('/proc/cpuinfo', 'utf8'))?.[1]?.trim() ?? cpuModel;
  } catch {
    // Not Linux.
  }
  return {
    nproc,
    cpuModel,
    node: process.version,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    memoryBytes: os.totalmem(),
  };
}

/** An operation over its minimum by more than the budget's ratio (a count the minimum also accepts is fine). */
export function isOverMinimum(row: OperationCount, ratio: number = BUDGETS.callRatio): boolean {
  if (row.alsoAccepted?.includes(row.calls)) return false;
  return row.calls > row.minimum * ratio;
}

export interface Verdict {
  readonly budget: string;
  readonly limit: string;
  readonly measured: string;
  readonly pass: boolean;
}

export function callsRatio(result: ScenarioResult): number {
  return result.totalMinimum === 0 ? (result.totalCalls === 0 ? 1 : Infinity) : result.totalCalls / result.totalMinimum;
}

const ratioText = (ratio: number): string => `${ratio.toFixed(2)}×`;

export function verdicts(
  result: ScenarioResult | undefined,
  init: ModuleInitResult | undefined,
  event?: EventPathResult,
): Verdict[] {
  const list: Verdict[] = [];
  if (result) {
    const over = result.operations.filter((row) => isOverMinimum(row));
    const ratio = callsRatio(result);
    list.push({
      budget: 'API calls ÷ minimum',
      limit: `≤ ${BUDGETS.callRatio.toFixed(1)}, per operation and in total`,
      measured: `${result.totalCalls} / ${result.totalMinimum} = ${ratioText(ratio)}${over.length > 0 ? ` (over: ${over.map((row) => `${row.operation} ${row.calls}/${row.minimum}`).join(', ')})` : ''}`,
      pass: over.length === 0 && ratio <= BUDGETS.callRatio,
    });
    const issues = [
      ...result.outcomeProblems,
      ...result.problems.map((problem) => `${problem.level} ×${problem.count} ${problem.message}`),
      ...result.unstableOperations.map((operation) => `${operation} varied between runs`),
    ];
    list.push({
      budget: 'run did what the fleet needs',
      limit: 'every stalled server treated, one digest, no WARN/ERROR (else the numbers mean little)',
      measured:
        issues.length === 0
          ? `${result.report?.actions.TREATED ?? 0} treated, digest ${((result.digestBytes ?? 0) / 1024).toFixed(0)} KB`
          : issues.join('; '),
      pass: issues.length === 0,
    });
    const baseline = result.chainBaseline;
    list.push({
      budget: 'wall time ÷ chain baseline',
      limit: `≤ ${BUDGETS.wallRatio}`,
      measured: baseline
        ? `${seconds(result.wallMs)} / ${seconds(baseline.wallMs)} = ${ratioText(baseline.ratio)} (÷ the I/O floor of ${seconds(result.ioFloor.ms)}: ${ratioText(result.wallRatio)}, the baseline ${ratioText(baseline.wallMs / result.ioFloor.ms)})${baseline.callsDiffer.length > 0 ? `; THE BASELINE MADE OTHER CALLS: ${baseline.callsDiffer.join(', ')}` : ''}`
        : 'not measured',
      pass: baseline !== undefined && baseline.ratio <= BUDGETS.wallRatio && baseline.callsDiffer.length === 0,
    });
    list.push({
      budget: 'CPU ÷ JSON.parse of the responses',
      limit: `≤ ${BUDGETS.cpuRatio}`,
      measured: `${seconds(result.cpuMs)} / ${milliseconds(result.jsonParseCpuMs)} = ${result.cpuRatio.toFixed(1)}× (${megabytes(result.responseBytes)} of responses)`,
      pass: result.cpuRatio <= BUDGETS.cpuRatio,
    });
  }
  if (event)
    list.push({
      budget: 'event run: calls to the first SendCommand',
      limit: `≤ ${BUDGETS.eventCallsToSend}, inventory cached`,
      measured: `${event.callsToFirstSend} (${Object.entries(event.beforeFirstSend)
        .map(([operation, calls]) => `${operation} ${calls}`)
        .join(', ')}, then SendCommand)`,
      pass: event.callsToFirstSend <= BUDGETS.eventCallsToSend && event.action === 'TREATED',
    });
  if (init)
    list.push({
      budget: 'module init ÷ baseline bundle',
      limit: `≤ ${BUDGETS.initRatio}`,
      measured: `${milliseconds(init.medianMs)} / ${milliseconds(init.baseline.medianMs)} = ${ratioText(init.ratio)}`,
      pass: init.ratio <= BUDGETS.initRatio,
    });
  return list;
}

export const seconds = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
export const milliseconds = (ms: number): string => `${ms.toFixed(0)} ms`;
/** MiB, written MB as the design does. */
export const megabytes = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
const kilobytes = (bytes: number): string => `${(bytes / 1024).toFixed(0)} KB`;
const thousands = (n: number): string => n.toLocaleString('en-US');

export function describeFleet(result: ScenarioResult): string {
  const { servers, stalled, nodes, stalledLayout, serversPerReplicationServer } = result.spec;
  return `${thousands(servers)} servers, ${thousands(stalled)} stalled (${stalledLayout === 'block' ? 'in one block' : 'spread'}; ${serversPerReplicationServer} servers per replication server), ${thousands(nodes)} SSM nodes`;
}

export function scenarioLines(result: ScenarioResult): string[] {
  const rows = result.operations.map((row) => [
    row.operation,
    String(row.calls),
    row.alsoAccepted && row.alsoAccepted.length > 0
      ? [row.minimum, ...row.alsoAccepted].join(' or ')
      : String(row.minimum),
    isOverMinimum(row)
      ? `${(row.minimum === 0 ? Infinity : row.calls / row.minimum).toFixed(1)}×`
      : row.calls < row.minimum
        ? 'below'
        : 'ok',
    `${row.basis}${row.errors > 0 ? ` [${row.errors} error replies]` : ''}`,
  ]);
  rows.push(['total', String(result.totalCalls), String(result.totalMinimum), `${callsRatio(result).toFixed(2)}×`, '']);
  const report = result.report;
  return [
    `Fleet: ${describeFleet(result)} (latency ${result.latencyMs} ms, ${result.runs} run${result.runs === 1 ? '' : 's'}, medians)`,
    ...renderTable(['operation', 'calls', 'minimum', 'vs min', 'minimum basis'], rows).map((line) => `  ${line}`),
    `  on Node ${result.node}: handler wall ${seconds(result.wallMs)} (runs: ${result.wallMsPerRun.map((ms) => seconds(ms)).join(', ')}) = ${ratioText(result.wallRatio)} the I/O floor of ${seconds(result.ioFloor.ms)} (${result.ioFloor.rounds} rounds) · ` +
      `CPU ${seconds(result.cpuMs)} = ${result.cpuRatio.toFixed(1)}× JSON.parse of the ${megabytes(result.responseBytes)} of responses (${milliseconds(result.jsonParseCpuMs)})`,
    `  peak RSS ${megabytes(result.maxRssBytes)} (after init ${megabytes(result.rssAfterInitBytes)}; ` +
      `peak heap ${megabytes(result.peakHeapUsedBytes)} used / ${megabytes(result.peakHeapTotalBytes)} reserved, external ${megabytes(result.peakExternalBytes)})`,
    ...(result.chainBaseline
      ? [
          `  chain baseline (the floor's calls alone): wall ${seconds(result.chainBaseline.wallMs)} (runs: ${result.chainBaseline.wallMsPerRun.map((ms) => seconds(ms)).join(', ')}) = ${ratioText(result.chainBaseline.wallMs / result.ioFloor.ms)} the I/O floor; handler ÷ baseline ${ratioText(result.chainBaseline.ratio)}; ${result.chainBaseline.totalCalls} calls${result.chainBaseline.callsDiffer.length > 0 ? `, OTHER THAN THE HANDLER'S: ${result.chainBaseline.callsDiffer.join(', ')}` : ', the same as the handler'}`,
        ]
      : []),
    `  endpoints: ${overrunText(result.endpointOverrun, result.latencyMs)}`,
    `  outcome: ${
      report
        ? Object.entries(report.actions)
            .map(([action, count]) => `${count} ${action}`)
            .join(', ') || 'nothing to do'
        : 'n/a'
    }; ${report?.commandsSent ?? 0} commands; ${report?.published ? `digest published (${kilobytes(result.digestBytes ?? 0)})` : 'no digest'}; MGN item ≈ ${thousands(result.sourceServerItemBytes)} B; ${result.tracing ? `${result.xraySubsegments} X-Ray subsegments` : 'tracing off'}${
      Object.keys(result.logLevels).length > 0
        ? `; log lines ${Object.entries(result.logLevels)
            .map(([level, count]) => `${level} ${count}`)
            .join(', ')}`
        : ''
    }${result.unstableOperations.length > 0 ? `; CALL COUNTS DIFFERED BETWEEN RUNS: ${result.unstableOperations.join(', ')}` : ''}`,
    ...result.outcomeProblems.map((problem) => `  UNEXPECTED OUTCOME: ${problem}`),
    ...result.problems.map(
      (problem) =>
        `  ${problem.level} ×${problem.count}: ${problem.message}${problem.example ? ` (${problem.example})` : ''}`,
    ),
  ];
}

/** Whether the fakes kept to the latency the floor assumes, and what they added where they did not. */
export function overrunText(overrun: EndpointOverrun, latencyMs: number): string {
  if (overrun.late === 0) return `every reply within the ${latencyMs} ms latency (${overrun.replies} replies)`;
  const worst = overrun.worst ? `, the latest ${overrun.worst.operation} at ${milliseconds(overrun.worst.ms)}` : '';
  return (
    `${overrun.late} of ${overrun.replies} replies later than the ${latencyMs} ms latency, ` +
    `${seconds(overrun.addedMs)} beyond it in all${worst} (the endpoints' own work, counted in the wall time)`
  );
}

export function summaryLines(results: readonly ScenarioResult[]): string[] {
  const rows = results.map((result) => [
    thousands(result.spec.servers),
    thousands(result.spec.stalled),
    thousands(result.spec.nodes),
    String(result.totalCalls),
    String(result.totalMinimum),
    ratioText(callsRatio(result)),
    seconds(result.ioFloor.ms),
    seconds(result.wallMs),
    ratioText(result.wallRatio),
    result.chainBaseline ? seconds(result.chainBaseline.wallMs) : '-',
    result.chainBaseline ? ratioText(result.chainBaseline.ratio) : '-',
    seconds(result.cpuMs),
    milliseconds(result.jsonParseCpuMs),
    `${result.cpuRatio.toFixed(1)}×`,
    megabytes(result.maxRssBytes),
  ]);
  return renderTable(
    [
      'servers',
      'stalled',
      'SSM nodes',
      'calls',
      'minimum',
      'calls ÷ min',
      'I/O floor',
      'wall',
      'wall ÷ floor',
      'chain baseline',
      'wall ÷ baseline',
      'CPU',
      'JSON.parse',
      'CPU ÷ parse',
      'peak RSS',
    ],
    rows,
  );
}

export function bundleLines(bundle: BuiltBundle, init: ModuleInitResult | undefined): string[] {
  const largest = bundle.composition
    .slice(0, 6)
    .map((part) => `${part.name} ${kilobytes(part.bytes)}`)
    .join(', ');
  const lazy = bundle.files.slice(1).map((file) => `${path.basename(file.file)} ${kilobytes(file.bytes)}`);
  return [
    `Bundle: index.js ${thousands(bundle.bytes)} B (${megabytes(bundle.bytes)}), source map ${megabytes(bundle.sourceMapBytes)}` +
      `${lazy.length > 0 ? `; loaded on first use: ${lazy.join(', ')}` : ''}; esbuild target ${bundle.options.target}, ` +
      `${bundle.options.format}, minify ${bundle.options.minify}, main fields ${bundle.options.mainFields.join(',')}`,
    `  largest parts: ${largest}`,
    ...duplicateLines(bundle),
    ...(init
      ? [
          `Module init on Node ${init.node} (require + SDK clients): median ${milliseconds(init.medianMs)} of ${init.samplesMs.length} cold starts ` +
            `(${init.samplesMs.map((ms) => ms.toFixed(0)).join(', ')} ms), RSS after init ${megabytes(init.rssAfterInitBytes)}; ` +
            `baseline bundle (SDK clients and Powertools only) ${milliseconds(init.baseline.medianMs)}, RSS ${megabytes(init.baseline.rssAfterInitBytes)}`,
        ]
      : []),
  ];
}

/** Packages bundled into index.js at more than one version (client-mgn's smithy v2 tree beside v4). */
export function duplicateLines(bundle: Pick<BuiltBundle, 'composition'>): string[] {
  const versions = new Map<string, BundlePart[]>();
  for (const part of bundle.composition) {
    const name = part.name.replace(/@[^@/]+$/, '');
    versions.set(name, [...(versions.get(name) ?? []), part]);
  }
  const duplicated = [...versions.values()].filter((parts) => parts.length > 1);
  if (duplicated.length === 0) return ['  no package is bundled at two versions'];
  const bytes = duplicated.flat().reduce((sum, part) => sum + part.bytes, 0);
  return [
    `  at two versions (${kilobytes(bytes)}): ${duplicated.map((parts) => parts.map((part) => `${part.name} ${kilobytes(part.bytes)}`).join(' + ')).join('; ')}`,
  ];
}

export function floorLines(result: ScenarioResult): string[] {
  return renderTable(
    ['step', 'rounds', 'basis'],
    result.ioFloor.steps.map((step) => [step.step, String(step.rounds), step.basis]),
  );
}

export function eventPathLines(paths: readonly EventPathResult[]): string[] {
  const operations = [...new Set(paths.flatMap((path) => Object.keys(path.operations)))];
  const rows = operations.map((operation) => [
    operation,
    ...paths.map((path) => String(path.operations[operation] ?? 0)),
  ]);
  rows.push(['total', ...paths.map((path) => String(path.totalCalls))]);
  rows.push(['up to the first SendCommand', ...paths.map((path) => String(path.callsToFirstSend))]);
  rows.push(['handler wall', ...paths.map((path) => seconds(path.wallMs))]);
  rows.push(['outcome', ...paths.map((path) => path.action || 'nothing')]);
  return renderTable(['calls', ...paths.map((path) => (path.warm ? 'cache warm' : 'cache cold'))], rows);
}

export function projectionLines(projection: LambdaProjection): string[] {
  const rows = projection.rows.map((row) => [
    `${row.memoryMb} MB`,
    row.cpuShare.toFixed(3),
    seconds(row.durationMs),
    ratioText(row.durationOverFloor),
    seconds(row.noOverlapMs),
    row.fits ? 'yes' : 'no',
    `$${row.costPerRunUsd.toFixed(6)}`,
    `$${row.monthlyUsd.toFixed(2)}`,
  ]);
  return [
    ...renderTable(
      ['memory', 'CPU share', 'duration', '÷ floor', 'no overlap', 'peak RSS fits', 'per run', 'per month'],
      rows,
    ),
    projection.recommendedMb === undefined
      ? `no memory size brings the projected duration within 1.2× of the I/O floor`
      : `recommended: ${projection.recommendedMb} MB, the smallest that fits and is within 1.2× of the I/O floor`,
  ];
}

export function verdictLines(list: readonly Verdict[]): string[] {
  return renderTable(
    ['budget', 'limit', 'verdict', 'measured'],
    list.map((verdict) => [verdict.budget, verdict.limit, verdict.pass ? 'PASS' : 'MISS', verdict.measured]),
  );
}
