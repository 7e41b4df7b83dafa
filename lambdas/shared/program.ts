// The contract of a hub (one doctor for many accounts, docs/design.md section 13) between its stack, its state
// machine, the spoke stack in each member account, and the Lambda: names both sides compute the same way, the
// `accounts` setting's rules, and the payloads of the program's three steps.
// Constants and pure functions only: the stack imports it without Lambda code, the Lambda without aws-cdk-lib.
import type { DocumentRole } from '../core/model';
import { SettingError } from './settings';

/** The spoke stack's name when deployed with `cdk deploy` (a StackSet names its stacks itself). */
export const SPOKE_STACK_NAME = 'MgnReplicationDoctorSpoke';

/**
 * The prefix of the spoke's document names: `<prefix>-<role>-<SHA-256 of the content>`, the same content-addressed
 * form as a single-account stack's, but independent of the stack name (StackSets choose their own). The hub
 * computes the same names from the same files, so a spoke with older documents has no document of that name and
 * SendCommand's InvalidDocument says "redeploy the spoke".
 */
export const SPOKE_DOCUMENT_PREFIX = 'MgnReplicationDoctorSpoke';

/** Run Command output in a member account goes to this log group of its spoke. */
export const SPOKE_COMMAND_LOG_GROUP = '/mgn-replication-doctor/spoke/command-output';

/** IAM role names are global to an account: one per Region, so a spoke per Region can be deployed. */
export const spokeRoleName = (region: string): string => `MgnReplicationDoctorSpoke-${region}`;

/**
 * A read-only role in each spoke for the preview CLI (`npm run check --account/--all-accounts`): people in the hub
 * account whose own IAM allows it may list the member account's managed nodes and command results, nothing more.
 * The doctor's spoke role is never theirs: it may send commands.
 */
export const spokeReaderRoleName = (region: string): string => `MgnReplicationDoctorSpokeReader-${region}`;

/** The hub doctor function's role, by name, so each spoke's trust policy can name its exact ARN. */
export const hubRoleName = (region: string): string => `MgnReplicationDoctorHub-${region}`;

export const roleArn = (partition: string, account: string, name: string): string =>
  `arn:${partition}:iam::${account}:role/${name}`;

/** 12 digits, as AWS account IDs are. */
export const ACCOUNT_ID = /^\d{12}$/;

/** `organization` (every account MGN's ListManagedAccounts returns) or a list of account IDs; none = one account. */
export type ProgramAccounts =
  | { readonly kind: 'single' }
  | { readonly kind: 'organization' }
  | { readonly kind: 'list'; readonly accounts: readonly string[] };

/**
 * `accounts` as cdk.json (`"organization"`, `[]`, `["111122223333", …]`) or the environment (`organization`, ``,
 * `111122223333,444455556666`) gives it. A bad account ID names itself.
 */
export function parseProgramAccounts(key: string, raw: unknown): ProgramAccounts {
  if (raw === undefined || raw === null || raw === '') return { kind: 'single' };
  if (raw === 'organization') return { kind: 'organization' };
  const items = Array.isArray(raw) ? raw : typeof raw === 'string' ? raw.split(',') : undefined;
  if (!items?.every((item) => typeof item === 'string'))
    throw new SettingError(key, '"organization" or a list of 12-digit account IDs', raw);
  const accounts = [...new Set(items.map((item: string) => item.trim()).filter(Boolean))];
  const bad = accounts.find((account) => !ACCOUNT_ID.test(account));
  if (bad !== undefined) throw new SettingError(key, `12-digit account IDs, and "${bad}" is not one`, raw);
  return accounts.length === 0 ? { kind: 'single' } : { kind: 'list', accounts };
}

/** The inverse of parseProgramAccounts, for the environment the stack writes. */
export function renderProgramAccounts(accounts: ProgramAccounts): string {
  return accounts.kind === 'single'
    ? ''
    : accounts.kind === 'organization'
      ? 'organization'
      : accounts.accounts.join(',');
}

/** Document names in a member account, by role, as the hub sends them (JSON in the environment). */
export type SpokeDocumentNames = Readonly<Record<DocumentRole, string>>;

// The program's steps (lib/constructs/program-fan-out.ts invokes the doctor function with these payloads).

/** Step 1: which accounts to treat. `runId` is the execution's name: the held reports are keyed by it. */
export interface ListAccountsEvent {
  readonly program: 'list-accounts';
  readonly runId: string;
}

export interface AccountList {
  readonly runId: string;
  readonly accounts: readonly string[];
}

/** Step 2, once per account (a Map with bounded concurrency). */
export interface RunAccountEvent {
  readonly program: 'run-account';
  readonly runId: string;
  readonly account: string;
}

/**
 * What one account's step returns: small on purpose (Step Functions passes at most 256 KB between states). The
 * account's report waits in the ledger table as a held report until step 3 publishes it.
 */
export interface AccountRunResult {
  readonly account: string;
  /** A held report is waiting for the program digest. */
  readonly held: boolean;
  /** The account's own failure (AccessDenied, MGN not initialised, an outdated spoke): one line for the digest. */
  readonly failure?: string;
  /**
   * Set by the Map's Catch when the step itself failed (timeout, crash): States' error name and cause.
   */
  readonly caught?: { readonly Error?: string; readonly Cause?: string };
}

/** Step 3: one digest for the program. */
export interface PublishProgramDigestEvent {
  readonly program: 'publish-digest';
  readonly runId: string;
  readonly results: readonly AccountRunResult[];
}

export type ProgramEvent = ListAccountsEvent | RunAccountEvent | PublishProgramDigestEvent;
export type ProgramStep = ProgramEvent['program'];

/**
 * A hub's metrics carry the account as this dimension, beside Powertools' `service`; the hub's dashboard finds
 * them with SEARCH over `{namespace, Account, service}`.
 */
export const ACCOUNT_METRIC_DIMENSION = 'Account';
