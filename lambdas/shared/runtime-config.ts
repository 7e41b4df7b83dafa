// The Lambda's configuration: parsed once at start from the environment the stack wrote, failing fast with the
// variable's name. Names come from ./environment, shared with the stack.
import { DOCUMENT_ROLES, DOCUMENTS } from './documents';
import { ENV } from './environment';
import { parseProgramAccounts, type ProgramAccounts, type SpokeDocumentNames } from './program';
import { OPTIONAL_SETTINGS, SETTING_ENV, SETTING_PARSERS, parseBoolean, type DoctorSettings } from './settings';
import type { DocumentRole } from '../core/model';

export interface RuntimeConfig {
  readonly settings: DoctorSettings;
  readonly topicArn: string;
  readonly ledgerTableName: string;
  readonly documentNames: Readonly<Record<DocumentRole, string>>;
  readonly commandLogGroup: string;
  /** An X-Ray subsegment per AWS call (the stack's `traceAwsCalls`, docs/design.md section 12). */
  readonly traceAwsCalls: boolean;
  /** Set when the stack is a hub (docs/design.md section 13); absent for one account. */
  readonly hub?: HubConfig;
}

/** What a hub needs beyond one account's configuration. */
export interface HubConfig {
  readonly accounts: Exclude<ProgramAccounts, { readonly kind: 'single' }>;
  /** The role the hub assumes in each member account: spokeRoleName(region), as the spoke stack names it. */
  readonly spokeRoleName: string;
  /** The spoke's document names, which the hub computes from the same files. */
  readonly spokeDocumentNames: SpokeDocumentNames;
}

/** IAM role names: 1–64 of these characters. */
const ROLE_NAME = /^[\w+=,.@-]{1,64}$/;
/** SSM document names as SendCommand's DocumentName takes a name (no ARN): 3–128 of these characters. */
const DOCUMENT_NAME = /^[\w.-]{3,128}$/;

export class ConfigurationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigurationError';
  }
}

type Environment = Readonly<Record<string, string | undefined>>;

function required(environment: Environment, name: string): string {
  const value = environment[name]?.trim();
  if (!value) throw new ConfigurationError(`Environment variable ${name} is missing or empty`);
  return value;
}

/** A variable that must be set, but may be empty. */
function present(environment: Environment, name: string): string {
  const value = environment[name];
  if (value === undefined) throw new ConfigurationError(`Environment variable ${name} is missing`);
  return value.trim();
}

export function parseRuntimeConfig(environment: Environment): RuntimeConfig {
  const settings = {} as Record<keyof DoctorSettings, unknown>;
  for (const key of Object.keys(SETTING_PARSERS) as (keyof DoctorSettings)[]) {
    const name = SETTING_ENV[key];
    try {
      const raw = OPTIONAL_SETTINGS.has(key) ? present(environment, name) : required(environment, name);
      settings[key] = SETTING_PARSERS[key](name, raw);
    } catch (error) {
      throw error instanceof ConfigurationError
        ? error
        : new ConfigurationError(`Environment variable ${(error as Error).message}`);
    }
  }
  return Object.freeze({
    settings: Object.freeze(settings) as unknown as DoctorSettings,
    topicArn: required(environment, ENV.topicArn),
    ledgerTableName: required(environment, ENV.ledgerTableName),
    documentNames: Object.freeze(
      Object.fromEntries(DOCUMENT_ROLES.map((role) => [role, required(environment, DOCUMENTS[role].environmentName)])),
    ) as Readonly<Record<DocumentRole, string>>,
    commandLogGroup: required(environment, ENV.commandLogGroup),
    traceAwsCalls: parseTraceAwsCalls(environment),
    ...parseHubConfig(environment),
  });
}

/**
 * `PROGRAM_ACCOUNTS` unset or empty: one account, and nothing else is read. Set: `SPOKE_ROLE_NAME` and
 * `SPOKE_DOCUMENT_NAMES` are required too, each failing fast with its name.
 */
export function parseHubConfig(environment: Environment): { readonly hub?: HubConfig } {
  let accounts: ProgramAccounts;
  try {
    accounts = parseProgramAccounts(ENV.programAccounts, environment[ENV.programAccounts]?.trim());
  } catch (error) {
    throw new ConfigurationError(`Environment variable ${(error as Error).message}`);
  }
  if (accounts.kind === 'single') return {};
  const spokeRoleName = required(environment, ENV.spokeRoleName);
  if (!ROLE_NAME.test(spokeRoleName))
    throw new ConfigurationError(
      `Environment variable ${ENV.spokeRoleName}: expected an IAM role name, got "${spokeRoleName}"`,
    );
  return {
    hub: Object.freeze({
      accounts,
      spokeRoleName,
      spokeDocumentNames: parseSpokeDocumentNames(required(environment, ENV.spokeDocumentNames)),
    }),
  };
}

/** `{"RestartReplicationAgent": "…", "CheckDiskSpace": "…", "CheckConnectivity": "…"}`: every role, nothing else. */
function parseSpokeDocumentNames(raw: string): SpokeDocumentNames {
  const fail = (expected: string): never => {
    throw new ConfigurationError(`Environment variable ${ENV.spokeDocumentNames}: expected ${expected}`);
  };
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return fail(`a JSON object of document names by role, got ${JSON.stringify(raw.slice(0, 80))}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    return fail('a JSON object of document names by role');
  const names = parsed as Record<string, unknown>;
  const unknown = Object.keys(names).find((role) => !(DOCUMENT_ROLES as readonly string[]).includes(role));
  if (unknown !== undefined) fail(`only the roles ${DOCUMENT_ROLES.join(', ')}, and "${unknown}" is not one`);
  for (const role of DOCUMENT_ROLES) {
    const name = names[role];
    if (typeof name !== 'string' || !DOCUMENT_NAME.test(name))
      fail(`an SSM document name for ${role}, got ${JSON.stringify(name ?? null)}`);
  }
  return Object.freeze(
    Object.fromEntries(DOCUMENT_ROLES.map((role) => [role, names[role] as string])),
  ) as SpokeDocumentNames;
}

/** `TRACE_AWS_CALLS`: true or false, as the stack writes it. */
export function parseTraceAwsCalls(environment: Environment): boolean {
  try {
    return parseBoolean(ENV.traceAwsCalls, required(environment, ENV.traceAwsCalls));
  } catch (error) {
    throw error instanceof ConfigurationError
      ? error
      : new ConfigurationError(`Environment variable ${(error as Error).message}`);
  }
}
