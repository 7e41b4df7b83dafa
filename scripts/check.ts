// `npm run check -- --region us-east-1`: what the doctor would do in one Region, right now, with the
// operator's own credentials. The same core as the Lambda, as a preview: it reads MGN, SSM and optionally the
// ledger, and never sends a command, a notification or a write (the ports below throw if asked to).
import { parseArgs } from 'node:util';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { createAwsClients, type AwsClientOptions, type AwsClients } from '../lambdas/adapters/aws-clients';
import { AwsAccountPortsProvider, createOwnAccountPorts } from '../lambdas/adapters/account-ports';
import { MgnManagedAccountDirectory } from '../lambdas/adapters/mgn-managed-account-directory';
import { findByNameOrId } from '../lambdas/core/migration-terms';
import { AccountRunError, describeAccountFailure } from '../lambdas/core/program/account-failure';
import type { DocumentRole, MigrationWave, SourceServer } from '../lambdas/core/model';
import type { Log, SourceServerRepository } from '../lambdas/core/ports';
import type { AccountPorts } from '../lambdas/core/program/ports';
import type { RunReport } from '../lambdas/core/report';
import { runDoctor } from '../lambdas/core/run/run-doctor';
import { DOCUMENT_ROLES } from '../lambdas/shared/documents';
import { spokeReaderRoleName } from '../lambdas/shared/program';
import { DEFAULT_SETTINGS, SETTING_PARSERS, SettingError, type DoctorSettings } from '../lambdas/shared/settings';
import { systemClock } from '../lambdas/shared/system-clock';
import { exitQuietlyOnBrokenPipe, writeLine, type CliIo } from './lib/cli-io';
import { describeFailure, EXIT_CODES } from './lib/describe-cli-error';
import {
  emptyLedger,
  ListedSourceServers,
  noFreePeriodMarks,
  PreviewCommandRunner,
  ReadOnlyFreePeriodMarks,
  ReadOnlyLedger,
  refusingPublisher,
  ReportingNodeDirectory,
} from './lib/preview-ports';
import { formatPreviewTable, toPreviewJson, type PreviewScope } from './lib/preview-output';

export const USAGE = `Usage: npm run check -- --region REGION [options]

Shows what mgn-replication-doctor would do in one Region now, using your AWS credentials. A dry run: it reads
MGN, SSM and (with --ledger-table) the ledger; it never sends a command, a notification or a write.

Options:
  --region REGION               the Region to look at (default: AWS_REGION, AWS_DEFAULT_REGION)
  --profile NAME                a profile from ~/.aws/config or ~/.aws/credentials (sets AWS_PROFILE)
  --account ID                  the account to look at (default: your credentials' own); another account of
                                the organization is read through MGN's global view and its spoke's reader role
  --all-accounts                every account MGN's global view lists (ListManagedAccounts), one after another
  --spoke-role NAME             the role to assume in other accounts (default MgnReplicationDoctorSpokeReader-REGION)
  --ledger-table NAME           the deployed ledger table, so decisions count earlier treatments
  --wave NAME|ID                only the servers in the applications of this MGN wave
  --application NAME|ID         only the servers in this MGN application (in --wave, when both are given)
  --lag-alert-minutes N         lag above which a server counts as LAGGING (default ${DEFAULT_SETTINGS.lagAlertMinutes})
  --retry-service-side-errors   plan RetryDataReplication for service-side errors (default off, as deployed)
  --json                        one JSON object on stdout instead of tables
  -h, --help                    this text

Wave and application names match whole, ignoring case; a name several share selects them all. A name that
matches nothing is a usage error.

With --all-accounts, an account that cannot be read is one line on stderr and the others are still shown; the
exit code is then 6.

Exit codes: 0 done, 1 other error, 2 usage, 3 credentials, 4 access denied, 5 MGN not initialized in the Region,
6 some accounts could not be read (--all-accounts).`;

const REGION = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;
const ACCOUNT_ID = /^\d{12}$/;
const SOURCE_SERVER_ARN = /^arn:aws[a-z-]*:mgn:[a-z0-9-]*:(\d{12}):source-server\//;
/** The preview only reads results through the SSM runner, so its document names are never used. */
const UNUSED_DOCUMENT_NAMES = Object.fromEntries(
  DOCUMENT_ROLES.map((role) => [role, 'not-sent-by-the-preview']),
) as Readonly<Record<DocumentRole, string>>;

