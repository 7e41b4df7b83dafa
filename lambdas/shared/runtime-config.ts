// The Lambda's configuration: parsed once at start from the environment the stack wrote, failing fast with the
// variable's name. Names come from ./environment, shared with the stack.
import { DOCUMENT_ROLES, DOCUMENTS } from './documents';
import { ENV } from './environment';
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
}

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
  });
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
