// lib/config.ts: context → StackConfig. Values come as JSON (cdk.json, CDK_CONTEXT_JSON) or as strings
// (`-c key=value`); every bad value is rejected with a message that names the key.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { App } from 'aws-cdk-lib';
import { DEFAULT_SETTINGS } from '../../lambdas/shared/settings';
import {
  CONTEXT_KEYS,
  ConfigError,
  STACK_CONTEXT_DEFAULTS,
  UnknownContextKeyError,
  loadSpokeConfig,
  loadStackConfig,
  type StackConfig,
} from '../../lib/config';

const load = (context: Record<string, unknown>): StackConfig => loadStackConfig(new App({ context }));

function rejection(context: Record<string, unknown>): ConfigError {
  try {
    load(context);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error(`accepted ${JSON.stringify(context)}`);
}

describe('defaults', () => {
  test('an empty context gives the documented defaults', () => {
    expect(load({})).toEqual({
      settings: DEFAULT_SETTINGS,
      notificationEmails: [],
      notificationPhoneNumbers: [],
      schedule: 'rate(15 minutes)',
      reservedConcurrency: 1,
      memorySize: STACK_CONTEXT_DEFAULTS.memorySize,
      traceAwsCalls: false,
      logRetentionDays: 90,
      regions: [],
      accounts: { kind: 'single' },
      accountConcurrency: 10,
    });
  });

  test('cdk.json lists every key with exactly the defaults, so the file never disagrees with the code', () => {
    const cdkJson = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'cdk.json'), 'utf8')) as {
      context: Record<string, unknown>;
    };
    for (const key of CONTEXT_KEYS) expect(cdkJson.context).toHaveProperty([key]);
    expect(load(cdkJson.context)).toEqual(load({}));
  });

  test('accepts a node as well as a construct', () => {
    const app = new App({ context: { maxAttempts: 4 } });
    expect(loadStackConfig(app.node).settings.maxAttempts).toBe(4);
  });
});

describe('good values', () => {
  test('lists as JSON arrays (cdk.json) and as comma-separated strings (-c)', () => {
    const fromJson = load({
      notificationEmails: ['a@x.com', 'b@y.com'],
      notificationPhoneNumbers: ['+14155550100'],
      regions: ['eu-west-1', 'us-east-1'],
      remediateStates: ['STALLED'],
    });
    const fromCli = load({
      notificationEmails: 'a@x.com, b@y.com',
      notificationPhoneNumbers: '+14155550100',
      regions: 'eu-west-1,us-east-1',
      remediateStates: 'STALLED',
    });
    expect(fromCli).toEqual(fromJson);
    expect(fromJson.notificationEmails).toEqual(['a@x.com', 'b@y.com']);
    expect(fromJson.regions).toEqual(['eu-west-1', 'us-east-1']);
    expect(fromJson.settings.remediateStates).toEqual(['STALLED']);
  });

  test('empty and duplicate list items are dropped', () => {
    expect(load({ notificationEmails: 'a@x.com,,a@x.com,' }).notificationEmails).toEqual(['a@x.com']);
    expect(load({ regions: '' }).regions).toEqual([]);
    expect(load({ regions: 'us-gov-west-1,ap-southeast-2' }).regions).toEqual(['us-gov-west-1', 'ap-southeast-2']);
  });

  test('numbers and booleans as JSON values or strings', () => {
    const config = load({ maxAttempts: '5', cooldownMinutes: 0, dryRun: 'true', retryServiceSideErrors: true });
    expect(config.settings).toMatchObject({
      maxAttempts: 5,
      cooldownMinutes: 0,
      dryRun: true,
      retryServiceSideErrors: true,
    });
    expect(load({ reservedConcurrency: '0' }).reservedConcurrency).toBe(0);
    expect(load({ memorySize: '1769' }).memorySize).toBe(1769);
    expect(load({ traceAwsCalls: 'true' }).traceAwsCalls).toBe(true);
    expect(load({ traceAwsCalls: true }).traceAwsCalls).toBe(true);
    expect(load({ logRetentionDays: '3653' }).logRetentionDays).toBe(3653);
    expect(load({ logRetentionDays: 1 }).logRetentionDays).toBe(1);
  });

  test.each([
    'rate(1 minute)',
    'rate(5 minutes)',
    'rate(1 hour)',
    'rate(12 hours)',
    'rate(1 day)',
    'rate(2 days)',
    'cron(0/15 * * * ? *)',
    'cron(0 8 ? * MON-FRI *)',
    'cron(30 2 1 * ? 2027)',
    'cron(0 12 ? * 6#3 *)',
    'cron(0 0 L * ? *)',
  ])('schedule %s', (schedule) => {
    expect(load({ schedule }).schedule).toBe(schedule);
  });

  test('requireNodeTag: off unless set (empty counts as off), else the tag key', () => {
    expect(load({}).settings.requireNodeTag).toBeUndefined();
    expect(load({ requireNodeTag: '' }).settings.requireNodeTag).toBeUndefined();
    expect(load({ requireNodeTag: 'mgn-doctor:target' }).settings.requireNodeTag).toBe('mgn-doctor:target');
  });

  test('the free-period warning from 0 days (only when it ends) to 90 (the whole period), 14 by default', () => {
    expect(load({}).settings.freePeriodWarningDays).toBe(14);
    expect(load({ freePeriodWarningDays: '0' }).settings.freePeriodWarningDays).toBe(0);
    expect(load({ freePeriodWarningDays: 90 }).settings.freePeriodWarningDays).toBe(90);
  });

  test('tag keys as MGN allows them', () => {
    expect(load({ nodeIdTagKey: 'ops/ssm node', optOutTagKey: 'doctor:skip' }).settings).toMatchObject({
      nodeIdTagKey: 'ops/ssm node',
      optOutTagKey: 'doctor:skip',
    });
  });
});