interface CheckOptions {
  readonly help: boolean;
  readonly region: string;
  readonly profile?: string;
  readonly account?: string;
  readonly allAccounts: boolean;
  readonly spokeRole: string;
  readonly ledgerTable?: string;
  readonly wave?: string;
  readonly application?: string;
  readonly json: boolean;
  readonly settings: DoctorSettings;
}

class UsageError extends Error {}

/** A --wave or --application that names nothing in the Region: a usage error found only by asking MGN. */
class NoSuchScopeError extends Error {}

const FLAGS = {
  region: { type: 'string' },
  profile: { type: 'string' },
  account: { type: 'string' },
  'all-accounts': { type: 'boolean', default: false },
  'spoke-role': { type: 'string' },
  'ledger-table': { type: 'string' },
  wave: { type: 'string' },
  application: { type: 'string' },
  'lag-alert-minutes': { type: 'string' },
  'retry-service-side-errors': { type: 'boolean', default: false },
  json: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

function readFlags(argv: readonly string[]) {
  try {
    return parseArgs({ args: [...argv], options: FLAGS, strict: true, allowPositionals: false }).values;
  } catch (error) {
    // Node's messages name the flag ("Unknown option '--x'", "Option '--region <value>' argument missing").
    throw new UsageError((error as Error).message);
  }
}

function parseCheckArgs(argv: readonly string[], env: CliIo['env']): CheckOptions {
  const values = readFlags(argv);
  const region = values.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? '';
  if (!values.help && !region) throw new UsageError('--region is required (or set AWS_REGION)');
  if (!values.help && !REGION.test(region))
    throw new UsageError(`--region ${JSON.stringify(region)} is not a Region name such as us-east-1`);
  if (values.account !== undefined && !ACCOUNT_ID.test(values.account))
    throw new UsageError('--account must be a 12-digit account ID');
  if (values.account !== undefined && values['all-accounts'])
    throw new UsageError('--account and --all-accounts exclude each other');
  for (const flag of ['profile', 'ledger-table', 'wave', 'application', 'spoke-role'] as const) {
    if (values[flag]?.trim() === '') throw new UsageError(`--${flag} needs a value`);
  }
  let settings: DoctorSettings = { ...DEFAULT_SETTINGS, retryServiceSideErrors: values['retry-service-side-errors'] };
  const lag = values['lag-alert-minutes'];
  try {
    if (lag !== undefined)
      settings = { ...settings, lagAlertMinutes: SETTING_PARSERS.lagAlertMinutes('--lag-alert-minutes', lag) };
  } catch (error) {
    throw error instanceof SettingError ? new UsageError(error.message) : error;
  }
  return {
    help: values.help,
    region,
    profile: values.profile,
    account: values.account,
    allAccounts: values['all-accounts'],
    spokeRole: values['spoke-role'] ?? spokeReaderRoleName(region),
    ledgerTable: values['ledger-table'],
    wave: values.wave,
    application: values.application,
    json: values.json,
    settings,
  };
}

const findAccountId = (servers: readonly SourceServer[]): string | undefined =>
  servers.map((server) => SOURCE_SERVER_ARN.exec(server.arn ?? '')?.[1]).find((id) => id !== undefined);

/** The core's warnings go to stderr; its per-server info lines are what the tables show. */
function warningsTo(progress: (line: string) => void): Log {
  const warn = (message: string, attributes?: Record<string, unknown>): void =>
    progress(`warning: ${message}${attributes ? ` ${JSON.stringify(attributes)}` : ''}`);
  return { info: () => undefined, warn, error: warn };
}

const quoted = (names: readonly { readonly name: string }[]): string =>
  names.map((item) => JSON.stringify(item.name)).join(', ');

/** What a person may have meant, when a name matched nothing: the first few names there are. */
function knownNames(items: readonly { readonly name: string }[]): string {
  if (items.length === 0) return 'there are none';
  const more = items.length > 10 ? `, and ${items.length - 10} more` : '';
  return `there are ${quoted(items.slice(0, 10))}${more}`;
}

/**
 * --wave and --application as the MGN application IDs whose servers to list. MGN filters source servers by
 * application, not by wave: a wave is resolved to its applications with ListApplications' wave filter.
 */
async function resolveScope(
  options: CheckOptions,
  repository: Pick<SourceServerRepository, 'listWaves' | 'listApplications'>,
  progress: (line: string) => void,
): Promise<PreviewScope | undefined> {
  if (options.wave === undefined && options.application === undefined) return undefined;
  let waves: MigrationWave[] | undefined;
  if (options.wave !== undefined) {
    progress('listing MGN waves…');
    const all = await repository.listWaves();
    waves = findByNameOrId(all, (wave) => wave.waveId, options.wave);
    if (waves.length === 0)
      throw new NoSuchScopeError(`no wave ${JSON.stringify(options.wave)} in ${options.region}: ${knownNames(all)}`);
  }
  progress('listing MGN applications…');
  const inWaves = await repository.listApplications(waves && { waveIds: waves.map((wave) => wave.waveId) });
  const waveLabel = waves && `wave ${quoted(waves)}`;
  if (options.application === undefined) {
    return { label: `${waveLabel} (${inWaves.length} application(s))`, waves, applications: inWaves };
  }
  const applications = findByNameOrId(inWaves, (application) => application.applicationId, options.application);
  if (applications.length === 0) {
    const where = waveLabel ? `${waveLabel} of ${options.region}` : options.region;
    throw new NoSuchScopeError(
      `no application ${JSON.stringify(options.application)} in ${where}: ${knownNames(inWaves)}`,
    );
  }
  const label = `application ${quoted(applications)}${waveLabel ? ` in ${waveLabel}` : ''}`;
  return { label, waves, applications };
}

/** What one account's preview reads with. */
interface AccountView {
  /** Undefined: the credentials' own account, named by a source-server ARN if any. */
  readonly account?: string;
  /** The ports a doctor run in that account would use; the preview reads through them only. */
  readonly ports: AccountPorts;
}

/** The preview names no document and no log group, and with no --ledger-table it never touches the ledger. */
const PREVIEW_PORTS_CONFIG = {
  documentNames: UNUSED_DOCUMENT_NAMES,
  commandLogGroup: 'not-used-by-the-preview',
};

/**
 * One account's ports as the Lambda builds them (lambdas/adapters/account-ports.ts): the credentials' own account
 * directly; any other account of the organization through MGN's global view and, for SSM, the spoke's reader
 * role, assumed first so that an account without a spoke is one clear line before anything is listed.
 */
async function viewAccount(
  options: CheckOptions,
  clients: AwsClients,
  account: string | undefined,
  own?: string,
): Promise<AccountView> {
  const config = { ...PREVIEW_PORTS_CONFIG, ledgerTableName: options.ledgerTable ?? 'not-used-by-the-preview' };
  if (account === undefined) return { ports: createOwnAccountPorts(clients, config) };
  const provider = new AwsAccountPortsProvider({
    clients,
    config,
    hub: { spokeRoleName: options.spokeRole, spokeDocumentNames: UNUSED_DOCUMENT_NAMES },
    ownAccount: own ?? '',
    region: options.region,
    runId: 'preview',
  });
  return { account, ports: await provider.portsFor(account) };
}

async function previewAccount(
  options: CheckOptions,
  view: AccountView,
  progress: (line: string) => void,
): Promise<AccountPreview> {
  // Listed here, not inside the core, so that the account is known and large fleets show progress.
  const { servers: repository, nodes, commands, ledger, freePeriodMarks } = view.ports;
  const scope = await resolveScope(options, repository, progress);
  const where = `${options.region}${view.account ? ` (account ${view.account})` : ''}`;
  progress(`listing source servers in ${where}${scope ? ` (${scope.label})` : ''}…`);
  // MGN filters by application on its side; an empty list (a wave without applications) lists nothing.
  const servers = await repository.listSourceServers(
    scope && { applicationIds: scope.applications.map((application) => application.applicationId) },
  );
  progress(`${servers.length} source server(s) listed`);
  const accountId = view.account ?? findAccountId(servers);
  // Earlier results and marks exist only in a deployed ledger (a member account's under its own keys).
  const deployed = options.ledgerTable !== undefined;

  const report = await runDoctor(
    { runId: 'preview', trigger: 'preview' },
    options.settings,
    { region: options.region, accountId: accountId ?? 'unknown' },
    {
      servers: new ListedSourceServers(servers, repository),
      nodes: new ReportingNodeDirectory(nodes, progress),
      // Without a ledger the runner cannot even read: no earlier results to read.
      commands: new PreviewCommandRunner(deployed ? commands : undefined),
      publisher: refusingPublisher,
      ledger: deployed ? new ReadOnlyLedger(ledger) : emptyLedger,
      freePeriodMarks: deployed && freePeriodMarks ? new ReadOnlyFreePeriodMarks(freePeriodMarks) : noFreePeriodMarks,
      clock: systemClock,
      log: warningsTo(progress),
    },
  );
  progress(`${servers.length} server(s) classified`);
  return { report, accountId, scope };
}

interface AccountPreview {
  readonly report: RunReport;
  readonly accountId?: string;
  readonly scope?: PreviewScope;
}

/** The accounts to look at: none named (the credentials' own), the one --account names, or every managed one. */
async function listAccounts(
  options: CheckOptions,
  clients: AwsClients,
  progress: (line: string) => void,
): Promise<{ readonly accounts: readonly (string | undefined)[]; readonly own?: string }> {
  if (options.account === undefined && !options.allAccounts) return { accounts: [undefined] };
  // Whose credentials these are decides which account needs no role: STS answers this for anyone.
  const own = (await clients.sts().send(new GetCallerIdentityCommand({}))).Account;
  if (!options.allAccounts) return { accounts: [options.account], own };
  progress('listing the accounts MGN manages (ListManagedAccounts)…');
  const accounts = await new MgnManagedAccountDirectory(clients.mgn).listManagedAccounts();
  progress(`${accounts.length} account(s) listed`);
  return { accounts, own };
}

export async function main(
  argv: readonly string[],
  io: CliIo,
  makeClients: (options: AwsClientOptions) => AwsClients = createAwsClients,
): Promise<number> {
  const out = writeLine(io.stdout);
  const err = writeLine(io.stderr);
  let options: CheckOptions;
  try {
    options = parseCheckArgs(argv, io.env);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    err(`error: ${error.message}`);
    err('');
    err(USAGE);
    return EXIT_CODES.usage;
  }
  if (options.help) {
    out(USAGE);
    return EXIT_CODES.ok;
  }

  // Before the clients exist: the SDK's credential chain reads AWS_PROFILE when it first resolves.
  if (options.profile) io.env.AWS_PROFILE = options.profile;
  const clients = makeClients({ region: options.region });
  try {
    const { accounts, own } = await listAccounts(options, clients, err);
    if (!options.allAccounts) {
      const preview = await previewAccount(options, await viewAccount(options, clients, accounts[0], own), err);
      printPreviews([preview], [], options, out);
      return EXIT_CODES.ok;
    }
    const { previews, failures } = await previewEachAccount(options, accounts as string[], own, clients, err);
    printPreviews(previews, failures, options, out);
    return failures.length > 0 ? EXIT_CODES.someAccounts : EXIT_CODES.ok;
  } catch (error) {
    return reportFailure(error, options, err);
  }
}

/** --all-accounts: one account after another; one that cannot be read is a line on stderr, never the end. */
async function previewEachAccount(
  options: CheckOptions,
  accounts: readonly string[],
  own: string | undefined,
  clients: AwsClients,
  progress: (line: string) => void,
) {
  const previews: AccountPreview[] = [];
  const failures: { readonly accountId: string; readonly error: string }[] = [];
  for (const account of accounts) {
    try {
      const view = await viewAccount(options, clients, account, own);
      previews.push(await previewAccount(options, view, progress));
    } catch (error) {
      const line = describeAccountFailure(error, { account, region: options.region, spokeRoleName: options.spokeRole });
      progress(`error: ${line}`);
      failures.push({ accountId: account, error: line });
    }
  }
  return { previews, failures };
}

function printPreviews(
  previews: readonly AccountPreview[],
  failures: readonly { readonly accountId: string; readonly error: string }[],
  options: CheckOptions,
  out: (line: string) => void,
): void {
  const contexts = previews.map(({ report, accountId, scope }) => ({
    report,
    context: { region: options.region, accountId, scope },
  }));
  if (options.json) {
    const json = contexts.map(({ report, context }) => toPreviewJson(report, context));
    // One object as before for one account; every account and the failures with --all-accounts.
    const document = options.allAccounts ? { region: options.region, accounts: json, failures } : json[0];
    out(JSON.stringify(document, null, 2));
    return;
  }
  contexts.forEach(({ report, context }, index) => {
    if (index > 0) out('');
    formatPreviewTable(report, context).forEach(out);
  });
}

function reportFailure(error: unknown, options: CheckOptions, err: (line: string) => void): number {
  if (error instanceof NoSuchScopeError) {
    err(`error: ${error.message}`);
    return EXIT_CODES.usage;
  }
  // An account the ports could not reach: say what AWS said, as for the credentials' own account.
  const failure = describeFailure(error instanceof AccountRunError && error.cause ? error.cause : error, {
    region: options.region,
    profile: options.profile,
    ledgerTable: options.ledgerTable,
    migrationTerms: options.wave !== undefined || options.application !== undefined,
    allAccounts: options.allAccounts,
  });
  err(failure.message);
  return failure.exitCode;
}

if (require.main === module) {
  exitQuietlyOnBrokenPipe();
  void main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env }).then(
    (code) => {
      process.exitCode = code;
    },
  );
}
