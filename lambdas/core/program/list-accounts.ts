// Step 1 of a hub's program (docs/design.md section 13): the accounts to treat. A list is used as configured; the
// organization's accounts come from MGN's global view, which needs Organizations trusted access for MGN. Without
// it the step fails once, saying what to enable, instead of one failure per account.
import { errorText } from '../concurrency';
import { ACCOUNT_ID, type AccountList, type ListAccountsEvent } from '../../shared/program';
import type { ProgramDependencies, ProgramEnvironment } from './dependencies';

/** What MGN answers ListManagedAccounts without trusted access, or outside the management/delegated admin account. */
const TRUSTED_ACCESS_ERRORS: ReadonlySet<string> = new Set(['AccessDeniedException', 'ValidationException']);

export const ENABLE_TRUSTED_ACCESS =
  'aws organizations enable-aws-service-access --service-principal mgn.amazonaws.com';

/** The program cannot start: one error for the whole run, naming what to do. */
export class ProgramSetupError extends Error {
  constructor(message: string, options?: { readonly cause?: unknown }) {
    super(message, options);
    this.name = 'ProgramSetupError';
  }
}

export async function listProgramAccounts(
  event: ListAccountsEvent,
  environment: Pick<ProgramEnvironment, 'accounts'>,
  deps: Pick<ProgramDependencies, 'directory' | 'log'>,
): Promise<AccountList> {
  const { accounts } = environment;
  const listed = accounts.kind === 'list' ? accounts.accounts : await listOrganization(deps);
  const valid = [...new Set(listed)].filter((account) => {
    if (ACCOUNT_ID.test(account)) return true;
    deps.log.warn('Not an account ID; left out of the program run', { account: String(account).slice(0, 40) });
    return false;
  });
  deps.log.info('Program accounts', { runId: event.runId, source: accounts.kind, accounts: valid.length });
  return { runId: event.runId, accounts: valid };
}

async function listOrganization(deps: Pick<ProgramDependencies, 'directory'>): Promise<readonly string[]> {
  if (!deps.directory) throw new ProgramSetupError('accounts is "organization" but the hub has no MGN global view');
  try {
    return await deps.directory.listManagedAccounts();
  } catch (error) {
    if (!(error instanceof Error) || !TRUSTED_ACCESS_ERRORS.has(error.name)) throw error;
    throw new ProgramSetupError(
      "MGN's global view cannot list the organization's accounts: Organizations trusted access for Application " +
        "Migration Service is not enabled, or this hub is neither the management account nor MGN's delegated " +
        `administrator. In the management account, run \`${ENABLE_TRUSTED_ACCESS}\` (or enable trusted access from the ` +
        `MGN or Organizations console) and deploy the hub there or in the delegated administrator account. (${errorText(error)})`,
      { cause: error },
    );
  }
}
