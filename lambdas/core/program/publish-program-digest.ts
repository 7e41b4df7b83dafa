// Step 3 of a hub's program (docs/design.md section 7, "Held reports"): the held reports of this run, one digest,
// one publish. If the publish fails, every held account's told entries are put back as a failed single-account
// publish puts them back, and the step fails (Step Functions retries it, then the execution fails and alarms); a
// retry saves them as told again before it publishes, as the account run did. Once published, the free-period
// marks that waited are saved and the held reports released.
import { errorText, mapWithConcurrency } from '../concurrency';
import { markNotified, type LedgerEntry } from '../ledger';
import type { RemediationLedger } from '../ports';
import { CALL_CONCURRENCY } from '../run/dependencies';
import { putBackToldMarks } from '../run/deliver-news';
import { saveChangedEntries } from '../run/save-entries';
import { saveFreePeriodMarks } from '../run/free-period-notices';
import type { PublishProgramDigestEvent } from '../../shared/program';
import type { DoctorSettings } from '../../shared/settings';
import type { ProgramDependencies, ProgramEnvironment } from './dependencies';
import type { ToldFailures } from './ports';
import { failureLineOf, fingerprintFailureLines, mergeFailureLines } from './failure-lines';
import type { HeldReport } from './held-report';
import { composeProgramReport } from './program-digest';

export interface ProgramDigestOutcome {
  readonly published: boolean;
  /** Accounts whose news the digest told. */
  readonly accounts: number;
  readonly failedAccounts: number;
  readonly subject?: string;
}

export async function publishProgramDigest(
  event: PublishProgramDigestEvent,
  environment: Omit<ProgramEnvironment, 'accounts'> & FailureReminders,
  deps: ProgramDependencies,
): Promise<ProgramDigestOutcome> {
  // A step the state machine caught may have held its report before it failed (a timeout after the hold).
  const heldAccounts = [
    ...new Set(event.results.filter((result) => result.held || result.caught).map((result) => result.account)),
  ];
  const { held, released, toldFailures } = await deps.heldReports.loadHeldReports(event.runId, heldAccounts);
  if (released.length > 0) {
    // Released only after a publish: an earlier attempt of this step told them already.
    deps.log.info('The program digest of this run was published already', { runId: event.runId });
    return { published: false, accounts: 0, failedAccounts: 0 };
  }
  const failures = describeFailures(event, held, environment);
  const now = deps.clock.now();
  if (
    held.length === 0 &&
    (failures.accounts === 0 || toldRecently(failures.fingerprint, toldFailures, now, environment))
  ) {
    if (failures.accounts > 0) deps.log.info('Accounts not treated, as the last digest said; no digest', failures);
    else await rememberFailures('', toldFailures, now, environment, deps);
    return { published: false, accounts: 0, failedAccounts: failures.accounts };
  }
  const told = await markAgain(held, deps);
  const report = composeProgramReport({
    ...environment,
    runId: event.runId,
    now,
    accounts: new Set(event.results.map((result) => result.account)).size,
    held: told,
    failures: failures.lines,
    failedAccounts: failures.accounts,
  });
  try {
    await deps.publisher.publish(report);
  } catch (error) {
    deps.log.error('Could not publish the program digest; every account tells its news again', {
      error: errorText(error),
    });
    await putBackEveryAccount(told, deps);
    throw error;
  }
  await afterPublish(event.runId, told, deps);
  await rememberFailures(failures.fingerprint, toldFailures, now, environment, deps);
  return {
    published: true,
    accounts: held.length,
    failedAccounts: failures.accounts,
    subject: report.digest.subject,
  };
}

/** The lines of the accounts not treated: failed, caught by the state machine, or held but not found. */
function describeFailures(
  event: PublishProgramDigestEvent,
  held: readonly HeldReport[],
  environment: Pick<ProgramEnvironment, 'region' | 'spokeRoleName'>,
): { readonly lines: string[]; readonly accounts: number; readonly fingerprint: string } {
  const found = new Set(held.map((report) => report.account));
  const lines = event.results.flatMap((result) => {
    const line = failureLineOf(result, environment);
    if (line) return [line];
    if (result.held && !found.has(result.account))
      return [
        `Account ${result.account}: its report for this digest is missing from the ledger table (held by run ${event.runId}); the next program run tells its news again`,
      ];
    return [];
  });
  return { lines: mergeFailureLines(lines), accounts: lines.length, fingerprint: fingerprintFailureLines(lines) };
}

type FailureReminders = Pick<DoctorSettings, 'reminderHours' | 'dryRun'>;

/**
 * Accounts not treated are told once and again every `reminderHours` while nothing else changes: a spoke missing
 * for a week is not 700 digests (docs/design.md section 13).
 */
