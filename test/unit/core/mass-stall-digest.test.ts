// A mass stall as a person reads it: grouped by cause, the advice once, every server named, what needs a person
// on the first screen, and within what mail clients show whole.
import { composeDigest, SMS_MAX, type DigestInput } from '../../../lambdas/core/digest';
import { classifyServer } from '../../../lambdas/core/classify';
import type { CommandRecord } from '../../../lambdas/core/ledger';
import { choosePlaybook } from '../../../lambdas/core/playbook';
import type { ServerReport } from '../../../lambdas/core/report';
import type { SourceServer } from '../../../lambdas/core/model';
import { labelMigrationTerms } from '../../../lambdas/core/migration-terms';
import { aStalledServer } from '../../fakes/builders';

const now = new Date('2026-11-26T08:00:00Z');

function treated(server: SourceServer, restart: CommandRecord['status'] = 'Success'): ServerReport {
  const classification = classifyServer(server, { lagAlertMinutes: 60, optOutTagKey: 'opt-out' });
  const command = (document: CommandRecord['document'], status: CommandRecord['status']): CommandRecord => ({
    commandId: '11111111-2222-3333-4444-555555555555',
    document,
    instanceId: 'mi-00000000000000001',
    requestedAt: now.toISOString(),
    status,
    summary: status === 'Success' ? 'check=agent status=RUNNING' : 'check=agent status=NOT_RUNNING reason=start_failed',
  });
  return {
    server,
    classification,
    action: 'TREATED',
    detail: 'ran RestartReplicationAgent, CheckDiskSpace, CheckConnectivity on mi-00000000000000001 (treatment 1)',
    playbook: choosePlaybook(classification.condition, server.errorCode),
    news: 'NEW',
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
            command('RestartReplicationAgent', restart),
            command('CheckDiskSpace', 'Success'),
            command('CheckConnectivity', 'Success'),
          ],
        },
      ],
    },
  };
}

function massStall(count: number): { input: DigestInput; failed: ServerReport } {
  const reports = Array.from({ length: count }, () => treated(aStalledServer({ hostname: 'app-server-0001' })));
  const failed = treated(aStalledServer({ hostname: 'db-primary' }), 'Failed');
  reports.splice(Math.floor(count / 2), 1, failed);
  return {
    failed,
    input: {
      region: 'eu-west-1',
      accountId: '111122223333',
      runId: 'run1',
      trigger: 'schedule',
      dryRun: false,
      now,
      counts: { STALLED: count, DISCONNECTED: 0, LAGGING: 0, UNKNOWN: 0, PROGRESSING: 0, HEALTHY: 3850, IGNORED: 0 },
      news: reports,
      unresolved: [],
    },
  };
}

describe('the digest of a mass stall', () => {
  it('150 servers, one failed restart: ≤ 32 KB, every server named, the failure on the first screen, advice once', () => {
    const { input, failed } = massStall(150);
    const digest = composeDigest(input);

    expect(Buffer.byteLength(digest.text, 'utf8')).toBeLessThanOrEqual(32 * 1024);
    for (const report of input.news) expect(digest.text).toContain(report.server.sourceServerId);
    const firstScreen = digest.text.split('\n').slice(0, 40).join('\n');
    expect(firstScreen).toContain(failed.server.sourceServerId);
    expect(firstScreen).toContain('RestartReplicationAgent Failed');
    const advice = choosePlaybook('STALLED', 'AGENT_NOT_SEEN')?.guidance as string;
    expect(digest.text.split(advice).length - 1).toBe(2); // once per group: the failed one's and the others'
    expect(digest.text).toContain('STALLED AGENT_NOT_SEEN — agent restarted, replication not back yet: 149 server(s)');
  });

  it('names the largest group and the failure in the subject and the SMS', () => {
    const digest = composeDigest(massStall(150).input);
    expect(digest.subject).toBe('MGN eu-west-1: 150 stalled (150 AGENT_NOT_SEEN) — 1 restart failed (111122223333)');
    expect(digest.sms.length).toBeLessThanOrEqual(SMS_MAX);
    expect(digest.sms).toContain('150 stalled (150 AGENT_NOT_SEEN) — 1 restart failed');
  });

  it('1,000 servers: ≤ 64 KB with every server named', () => {
    const { input } = massStall(1000);
    const digest = composeDigest(input);
    expect(Buffer.byteLength(digest.text, 'utf8')).toBeLessThanOrEqual(64 * 1024);
    for (const report of input.news) expect(digest.text).toContain(report.server.sourceServerId);
    expect(digest.text).not.toContain('more servers not listed here');
  });

  it('shows wave and application on each line when the fleet uses them, and nothing when it does not', () => {
    const { input } = massStall(20);
    const labelled = {
      ...input,
      news: input.news.map((report, index) => ({ ...report, label: index % 2 ? 'Wave 3 / payments' : 'Wave 4 / crm' })),
    };
    expect(composeDigest(labelled).text).toContain('· Wave 3 / payments');
    expect(composeDigest(input).text).not.toContain(' · ');
  });
});

