// A hub's program run through its three steps with in-memory accounts (docs/design.md sections 7 and 13): list
// the accounts, run each (its report held), publish one digest; one account's failure never stops the others,
// and a failed publish puts every account's news back.
import type { ProgramDependencies } from '../../../../lambdas/core/program/dependencies';
import {
  ENABLE_TRUSTED_ACCESS,
  listProgramAccounts,
  ProgramSetupError,
} from '../../../../lambdas/core/program/list-accounts';
import { publishProgramDigest } from '../../../../lambdas/core/program/publish-program-digest';
import { runAccount } from '../../../../lambdas/core/program/run-account';
import type { AccountRunResult } from '../../../../lambdas/shared/program';
import { DEFAULT_SETTINGS } from '../../../../lambdas/shared/settings';
import { aServer, aStalledServer } from '../../../fakes/builders';
import { aProgram, HUB_ACCOUNT, SPOKE_ROLE } from '../../../fakes/program';

const A = '111122223333';
const B = '444455556666';
const C = '777788889999';
const SETTINGS = { ...DEFAULT_SETTINGS, resultWaitSeconds: 60 };
const HOUR_MS = 3_600_000;

/** Three accounts with stalled servers; C denies the hub its spoke role. */
function threeAccounts() {
  const program = aProgram();
  program.accounts.add(A, [aStalledServer({ hostname: 'erp-db-01' }), aServer()]);
  program.accounts.add(B, [aStalledServer({ hostname: 'crm-app-01' }), aStalledServer({ hostname: 'crm-app-02' })]);
  program.accounts.add(C, [aStalledServer()]);
  program.accounts.denied.add(C);
  return program;
}

async function runAll(program: ReturnType<typeof aProgram>, runId: string, accounts: readonly string[]) {
  const environment = program.environment(accounts);
  const list = await listProgramAccounts({ program: 'list-accounts', runId }, environment, program.deps);
  const runs = [];
  for (const account of list.accounts)
    runs.push(await runAccount({ program: 'run-account', runId, account }, SETTINGS, environment, program.deps));
  return { environment, results: runs.map((run) => run.result) };
}

const publish = (
  program: ReturnType<typeof aProgram>,
  runId: string,
  results: readonly AccountRunResult[],
  deps: ProgramDependencies = program.deps,
) =>
  publishProgramDigest(
    { program: 'publish-digest', runId, results },
    { ...program.environment([]), dryRun: false, reminderHours: DEFAULT_SETTINGS.reminderHours },
    deps,
  );

const notified = (program: ReturnType<typeof aProgram>, account: string) =>
  program.accounts
    .get(account)
    .ledger.entries()
    .map((entry) => entry.notifiedAt);