function toldRecently(
  fingerprint: string,
  told: ToldFailures | undefined,
  now: Date,
  settings: FailureReminders,
): boolean {
  if (told?.fingerprint !== fingerprint) return false;
  return now.getTime() - Date.parse(told.toldAt) < settings.reminderHours * 3_600_000;
}

/** What the digest said about the accounts not treated (nothing: forgotten, so a recurrence is news). */
async function rememberFailures(
  fingerprint: string,
  told: ToldFailures | undefined,
  now: Date,
  settings: FailureReminders,
  deps: ProgramDependencies,
): Promise<void> {
  if (settings.dryRun || (fingerprint === '' && (told?.fingerprint ?? '') === '')) return;
  try {
    await deps.heldReports.saveToldFailures({ fingerprint, toldAt: now.toISOString() });
  } catch (error) {
    deps.log.warn('Could not remember the accounts not treated; the next digest names them again', {
      error: errorText(error),
    });
  }
}

/**
 * Each held account's marks put back as a failed publish puts them back, and its held report rewritten with the
 * versions now stored (putBack), for a retry to mark again; one account's failure is logged, the others go on.
 */
async function putBackEveryAccount(held: readonly HeldReport[], deps: ProgramDependencies): Promise<void> {
  await forEachAccount(
    held,
    deps,
    'Could not put back the news of an account; it waits for its next change or reminder',
    async (report, ledger, stored) => {
      const marks = await putBackToldMarks(report.told.marks, stored, { ledger, log: deps.log });
      await deps.heldReports.holdReport({ ...report, told: { ...report.told, marks }, putBack: true });
    },
  );
}

/**
 * A retry after a put-back: the entries saved as told again, exactly as the account run saved them (the marks of
 * its time), before the digest goes out; an entry another run wrote since keeps that run's record.
 */
async function markAgain(held: readonly HeldReport[], deps: ProgramDependencies): Promise<HeldReport[]> {
  const marked = new Map<string, HeldReport>();
  await forEachAccount(
    held.filter((report) => report.putBack),
    deps,
    'Could not mark the news of an account as told again; it is told once more by its next run',
    async (report, ledger, stored) => {
      const again = report.told.marks.flatMap((mark) => {
        const current = stored.get(mark.sourceServerId);
        return current?.version === mark.version ? [markNotified(current, report.facts.now)] : [];
      });
      const saved = await saveChangedEntries(again, stored, { ledger, log: deps.log });
      const marks = report.told.marks.flatMap((mark) => {
        const current = saved.get(mark.sourceServerId);
        return current ? [{ ...mark, version: current.version }] : [];
      });
      const next = { ...report, told: { ...report.told, marks }, putBack: false };
      await deps.heldReports.holdReport(next);
      marked.set(report.account, next);
    },
  );
  return held.map((report) => marked.get(report.account) ?? report);
}

/** `act` on each report with marks, with its account's ledger as stored now; a failure is logged with `failed`. */
async function forEachAccount(
  held: readonly HeldReport[],
  deps: ProgramDependencies,
  failed: string,
  act: (report: HeldReport, ledger: RemediationLedger, stored: ReadonlyMap<string, LedgerEntry>) => Promise<void>,
): Promise<void> {
  await mapWithConcurrency(
    held.filter((report) => report.told.marks.length > 0),
    CALL_CONCURRENCY,
    async (report) => {
      try {
        const { ledger } = await deps.accounts.portsFor(report.account);
        const stored = new Map((await ledger.loadEntries()).map((entry) => [entry.sourceServerId, entry]));
        await act(report, ledger, stored);
      } catch (error) {
        deps.log.error(failed, { account: report.account, error: errorText(error) });
      }
    },
  );
}

/** The free-period notices were told: their marks saved; the held reports released (a lost release only waits for the TTL). */
async function afterPublish(runId: string, held: readonly HeldReport[], deps: ProgramDependencies): Promise<void> {
  await mapWithConcurrency(
    held.filter((report) => report.told.freePeriodMarks !== undefined),
    CALL_CONCURRENCY,
    async (report) => {
      try {
        const { freePeriodMarks } = await deps.accounts.portsFor(report.account);
        await saveFreePeriodMarks(report.told.freePeriodMarks ?? { version: 0, notified: {} }, {
          freePeriodMarks,
          log: deps.log,
        });
      } catch (error) {
        deps.log.error('Could not save the free-period marks of an account; its notices are told again', {
          account: report.account,
          error: errorText(error),
        });
      }
    },
  );
  try {
    await deps.heldReports.releaseHeldReports(
      runId,
      held.map((report) => report.account),
    );
  } catch (error) {
    deps.log.warn('Could not release the held reports; they expire within a day', { error: errorText(error) });
  }
}
