// The program digest's lines for accounts that were not treated (docs/design.md section 13): the account's own
// failure line, a step the state machine caught, a held report that is missing. Accounts with the same advice
// share one line that names them all: five accounts without the spoke are one thing to fix, not five.
import { clip } from '../text';
import type { AccountRunResult } from '../../shared/program';
import { type AccountContext, describeAccountFailure } from './account-failure';

const CAUSE_MAX = 300;

/** The result's line, if the account was not (fully) treated. */
export function failureLineOf(result: AccountRunResult, context: Omit<AccountContext, 'account'>): string | undefined {
  if (result.failure) return result.failure;
  if (!result.caught) return undefined;
  const error = caughtError(result.caught);
  return `${describeAccountFailure(error, { ...context, account: result.account })} (the step failed in Step Functions; the next program run tries this account again)`;
}

/** A Lambda error's Cause is its JSON (`errorType`, `errorMessage`); a timeout's is plain text. */
function caughtError(caught: NonNullable<AccountRunResult['caught']>): Error {
  let name = caught.Error ?? 'States.TaskFailed';
  let message = caught.Cause ?? '';
  try {
    const parsed = JSON.parse(message) as { errorType?: unknown; errorMessage?: unknown };
    if (typeof parsed.errorType === 'string') name = parsed.errorType;
    if (typeof parsed.errorMessage === 'string') message = parsed.errorMessage;
  } catch {
    // Plain text: kept as it is.
  }
  return Object.assign(new Error(clip(message, CAUSE_MAX)), { name });
}

/** `Account 111122223333: <advice> (<ErrorName>: <message>)`, split where the account's own words end. */
const LINE = /^Account (\d{12}): (.*?)(?: \((\w[\w.]*: .*)\))?$/s;

/**
 * One line per advice: `Accounts 111122223333, 444455556666 (2): <advice> (e.g. 111122223333: <error>)`. Lines
 * whose advice differs, or that are not of that form, stay as they are.
 */
export function mergeFailureLines(lines: readonly string[]): string[] {
  const groups = new Map<string, { accounts: string[]; details: string[]; line: string }>();
  for (const line of lines) {
    const match = LINE.exec(line);
    const account = match?.[1];
    // The account's own ID in its advice (a role ARN) must not keep identical advice apart.
    const advice = match?.[2]?.replaceAll(account ?? '', '<account>');
    const key = match && advice !== undefined ? advice : `\u0000${line}`;
    const group = groups.get(key) ?? { accounts: [], details: [], line };
    if (account) group.accounts.push(account);
    if (match?.[3]) group.details.push(match[3]);
    groups.set(key, group);
  }
  return [...groups.entries()].map(([advice, group]) => {
    if (group.accounts.length < 2) return group.line;
    const example = group.details[0] ? ` (e.g. ${group.accounts[0]}: ${clip(group.details[0], CAUSE_MAX)})` : '';
    return `Accounts ${group.accounts.join(', ')} (${group.accounts.length}): ${advice}${example}`;
  });
}

/**
 * What the lines say without AWS's own words (request IDs, session names change from run to run): each account
 * and its advice, sorted. Equal fingerprints mean nothing new to tell about the accounts not treated.
 */
export function fingerprintFailureLines(lines: readonly string[]): string {
  const keys = lines.map((line) => {
    const match = LINE.exec(line);
    return match ? `${match[1]} ${match[2]?.replaceAll(match[1] ?? '', '<account>')}` : line;
  });
  return [...new Set(keys)].sort().join('\n');
}
