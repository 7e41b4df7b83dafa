// CDK context → validated StackConfig, in one place (docs/design.md section 8). Context values arrive as JSON values
// (cdk.json, CDK_CONTEXT_JSON) or as strings (`-c key=value`, lists comma-separated); every bad value fails the
// synth with a message that names the key and the expected form. The doctor's runtime settings reuse the
// Lambda's own parsers (lambdas/shared/settings.ts), so synth and the Lambda accept exactly the same values.
import { Node, type IConstruct } from 'constructs';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import {
  DEFAULT_SETTINGS,
  DERIVED_SETTINGS,
  SETTING_PARSERS,
  SettingError,
  parseBoolean,
  parseInteger,
  parseList,
  type DoctorSettings,
} from '../lambdas/shared/settings';
import { ACCOUNT_ID, parseProgramAccounts, type ProgramAccounts } from '../lambdas/shared/program';

export class ConfigError extends Error {
  constructor(
    readonly key: string,
    readonly expected: string,
    readonly received: unknown,
  ) {
    super(`Invalid context "${key}": expected ${expected}, got ${JSON.stringify(received)}`);
    this.name = 'ConfigError';
  }
}

/** A context key that is not one of ours but looks like a typo of one: its value would be silently ignored. */
export class UnknownContextKeyError extends ConfigError {
  constructor(
    key: string,
    readonly suggestion: string,
    received: unknown,
  ) {
    super(key, `no such key`, received);
    this.message = `Unknown context "${key}" (did you mean "${suggestion}"?): its value ${JSON.stringify(received)} would be ignored`;
    this.name = 'UnknownContextKeyError';
  }
}

export interface StackConfig {
  /** The doctor's runtime settings; the stack hands them to the Lambda as environment variables. */
  readonly settings: DoctorSettings;
  /** E-mail subscribers of the notification topic (each must confirm the subscription). */
  readonly notificationEmails: readonly string[];
  /** SMS subscribers, E.164 (`+14155550100`). */
  readonly notificationPhoneNumbers: readonly string[];
  /** EventBridge schedule expression of the periodic run: `rate(...)` or a six-field `cron(...)`. */
  readonly schedule: string;
  /** Reserved concurrency of the doctor function; 0 = none (for accounts with a low concurrency quota). */
  readonly reservedConcurrency: number;
  /** Memory of the doctor function, MB; its CPU share grows with it (1,769 MB is one vCPU). */
  readonly memorySize: number;
  /** An X-Ray subsegment per AWS call, beside Lambda's own trace of each invocation (docs/design.md section 12). */
  readonly traceAwsCalls: boolean;
  /** Retention of the function's and the command-output log groups. */
  readonly logRetentionDays: RetentionDays;
  /** Regions to deploy one stack each into; empty = the CLI's account/Region. */
  readonly regions: readonly string[];
  /** `single` (the default: this account only) or a hub's accounts (docs/design.md section 13). */
  readonly accounts: ProgramAccounts;
  /** A hub's Map: how many accounts are treated at once. */
  readonly accountConcurrency: number;
  /** A hub's organization (`o-…`): whose members may send it stall events and whose spoke roles it may assume. */
  readonly organizationId?: string;
}

/** The spoke app (lib/spoke-stack.ts): which hub may assume its role and receives its stall events. */
export interface SpokeConfig {
  /** The hub's account: its doctor role is the only principal the spoke role trusts. */
  readonly hubAccountId: string;
  /** The organization both belong to (`aws:PrincipalOrgID`). */
  readonly organizationId: string;
}

/** The chat channels subscribed to the digest's topic (`loadChatChannels`); `settings.chatNotifications` follows. */
export interface ChatChannelConfig {
  /** Slack channels, through Amazon Q Developer in chat applications. */
  readonly slackChannels: readonly SlackChannel[];
  /** Microsoft Teams channels, likewise. */
  readonly teamsChannels: readonly TeamsChannel[];
}

