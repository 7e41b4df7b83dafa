// Runtime settings of the doctor: one spec per setting, used at synth (CDK context values, which may be
// JSON values or `-c key=value` strings) and in the Lambda (environment strings). Both sides fail fast with
// a message that names the key and the expected form; the caller says what kind of key it is.
import { ENV } from './environment';

export type RemediableCondition = 'STALLED' | 'DISCONNECTED';
export const REMEDIABLE_CONDITIONS: readonly RemediableCondition[] = ['STALLED', 'DISCONNECTED'];

export interface DoctorSettings {
  readonly dryRun: boolean;
  readonly remediateStates: readonly RemediableCondition[];
  readonly maxAttempts: number;
  readonly cooldownMinutes: number;
  readonly resultWaitSeconds: number;
  readonly minFreeRootMiB: number;
  readonly minFreeTmpMiB: number;
  readonly lagAlertMinutes: number;
  readonly retryServiceSideErrors: boolean;
  readonly reminderHours: number;
  readonly nodeIdTagKey: string;
  readonly optOutTagKey: string;
  /** Event runs within this many minutes of the last digest record their news for the next one (0: never wait). */
  readonly notifyIntervalMinutes: number;
  /** Newly stalled servers that make a mass stall: restarts then go to a sample first (0: off). */
  readonly massStallThreshold: number;
  /** Managed-node tag key that opts a node in to Run Command (IAM enforces it); undefined = every node. */
  readonly requireNodeTag: string | undefined;
  /** How long an event run may use the SSM inventory the last scheduled run listed; 0 = always list it. */
  readonly inventoryCacheMinutes: number;
  /** Days before the end of a server's free replication period at which the doctor warns once. */
  readonly freePeriodWarningDays: number;
  /** One EventBridge event per piece of news on the default bus. */
  readonly findingEvents: boolean;
  /** Escalations (and long-blocked hosts) become OpsItems in OpsCenter, resolved on recovery. */
  readonly opsItems: boolean;
  /** Hours an UNMANAGED or AMBIGUOUS host blocks treatment before it gets an OpsItem; 0 = escalations only. */
  readonly opsItemBlockedHours: number;
  /** Chat channels are subscribed to the topic: the digest carries their rendering. Set by the stack, not by context. */
  readonly chatNotifications: boolean;
}

export const DEFAULT_SETTINGS: DoctorSettings = {
  dryRun: false,
  remediateStates: ['STALLED', 'DISCONNECTED'],
  maxAttempts: 3,
  cooldownMinutes: 60,
  resultWaitSeconds: 180,
  minFreeRootMiB: 2048,
  minFreeTmpMiB: 500,
  lagAlertMinutes: 60,
  retryServiceSideErrors: false,
  reminderHours: 24,
  nodeIdTagKey: 'mgn-doctor:ssm-node-id',
  optOutTagKey: 'mgn-doctor:opt-out',
  notifyIntervalMinutes: 15,
  massStallThreshold: 20,
  requireNodeTag: undefined,
  inventoryCacheMinutes: 60,
  freePeriodWarningDays: 14,
  findingEvents: true,
  opsItems: true,
  opsItemBlockedHours: 24,
  chatNotifications: false,
};

/** Settings the stack derives from other context keys (lib/config.ts); never a context key themselves. */
export const DERIVED_SETTINGS: ReadonlySet<keyof DoctorSettings> = new Set(['chatNotifications']);

/** With `requireNodeTag` set, Run Command reaches only managed nodes tagged `<requireNodeTag>=true` (IAM enforces it). */
export const NODE_OPT_IN_TAG_VALUE = 'true';

/** The longest result wait that still fits the Lambda's 15-minute limit with room for the rest of the run. */
export const MAX_RESULT_WAIT_SECONDS = 780;

export class SettingError extends Error {
  constructor(
    readonly key: string,
    readonly expected: string,
    readonly received: unknown,
  ) {
    super(`${key}: expected ${expected}, got ${JSON.stringify(received)}`);
    this.name = 'SettingError';
  }
}

export function parseBoolean(key: string, raw: unknown): boolean {
  if (typeof raw === 'boolean') return raw;
  if (raw === 'true') return true;
  if (raw === 'false') return false;
  throw new SettingError(key, 'true or false', raw);
}

export function parseInteger(key: string, raw: unknown, min: number, max: number): number {
  const value =
    typeof raw === 'number' ? raw : typeof raw === 'string' && /^-?\d+$/.test(raw.trim()) ? Number(raw) : NaN;
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new SettingError(key, `a whole number from ${min} to ${max}`, raw);
  }
  return value;
}

/** A list given as a JSON array (cdk.json) or as comma-separated text (`-c key=a,b`, environment). */
export function parseList(key: string, raw: unknown): string[] {
  if (Array.isArray(raw)) {
    if (raw.every((item) => typeof item === 'string')) return raw.map((item) => item.trim()).filter(Boolean);
    throw new SettingError(key, 'a list of strings', raw);
  }
  if (typeof raw === 'string') {
    const text = raw.trim();
    if (text.startsWith('[')) {
      try {
        return parseList(key, JSON.parse(text));
      } catch (error) {
        if (error instanceof SettingError) throw error;
        throw new SettingError(key, 'a JSON array or comma-separated values', raw);
      }
    }
    return text
      .split(',')
      .map((item) => item.trim())
      .filter(Boolean);
  }
  throw new SettingError(key, 'a JSON array or comma-separated values', raw);
}

