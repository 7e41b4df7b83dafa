// The benchmark's program scenario on paper: the Map's schedule at MaxConcurrency, the minimum calls of each step,
// the sums over invocations, and the check that every member account was treated and told.
import { STSClient, AssumeRoleCommand } from '@aws-sdk/client-sts';
import { parseBenchArgs } from '../../../scripts/bench';
import { STACK_CONTEXT_DEFAULTS } from '../../../lib/config';
import { generateFleet, minimumCalls } from '../../../scripts/bench/fleet';
import { startFakeStsEndpoint } from '../../../scripts/bench/fake-sts-endpoint';
import { checkProgram, digestAccountsOf, emailTextOf, type StepMeasure } from '../../../scripts/bench/program';
import {
  accountRunMinimum,
  listAccountsMinimum,
  memberAccountIds,
  programWallMs,
  publishDigestMinimum,
  scheduleMap,
} from '../../../scripts/bench/program-plan';
import { spread, sumOperations } from '../../../scripts/bench/program-report';

const minimumOf = (calls: { operation: string; minimum: number }[], operation: string): number | undefined =>
  calls.find((call) => call.operation === operation)?.minimum;

describe('npm run bench -- --program', () => {
  test("is off by default, so the default bench stays as fast; on, 20 accounts at the stack's concurrency", () => {
    expect(parseBenchArgs([])).not.toHaveProperty('programAccounts');
    expect(parseBenchArgs(['--program'])).toMatchObject({
      programAccounts: 20,
      accountConcurrency: STACK_CONTEXT_DEFAULTS.accountConcurrency,
    });
    expect(parseBenchArgs(['--program', '--accounts', '3', '--account-concurrency', '2'])).toMatchObject({
      programAccounts: 3,
      accountConcurrency: 2,
    });
    expect(() => parseBenchArgs(['--program', '--accounts', '0'])).toThrow('--accounts');
  });
});

describe('scheduleMap: a Map state at MaxConcurrency', () => {
  test('starts each item as soon as a slot is free, in item order, not in waves', () => {
    // Act
    const schedule = scheduleMap([10, 4, 4, 4, 3], 2);

    // Assert: slot 1 runs 10; slot 2 runs 4, 4, then item 4 takes it at 8 (not at 10, when a wave would end)
    expect(schedule.starts).toEqual([0, 0, 4, 8, 10]);
    expect(schedule.ends).toEqual([10, 4, 8, 12, 13]);
    expect(schedule.makespanMs).toBe(13);
  });

  test('20 equal accounts at 10 at once take two rounds; at 1, twenty; at 40, one', () => {
    const twenty = new Array<number>(20).fill(5);
    expect(scheduleMap(twenty, 10).makespanMs).toBe(10);
    expect(scheduleMap(twenty, 1).makespanMs).toBe(100);
    expect(scheduleMap(twenty, 40).makespanMs).toBe(5);
    expect(scheduleMap([], 10).makespanMs).toBe(0);
  });

  test('refuses a concurrency that is not a whole number of at least 1', () => {
    expect(() => scheduleMap([1], 0)).toThrow('MaxConcurrency');
    expect(() => scheduleMap([1], 1.5)).toThrow('MaxConcurrency');
  });

  test('the program is the listing, the Map and the digest one after another', () => {
    expect(programWallMs(2, [10, 4, 4, 4, 3], 3, 2)).toBe(18);
  });
});

describe('minimum calls of the program steps', () => {
  const fleet = generateFleet({ servers: 4_000, stalled: 150 });

  test('list-accounts: one ListManagedAccounts page per 1,000 accounts', () => {
    expect(minimumOf(listAccountsMinimum(21), 'mgn:ListManagedAccounts')).toBe(1);
    expect(minimumOf(listAccountsMinimum(1_001), 'mgn:ListManagedAccounts')).toBe(2);
  });

  test("a member account's run: the single-account minimum, held instead of published, one AssumeRole", () => {
    // Arrange
    const single = minimumCalls(fleet);

    // Act
    const member = accountRunMinimum(fleet, true);

    // Assert
    expect(minimumOf(member, 'sns:Publish')).toBeUndefined();
    expect(minimumOf(member, 'dynamodb:PutItem')).toBe((minimumOf(single, 'dynamodb:PutItem') ?? 0) + 1);
    expect(minimumOf(member, 'sts:AssumeRole')).toBe(1);
    expect(minimumOf(member, 'ssm:SendCommand')).toBe(minimumOf(single, 'ssm:SendCommand'));
    expect(minimumOf(member, 'mgn:DescribeSourceServers')).toBe(4);
  });

  test("the hub's own account assumes no role, and an empty fleet holds nothing", () => {
    const own = accountRunMinimum(generateFleet({ servers: 0, stalled: 0 }), false);
    expect(own.map((call) => call.operation)).toEqual(['mgn:DescribeSourceServers', 'dynamodb:Scan']);
  });

  test('publish-digest: one Scan page for the held reports, one Publish, a release each; nothing when none is held', () => {
    expect(publishDigestMinimum(20).map((call) => [call.operation, call.minimum])).toEqual([
      ['dynamodb:Scan', 1],
      ['sns:Publish', 1],
      ['dynamodb:PutItem', 20],
    ]);
    expect(publishDigestMinimum(0)).toEqual([]);
  });

  test('member accounts are 12-digit IDs, distinct', () => {
    const accounts = memberAccountIds(20);
    expect(new Set(accounts).size).toBe(20);
    expect(accounts.every((account) => /^\d{12}$/.test(account))).toBe(true);
  });
});

