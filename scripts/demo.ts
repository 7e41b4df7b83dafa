// `npm run demo`: the real doctor core, run after run, against a simulated account (scripts/lib). No AWS
// account, no network, no Python: it shows what the doctor decides, which SSM commands it sends, what it
// asks MGN, and the e-mail and SMS people get. The transcript is returned too, so tests can compare.
import type { RetryCall } from '../lambdas/adapters/in-memory';
import { parametersForBatch } from '../lambdas/core/command-parameters';
import { summarizeCommandOutput } from '../lambdas/core/command-output';
import type { LedgerEntry } from '../lambdas/core/ledger';
import type { Digest } from '../lambdas/core/model';
import type { RunReport, ServerReport } from '../lambdas/core/report';
import { runDoctor } from '../lambdas/core/run/run-doctor';
import type { DoctorSettings } from '../lambdas/shared/settings';
import { exitQuietlyOnBrokenPipe, writeLine } from './lib/cli-io';
import {
  DEMO_ACCOUNT,
  DEMO_ACCOUNT_ID,
  DEMO_REGION,
  DEMO_RUN_MINUTES,
  DEMO_SETTINGS,
  DEMO_START,
  DEMO_STORY,
  DEMO_WORLD_RULES,
} from './lib/demo-fleet';
import { DEMO_MASS_STALL, massStallAccount, MASS_STALL_SETTINGS, MASS_STALL_START } from './lib/demo-mass-stall';
import { SimulatedAccount, type SentCommand } from './lib/simulated-account';
import { renderChatNotification } from '../lambdas/core/chat-notification';
import { renderFindingEvents } from '../lambdas/core/finding-events';
import { planOpsItems } from '../lambdas/core/ops-items';
import type { OutcomeReport } from '../lambdas/core/outcome-report';
import { listProgramAccounts } from '../lambdas/core/program/list-accounts';
import { publishProgramDigest, type ProgramDigestOutcome } from '../lambdas/core/program/publish-program-digest';
import { runAccount } from '../lambdas/core/program/run-account';
import type { AccountRunResult } from '../lambdas/shared/program';
import { STACK_CONTEXT_DEFAULTS } from '../lib/config';
import {
  ACCOUNT_LABELS,
  ACCOUNT_NAMES,
  HUB_ACCOUNT_ID,
  PROGRAM_EARLIER,
  PROGRAM_ENVIRONMENT,
  PROGRAM_START,
  SimulatedOrganization,
} from './lib/demo-program';

export interface DemoRun {
  readonly number: number;
  /** Simulated time at which the run started. */
  readonly at: string;
  /** What changed in the simulated world since the previous run. */
  readonly events: readonly string[];
  readonly report: RunReport;
  readonly commands: readonly SentCommand[];
  readonly serviceCalls: readonly RetryCall[];
  readonly digest?: Digest;
  /** The whole report the topic took, which the chat, OpsItem and event renderings read. */
  readonly outcome?: OutcomeReport;
  readonly warnings: readonly string[];
}

export interface DemoTranscript {
  readonly region: string;
  readonly accountId: string;
  readonly settings: DoctorSettings;
  readonly runs: readonly DemoRun[];
  /** The ledger after the last run. */
  readonly ledger: readonly LedgerEntry[];
  /** The second scene: one run in a mass stall, and the digest it publishes. */
  readonly massStall: MassStallScene;
  /** The third scene: a hub's program run across three accounts of an organization, and its one digest. */
  readonly program: ProgramScene;
}

export interface ProgramRun {
  readonly runId: string;
  /** What step 1 listed. */
  readonly accounts: readonly string[];
  /** Step 2's result per account, as the state machine collects them. */
  readonly results: readonly AccountRunResult[];
  /** Each treated account's run, by account. */
  readonly reports: ReadonlyMap<string, RunReport>;
  readonly outcome: ProgramDigestOutcome;
  readonly digest?: Digest;
}

export interface ProgramScene {
  /** The program run half an hour before, which treated the payments team's first stall. */
  readonly earlier: ProgramRun;
  readonly run: ProgramRun;
  /** What changed in the member accounts in between. */
  readonly events: readonly string[];
}

