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
    return { result: { account, held: holder.held }, report };
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