const row = (operation: string, calls: number, minimum: number, alsoAccepted?: number[]) => ({
  operation,
  calls,
  minimum,
  basis: '',
  errors: 0,
  ...(alsoAccepted && { alsoAccepted }),
});

describe('sumOperations', () => {
  test('sums calls and minimums over invocations, with the fewest and most per invocation and any over', () => {
    // Arrange: the second run scanned two pages where one would do; an accepted EC2 lookup is not over
    const steps = [
      { operations: [row('dynamodb:Scan', 1, 1), row('ec2:DescribeInstances', 1, 0, [1])] },
      { operations: [row('dynamodb:Scan', 2, 1)] },
    ];

    // Act
    const totals = sumOperations(steps);

    // Assert
    expect(totals).toEqual([
      { operation: 'dynamodb:Scan', calls: 3, minimum: 2, fewest: 1, most: 2, over: true },
      { operation: 'ec2:DescribeInstances', calls: 1, minimum: 1, fewest: 0, most: 1, over: false },
    ]);
  });
});

describe('spread', () => {
  test('gives the fewest, the median (the middle two averaged) and the most', () => {
    expect(spread([4, 1, 3, 2], String)).toBe('1 / 2.5 / 4 (fewest / median / most)');
    expect(spread([], String)).toBe('-');
  });
});

describe('the program outcome', () => {
  const member = (account: string, overrides: Partial<StepMeasure> = {}): StepMeasure => ({
    step: 'run-account',
    account,
    operations: [],
    totalCalls: 0,
    totalMinimum: 0,
    wallMs: 1,
    initMs: 1,
    cpuMs: 1,
    maxRssBytes: 1,
    peakHeapUsedBytes: 1,
    sendCommands: 9,
    answer: { account, held: true },
    problems: [],
    ...overrides,
  });
  const accounts = ['200000000001', '200000000002'];

  test('is clean when every member is listed, held, sent its commands and has a section', () => {
    expect(
      checkProgram(
        accounts,
        accounts,
        accounts.map((account) => member(account)),
        accounts,
        9,
      ),
    ).toEqual([]);
  });

  test('names a member that was skipped, not held, short of commands or missing from the digest', () => {
    const [first = '', second = ''] = accounts;
    expect(checkProgram(accounts, [first], [member(first)], [first], 9)).toEqual([
      `not listed: ${second}`,
      `${second}: never run`,
      `${second}: no section in the digest`,
    ]);
    const failed = member(second, { answer: { account: second, held: false, failure: 'Account x: denied' } });
    expect(checkProgram(accounts, accounts, [member(first, { sendCommands: 3 }), failed], [first], 9)).toEqual([
      `${first}: 3 SendCommand, expected 9`,
      `${second}: not held (Account x: denied)`,
      `${second}: no section in the digest`,
    ]);
  });

  test("reads the digest's account sections from its e-mail text, also when the message is per protocol", () => {
    const text = 'head\n=== Account 200000000001 — 150 stalled ===\nx\n=== Account 200000000002 — 1 stalled ===';
    const json = JSON.stringify({ default: 'short', email: text, sms: 'short' });
    expect(digestAccountsOf(emailTextOf({ message: json, messageStructure: 'json' }))).toEqual(accounts);
    expect(digestAccountsOf(emailTextOf({ message: text }))).toEqual(accounts);
  });
});

describe('the fake STS endpoint', () => {
  test("issues credentials in the role's account and denies an account without the spoke", async () => {
    // Arrange
    const sts = await startFakeStsEndpoint({ ownAccount: '111122223333', deniedAccounts: ['200000000002'] });
    const client = new STSClient({
      region: 'us-east-1',
      endpoint: sts.url,
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
    const assume = (account: string) =>
      client.send(
        new AssumeRoleCommand({
          RoleArn: `arn:aws:iam::${account}:role/MgnReplicationDoctorSpoke-us-east-1`,
          RoleSessionName: 'mgn-doctor-run-1',
        }),
      );
    try {
      // Act
      const granted = await assume('200000000001');
      const denied = assume('200000000002');

      // Assert
      expect(sts.accountOf(granted.Credentials?.AccessKeyId)).toBe('200000000001');
      expect(sts.accountOf('test')).toBe('111122223333');
      expect(granted.Credentials?.Expiration?.getTime()).toBeGreaterThan(Date.now());
      await expect(denied).rejects.toMatchObject({ name: 'AccessDenied' });
      expect(sts.counts()).toEqual({ AssumeRole: 2 });
    } finally {
      client.destroy();
      await sts.close();
    }
  });
});
