// The program digest's bounds (docs/design.md section 7): one SNS message of at most 256 KB with the e-mail, SMS
// and chat renderings, at 1 server, 20 accounts × 150 stalled, and 1,000 servers in one account; each account
// gets its section, and what does not fit is counted per account.
import { composeSnsMessage } from '../../../../lambdas/adapters/sns-outcome-publisher';
import { renderChatNotification } from '../../../../lambdas/core/chat-notification';
import { SMS_MAX, SUBJECT_MAX, TEXT_MAX_BYTES } from '../../../../lambdas/core/digest';
import { type HeldReport, holdableFacts } from '../../../../lambdas/core/program/held-report';
import { composeProgramReport, shareFairly } from '../../../../lambdas/core/program/program-digest';
import { aStalledServer } from '../../../fakes/builders';
import { HUB_ACCOUNT } from '../../../fakes/program';
import { aRunReport, aServerReport, NOW } from '../../../fakes/reports';

const SNS_MAX_BYTES = 256 * 1024;
const accountId = (index: number) => String(100000000000 + index);

/** An account's held report of `count` stalled servers, one failed restart and one escalation mixed in. */
function aHeld(account: string, count: number): HeldReport {
  const news = Array.from({ length: count }, (_, index) =>
    aServerReport(
      index === 1 ? 'failed' : index === 2 ? 'escalated' : 'treated',
      aStalledServer({ hostname: `host-${account.slice(-3)}-${index}.a-rather-long-domain.example.com` }),
    ),
  );
  return {
    runId: 'prog-1',
    account,
    facts: holdableFacts(aRunReport(news, { accountId: account, runId: 'prog-1' }).facts),
    omitted: 0,
    told: { marks: [] },
  };
}

const compose = (held: HeldReport[], failures: string[] = []) =>
  composeProgramReport({
    region: 'eu-west-1',
    hubAccountId: HUB_ACCOUNT,
    runId: 'prog-1',
    dryRun: false,
    now: NOW,
    ledgerTableName: 'mgn-replication-doctor-Ledger',
    accounts: held.length + failures.length,
    held,
    failures,
    failedAccounts: failures.length,
  });

const messageBytes = (report: ReturnType<typeof compose>) =>
  Buffer.byteLength(composeSnsMessage(report.digest, renderChatNotification(report)), 'utf8');
const escaped = (text: string) => Buffer.byteLength(JSON.stringify(text), 'utf8') - 2;

describe('the program digest within SNS limits', () => {
  it.each([
    ['1 account, 1 server', 1, 1],
    ['20 accounts × 150 stalled', 20, 150],
    ['1 account, 1,000 servers', 1, 1_000],
  ])('%s: one message under 256 KB, a subject under 100 characters, an SMS of at most 140', (_, accounts, servers) => {
    // Arrange
    const held = Array.from({ length: accounts }, (_, index) => aHeld(accountId(index), servers));

    // Act
    const report = compose(held, ['Account 777788889999: the hub may not assume the spoke role (AccessDenied: no)']);

    // Assert
    expect(messageBytes(report)).toBeLessThanOrEqual(SNS_MAX_BYTES);
    expect(escaped(report.digest.text)).toBeLessThanOrEqual(TEXT_MAX_BYTES);
    expect(report.digest.subject.length).toBeLessThanOrEqual(SUBJECT_MAX);
    expect(report.digest.sms.length).toBeLessThanOrEqual(SMS_MAX);
    for (const account of held) expect(report.digest.text).toContain(`=== Account ${account.account} — `);
    expect(report.digest.text).toContain('Account 777788889999: the hub may not assume');
  });

  it('shares the room fairly at 20 accounts × 150: each account names servers, and counts the ones it cannot', () => {
    const held = Array.from({ length: 20 }, (_, index) => aHeld(accountId(index), 150));
    const text = compose(held).digest.text;
    const sections = text.split('\n=== Account ').slice(1);
    expect(sections).toHaveLength(20);
    for (const section of sections) {
      const named = section.split('\n').filter((line) => /^ {2}s-\d{17} /.test(line)).length;
      expect(named).toBeGreaterThan(20);
      const left = /…and (\d+) more servers not listed here in this account/.exec(section);
      expect(Number(left?.[1] ?? 0) + named).toBeGreaterThanOrEqual(148);
    }
    expect(text).toContain("filter message = 'server' and runId = 'prog-1'");
  });

  it('names the whole program in the subject and SMS', () => {
    const report = compose([aHeld(accountId(1), 150), aHeld(accountId(2), 3)], ['Account 777788889999: denied']);
    expect(report.digest.subject).toBe(
      'MGN eu-west-1: 1 account not treated, 153 stalled (153 AGENT_NOT_SEEN), 2 escalated —… (3 accounts)',
    );
    expect(report.digest.sms).toMatch(/^MGN eu-west-1 3 accounts: 1 account not treated, 153 stalled/);
  });

  it('counts servers a held report had to leave out', () => {
    const held = { ...aHeld(accountId(1), 5), omitted: 40 };
    expect(compose([held]).digest.text).toContain('…and 40 more servers not listed here in this account');
  });
});

describe('shareFairly', () => {
  it.each([
    [[10, 10, 10], 100, [10, 10, 10]],
    [[10, 100, 100], 100, [10, 45, 45]],
    [[200, 200], 100, [50, 50]],
    [[], 100, []],
  ])('needs %j in %i → %j', (needs, room, shares) => {
    expect(shareFairly(needs, room)).toEqual(shares);
  });
});