export interface SlackChannel {
  readonly workspaceId: string;
  readonly channelId: string;
}

export interface TeamsChannel {
  readonly teamId: string;
  readonly channelId: string;
  readonly tenantId: string;
}

/**
 * The ID patterns of AWS::Chatbot::SlackChannelConfiguration and MicrosoftTeamsChannelConfiguration (their
 * CloudFormation resource schemas), so a bad ID stops the synth instead of the deploy.
 */
const GUID = /^[0-9A-Fa-f]{8}(?:-[0-9A-Fa-f]{4}){3}-[0-9A-Fa-f]{12}$/;
export const CHANNEL_FIELDS = {
  slackChannels: { workspaceId: /^[0-9A-Z]{1,255}$/, channelId: /^[A-Za-z0-9]{1,256}$/ },
  teamsChannels: {
    teamId: GUID,
    channelId: /^(?=.{1,256}$)([a-zA-Z0-9-_=+/.,])*%3[aA]([a-zA-Z0-9-_=+/.,])*%40([a-zA-Z0-9-_=+/.,])*$/,
    tenantId: GUID,
  },
} as const;

/** The stack-only context keys and their defaults (the settings' defaults are DEFAULT_SETTINGS). */
export const STACK_CONTEXT_DEFAULTS = {
  notificationEmails: [] as readonly string[],
  notificationPhoneNumbers: [] as readonly string[],
  schedule: 'rate(15 minutes)',
  reservedConcurrency: 1,
  // What `npm run bench` recommends for the budget fleet: the smallest size whose projected run stays within 1.2×
  // of its I/O floor (BENCHMARKS.md). A CPU-bound run costs the same at any size, so this buys time, not cost.
  memorySize: 1769,
  // Off: per-call subsegments cost 7–20 % of a run's CPU (BENCHMARKS.md); on to see each call in X-Ray.
  traceAwsCalls: false,
  logRetentionDays: 90,
  regions: [] as readonly string[],
  // None: one account, as before. `organization` or a list of account IDs makes the stack a hub.
  accounts: [] as readonly string[],
  // A Map iteration is one doctor run of up to 15 minutes: 10 treats 20 accounts in two waves, inside the default
  // 15-minute schedule at the default resultWaitSeconds. Every account's MGN calls are made with the hub's
  // credentials (global view), so a higher value multiplies the hub's MGN request rate; an inline Map runs at most
  // 40 iterations at once, the upper bound.
  accountConcurrency: 10,
  // The spoke app only: set hubAccountId to synthesize the spoke stack (lib/spoke-stack.ts).
  hubAccountId: '',
  // A hub and its spokes: the organization (Organizations' ID form, o- and 10 to 32 lowercase letters or digits).
  organizationId: '',
  slackChannels: [] as readonly SlackChannel[],
  teamsChannels: [] as readonly TeamsChannel[],
} as const;

/** Every context key this app reads. */
export const CONTEXT_KEYS: readonly string[] = [
  ...Object.keys(STACK_CONTEXT_DEFAULTS),
  ...Object.keys(DEFAULT_SETTINGS).filter((key) => !DERIVED_SETTINGS.has(key as keyof DoctorSettings)),
];

/** The retention values CloudWatch Logs accepts (PutRetentionPolicy), in days. */
export const LOG_RETENTION_DAYS: readonly number[] = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
];

const EMAIL = /^[^\s@,;]+@[^\s@,;]+\.[^\s@,;]+$/;
const E164 = /^\+[1-9]\d{1,14}$/;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d$/;
const RATE = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/;
const CRON = /^cron\((.*)\)$/;
/** Organizations' organization ID pattern. */
const ORGANIZATION_ID = /^o-[a-z0-9]{10,32}$/;
/** Step Functions runs at most 40 iterations of an inline Map at once. */
const MAX_ACCOUNT_CONCURRENCY = 40;

