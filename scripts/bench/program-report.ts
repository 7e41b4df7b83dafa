// The program scenario's text output (scripts/bench/program.ts): calls per operation against the minimum for each
// step and the whole program, each account run's time and memory, and the program's wall time as the Map runs it.
import { renderTable } from '../lib/render-table';
import type { ProgramResult, StepMeasure } from './program';
import { isOverMinimum, megabytes, seconds } from './report';
import { median, type OperationCount } from './scenario';

export interface OperationTotal {
  readonly operation: string;
  readonly calls: number;
  readonly minimum: number;
  /** Fewest and most calls one invocation of these made. */
  readonly fewest: number;
  readonly most: number;
  readonly over: boolean;
}

/** Calls and minimums per operation summed over invocations, in first-seen order. */
export function sumOperations(steps: readonly Pick<StepMeasure, 'operations'>[]): OperationTotal[] {
  const names = [...new Set(steps.flatMap((step) => step.operations.map((row) => row.operation)))];
  return names.map((operation) => {
    const rows = steps.map(
      (step): Pick<OperationCount, 'calls' | 'minimum' | 'alsoAccepted'> =>
        step.operations.find((row) => row.operation === operation) ?? { calls: 0, minimum: 0 },
    );
    const accepted = (row: (typeof rows)[number]): number =>
      row.alsoAccepted?.includes(row.calls) ? row.calls : row.minimum;
    return {
      operation,
      calls: rows.reduce((sum, row) => sum + row.calls, 0),
      minimum: rows.reduce((sum, row) => sum + accepted(row), 0),
      fewest: Math.min(...rows.map((row) => row.calls)),
      most: Math.max(...rows.map((row) => row.calls)),
      over: rows.some((row) => isOverMinimum({ ...row, operation, basis: '', errors: 0 })),
    };
  });
}

const kilobytes = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KB`;

const ratio = (calls: number, minimum: number): string =>
  minimum === 0 ? (calls === 0 ? '1.00×' : '∞') : `${(calls / minimum).toFixed(2)}×`;

function operationTable(totals: readonly OperationTotal[], perInvocation: boolean): string[] {
  const rows = totals.map((row) => [
    row.operation,
    String(row.calls),
    String(row.minimum),
    row.over ? ratio(row.calls, row.minimum) : 'ok',
    ...(perInvocation ? [row.fewest === row.most ? String(row.most) : `${row.fewest}–${row.most}`] : []),
  ]);
  const calls = totals.reduce((sum, row) => sum + row.calls, 0);
  const minimum = totals.reduce((sum, row) => sum + row.minimum, 0);
  rows.push(['total', String(calls), String(minimum), ratio(calls, minimum), ...(perInvocation ? [''] : [])]);
  return renderTable(['operation', 'calls', 'minimum', 'vs min', ...(perInvocation ? ['per account'] : [])], rows);
}

/** `fewest / median / most` of some figures. */
export function spread(values: readonly number[], format: (value: number) => string): string {
  if (values.length === 0) return '-';
  return `${format(Math.min(...values))} / ${format(median(values))} / ${format(Math.max(...values))} (fewest / median / most)`;
}

const ofStep = (result: ProgramResult, step: StepMeasure['step']): StepMeasure[] =>
  result.steps.filter((candidate) => candidate.step === step);

export function programLines(result: ProgramResult, hubAccount: string): string[] {
  const members = result.steps.filter((step) => step.step === 'run-account' && step.account !== hubAccount);
  const hub = result.steps.filter((step) => step.step === 'run-account' && step.account === hubAccount);
  const peak = (steps: readonly StepMeasure[]): string =>
    steps.length === 0 ? '-' : megabytes(Math.max(...steps.map((step) => step.maxRssBytes)));
  const accountRows = [...hub, ...members].map((step) => [
    `${step.account ?? ''}${step.account === hubAccount ? ' (hub)' : ''}`,
    String(step.totalCalls),
    String(step.totalMinimum),
    String(step.operations.find((row) => row.operation === 'dynamodb:Scan')?.calls ?? 0),
    seconds(step.initMs),
    seconds(step.wallMs),
    seconds(step.cpuMs),
    megabytes(step.maxRssBytes),
    megabytes(step.peakHeapUsedBytes),
  ]);
  const { spec } = result;
  const sequential = result.steps.reduce((sum, step) => sum + step.initMs + step.wallMs, 0);
  return [
    `Organization: ${spec.accounts} member accounts × ${spec.fleet.servers.toLocaleString('en-US')} servers (${spec.fleet.stalled} stalled each), ` +
      `the hub's own account empty; accountConcurrency ${spec.accountConcurrency}; ${result.latencyMs} ms per API call; ` +
      `each invocation a cold process, the account runs measured one at a time`,
    `Listed: ${result.listed.length} accounts · digest ${result.digestBytes === undefined ? 'not published' : `SNS message ${kilobytes(result.digestBytes)}, e-mail text ${kilobytes(result.digestTextBytes ?? 0)}`} with ${result.digestAccounts.length} account sections`,
    'Calls, whole program (every invocation):',
    ...operationTable(sumOperations(result.steps), false).map((line) => `  ${line}`),
    'Calls, one member account run (run-account):',
    ...operationTable(sumOperations(members.slice(0, 1)), false).map((line) => `  ${line}`),
    `  over the ${members.length} member runs, per operation (fewest–most):`,
    ...operationTable(sumOperations(members), true).map((line) => `    ${line}`),
    'Calls, list-accounts and publish-digest:',
    ...operationTable(
      sumOperations([...ofStep(result, 'list-accounts'), ...ofStep(result, 'publish-digest')]),
      false,
    ).map((line) => `  ${line}`),
    'Each account run (run-account):',
    ...renderTable(
      ['account', 'calls', 'minimum', 'Scan pages', 'module init', 'handler wall', 'CPU', 'peak RSS', 'peak heap'],
      accountRows,
    ).map((line) => `  ${line}`),
    `  member runs: handler wall ${spread(
      members.map((step) => step.wallMs),
      seconds,
    )}, module init ${spread(
      members.map((step) => step.initMs),
      seconds,
    )}, ` +
      `CPU ${spread(
        members.map((step) => step.cpuMs),
        seconds,
      )}, peak RSS ${spread(
        members.map((step) => step.maxRssBytes),
        megabytes,
      )}`,
    ...[...ofStep(result, 'list-accounts'), ...ofStep(result, 'publish-digest')].map(
      (step) =>
        `  ${step.step}: handler wall ${seconds(step.wallMs)}, module init ${seconds(step.initMs)}, CPU ${seconds(step.cpuMs)}, peak RSS ${megabytes(step.maxRssBytes)}`,
    ),
    'Wall time of the program (list-accounts, the Map at MaxConcurrency, publish-digest):',
    `  cold containers (module init + handler each): ${seconds(result.programWallMs.cold)} (the Map ${seconds(result.map.cold.makespanMs)})`,
    `  warm containers (handler only):               ${seconds(result.programWallMs.warm)} (the Map ${seconds(result.map.warm.makespanMs)})`,
    `  for comparison, every invocation one after another: ${seconds(sequential)}`,
    `Peak RSS per invocation: list-accounts ${peak(ofStep(result, 'list-accounts'))}, member run ${peak(members)} (max), ` +
      `hub's own run ${peak(hub)}, publish-digest ${peak(ofStep(result, 'publish-digest'))}`,
    ...(result.problems.length === 0
      ? ['Outcome: every member listed, treated (report held, its commands sent) and in the one digest']
      : result.problems.map((problem) => `UNEXPECTED: ${problem}`)),
  ];
}
