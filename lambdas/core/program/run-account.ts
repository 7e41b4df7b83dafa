// Step 2 of a hub's program, once per account (docs/design.md section 13): the account's run, its report held for
// the program digest. An account that cannot be treated (its spoke role missing, MGN not initialised, throttled
// past the retries) is that account's outcome, one line for the digest: never a failed step, so one account
// never stops the others.
import type { RunReport } from '../report';
import { type RunRequest, runDoctor } from '../run/run-doctor';
import type { DoctorSettings } from '../../shared/settings';
import type { AccountRunResult, RunAccountEvent } from '../../shared/program';
import { describeAccountFailure } from './account-failure';
import type { ProgramDependencies, ProgramEnvironment } from './dependencies';
import { HeldReportPublisher } from './held-report';

export interface AccountRun {
  /** What the step returns to the state machine (small). */
  readonly result: AccountRunResult;
  /** The run's report, for the metrics; none when the account could not be run. */
  readonly report?: RunReport;
}

export async function runAccount(
  event: RunAccountEvent,
  settings: DoctorSettings,
  environment: Pick<ProgramEnvironment, 'region' | 'spokeRoleName' | 'ledgerTableName'>,
  deps: ProgramDependencies,
): Promise<AccountRun> {
  const { account, runId } = event;
  const holder = new HeldReportPublisher(deps.heldReports, runId, account);
  try {
    const ports = await deps.accounts.portsFor(account);
    const report = await runDoctor(
      { runId, trigger: 'schedule' },
      settings,
      { region: environment.region, accountId: account, ledgerTableName: environment.ledgerTableName },
      { ...ports, publisher: holder, channels: deps.channels, clock: deps.clock, log: deps.log },
    );
    const outdated = outdatedSpokeFailure(report, account, environment);
    if (outdated) deps.log.error('The spoke of this account has other documents than the hub', { runId, account });
    return { result: { account, held: holder.held, ...(outdated && { failure: outdated }) }, report };
  } catch (error) {
    const failure = describeAccountFailure(error, {
      account,
      region: environment.region,
      spokeRoleName: environment.spokeRoleName,
    });
    deps.log.error('The account could not be treated; the other accounts go on', { runId, account, failure });
    // A report held before the failure still carries its news to the digest.
    return { result: { account, held: holder.held, failure } };
  }
}

/** SendCommand's own words for a document name the account does not have (errorText: `<name>: <message>`). */
const MISSING_DOCUMENT = /\bInvalidDocument: /;

/**
 * A spoke deployed from another version has documents of other names (their content's hash): SSM refuses every
 * command with InvalidDocument. Each server says "not sent"; the account gets one line that says why and what to
 * do, beside its held report.
 */
function outdatedSpokeFailure(
  report: RunReport,
  account: string,
  environment: Pick<ProgramEnvironment, 'region' | 'spokeRoleName'>,
): string | undefined {
  const refused = report.servers.find((server) => MISSING_DOCUMENT.test(server.detail));
  if (!refused) return undefined;
  // The first document's refusal is enough: the others say the same of theirs ("…; CheckDiskSpace: InvalidDocument…").
  const [message = ''] = refused.detail
    .slice(refused.detail.search(MISSING_DOCUMENT) + 'InvalidDocument: '.length)
    .split('; ');
  const error = Object.assign(new Error(message), { name: 'InvalidDocument' });
  return describeAccountFailure(error, { account, ...environment });
}

/**
 * A stall event in one account of a hub (docs/design.md section 13): that account's run for its server, published
 * as its own digest like a single-account stack's, not held for a program digest.
 */
export async function runEventInAccount(
  request: RunRequest,
  account: string,
  settings: DoctorSettings,
  environment: Pick<ProgramEnvironment, 'region' | 'ledgerTableName'>,
  deps: Pick<ProgramDependencies, 'accounts' | 'publisher' | 'channels' | 'clock' | 'log'>,
): Promise<RunReport> {
  const ports = await deps.accounts.portsFor(account);
  return runDoctor(
    request,
    settings,
    { region: environment.region, accountId: account, ledgerTableName: environment.ledgerTableName },
    { ...ports, publisher: deps.publisher, channels: deps.channels, clock: deps.clock, log: deps.log },
  );
}