/** Reads and validates every context key; throws ConfigError naming the first bad key. */
export function loadStackConfig(scope: IConstruct | Node): StackConfig {
  const node = scope instanceof Node ? scope : scope.node;
  const read = (key: string): unknown => node.tryGetContext(key);
  rejectMisspelledKeys(node.getAllContext());
  const chat = loadChatChannels(node);

  return {
    settings: { ...loadSettings(read), chatNotifications: chat.slackChannels.length + chat.teamsChannels.length > 0 },
    notificationEmails: parseEach(
      'notificationEmails',
      read('notificationEmails'),
      'a list of e-mail addresses',
      (item) => EMAIL.test(item),
    ),
    notificationPhoneNumbers: parseEach(
      'notificationPhoneNumbers',
      read('notificationPhoneNumbers'),
      'a list of E.164 phone numbers such as +14155550100',
      (item) => E164.test(item),
    ),
    schedule: parseSchedule('schedule', read('schedule')),
    reservedConcurrency: orDefault(read('reservedConcurrency'), STACK_CONTEXT_DEFAULTS.reservedConcurrency, (raw) =>
      wrap(() => parseInteger('reservedConcurrency', raw, 0, 1000)),
    ),
    memorySize: orDefault(read('memorySize'), STACK_CONTEXT_DEFAULTS.memorySize, (raw) =>
      wrap(() => parseInteger('memorySize', raw, 128, 10_240)),
    ),
    traceAwsCalls: orDefault(read('traceAwsCalls'), STACK_CONTEXT_DEFAULTS.traceAwsCalls, (raw) =>
      wrap(() => parseBoolean('traceAwsCalls', raw)),
    ),
    logRetentionDays: parseRetention('logRetentionDays', read('logRetentionDays')),
    regions: parseEach('regions', read('regions'), 'a list of Region names such as eu-west-1', (item) =>
      REGION.test(item),
    ),
    ...loadProgramConfig(read),
  };
}

/**
 * `accounts`, `accountConcurrency` and, for a hub, `organizationId`: the bus policy that admits the members' stall
 * events is a resource policy, which cannot name "the caller's own organization" by a variable, so a hub needs the
 * ID; the spoke role's AssumeRole grant is then bound to the same literal (docs/design.md section 13).
 */
function loadProgramConfig(
  read: (key: string) => unknown,
): Pick<StackConfig, 'accounts' | 'accountConcurrency' | 'organizationId'> {
  const accounts = wrap(() => parseProgramAccounts('accounts', read('accounts')));
  const accountConcurrency = orDefault(read('accountConcurrency'), STACK_CONTEXT_DEFAULTS.accountConcurrency, (raw) =>
    wrap(() => parseInteger('accountConcurrency', raw, 1, MAX_ACCOUNT_CONCURRENCY)),
  );
  const organizationId = parseOrganizationId(read('organizationId'));
  if (accounts.kind !== 'single' && organizationId === undefined) {
    throw new ConfigError(
      'organizationId',
      'the organization ID (o-…) when accounts is set: the hub admits stall events and assumes spoke roles only in it',
      read('organizationId') ?? null,
    );
  }
  return { accounts, accountConcurrency, ...(organizationId === undefined ? {} : { organizationId }) };
}

/**
 * The spoke's context, or undefined when `hubAccountId` is not set (then the app synthesizes no spoke). Throws
 * ConfigError naming `hubAccountId` or `organizationId`.
 */
export function loadSpokeConfig(scope: IConstruct | Node): SpokeConfig | undefined {
  const node = scope instanceof Node ? scope : scope.node;
  const raw = node.tryGetContext('hubAccountId');
  if (raw === undefined || raw === null || raw === '') return undefined;
  // A string only: a JSON number would drop an account ID's leading zeros.
  const hubAccountId = typeof raw === 'string' ? raw.trim() : undefined;
  if (hubAccountId === undefined || !ACCOUNT_ID.test(hubAccountId)) {
    throw new ConfigError('hubAccountId', "the hub's 12-digit account ID", raw);
  }
  const organizationId = parseOrganizationId(node.tryGetContext('organizationId'));
  if (organizationId === undefined) {
    throw new ConfigError(
      'organizationId',
      'the organization ID (o-…) when hubAccountId is set: only the hub in it may assume the spoke role',
      node.tryGetContext('organizationId') ?? null,
    );
  }
  return { hubAccountId, organizationId };
}

