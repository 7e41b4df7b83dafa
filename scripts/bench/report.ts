// The benchmark's verdicts (the budgets of docs/design.md section 12) and its text output.
import * as fs from 'node:fs';
import * as os from 'node:os';
import { execFileSync } from 'node:child_process';
import { renderTable } from '../lib/render-table';
import type { BuiltBundle } from './bundle';
import type { ModuleInitResult, OperationCount, ScenarioResult } from './scenario';

/** docs/design.md section 12. */
export const BUDGETS = {
  callRatio: 1.1,
  wallMs: 3_000,
  maxRssBytes: 150 * 1024 * 1024,
  bundleBytes: 1.5 * 1024 * 1024,
  moduleInitMs: 200,
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

export function verdicts(
  result: ScenarioResult | undefined,
  bundle: BuiltBundle,
  init: ModuleInitResult | undefined,
): Verdict[] {
  const list: Verdict[] = [];
  if (result) {
    const over = result.operations.filter((row) => isOverMinimum(row));
    const ratio = callsRatio(result);
    list.push({
      budget: 'API calls',
      limit: `≤ ${BUDGETS.callRatio}× minimum, per operation and in total`,
      measured: `${result.totalCalls} / ${result.totalMinimum} = ${ratio.toFixed(2)}×${over.length > 0 ? ` (over: ${over.map((row) => `${row.operation} ${row.calls}/${row.minimum}`).join(', ')})` : ''}`,
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
    list.push({
      budget: 'handler wall time',
      limit: '≤ 3 s',
      measured: seconds(result.wallMs),
      pass: result.wallMs <= BUDGETS.wallMs,
    });
    list.push({
      budget: 'peak RSS',
      limit: '≤ 150 MB',
      measured: megabytes(result.maxRssBytes),
      pass: result.maxRssBytes <= BUDGETS.maxRssBytes,
    });
  }
  list.push({
    budget: 'bundle (index.js, minified)',
    limit: '≤ 1.5 MB',
    measured: megabytes(bundle.bytes),
    pass: bundle.bytes <= BUDGETS.bundleBytes,
  });
  if (init)
    list.push({
      budget: 'module init (median)',
      limit: '≤ 200 ms',
      measured: `${init.medianMs.toFixed(0)} ms`,
      pass: init.medianMs <= BUDGETS.moduleInitMs,
    });
  return list;
}

export const seconds = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
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
    `  handler wall ${seconds(result.wallMs)} (runs: ${result.wallMsPerRun.map((ms) => seconds(ms)).join(', ')}) · CPU ${seconds(result.cpuMs)} · peak RSS ${megabytes(result.maxRssBytes)} (after init ${megabytes(result.rssAfterInitBytes)}; ` +
      `peak heap ${megabytes(result.peakHeapUsedBytes)} used / ${megabytes(result.peakHeapTotalBytes)} reserved, external ${megabytes(result.peakExternalBytes)})`,
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

export function summaryLines(results: readonly ScenarioResult[]): string[] {
  const rows = results.map((result) => [
    thousands(result.spec.servers),
    thousands(result.spec.stalled),
    thousands(result.spec.nodes),
    String(result.totalCalls),
    String(result.totalMinimum),
    `${callsRatio(result).toFixed(2)}×`,
    seconds(result.wallMs),
    seconds(result.cpuMs),
    megabytes(result.maxRssBytes),
  ]);
  return renderTable(['servers', 'stalled', 'SSM nodes', 'calls', 'minimum', 'ratio', 'wall', 'CPU', 'peak RSS'], rows);
}

export function bundleLines(bundle: BuiltBundle, init: ModuleInitResult | undefined): string[] {
  const largest = bundle.composition
    .slice(0, 6)
    .map((part) => `${part.name} ${kilobytes(part.bytes)}`)
    .join(', ');
  return [
    `Bundle: ${bundle.file} ${thousands(bundle.bytes)} B (${megabytes(bundle.bytes)}), source map ${megabytes(bundle.sourceMapBytes)}; ` +
      `esbuild target ${bundle.options.target}, ${bundle.options.format}, minify ${bundle.options.minify}, external: ${bundle.options.externalModules.join(' ')}`,
    `  largest parts: ${largest}`,
    ...(init
      ? [
          `Module init (require + SDK clients): median ${init.medianMs.toFixed(0)} ms of ${init.samplesMs.length} cold starts ` +
            `(${init.samplesMs.map((ms) => ms.toFixed(0)).join(', ')} ms); RSS after init ${megabytes(init.rssAfterInitBytes)}`,
        ]
      : []),
  ];
}

export function verdictLines(list: readonly Verdict[]): string[] {
  return renderTable(
    ['budget', 'limit', 'verdict', 'measured'],
    list.map((verdict) => [verdict.budget, verdict.limit, verdict.pass ? 'PASS' : 'MISS', verdict.measured]),
  );
}
