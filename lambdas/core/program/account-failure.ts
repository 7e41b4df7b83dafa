// One account's failure in a hub's run, as one line for the program digest and the logs (docs/design.md
// section 13): it names the account and says what to do, and it never stops the other accounts.
import { errorText } from '../concurrency';

/** Thrown by an account's ports or run when the account, not one of its servers, cannot be treated. */
export class AccountRunError extends Error {
  constructor(
    readonly account: string,
    /** What happened and what to do, for a person; starts with the account. */
    readonly line: string,
    options?: { readonly cause?: unknown },
  ) {
    super(line, options);
    this.name = 'AccountRunError';
  }
}

const errorName = (error: unknown): string =>
  typeof error === 'object' && error !== null && 'name' in error ? String((error as { name: unknown }).name) : '';

/** Advice per AWS error name (STS, MGN, SSM), for the errors an account as a whole can have. */
const ADVICE: Readonly<Record<string, (context: AccountContext) => string>> = {
  // STS AssumeRole: the spoke stack is missing, or its trust names another hub.
  AccessDenied: ({ spokeRoleName }) =>
    `the hub may not assume ${spokeRoleName} there: deploy the spoke stack (MgnReplicationDoctorSpoke) to this account and Region`,
  AccessDeniedException: () =>
    'access denied: check that this account is in the organization and that MGN trusted access is enabled',
  UninitializedAccountException: ({ region }) =>
    `Application Migration Service is not initialized in ${region}: nothing to treat until it is`,
  // SendCommand with a document name the spoke does not have: its documents are older (or newer) than the hub's.
  InvalidDocument: () => "the spoke's SSM documents differ from the hub's: redeploy the spoke stack from this version",
  ThrottlingException: () => 'throttled past the retries: the next run tries again',
};

export interface AccountContext {
  readonly account: string;
  readonly region: string;
  readonly spokeRoleName: string;
}

/** `Account 111122223333: <advice> (<ErrorName>: <message>)`; an AccountRunError keeps its own line. */
export function describeAccountFailure(error: unknown, context: AccountContext): string {
  if (error instanceof AccountRunError) return error.line;
  const advice = ADVICE[errorName(error)];
  const detail = errorText(error);
  return `Account ${context.account}: ${advice ? `${advice(context)} (${detail})` : detail}`;
}
