// The benchmark's program scenario (docs/design.md sections 12 and 13): a hub for an organization of member accounts,
// each with the same generated fleet, run through the bundled handler as the state machine runs it: list-accounts,
// run-account per account, publish-digest, each invocation in its own process (a cold container) against the
// program's local endpoints. The account runs are measured one at a time, so each has the machine to itself; the
// program's wall time is then the Map's schedule of those runs at MaxConcurrency (program-plan.ts).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { AccountList, AccountRunResult, ProgramEvent } from '../../lambdas/shared/program';
import type { BuiltBundle } from './bundle';
import { generateFleet, type FleetSpec, type MinimumCall } from './fleet';
import type { RunnerResult } from './handler-runner';
import { HUB_ACCOUNT, startProgramEndpoints, type ProgramEndpoints } from './program-endpoints';
import {
  accountRunMinimum,
  listAccountsMinimum,
  memberAccountIds,
  programWallMs,
  publishDigestMinimum,
  scheduleMap,
  type MapSchedule,
} from './program-plan';
import { childEnvironment, compare, readLogs, runChild, type OperationCount, type ScenarioOptions } from './scenario';
import { startXraySink, tracingEnvironment } from './xray-sink';

export interface ProgramSpec {
  /** Member accounts, each with `fleet`. */
  readonly accounts: number;
  readonly fleet: FleetSpec;
  /** The Map's MaxConcurrency (the stack's accountConcurrency). */
  readonly accountConcurrency: number;
}

export interface StepMeasure {
  readonly step: ProgramEvent['program'];
  readonly account?: string;
  readonly operations: readonly OperationCount[];
  readonly totalCalls: number;
  readonly totalMinimum: number;
  /** The handler call alone, and module init before it (a cold container). */
  readonly wallMs: number;
  readonly initMs: number;
  readonly cpuMs: number;
  /** Peak resident set of the invocation's process, and its peak V8 heap. */
  readonly maxRssBytes: number;
  readonly peakHeapUsedBytes: number;
  /** SendCommand calls the account's SSM received (member accounts). */
  readonly sendCommands?: number;
  readonly answer?: unknown;
  readonly problems: readonly string[];
}

export interface ProgramResult {
  readonly spec: ProgramSpec;
  readonly latencyMs: number;
  /** The accounts step 1 listed: the hub's own (empty) and the members. */
  readonly listed: readonly string[];
  readonly steps: readonly StepMeasure[];
  /** The Map of the account runs, cold (module init + handler) and warm (handler only). */
  readonly map: { readonly cold: MapSchedule; readonly warm: MapSchedule };
  readonly programWallMs: { readonly cold: number; readonly warm: number };
  readonly digestBytes?: number;
  /** Bytes of its e-mail text (the design's bound: 32 KB, shared between the accounts). */
  readonly digestTextBytes?: number;
  /** Accounts with a section in the digest (`=== Account <id> — `). */
  readonly digestAccounts: readonly string[];
  /** What went differently from a program run that treats every account's stalled servers. */
  readonly problems: readonly string[];
}

const sendCommandsOf = (minimum: readonly MinimumCall[]): number =>
  minimum.find((call) => call.operation === 'ssm:SendCommand')?.minimum ?? 0;

const totalOf = (rows: readonly OperationCount[], key: 'calls' | 'minimum'): number =>
  rows.reduce(
    (sum, row) => sum + (key === 'minimum' && row.alsoAccepted?.includes(row.calls) ? row.calls : row[key]),
    0,
  );

/** The measure of one invocation: its calls next to the minimum, its times and memory, what its log complained of. */
function measure(
  event: ProgramEvent,
  outcome: { result: RunnerResult; stdout: string; stderr: string },
  endpoints: ProgramEndpoints,
  minimum: readonly MinimumCall[],
): StepMeasure {
  const { result } = outcome;
  const operations = compare(endpoints.callCounts(), endpoints.errorCounts(), minimum);
  const logs = readLogs(outcome.stdout, outcome.stderr);
  const account = event.program === 'run-account' ? event.account : undefined;
  return {
    step: event.program,
    ...(account !== undefined && { account }),
    operations,
    totalCalls: totalOf(operations, 'calls'),
    totalMinimum: totalOf(operations, 'minimum'),
    wallMs: result.wallMs,
    initMs: result.initMs,
    cpuMs: result.cpuUserMs + result.cpuSystemMs,
    maxRssBytes: result.maxRssBytes,
    peakHeapUsedBytes: result.peakHeapUsedBytes,
    ...(account !== undefined && account !== HUB_ACCOUNT && { sendCommands: endpoints.sendCommandsOf(account) }),
    answer: result.answer,
    problems: [
      ...(result.ok ? [] : [`failed: ${result.error?.split('\n')[0] ?? 'unknown error'}`]),
      ...logs.problems.map((problem) => `${problem.level} ×${problem.count} ${problem.message}`),
    ],
  };
}

/** The e-mail text of a published message: its `email` (else `default`) entry when it is per protocol. */
export function emailTextOf(message: { readonly message: string; readonly messageStructure?: string }): string {
  if (message.messageStructure !== 'json') return message.message;
  const parsed = JSON.parse(message.message) as Record<string, unknown>;
  return String(parsed.email ?? parsed.default ?? '');
}