/** Unset (undefined, null, '') or Organizations' `o-` ID. */
function parseOrganizationId(raw: unknown): string | undefined {
  if (raw === undefined || raw === null || raw === '') return undefined;
  const text = typeof raw === 'string' ? raw.trim() : undefined;
  if (text === undefined || !ORGANIZATION_ID.test(text)) {
    throw new ConfigError('organizationId', 'an organization ID: o- and 10 to 32 lowercase letters or digits', raw);
  }
  return text;
}

/** Reads and validates `slackChannels` and `teamsChannels`; throws ConfigError naming the bad key. */
export function loadChatChannels(scope: IConstruct | Node): ChatChannelConfig {
  const node = scope instanceof Node ? scope : scope.node;
  return {
    slackChannels: parseChannels('slackChannels', node.tryGetContext('slackChannels')),
    teamsChannels: parseChannels('teamsChannels', node.tryGetContext('teamsChannels')),
  };
}

/**
 * `-c region=eu-west-1` or `"notificationEmail": [...]` would otherwise be dropped without a word (and nobody
 * notified). Only near misses of our own keys are errors: CDK and other tools keep their own context keys.
 */
function rejectMisspelledKeys(context: Record<string, unknown>): void {
  const known = new Set(CONTEXT_KEYS);
  for (const [key, value] of Object.entries(context)) {
    if (known.has(key)) continue;
    const suggestion = CONTEXT_KEYS.find(
      (candidate) =>
        candidate.toLowerCase() === key.toLowerCase() || (key.length >= 5 && editDistance(candidate, key) <= 2),
    );
    if (suggestion !== undefined) throw new UnknownContextKeyError(key, suggestion, value);
  }
}

/** Levenshtein distance. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] as number) + 1, (current[j - 1] as number) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] as number;
}

function loadSettings(read: (key: string) => unknown): DoctorSettings {
  const settings: Record<string, unknown> = {};
  for (const name of Object.keys(DEFAULT_SETTINGS) as (keyof DoctorSettings)[]) {
    if (DERIVED_SETTINGS.has(name)) {
      settings[name] = DEFAULT_SETTINGS[name];
      continue;
    }
    const parse = SETTING_PARSERS[name] as (key: string, raw: unknown) => unknown;
    settings[name] = orDefault(read(name), DEFAULT_SETTINGS[name], (raw) => wrap(() => parse(name, raw)));
  }
  return settings as unknown as DoctorSettings;
}

/** The shared parsers throw SettingError; at synth the same problem is a context error. */
function wrap<T>(parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    if (error instanceof SettingError) throw new ConfigError(error.key, error.expected, error.received);
    throw error;
  }
}

function orDefault<T>(raw: unknown, fallback: T, parse: (raw: unknown) => T): T {
  return raw === undefined || raw === null ? fallback : parse(raw);
}

function parseEach(key: string, raw: unknown, expected: string, valid: (item: string) => boolean): string[] {
  if (raw === undefined || raw === null) return [];
  const items = wrap(() => parseList(key, raw));
  const bad = items.find((item) => !valid(item));
  if (bad !== undefined) throw new ConfigError(key, expected, bad);
  return [...new Set(items)];
}

/**
 * Chat channels: a JSON array of objects (in cdk.json, or as `-c 'slackChannels=[{…}]'`), each with exactly the
 * fields of CHANNEL_FIELDS[key], each matching its pattern. No duplicates.
 */