export interface MassStallScene {
  readonly report: RunReport;
  readonly commands: readonly SentCommand[];
  readonly digest?: Digest;
}

const RULE = '═'.repeat(12);
const clock = (iso: string): string => `${iso.slice(0, 16).replace('T', ' ')} UTC`;
const hostnameOf = (report: Pick<ServerReport, 'server'>): string =>
  report.server.hostname ?? report.server.fqdn ?? '-';

/** One line per decision; tests read these back and compare them with the RunReport. */
export const formatDecision = (report: ServerReport): string =>
  `  ${report.server.sourceServerId}  ${hostnameOf(report).padEnd(10)}  ${report.action}: ${report.detail}`;

async function printIntro(write: (line: string) => void, account: SimulatedAccount): Promise<void> {
  const servers = await account.mgn.listSourceServers();
  const nodes = await account.nodes.listNodes();
  const settings = DEMO_SETTINGS;
  write('SIMULATION — no AWS calls are made. Everything below runs in memory against a simulated account;');
  write('every decision is made by the real doctor core (runDoctor), the code the Lambda runs.');
  write('');
  write(
    `Account ${DEMO_ACCOUNT_ID}, Region ${DEMO_REGION} (simulated): ${servers.length} MGN source servers, ${nodes.length} SSM managed nodes.`,
  );
  write(
    `Settings: cooldown ${settings.cooldownMinutes} min, max attempts ${settings.maxAttempts}, RetryDataReplication ${settings.retryServiceSideErrors ? 'on' : 'off'}, ` +
      `lag alert ${settings.lagAlertMinutes} min, result wait ${settings.resultWaitSeconds} s.`,
  );
  write(
    `Runs at ${DEMO_RUN_MINUTES.map((minutes) => clock(new Date(DEMO_START.getTime() + minutes * 60_000).toISOString()).slice(11, 16)).join(', ')} UTC (simulated clock).`,
  );
  write('');
  for (const server of servers)
    write(
      `  ${server.sourceServerId}  ${(server.hostname ?? '-').padEnd(10)}  ${DEMO_STORY[server.sourceServerId] ?? ''}`,
    );
}

function printRun(write: (line: string) => void, run: DemoRun, total: number): void {
  const { report } = run;
  write('');
  write(`${RULE} Run ${run.number} of ${total} · ${clock(run.at)} (simulated) ${RULE}`);
  write(
    `Fleet: ${Object.entries(report.counts)
      .map(([condition, count]) => `${condition} ${count}`)
      .join(' · ')}`,
  );

  write("Decisions (from the core's RunReport, action: detail):");
  if (report.servers.length === 0) write('  (none: nothing affected or followed)');
  for (const server of report.servers) write(formatDecision(server));

  write(`SSM Run Command (${run.commands.length} sent):`);
  if (run.commands.length === 0) write('  (none)');
  for (const command of run.commands) {
    // As SSM would receive them: shared values plus the per-host `nodeId=value` mapping.
    const parameters = Object.entries(parametersForBatch(command, command.instanceIds)).filter(([, values]) =>
      values.some(Boolean),
    );
    write(`  ${command.document} → ${command.instanceIds.join(', ')}`);
    write(`    command ID: ${command.commandId}`);
    write(
      `    parameters: ${parameters.length === 0 ? "(the document's defaults)" : parameters.map(([name, values]) => `${name}=${values.join(',')}`).join(' ')}`,
    );
    write(`    comment:    "${command.comment}"`);
    for (const result of command.results)
      write(
        `    ${result.instanceId}: ${result.status} (exit ${result.responseCode ?? '-'}) · ${summarizeCommandOutput(result.output, 160)}`,
      );
  }

  write(`Service side (${run.serviceCalls.length} call${run.serviceCalls.length === 1 ? '' : 's'}):`);
  if (run.serviceCalls.length === 0) write('  (none)');
  for (const call of run.serviceCalls)
    write(`  ${call.action} ${call.sourceServerId}: ${call.outcome}${call.detail ? ` (${call.detail})` : ''}`);

  if (run.warnings.length > 0) {
    write('Doctor log warnings:');
    for (const warning of run.warnings) write(`  ${warning}`);
  }

  if (!run.digest) {
    write('No digest: nothing new.');
    return;
  }
  printDigest(write, run.digest);
  if (run.outcome) printChannels(write, run.outcome);
}