describe('bad values are rejected with a message naming the key', () => {
  test('the message format', () => {
    expect(rejection({ maxAttempts: 'abc' }).message).toBe(
      'Invalid context "maxAttempts": expected a whole number from 1 to 20, got "abc"',
    );
    expect(rejection({ requireNodeTag: 'aws:target' }).message).toBe(
      'Invalid context "requireNodeTag": expected a tag key of 1-128 letters, digits, spaces or _.:/=+-@, not ' +
        'starting with aws:, got "aws:target"',
    );
  });

  test.each<[string, unknown, RegExp]>([
    ['maxAttempts', 'abc', /whole number from 1 to 20/],
    ['maxAttempts', 0, /whole number from 1 to 20/],
    ['maxAttempts', '21', /whole number from 1 to 20/],
    ['maxAttempts', 2.5, /whole number/],
    ['cooldownMinutes', -1, /whole number from 0/],
    ['resultWaitSeconds', 781, /whole number from 0 to 780/],
    ['minFreeRootMiB', 'lots', /whole number/],
    ['minFreeTmpMiB', 0, /whole number from 1/],
    ['lagAlertMinutes', '1e3', /whole number/],
    ['reminderHours', 721, /whole number from 1 to 720/],
    ['freePeriodWarningDays', 91, /whole number from 0 to 90/],
    ['freePeriodWarningDays', '-1', /whole number from 0 to 90/],
    ['dryRun', 'yes', /true or false/],
    ['retryServiceSideErrors', 1, /true or false/],
    ['remediateStates', 'STALLED,LAGGING', /STALLED, DISCONNECTED/],
    ['remediateStates', ['HEALTHY'], /STALLED, DISCONNECTED/],
    ['nodeIdTagKey', 'aws:reserved', /tag key/],
    ['optOutTagKey', '', /tag key/],
    ['optOutTagKey', 'x'.repeat(129), /tag key/],
    ['requireNodeTag', 'aws:target', /tag key/],
    ['requireNodeTag', 'x'.repeat(129), /tag key/],
    ['requireNodeTag', 'target/{policy-variable}', /tag key/],
    ['requireNodeTag', true, /tag key/],
    ['notificationEmails', 'ops@example.com,not-an-email', /e-mail addresses.*"not-an-email"/],
    ['notificationEmails', [42], /list of strings/],
    ['notificationEmails', '[broken', /JSON array or comma-separated/],
    ['notificationPhoneNumbers', '4155550100', /E\.164/],
    ['notificationPhoneNumbers', '+0123456', /E\.164/],
    ['notificationPhoneNumbers', '+1 415 555 0100', /E\.164/],
    ['notificationPhoneNumbers', '+1234567890123456', /E\.164/],
    ['schedule', 'rate(5 minute)', /rate\(N minutes/],
    ['schedule', 'rate(1 minutes)', /rate\(N minutes/],
    ['schedule', 'rate(0 minutes)', /rate\(N minutes/],
    ['schedule', 'rate(15 seconds)', /rate\(N minutes/],
    ['schedule', 'every 5 min', /rate\(N minutes/],
    ['schedule', 15, /rate\(N minutes/],
    ['schedule', 'cron(0/15 * * * *)', /six-field cron/],
    ['schedule', 'cron(0 8 * * MON-FRI *)', /six-field cron/],
    ['schedule', 'cron(0 8 ? * ? *)', /six-field cron/],
    ['schedule', 'cron(0 8 ? * MON-FRI * *)', /six-field cron/],
    ['schedule', 'cron(0 8 ? * MON-FRI $(id))', /six-field cron/],
    ['reservedConcurrency', -1, /whole number from 0/],
    ['reservedConcurrency', 'one', /whole number from 0/],
    ['memorySize', 64, /whole number from 128 to 10240/],
    ['memorySize', '1 GB', /whole number from 128 to 10240/],
    ['traceAwsCalls', 'yes', /true or false/],
    ['logRetentionDays', 42, /one of 1, 3, 5, .* 3653/],
    ['logRetentionDays', 'forever', /one of 1, 3, 5/],
    ['logRetentionDays', 9999, /one of 1, 3, 5/],
    ['regions', 'eu-west-1,Frankfurt', /Region names.*"Frankfurt"/],
    ['regions', 'eu-west', /Region names/],
    ['regions', ['us-east-1', 'us_east_1'], /Region names/],
    ['accounts', '11112222333', /12-digit account IDs, and "11112222333" is not one/],
    ['accounts', 'organisation', /12-digit account IDs/],
    ['accounts', [111122223333], /"organization" or a list of 12-digit account IDs/],
    ['accountConcurrency', 0, /whole number from 1 to 40/],
    ['accountConcurrency', 41, /whole number from 1 to 40/],
    ['accountConcurrency', 'ten', /whole number from 1 to 40/],
    ['organizationId', 'o-SHOUTING12', /o- and 10 to 32 lowercase letters or digits/],
    ['organizationId', 'o-short', /o- and 10 to 32/],
    ['organizationId', 'r-abcd123456', /o- and 10 to 32/],
  ])('%s = %j', (key, value, expected) => {
    const error = rejection({ organizationId: 'o-a1b2c3d4e5', [key]: value });
    expect(error.key).toBe(key);
    expect(error.message.startsWith(`Invalid context "${key}": expected `)).toBe(true);
    expect(error.message).toMatch(expected);
  });
});

describe('a hub (accounts) and a spoke (hubAccountId)', () => {
  const ORGANIZATION = 'o-a1b2c3d4e5';

  test('accounts: organization, or account IDs from cdk.json or -c; concurrency as given', () => {
    expect(load({ accounts: 'organization', organizationId: ORGANIZATION })).toMatchObject({
      accounts: { kind: 'organization' },
      organizationId: ORGANIZATION,
    });
    const fromJson = load({ accounts: ['111122223333', '444455556666'], organizationId: ORGANIZATION });
    const fromCli = load({ accounts: '111122223333, 444455556666', organizationId: ORGANIZATION });
    expect(fromCli.accounts).toEqual(fromJson.accounts);
    expect(fromJson.accounts).toEqual({ kind: 'list', accounts: ['111122223333', '444455556666'] });
    expect(load({ accountConcurrency: '40' }).accountConcurrency).toBe(40);
  });

  test('a hub needs organizationId, naming it', () => {
    const error = rejection({ accounts: 'organization' });
    expect(error.key).toBe('organizationId');
    expect(error.message).toMatch(/organization ID \(o-…\) when accounts is set/);
  });

  test('no spoke without hubAccountId (empty counts as unset, as cdk.json has it)', () => {
    expect(loadSpokeConfig(new App({ context: {} }))).toBeUndefined();
    expect(loadSpokeConfig(new App({ context: { hubAccountId: '', organizationId: '' } }))).toBeUndefined();
  });

  test('a spoke: the hub account and the organization', () => {
    const app = new App({ context: { hubAccountId: '012345678901', organizationId: ORGANIZATION } });
    expect(loadSpokeConfig(app)).toEqual({ hubAccountId: '012345678901', organizationId: ORGANIZATION });
  });

  test.each<[Record<string, unknown>, string, RegExp]>([
    [{ hubAccountId: '12345678901', organizationId: ORGANIZATION }, 'hubAccountId', /12-digit account ID/],
    [{ hubAccountId: 123456789012, organizationId: ORGANIZATION }, 'hubAccountId', /12-digit account ID/],
    [{ hubAccountId: 'arn:aws:iam::123456789012:root', organizationId: ORGANIZATION }, 'hubAccountId', /12-digit/],
    [{ hubAccountId: '123456789012' }, 'organizationId', /when hubAccountId is set/],
    [{ hubAccountId: '123456789012', organizationId: 'o-' }, 'organizationId', /o- and 10 to 32/],
  ])('spoke context %j stops at %s', (context, key, expected) => {
    let error: unknown;
    try {
      loadSpokeConfig(new App({ context }));
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).key).toBe(key);
    expect((error as ConfigError).message).toMatch(expected);
  });
});

describe('misspelled keys are rejected instead of silently ignored', () => {
  test.each<[string, string]>([
    ['region', 'regions'],
    ['notificationEmail', 'notificationEmails'],
    ['notificationphonenumbers', 'notificationPhoneNumbers'],
    ['dryrun', 'dryRun'],
    ['reservedConcurency', 'reservedConcurrency'],
  ])('%s → did you mean %s?', (key, suggestion) => {
    const error = rejection({ [key]: 'x' });
    expect(error).toBeInstanceOf(UnknownContextKeyError);
    expect(error.key).toBe(key);
    expect(error.message).toBe(
      `Unknown context "${key}" (did you mean "${suggestion}"?): its value "x" would be ignored`,
    );
  });

  test('other tools’ context keys pass', () => {
    expect(() =>
      load({
        'cli-telemetry': false,
        '@aws-cdk/core:newStyleStackSynthesis': true,
        'aws:cdk:bundling-stacks': [],
        'acknowledged-issue-numbers': [1],
        team: 'migrations',
      }),
    ).not.toThrow();
  });
});
