import { composeDigest, clip, SMS_MAX, type DigestInput } from '../../../lambdas/core/digest';
import { classifyServer } from '../../../lambdas/core/classify';
import { choosePlaybook } from '../../../lambdas/core/playbook';
import type { News, ServerReport } from '../../../lambdas/core/report';
import type { SourceServer } from '../../../lambdas/core/model';
import { aStalledServer } from '../../fakes/builders';

const now = new Date('2026-11-26T08:00:00Z');
const options = { lagAlertMinutes: 60, optOutTagKey: 'opt-out' };

function aReport(server: SourceServer, news: News = 'NEW'): ServerReport {
  const classification = classifyServer(server, options);
  return {
    server,
    classification,
    action: 'TREATED',
    detail: 'ran RestartReplicationAgent on mi-00000000000000001',
    playbook: choosePlaybook(classification.condition, server.errorCode),
    news,
    entry: {
      sourceServerId: server.sourceServerId,
      version: 1,
      status: 'OPEN',
      condition: 'STALLED',
      since: now.toISOString(),
      attempts: 1,
      treatments: [
        {
          at: now.toISOString(),
          runId: 'run1',
          commands: [
            {
              commandId: '11111111-2222-3333-4444-555555555555',
              document: 'RestartReplicationAgent',
              instanceId: 'mi-00000000000000001',
              requestedAt: now.toISOString(),
              status: 'Success',
              summary: 'check=agent status=RUNNING',
            },
          ],
        },
      ],
    },
  };
}

function input(news: ServerReport[], overrides: Partial<DigestInput> = {}): DigestInput {
  return {
    region: 'us-east-1',
    accountId: '111122223333',
    runId: 'abcd1234',
    trigger: 'schedule',
    dryRun: false,
    now,
    counts: { STALLED: news.length, DISCONNECTED: 0, LAGGING: 0, UNKNOWN: 0, PROGRESSING: 0, HEALTHY: 10, IGNORED: 0 },
    news,
    unresolved: [],
    ...overrides,
  };
}

/** The SNS message exactly as the publisher builds it (text twice, inside JSON). */
const messageBytes = (digest: { text: string; sms: string }): number =>
  Buffer.byteLength(JSON.stringify({ default: digest.text, email: digest.text, sms: digest.sms }), 'utf8');

describe('composeDigest (design section 7)', () => {
  it('lists each server with state, error, guidance, the command and console links', () => {
    const server = aStalledServer({ hostname: 'web01', rawError: 'agent not seen for 2h' });
    const digest = composeDigest(input([aReport(server)]));

    expect(digest.subject).toBe('MGN us-east-1: 1 stalled (111122223333)');
    expect(digest.text).toContain(`[NEW] ${server.sourceServerId} web01 (Ubuntu 22.04.4 LTS)`);
    expect(digest.text).toContain('Lifecycle READY_FOR_TEST, replication STALLED, error AGENT_NOT_SEEN');
    expect(digest.text).toContain('MGN says: agent not seen for 2h');
    expect(digest.text).toContain('Advice: MGN has not heard from the AWS Replication Agent');
    expect(digest.text).toContain(
      'RestartReplicationAgent on mi-00000000000000001: Success. check=agent status=RUNNING',
    );
    expect(digest.text).toContain(
      'https://us-east-1.console.aws.amazon.com/systems-manager/run-command/11111111-2222-3333-4444-555555555555?region=us-east-1',
    );
    expect(digest.text).toContain(
      `https://us-east-1.console.aws.amazon.com/mgn/home?region=us-east-1#/sourceServers/${server.sourceServerId}`,
    );
    expect(digest.sms).toBe('MGN us-east-1 111122223333: 1 stalled. Details by e-mail.');
  });

  it('trims a 64 KB rawError', () => {
    const digest = composeDigest(input([aReport(aStalledServer({ rawError: 'x'.repeat(65_536) }))]));
    const line = digest.text.split('\n').find((text) => text.includes('MGN says:')) ?? '';
    expect(line.length).toBeLessThan(520);
    expect(line.endsWith('…')).toBe(true);
  });

  it('keeps a 4,000-server digest under the 256 KB SNS limit, and says where every server it could not name is', () => {
    const reports = Array.from({ length: 4000 }, () =>
      aReport(aStalledServer({ rawError: 'e'.repeat(2000), osFullString: 'Ø'.repeat(300), hostname: 'h'.repeat(60) })),
    );
    const digest = composeDigest(input(reports, { ledgerTableName: 'MgnDoctor-Ledger' }));

    expect(messageBytes(digest)).toBeLessThanOrEqual(262_144);
    const named = reports.filter((report) => digest.text.includes(report.server.sourceServerId)).length;
    const leftOut = Number(/…and (\d+) more servers not listed here/.exec(digest.text)?.[1]);
    expect(named + leftOut).toBe(4000);
    expect(digest.text).toContain('MgnDoctor-Ledger');
    expect(digest.text).toContain("runId = 'abcd1234'");
  });

  it.each([
    ['a long region and every kind of news', 'ap-southeast-7', 150],
    ['nothing but one recovery', 'us-east-1', 1],
  ])('subject under 100 characters and SMS of at most 140, for %s', (_name, region, count) => {
    const kinds: News[] = ['NEW', 'ESCALATED', 'RECOVERED', 'CHANGED'];
    const reports = Array.from({ length: count }, (_, index) => aReport(aStalledServer(), kinds[index % kinds.length]));
    for (const dryRun of [false, true]) {
      const digest = composeDigest(
        input(reports, {
          region,
          dryRun,
          counts: {
            STALLED: 99_999,
            DISCONNECTED: 88_888,
            LAGGING: 77_777,
            UNKNOWN: 66_666,
            PROGRESSING: 0,
            HEALTHY: 0,
            IGNORED: 0,
          },
        }),
      );
      expect(digest.subject.length).toBeLessThan(100);
      expect(digest.subject).not.toMatch(/[\r\n]/);
      expect(digest.sms.length).toBeLessThanOrEqual(SMS_MAX);
    }
  });

  it('holds the SMS and subject limits for any input (randomised)', () => {
    let seed = 42;
    const random = (): number => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (let trial = 0; trial < 200; trial++) {
      const region = `xx-${'a'.repeat(1 + Math.floor(random() * 30))}-${Math.floor(random() * 9)}`;
      const count = Math.floor(random() * 10_000);
      const digest = composeDigest(
        input([], {
          region,
          accountId: String(Math.floor(random() * 1e12)).padStart(12, '0'),
          dryRun: random() > 0.5,
          counts: {
            STALLED: count,
            DISCONNECTED: count * 3,
            LAGGING: count * 7,
            UNKNOWN: count,
            PROGRESSING: 0,
            HEALTHY: 0,
            IGNORED: 0,
          },
        }),
      );
      expect(digest.subject.length).toBeLessThan(100);
      expect(digest.sms.length).toBeLessThanOrEqual(SMS_MAX);
    }
  });

  it('clip removes control characters and line breaks', () => {
    expect(clip('a\nb\r\tc\u0007d', 10)).toBe('a b c d');
    expect(clip('abcdef', 4)).toBe('abc…');
  });
});