describe('a program run across three accounts, one denying the role', () => {
  it('treats two accounts, reports the third in one line, and publishes one digest', async () => {
    // Arrange
    const program = threeAccounts();

    // Act
    const { results } = await runAll(program, 'prog-1', [A, B, C]);
    const outcome = await publish(program, 'prog-1', results);

    // Assert
    expect(results).toEqual([
      { account: A, held: true },
      { account: B, held: true },
      {
        account: C,
        held: false,
        failure: expect.stringContaining(`Account ${C}: the hub may not assume ${SPOKE_ROLE}`),
      },
    ]);
    expect(program.accounts.get(A).runner.sent).toHaveLength(3);
    expect(program.accounts.get(B).runner.sent.length).toBeGreaterThan(0);
    expect(program.publisher.published).toHaveLength(1);
    const [digest] = program.publisher.published;
    expect(digest?.subject).toBe('MGN eu-west-1: 1 account not treated, 3 stalled (3 accounts)');
    expect(digest?.text).toContain(`=== Account ${A} — 1 stalled ===`);
    expect(digest?.text).toContain(`=== Account ${B} — 2 stalled ===`);
    expect(digest?.text).toContain('crm-app-02');
    expect(digest?.text).toContain(`== Accounts not treated (1) ==\nAccount ${C}: the hub may not assume`);
    expect(digest?.text).not.toContain(`=== Account ${C}`);
    expect(outcome).toMatchObject({ published: true, accounts: 2, failedAccounts: 1 });
    expect(notified(program, A).filter(Boolean)).toHaveLength(1);
    expect(notified(program, B).every(Boolean)).toBe(true);
  });

  it('puts every account back and fails when the digest cannot be published; a retry publishes, and once only', async () => {
    // Arrange
    const program = threeAccounts();
    const { results } = await runAll(program, 'prog-1', [A, B, C]);
    program.publisher.failures = 1;

    // Act / Assert: the failed publish
    await expect(publish(program, 'prog-1', results)).rejects.toThrow('SNS is unavailable');
    expect(notified(program, A).every((at) => at === undefined)).toBe(true);
    expect(notified(program, B).every((at) => at === undefined)).toBe(true);

    // Step Functions retries the step: told again and published, then an accidental third attempt publishes nothing
    await expect(publish(program, 'prog-1', results)).resolves.toMatchObject({ published: true });
    await expect(publish(program, 'prog-1', results)).resolves.toMatchObject({ published: false });
    expect(program.publisher.published).toHaveLength(1);
    const start = program.clock.now().toISOString();
    expect(notified(program, A).filter(Boolean)).toEqual([start]);
    expect(notified(program, B)).toEqual([start, start]);
  });

  it('after a retried publish, the next program run tells what it would have told without the failure', async () => {
    // Arrange: the same accounts twice, one program whose publish fails once before its retry
    const next = async (failures: number) => {
      const program = threeAccounts();
      const first = await runAll(program, 'prog-1', [A, B]);
      program.publisher.failures = failures;
      if (failures > 0) await expect(publish(program, 'prog-1', first.results)).rejects.toThrow();
      await publish(program, 'prog-1', first.results);
      program.clock.advance(5 * 60_000);
      return (await runAll(program, 'prog-2', [A, B])).results;
    };

    // Act
    const [withoutFailure, afterRetry] = [await next(0), await next(1)];

    // Assert: nothing to tell five minutes later, either way
    expect(afterRetry).toEqual(withoutFailure);
    expect(afterRetry).toEqual([
      { account: A, held: false },
      { account: B, held: false },
    ]);
  });

  it('puts the marks back again when the retry fails too, and tells on the third attempt', async () => {
    const program = threeAccounts();
    const { results } = await runAll(program, 'prog-1', [A]);
    program.publisher.failures = 2;
    await expect(publish(program, 'prog-1', results)).rejects.toThrow();
    await expect(publish(program, 'prog-1', results)).rejects.toThrow();
    expect(notified(program, A).every((at) => at === undefined)).toBe(true);
    await publish(program, 'prog-1', results);
    expect(notified(program, A).filter(Boolean)).toHaveLength(1);
  });

  it('saves the free-period marks only once the program digest is published', async () => {
    // Arrange: a server in A 1,830 hours into its 2,160 free hours
    const program = aProgram();
    const start = program.clock.now().getTime();
    program.accounts.add(A, [aServer({ firstByteDateTime: new Date(start - 1830 * HOUR_MS).toISOString() })]);
    const { results } = await runAll(program, 'prog-1', [A]);
    program.publisher.failures = 1;

    // Act
    await expect(publish(program, 'prog-1', results)).rejects.toThrow();
    const afterFailure = program.accounts.get(A).ledger.freePeriodMarks.version;
    await publish(program, 'prog-1', results);

    // Assert
    expect(afterFailure).toBe(0);
    expect(program.accounts.get(A).ledger.freePeriodMarks.version).toBe(1);
    expect(program.publisher.published[0]?.text).toContain('== Free replication period (1) ==');
  });

  it('ignores a report held by an earlier execution: neither told nor put back', async () => {
    // Arrange: prog-0 held A's news and died before its digest; prog-1 finds nothing new in A
    const program = threeAccounts();
    await runAccount(
      { program: 'run-account', runId: 'prog-0', account: A },
      SETTINGS,
      program.environment([A]),
      program.deps,
    );
    const markedByOldRun = notified(program, A);
    const { results } = await runAll(program, 'prog-1', [B]);
    program.publisher.failures = 1;

    // Act
    await expect(publish(program, 'prog-1', [{ account: A, held: false }, ...results])).rejects.toThrow();
    await publish(program, 'prog-1', [{ account: A, held: false }, ...results]);

    // Assert
    expect(program.publisher.published[0]?.text).not.toContain(`Account ${A}`);
    expect(program.publisher.published[0]?.text).toContain(`=== Account ${B}`);
    expect(notified(program, A)).toEqual(markedByOldRun);
  });

  it("reports a step the Map caught as one line, with Lambda's own error", async () => {
    // Arrange
    const program = threeAccounts();
    const { results } = await runAll(program, 'prog-1', [A]);
    const caught: AccountRunResult = {
      account: B,
      held: false,
      caught: {
        Error: 'ThrottlingException',
        Cause: JSON.stringify({ errorType: 'ThrottlingException', errorMessage: 'Rate exceeded', trace: ['at x'] }),
      },
    };

    // Act
    await publish(program, 'prog-1', [...results, caught]);

    // Assert
    const text = program.publisher.published[0]?.text ?? '';
    const lines = text.split('\n').filter((line) => line.includes(B));
    expect(lines).toEqual([
      `Account ${B}: throttled past the retries: the next run tries again (ThrottlingException: Rate exceeded) (the step failed in Step Functions; the next program run tries this account again)`,
    ]);
    expect(program.publisher.published[0]?.subject).toContain('1 account not treated');
  });

  it('merges five accounts without the spoke role into one line naming the five', async () => {
    // Arrange
    const program = aProgram();
    const denied = ['100000000001', '100000000002', '100000000003', '100000000004', '100000000005'];
    for (const account of denied) program.accounts.denied.add(account);

    // Act
    const { results } = await runAll(program, 'prog-1', denied);
    await publish(program, 'prog-1', results);

    // Assert
    const text = program.publisher.published[0]?.text ?? '';
    const lines = text.split('\n').filter((line) => line.includes('100000000001'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      new RegExp(
        `^Accounts ${denied.join(', ')} \\(5\\): the hub may not assume ${SPOKE_ROLE} there: .* \\(e\\.g\\. 100000000001: AccessDenied: User: arn:aws:sts::${HUB_ACCOUNT}:`,
      ),
    );
    expect(program.publisher.published[0]?.subject).toBe('MGN eu-west-1: 5 accounts not treated (5 accounts)');
  });

  it('publishes nothing when no account has news or a failure', async () => {
    const program = aProgram();
    program.accounts.add(A, [aServer()]);
    const { results } = await runAll(program, 'prog-1', [A]);
    await expect(publish(program, 'prog-1', results)).resolves.toMatchObject({ published: false });
    expect(program.publisher.published).toHaveLength(0);
  });
});

describe('accounts not treated, run after run', () => {
  /** A program run of A (no news after the first) and the denied accounts; what it published, if anything. */
  async function programRun(program: ReturnType<typeof aProgram>, runId: string, denied: readonly string[]) {
    program.accounts.denied.clear();
    for (const account of denied) program.accounts.denied.add(account);
    const { results } = await runAll(program, runId, [A, ...denied]);
    const before = program.publisher.published.length;
    await publish(program, runId, results);
    return program.publisher.published.slice(before).map((digest) => digest.subject);
  }

  it('tells the same failure once, again after reminderHours, a new one at once, and a recurrence as news', async () => {
    // Arrange
    const program = aProgram();
    program.accounts.add(A, [aServer()]);
    const hour = 3_600_000;

    // Act
    const first = await programRun(program, 'prog-1', [C]);
    program.clock.advance(hour);
    const unchanged = await programRun(program, 'prog-2', [C]);
    program.clock.advance(hour);
    const another = await programRun(program, 'prog-3', [C, B]);
    program.clock.advance(DEFAULT_SETTINGS.reminderHours * hour);
    const reminder = await programRun(program, 'prog-4', [C, B]);
    program.clock.advance(hour);
    const cleared = await programRun(program, 'prog-5', []);
    program.clock.advance(hour);
    const recurred = await programRun(program, 'prog-6', [C]);

    // Assert
    expect(first).toEqual(['MGN eu-west-1: 1 account not treated (2 accounts)']);
    expect(unchanged).toEqual([]);
    expect(another).toEqual(['MGN eu-west-1: 2 accounts not treated (3 accounts)']);
    expect(reminder).toEqual(['MGN eu-west-1: 2 accounts not treated (3 accounts)']);
    expect(cleared).toEqual([]);
    expect(recurred).toEqual(['MGN eu-west-1: 1 account not treated (2 accounts)']);
  });
});

describe('one account that cannot be treated', () => {
  it('is a failure line, never a thrown step, when MGN is not initialised there', async () => {
    // Arrange
    const program = aProgram();
    const fake = program.accounts.add(A, [aStalledServer()]);
    fake.servers.listSourceServers = async () => {
      throw Object.assign(new Error('Account not initialized'), { name: 'UninitializedAccountException' });
    };

    // Act
    const run = await runAccount(
      { program: 'run-account', runId: 'prog-1', account: A },
      SETTINGS,
      program.environment([A]),
      program.deps,
    );

    // Assert
    expect(run.result).toEqual({
      account: A,
      held: false,
      failure: `Account ${A}: Application Migration Service is not initialized in eu-west-1: nothing to treat until it is (UninitializedAccountException: Account not initialized)`,
    });
    expect(run.report).toBeUndefined();
  });
});

describe('a spoke with other documents than the hub', () => {
  const run = (program: ReturnType<typeof aProgram>) =>
    runAccount(
      { program: 'run-account', runId: 'prog-1', account: A },
      SETTINGS,
      program.environment([A]),
      program.deps,
    );

  it('adds one line to redeploy the spoke, and still holds the report of its servers', async () => {
    // Arrange: SSM refuses every command, as it does for a document name the account does not have.
    const program = aProgram();
    const fake = program.accounts.add(A, [aStalledServer(), aStalledServer()]);
    fake.runner.failSend = (request) =>
      `InvalidDocument: Document ${request.document}-0123 does not exist in your account`;

    // Act
    const { result } = await run(program);

    // Assert
    expect(result.held).toBe(true);
    expect(result.failure).toBe(
      `Account ${A}: the spoke's SSM documents differ from the hub's: redeploy the spoke stack from this version ` +
        '(InvalidDocument: Document RestartReplicationAgent-0123 does not exist in your account)',
    );
  });

  it('adds nothing for send errors of single hosts', async () => {
    const program = aProgram();
    const fake = program.accounts.add(A, [aStalledServer()]);
    fake.runner.failSend = () => 'ThrottlingException: Rate exceeded';

    const { result } = await run(program);

    expect(result).toEqual({ account: A, held: true });
  });
});

describe('listing the accounts', () => {
  const directoryFailing = (name: string) => ({
    listManagedAccounts: async (): Promise<string[]> => {
      throw Object.assign(new Error('Organizations trusted access is not enabled'), { name });
    },
  });

  it('uses the configured list as it is', async () => {
    const program = aProgram();
    await expect(
      listProgramAccounts({ program: 'list-accounts', runId: 'prog-1' }, program.environment([B, A]), program.deps),
    ).resolves.toEqual({ runId: 'prog-1', accounts: [B, A] });
  });

  it("lists the organization's accounts through MGN's global view, leaving out what is not an account ID", async () => {
    const program = aProgram();
    const directory = { listManagedAccounts: async () => [A, 'not-an-id', B, A] };
    const list = await listProgramAccounts(
      { program: 'list-accounts', runId: 'prog-1' },
      { accounts: { kind: 'organization' } },
      { ...program.deps, directory },
    );
    expect(list.accounts).toEqual([A, B]);
  });

  it.each(['AccessDeniedException', 'ValidationException'])(
    'fails once, naming the command that enables trusted access, when MGN answers %s',
    async (name) => {
      const program = aProgram();
      const listing = listProgramAccounts(
        { program: 'list-accounts', runId: 'prog-1' },
        { accounts: { kind: 'organization' } },
        { ...program.deps, directory: directoryFailing(name) },
      );
      await expect(listing).rejects.toThrow(ProgramSetupError);
      await expect(listing).rejects.toThrow(ENABLE_TRUSTED_ACCESS);
      expect(ENABLE_TRUSTED_ACCESS).toBe(
        'aws organizations enable-aws-service-access --service-principal mgn.amazonaws.com',
      );
    },
  );

  it('passes other errors on as they are (throttling is retried by Step Functions)', async () => {
    const program = aProgram();
    await expect(
      listProgramAccounts(
        { program: 'list-accounts', runId: 'prog-1' },
        { accounts: { kind: 'organization' } },
        { ...program.deps, directory: directoryFailing('ThrottlingException') },
      ),
    ).rejects.toThrow(expect.objectContaining({ name: 'ThrottlingException' }));
  });
});