function printDigest(write: (line: string) => void, digest: Digest): void {
  write('Digest published to SNS:');
  write(`  E-mail subject: ${digest.subject}`);
  write(`  SMS:            ${digest.sms}`);
  write('  E-mail text:');
  for (const line of digest.text.split('\n')) write(`    │ ${line}`.trimEnd());
}

/** 150 servers stall at once with one error, in a fleet planned in waves: one run, and the digest people get. */
async function runMassStallScene(write: (line: string) => void): Promise<MassStallScene> {
  const account = new SimulatedAccount(massStallAccount(DEMO_MASS_STALL));
  write('');
  write(`${RULE} Scene 2: a mass stall · ${clock(MASS_STALL_START.toISOString())} (simulated) ${RULE}`);
  write('A VPN drop: 150 of 180 servers in one data centre stall at once with AGENT_NOT_SEEN. The fleet is planned');
  write(
    'in MGN waves of 2 applications of 25 servers (10 stalled ones are in none yet); one host cannot start its agent',
  );
  write('again; 3 healthy servers are near the end of their free replication period. One scheduled run:');
  const report = await runDoctor(
    { runId: 'demo-mass-stall', trigger: 'schedule' },
    MASS_STALL_SETTINGS,
    { region: DEMO_REGION, accountId: DEMO_ACCOUNT_ID, ledgerTableName: 'mgn-replication-doctor-Ledger' },
    account.dependencies(),
  );
  const actions = new Map<string, number>();
  for (const server of report.servers) actions.set(server.action, (actions.get(server.action) ?? 0) + 1);
  write(`Decisions: ${[...actions].map(([action, count]) => `${action} ${count}`).join(' · ')}`);
  const hosts = new Set(account.ssm.sent.flatMap((command) => command.instanceIds));
  write(`SSM Run Command: ${account.ssm.sent.length} commands to ${hosts.size} sampled hosts.`);
  const [digest] = account.publisher.published;
  if (digest) {
    write(`${Buffer.byteLength(digest.text, 'utf8')} bytes of e-mail text, ${digest.text.split('\n').length} lines.`);
    printDigest(write, digest);
  }
  return { report, commands: account.ssm.sent, digest };
}

/** A hub's three steps as its state machine runs them (docs/design.md section 13), the Map one account at a time. */
async function runProgram(organization: SimulatedOrganization, runId: string): Promise<ProgramRun> {
  const deps = organization.dependencies();
  const published = organization.publisher.published.length;
  const list = await listProgramAccounts({ program: 'list-accounts', runId }, PROGRAM_ENVIRONMENT, deps);
  const results: AccountRunResult[] = [];
  const reports = new Map<string, RunReport>();
  for (const account of list.accounts) {
    const run = await runAccount({ program: 'run-account', runId, account }, DEMO_SETTINGS, PROGRAM_ENVIRONMENT, deps);
    results.push(run.result);
    if (run.report) reports.set(account, run.report);
  }
  const outcome = await publishProgramDigest(
    { program: 'publish-digest', runId, results },
    { ...PROGRAM_ENVIRONMENT, ...DEMO_SETTINGS },
    deps,
  );
  return {
    runId,
    accounts: list.accounts,
    results,
    reports,
    outcome,
    digest: organization.publisher.published[published],
  };
}

const accountName = (account: string): string =>
  `${ACCOUNT_LABELS[account] ?? '?'} ${account} (${ACCOUNT_NAMES[account] ?? 'member account'})`;

/** One line per account: what its run decided and sent, or the one line that says why it was not treated. */
function describeAccountRun(run: ProgramRun, result: AccountRunResult): string {
  if (result.failure) return `  ${accountName(result.account)}: not treated · ${result.failure}`;
  const report = run.reports.get(result.account);
  const actions = new Map<string, number>();
  for (const server of report?.servers ?? []) actions.set(server.action, (actions.get(server.action) ?? 0) + 1);
  const decided = [...actions].map(([action, count]) => `${action} ${count}`).join(' · ') || 'nothing new';
  const held = result.held ? 'report held for the program digest' : 'nothing to tell';
  return `  ${accountName(result.account)}: ${decided} · ${report?.commandsSent ?? 0} SSM command(s) · ${held}`;
}