/** Tag keys as MGN allows them: 1-128 characters, no `aws:` prefix. */
export function parseTagKey(key: string, raw: unknown): string {
  if (typeof raw === 'string' && /^(?!aws:)[\p{L}\p{Z}\p{N}_.:/=+\-@]{1,128}$/u.test(raw)) return raw;
  throw new SettingError(key, 'a tag key of 1-128 letters, digits, spaces or _.:/=+-@, not starting with aws:', raw);
}

/** A tag key, or nothing when the value is empty (the environment's and `-c key=`'s way of saying "none"). */
export function parseOptionalTagKey(key: string, raw: unknown): string | undefined {
  return raw === '' ? undefined : parseTagKey(key, raw);
}

export function parseRemediateStates(key: string, raw: unknown): RemediableCondition[] {
  const states = parseList(key, raw);
  const unknown = states.filter((state) => !REMEDIABLE_CONDITIONS.includes(state as RemediableCondition));
  if (unknown.length > 0) throw new SettingError(key, `a list of ${REMEDIABLE_CONDITIONS.join(', ')}`, raw);
  return [...new Set(states)] as RemediableCondition[];
}

type Parsers = { [K in keyof DoctorSettings]: (key: string, raw: unknown) => DoctorSettings[K] };

/** One parser per setting; the same rules apply to CDK context and to the Lambda's environment. */
export const SETTING_PARSERS: Parsers = {
  dryRun: parseBoolean,
  remediateStates: parseRemediateStates,
  maxAttempts: (key, raw) => parseInteger(key, raw, 1, 20),
  cooldownMinutes: (key, raw) => parseInteger(key, raw, 0, 10_080),
  resultWaitSeconds: (key, raw) => parseInteger(key, raw, 0, MAX_RESULT_WAIT_SECONDS),
  minFreeRootMiB: (key, raw) => parseInteger(key, raw, 1, 1_048_576),
  minFreeTmpMiB: (key, raw) => parseInteger(key, raw, 1, 1_048_576),
  lagAlertMinutes: (key, raw) => parseInteger(key, raw, 1, 43_200),
  retryServiceSideErrors: parseBoolean,
  reminderHours: (key, raw) => parseInteger(key, raw, 1, 720),
  nodeIdTagKey: parseTagKey,
  optOutTagKey: parseTagKey,
  notifyIntervalMinutes: (key, raw) => parseInteger(key, raw, 0, 1440),
  massStallThreshold: (key, raw) => parseInteger(key, raw, 0, 4000),
  requireNodeTag: parseOptionalTagKey,
  inventoryCacheMinutes: (key, raw) => parseInteger(key, raw, 0, 1440),
  // 90 days is the whole free period: a warning as soon as replication starts.
  freePeriodWarningDays: (key, raw) => parseInteger(key, raw, 0, 90),
  findingEvents: parseBoolean,
  opsItems: parseBoolean,
  opsItemBlockedHours: (key, raw) => parseInteger(key, raw, 0, 720),
  chatNotifications: parseBoolean,
};

/** Environment variable per setting, so the stack can write and the Lambda can read them by one table. */
export const SETTING_ENV: { [K in keyof DoctorSettings]: string } = {
  dryRun: ENV.dryRun,
  remediateStates: ENV.remediateStates,
  maxAttempts: ENV.maxAttempts,
  cooldownMinutes: ENV.cooldownMinutes,
  resultWaitSeconds: ENV.resultWaitSeconds,
  minFreeRootMiB: ENV.minFreeRootMiB,
  minFreeTmpMiB: ENV.minFreeTmpMiB,
  lagAlertMinutes: ENV.lagAlertMinutes,
  retryServiceSideErrors: ENV.retryServiceSideErrors,
  reminderHours: ENV.reminderHours,
  nodeIdTagKey: ENV.nodeIdTagKey,
  optOutTagKey: ENV.optOutTagKey,
  notifyIntervalMinutes: ENV.notifyIntervalMinutes,
  massStallThreshold: ENV.massStallThreshold,
  requireNodeTag: ENV.requireNodeTag,
  inventoryCacheMinutes: ENV.inventoryCacheMinutes,
  freePeriodWarningDays: ENV.freePeriodWarningDays,
  findingEvents: ENV.findingEvents,
  opsItems: ENV.opsItems,
  opsItemBlockedHours: ENV.opsItemBlockedHours,
  chatNotifications: ENV.chatNotifications,
};

/** Settings that may be empty: an empty environment value means "not set" rather than a missing variable. */
export const OPTIONAL_SETTINGS: ReadonlySet<keyof DoctorSettings> = new Set(['requireNodeTag']);

/** Renders settings as environment strings (lists comma-separated, unset as ''), the inverse of the parsers above. */
export function renderSettingsEnvironment(settings: DoctorSettings): Record<string, string> {
  const environment: Record<string, string> = {};
  for (const name of Object.keys(SETTING_ENV) as (keyof DoctorSettings)[]) {
    const value = settings[name];
    environment[SETTING_ENV[name]] = value === undefined ? '' : Array.isArray(value) ? value.join(',') : String(value);
  }
  return environment;
}