describe('the digest of a mass stall in a fleet that uses waves and applications', () => {
  /** Servers spread over `waves` waves of 3 applications each, with names as long as people type them. */
  function inWaves(count: number, waves: number) {
    const { input, failed } = massStall(count);
    const news = input.news.map((report, index): ServerReport => {
      const wave = index % waves;
      const application = wave * 3 + (Math.floor(index / waves) % 3);
      const terms = {
        applicationId: `app-${String(application).padStart(17, '0')}`,
        application: `customer-billing-service-${application}`,
        waveId: `wave-${String(wave).padStart(17, '0')}`,
        wave: `Wave ${wave + 1} (data centre Frankfurt)`,
      };
      return { ...report, terms, label: labelMigrationTerms(terms) };
    });
    return { input: { ...input, news }, failed: news.find((report) => report.server === failed.server) };
  }

  /** The heading (`  -- Wave 1 / payments: 3 server(s)`) above each server's line. */
  function headingsAbove(text: string): Map<string, string> {
    const headings = new Map<string, string>();
    let heading = '';
    for (const line of text.split('\n')) {
      if (line.startsWith('  -- ')) heading = line;
      const id = /\bs-\d{17}\b/.exec(line)?.[0];
      if (id) headings.set(id, heading);
    }
    return headings;
  }

  it('150 servers in 4 waves: ≤ 32 KB, each server under its wave and application, the failure on the first screen', () => {
    const { input, failed } = inWaves(150, 4);
    const digest = composeDigest(input);

    expect(Buffer.byteLength(digest.text, 'utf8')).toBeLessThanOrEqual(32 * 1024);
    const headings = headingsAbove(digest.text);
    for (const report of input.news) {
      expect(headings.get(report.server.sourceServerId)?.startsWith(`  -- ${report.label}: `)).toBe(true);
    }
    const firstScreen = digest.text.split('\n').slice(0, 40).join('\n');
    expect(firstScreen).toContain(failed?.server.sourceServerId);
    expect(firstScreen).toContain('RestartReplicationAgent Failed');
    expect(firstScreen).toContain(`· ${failed?.label}`);
    expect(digest.sms.length).toBeLessThanOrEqual(SMS_MAX);
  });

  it('1,000 servers in 20 waves: ≤ 64 KB with every server named', () => {
    const { input } = inWaves(1000, 20);
    const digest = composeDigest(input);

    expect(Buffer.byteLength(digest.text, 'utf8')).toBeLessThanOrEqual(64 * 1024);
    for (const report of input.news) expect(digest.text).toContain(report.server.sourceServerId);
    expect(digest.text).not.toContain('more servers not listed here');
  });

  it('waves in the order people number them, applications by name within, each wave counted at the top', () => {
    const { input } = inWaves(36, 12);
    const text = composeDigest(input).text;
    const waves = (text.split('== Treated by the doctor')[1] ?? '')
      .split('\n')
      .filter((line) => line.startsWith('  -- '))
      .map((line) => /Wave \d+/.exec(line)?.[0]);
    expect(waves.slice(0, 4)).toEqual(['Wave 1', 'Wave 1', 'Wave 1', 'Wave 2']);
    expect(waves.at(-1)).toBe('Wave 12');
    expect(text).toContain(
      'Servers with news by wave: Wave 1 (data centre Frankfurt) 3, Wave 2 (data centre Frankfurt) 3,',
    );
  });
});