function printProgramRun(write: (line: string) => void, run: ProgramRun): void {
  write(`Step 1 · list-accounts (MGN ListManagedAccounts, the global view): ${run.accounts.length} accounts`);
  for (const account of run.accounts) write(`  ${accountName(account)}`);
  write(
    `Step 2 · run-account, once per account (the Map runs up to accountConcurrency = ${STACK_CONTEXT_DEFAULTS.accountConcurrency} at once; here one after another):`,
  );
  for (const result of run.results) write(describeAccountRun(run, result));
  write(
    `Step 3 · publish-digest: ${run.outcome.published ? `one digest for ${run.outcome.accounts} treated and ${run.outcome.failedAccounts} untreated account(s)` : 'nothing to publish'}`,
  );
}

/** The digest's head, failure lines and section titles, each run of other lines one `…`: the README's sample of a program digest. */
export function sampleProgramDigest(digest: Digest): string {
  const lines = digest.text.split('\n');
  const kept = lines.map((line) =>
    line === '' ||
    /^(MGN replication doctor:|Accounts?\b|Fleet:|==|Likely common cause:|Servers with news by wave:)/.test(line)
      ? line
      : undefined,
  );
  const text = kept
    .filter((line, index) => line !== undefined || kept[index - 1] !== undefined)
    .map((line) => line ?? '…');
  return [`Subject: ${digest.subject}`, `SMS:     ${digest.sms}`, '', ...text].join('\n');
}

/** A hub treats every account of an organization: three steps, one account failing, one digest. */
async function runProgramScene(write: (line: string) => void): Promise<ProgramScene> {
  const organization = new SimulatedOrganization();
  write('');
  write(`${RULE} Scene 3: one doctor for an organization · ${clock(PROGRAM_START.toISOString())} (simulated) ${RULE}`);
  write(
    `A hub account (${HUB_ACCOUNT_ID}) runs the doctor for every account of its organization: a state machine lists`,
  );
  write("the accounts, runs each one's doctor with its spoke role, and publishes one program digest.");
  const earlier = await runProgram(organization, 'demo-program-0845');
  write(
    `The program run at ${clock(PROGRAM_EARLIER.toISOString()).slice(11)} restarted pay-api-01's agent in A and told it: "${earlier.digest?.subject ?? 'no digest'}".`,
  );
  write('Since then (simulated):');
  const events = organization.changeTheWorld();
  for (const event of events) write(`  ${event}`);
  organization.clock.setTo(PROGRAM_START);
  const run = await runProgram(organization, 'demo-program-0915');
  printProgramRun(write, run);
  if (run.digest) {
    write(
      `${Buffer.byteLength(run.digest.text, 'utf8')} bytes of e-mail text, ${run.digest.text.split('\n').length} lines.`,
    );
    printDigest(write, run.digest);
  }
  return { earlier, run, events };
}

/** What the same report becomes in chat, in OpsCenter and on the event bus (docs/design.md section 7). */
function printChannels(write: (line: string) => void, outcome: OutcomeReport): void {
  write('  Chat (custom notification under the `https` key of the same Publish):');
  for (const line of JSON.stringify(renderChatNotification(outcome), null, 2).split('\n')) write(`    │ ${line}`);
  const plan = planOpsItems(outcome, { blockedHours: DEMO_SETTINGS.opsItemBlockedHours });
  write(
    `OpsCenter: ${plan.opens.length} OpsItem(s) to open (or find open), the open OpsItem of ${plan.resolutions.length} recovered server(s) to resolve, if any`,
  );
  for (const draft of plan.opens) {
    write(`  CreateOpsItem severity ${draft.severity}: ${draft.title}`);
    write(`    /aws/dedup ${draft.dedupString} · /aws/resources ${draft.resourceArn}`);
    write(`    ${draft.description}`);
  }
  for (const resolution of plan.resolutions)
    write(`  UpdateOpsItem ${resolution.sourceServerId} → Resolved: ${resolution.note}`);
  const events = renderFindingEvents(outcome);
  write(`EventBridge: ${events.length} event(s) "${events[0]?.detailType ?? ''}" on the default bus`);
  for (const event of events)
    write(
      `  ${event.detail.sourceServerId} ${event.detail.news} ${event.detail.condition} needsPerson=${event.detail.needsPerson}`,
    );
}