/** Sections of the program digest, by account, as program-digest.ts titles them. */
export const digestAccountsOf = (text: string): string[] =>
  [...text.matchAll(/^=== Account (\d{12}) — /gm)].map((match) => match[1] as string);

/** Every member listed, treated (held, its SendCommands sent) and in the digest; the hub's own run quiet. */
export function checkProgram(
  members: readonly string[],
  listed: readonly string[],
  steps: readonly StepMeasure[],
  digestAccounts: readonly string[],
  expectedSendCommands: number,
): string[] {
  const problems: string[] = [];
  const missing = members.filter((account) => !listed.includes(account));
  if (missing.length > 0) problems.push(`not listed: ${missing.join(', ')}`);
  for (const account of members) {
    const step = steps.find((candidate) => candidate.step === 'run-account' && candidate.account === account);
    const result = step?.answer as AccountRunResult | undefined;
    if (!step) problems.push(`${account}: never run`);
    else if (!result?.held || result.failure) problems.push(`${account}: not held (${result?.failure ?? 'no news'})`);
    else if (step.sendCommands !== expectedSendCommands)
      problems.push(`${account}: ${step.sendCommands} SendCommand, expected ${expectedSendCommands}`);
    if (!digestAccounts.includes(account)) problems.push(`${account}: no section in the digest`);
  }
  for (const step of steps)
    problems.push(...step.problems.map((problem) => `${step.step} ${step.account ?? ''}: ${problem}`));
  return problems;
}

export async function runProgramScenario(
  bundle: BuiltBundle,
  spec: ProgramSpec,
  options: ScenarioOptions & { readonly progress?: (line: string) => void },
): Promise<ProgramResult> {
  const fleet = generateFleet(spec.fleet);
  const members = memberAccountIds(spec.accounts);
  const endpoints = await startProgramEndpoints(fleet, members, { latencyMs: options.latencyMs });
  const sink = options.tracing === false ? undefined : await startXraySink();
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'mgn-doctor-bench-program-'));
  const node = options.node ?? process.execPath;
  const runId = 'bench-program-1';
  try {
    const env = childEnvironment({
      ...endpoints.environment({ logLevel: options.logLevel, traceAwsCalls: options.traceAwsCalls }),
      ...(sink ? tracingEnvironment(sink, bundle.dir) : {}),
    });
    const invoke = async (event: ProgramEvent, minimum: readonly MinimumCall[]): Promise<StepMeasure> => {
      const file = path.join(scratch, 'event.json');
      fs.writeFileSync(file, JSON.stringify(event));
      endpoints.clearRecords();
      const outcome = await runChild(bundle, env, node, () => undefined, file);
      return measure(event, outcome, endpoints, minimum);
    };
    const steps: StepMeasure[] = [];
    options.progress?.(`program: list-accounts (${spec.accounts} members and the hub)`);
    const list = await invoke({ program: 'list-accounts', runId }, listAccountsMinimum(spec.accounts + 1));
    steps.push(list);
    const listed = (list.answer as AccountList | undefined)?.accounts ?? [];
    const results: AccountRunResult[] = [];
    const memberMinimum = accountRunMinimum(fleet, true);
    const hubMinimum = accountRunMinimum(generateFleet({ servers: 0, stalled: 0 }), false);
    for (const account of listed) {
      options.progress?.(`program: run-account ${account} (${results.length + 1} of ${listed.length})`);
      const step = await invoke(
        { program: 'run-account', runId, account },
        account === HUB_ACCOUNT ? hubMinimum : memberMinimum,
      );
      steps.push(step);
      results.push((step.answer as AccountRunResult | undefined) ?? { account, held: false, failure: 'no answer' });
    }
    options.progress?.('program: publish-digest');
    const held = results.filter((result) => result.held).length;
    steps.push(await invoke({ program: 'publish-digest', runId, results }, publishDigestMinimum(held)));
    const message = endpoints.hub.sns.published.at(-1);
    const text = message && emailTextOf(message);
    const digestAccounts = text ? digestAccountsOf(text) : [];
    const accountSteps = steps.filter((step) => step.step === 'run-account');
    const last = steps.at(-1) as StepMeasure;
    const cold = (step: StepMeasure): number => step.initMs + step.wallMs;
    return {
      spec,
      latencyMs: options.latencyMs,
      listed,
      steps,
      map: {
        cold: scheduleMap(accountSteps.map(cold), spec.accountConcurrency),
        warm: scheduleMap(
          accountSteps.map((step) => step.wallMs),
          spec.accountConcurrency,
        ),
      },
      programWallMs: {
        cold: programWallMs(cold(list), accountSteps.map(cold), cold(last), spec.accountConcurrency),
        warm: programWallMs(
          list.wallMs,
          accountSteps.map((step) => step.wallMs),
          last.wallMs,
          spec.accountConcurrency,
        ),
      },
      digestBytes: message?.messageBytes,
      digestTextBytes: text === undefined ? undefined : Buffer.byteLength(text, 'utf8'),
      digestAccounts,
      problems: checkProgram(members, listed, steps, digestAccounts, sendCommandsOf(memberMinimum)),
    };
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
    await sink?.close();
    await endpoints.close();
  }
}