function parseChannels<K extends keyof ChannelOf>(key: K, raw: unknown): ChannelOf[K][] {
  if (raw === undefined || raw === null) return [];
  const fields = CHANNEL_FIELDS[key] as Record<string, RegExp>;
  const expected = `a JSON array of objects with ${Object.keys(fields).join(', ')} (${Object.entries(fields)
    .map(([name, pattern]) => `${name} matching ${pattern.source}`)
    .join('; ')})`;
  let items: unknown = raw;
  if (typeof raw === 'string') {
    try {
      items = JSON.parse(raw);
    } catch {
      throw new ConfigError(key, expected, raw);
    }
  }
  if (!Array.isArray(items)) throw new ConfigError(key, expected, raw);
  const valid = (item: unknown): item is Record<string, string> =>
    typeof item === 'object' &&
    item !== null &&
    Object.keys(item).sort().join() === Object.keys(fields).sort().join() &&
    Object.entries(fields).every(([name, pattern]) => {
      const value = (item as Record<string, unknown>)[name];
      return typeof value === 'string' && pattern.test(value);
    });
  const bad = items.find((item) => !valid(item));
  if (bad !== undefined) throw new ConfigError(key, expected, bad);
  const unique = new Map(items.map((item) => [JSON.stringify(item, Object.keys(fields).sort()), item]));
  return [...unique.values()] as unknown as ChannelOf[K][];
}

interface ChannelOf {
  readonly slackChannels: SlackChannel;
  readonly teamsChannels: TeamsChannel;
}

function parseSchedule(key: string, raw: unknown): string {
  if (raw === undefined || raw === null) return STACK_CONTEXT_DEFAULTS.schedule;
  const expected =
    'rate(N minutes|hours|days) (singular unit only for 1) or a six-field ' +
    'cron(minutes hours day-of-month month day-of-week year) with ? in exactly one day field';
  const text = typeof raw === 'string' ? raw.trim() : undefined;
  if (text === undefined || !(isRate(text) || isCron(text))) throw new ConfigError(key, expected, raw);
  return text;
}

function isRate(text: string): boolean {
  const match = RATE.exec(text);
  if (!match) return false;
  const value = Number(match[1]);
  const singular = !(match[2] ?? '').endsWith('s');
  return value >= 1 && singular === (value === 1);
}

// EventBridge cron: minutes hours day-of-month month day-of-week year, and one of the two day fields is `?`.
function isCron(text: string): boolean {
  const match = CRON.exec(text);
  const fields = match?.[1]?.trim().split(/\s+/) ?? [];
  if (fields.length !== 6) return false;
  const [minutes, hours, dayOfMonth, month, dayOfWeek, year] = fields as [
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  const patterns: [string, RegExp][] = [
    [minutes, /^[\d,\-*/]+$/],
    [hours, /^[\d,\-*/]+$/],
    [dayOfMonth, /^(\?|[\d,\-*/LW]+)$/],
    [month, /^[\dA-Za-z,\-*/]+$/],
    [dayOfWeek, /^(\?|[\dA-Za-z,\-*/L#]+)$/],
    [year, /^[\d,\-*/]+$/],
  ];
  return patterns.every(([field, pattern]) => pattern.test(field)) && (dayOfMonth === '?') !== (dayOfWeek === '?');
}

function parseRetention(key: string, raw: unknown): RetentionDays {
  if (raw === undefined || raw === null) return STACK_CONTEXT_DEFAULTS.logRetentionDays as RetentionDays;
  const expected = `a number of days CloudWatch Logs accepts: one of ${LOG_RETENTION_DAYS.join(', ')}`;
  let days: number;
  try {
    days = parseInteger(key, raw, 1, 3653);
  } catch {
    throw new ConfigError(key, expected, raw);
  }
  if (!LOG_RETENTION_DAYS.includes(days)) throw new ConfigError(key, expected, raw);
  // RetentionDays' values are the day counts themselves.
  return days as RetentionDays;
}