function printSummary(
  write: (line: string) => void,
  transcript: Pick<DemoTranscript, 'runs' | 'ledger'>,
  hostnames: ReadonlyMap<string, string>,
): void {
  write('');
  write(`${RULE} After ${transcript.runs.length} runs ${RULE}`);
  write('Ledger (simulated DynamoDB table, one item per followed server):');
  for (const entry of transcript.ledger) {
    const status = entry.status === 'CLOSED' ? `CLOSED (${entry.closedReason ?? '?'})` : entry.status;
    write(
      `  ${entry.sourceServerId}  ${(hostnames.get(entry.sourceServerId) ?? '-').padEnd(10)}  ${status}, ${entry.attempts} treatment(s), version ${entry.version}`,
    );
  }
  const commands = transcript.runs.reduce((sum, run) => sum + run.commands.length, 0);
  const calls = transcript.runs.reduce((sum, run) => sum + run.serviceCalls.length, 0);
  const digests = transcript.runs.filter((run) => run.digest).length;
  write(`SSM commands sent: ${commands} · service-side calls: ${calls} · digests published: ${digests}.`);
}

export async function runDemo(write: (line: string) => void): Promise<DemoTranscript> {
  const account = new SimulatedAccount(DEMO_ACCOUNT);
  await printIntro(write, account);
  const hostnames = new Map(
    (await account.mgn.listSourceServers()).map((server) => [server.sourceServerId, server.hostname ?? '-']),
  );

  const runs: DemoRun[] = [];
  for (const [index, minutes] of DEMO_RUN_MINUTES.entries()) {
    const at = new Date(DEMO_START.getTime() + minutes * 60_000);
    let events: string[] = [];
    if (index > 0) {
      write('');
      write(`… ${minutes - (DEMO_RUN_MINUTES[index - 1] ?? 0)} minutes pass (simulated) …`);
      account.clock.setTo(at);
      events = DEMO_WORLD_RULES.map((rule) => rule(account, at)).filter(
        (event): event is string => event !== undefined,
      );
      for (const event of events) write(`  ${event}`);
      if (events.length === 0) write('  (nothing changes on its own)');
    }

    const before = {
      commands: account.ssm.sent.length,
      calls: account.mgn.retryCalls.length,
      digests: account.publisher.published.length,
      log: account.log.lines.length,
    };
    const report = await runDoctor(
      { runId: `demo-run-${index + 1}`, trigger: 'schedule' },
      DEMO_SETTINGS,
      { region: DEMO_REGION, accountId: DEMO_ACCOUNT_ID },
      account.dependencies(),
    );
    const run: DemoRun = {
      number: index + 1,
      at: at.toISOString(),
      events,
      report,
      commands: account.ssm.sent.slice(before.commands),
      serviceCalls: account.mgn.retryCalls.slice(before.calls),
      digest: account.publisher.published[before.digests],
      outcome: account.publisher.reports[before.digests],
      warnings: account.log.lines
        .slice(before.log)
        .filter((line) => line.level !== 'info')
        .map((line) => `${line.level}: ${line.message}${line.attributes ? ` ${JSON.stringify(line.attributes)}` : ''}`),
    };
    printRun(write, run, DEMO_RUN_MINUTES.length);
    runs.push(run);
  }

  printSummary(write, { runs, ledger: account.ledger.entries() }, hostnames);
  const massStall = await runMassStallScene(write);
  const program = await runProgramScene(write);
  write('');
  write(
    'SIMULATION — no AWS calls were made. Run `npm run check -- --region <region>` for a read-only preview of a real account.',
  );
  return {
    region: DEMO_REGION,
    accountId: DEMO_ACCOUNT_ID,
    settings: DEMO_SETTINGS,
    runs,
    ledger: account.ledger.entries(),
    massStall,
    program,
  };
}

if (require.main === module) {
  exitQuietlyOnBrokenPipe();
  runDemo(writeLine(process.stdout)).catch((error: unknown) => {
    process.stderr.write(`demo failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  });
}
