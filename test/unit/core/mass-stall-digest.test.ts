// A mass stall as a person reads it: grouped by cause, the advice once, every server named, what needs a person
// on the first screen, and within what mail clients show whole.
import { composeDigest, SMS_MAX, type DigestInput } from '../../../lambdas/core/digest';
import { classifyServer } from '../../../lambdas/core/classify';
import type { CommandRecord } from '../../../lambdas/core/ledger';
import { choosePlaybook } from '../../../lambdas/core/playbook';
import type { ServerReport } from '../../../lambdas/core/report';
import type { SourceServer } from '../../../lambdas/core/model';
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
