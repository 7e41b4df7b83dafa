import { composeDigest, clip, describeServer, SMS_MAX, type DigestInput } from '../../../lambdas/core/digest';
import { classifyServer } from '../../../lambdas/core/classify';
import { choosePlaybook } from '../../../lambdas/core/playbook';
import type { News, ServerReport } from '../../../lambdas/core/report';
import type { Condition, ReplicationSettings, SourceServer, TargetResolution } from '../../../lambdas/core/model';
import { aCommandRecord, aNode, aServer, aStalledServer, aTreatment } from '../../fakes/builders';

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

describe('composeDigest (docs/design.md section 7)', () => {
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

// The digest's rules as tables: what the headline counts, where each kind of news goes, what each server block
// shows. Rows are the Prepare step.
const NO_SERVERS: Record<Condition, number> = {
  STALLED: 0,
  DISCONNECTED: 0,
  LAGGING: 0,
  UNKNOWN: 0,
  PROGRESSING: 0,
  HEALTHY: 0,
  IGNORED: 0,
};

describe('composeDigest: the headline (subject and SMS)', () => {
  it.each<[string, string, Partial<Record<Condition, number>>, News[]]>([
    ['nothing affected', 'all clear', { HEALTHY: 5, IGNORED: 2, PROGRESSING: 1 }, []],
    ['stalled servers', '2 stalled', { STALLED: 2 }, []],
    ['disconnected servers', '1 disconnected', { DISCONNECTED: 1 }, []],
    ['lagging servers', '3 lagging', { LAGGING: 3 }, []],
    ['servers in a state the doctor does not know', '1 unknown', { UNKNOWN: 1 }, []],
    ['recoveries in the news', '2 recovered', { HEALTHY: 2 }, ['RECOVERED', 'RECOVERED']],
    ['an escalation in the news', '1 stalled, 1 escalated', { STALLED: 1 }, ['ESCALATED']],
    [
      'the affected and the news, in a fixed order',
      '1 stalled, 2 disconnected, 1 recovered, 1 escalated, 3 lagging',
      { STALLED: 1, DISCONNECTED: 2, LAGGING: 3 },
      ['RECOVERED', 'ESCALATED', 'NEW'],
    ],
    ['lagging before unknown', '3 lagging, 4 unknown', { UNKNOWN: 4, LAGGING: 3 }, []],
    ['cleared and other news are not counted', 'all clear', { HEALTHY: 1 }, ['CLEARED', 'CHANGED', 'REMINDER']],
    [
      'a cluster of stalls names its largest error',
      '5 stalled (5 AGENT_NOT_SEEN)',
      { STALLED: 5 },
      Array(5).fill('NEW'),
    ],
    ['fewer stalls than a cluster name no error', '4 stalled', { STALLED: 4 }, Array(4).fill('NEW')],
  ])('%s → "%s"', (_name, headline, counts, news) => {
    // Prepare
    const reports = news.map((kind) => aReport(aStalledServer(), kind));

    // Act
    const digest = composeDigest(input(reports, { counts: { ...NO_SERVERS, ...counts } }));

    // Assess
    expect(digest.subject).toBe(`MGN us-east-1: ${headline} (111122223333)`);
    expect(digest.sms).toBe(`MGN us-east-1 111122223333: ${headline}. Details by e-mail.`);
  });

  it('says how many agent restarts failed', () => {
    // Prepare
    const failedRestart = (report: ServerReport): ServerReport => ({
      ...report,
      entry: report.entry && {
        ...report.entry,
        treatments: [aTreatment(now, { commands: [aCommandRecord({ status: 'Failed' })] })],
      },
    });
    const reports = [failedRestart(aReport(aStalledServer())), failedRestart(aReport(aStalledServer()))];

    // Act
    const digest = composeDigest(input(reports, { counts: { ...NO_SERVERS, STALLED: 2 } }));

    // Assess
    expect(digest.subject).toBe('MGN us-east-1: 2 stalled — 2 restarts failed (111122223333)');
  });

  it('a dry run says so in the subject, the SMS and the text', () => {
    // Act
    const digest = composeDigest(input([aReport(aStalledServer())], { dryRun: true }));

    // Assess
    expect(digest.subject).toBe('[dry run] MGN us-east-1: 1 stalled (111122223333)');
    expect(digest.sms).toBe('[dry run] MGN us-east-1 111122223333: 1 stalled. Details by e-mail.');
    expect(digest.text).toContain('DRY RUN: nothing was sent to any host and nothing was changed');
  });
});

/** A report as the run makes it, changed the way a row says. */
const reported = (news: News, change: (report: ServerReport) => Partial<ServerReport> = () => ({})): ServerReport => {
  const report = aReport(aStalledServer(), news);
  return { ...report, ...change(report) };
};
const untreated = (report: ServerReport): ServerReport['entry'] =>
  report.entry && { ...report.entry, attempts: 0, treatments: [] };
const withRestart = (report: ServerReport, status: 'Success' | 'Failed'): ServerReport['entry'] =>
  report.entry && { ...report.entry, treatments: [aTreatment(now, { commands: [aCommandRecord({ status })] })] };

describe('composeDigest: which section each server goes to, what needs a person first', () => {
  it.each<[string, ServerReport, string]>([
    ['escalated', reported('ESCALATED'), 'Escalated: a person needs to look'],
    [
      'the doctor could not act: no SSM node',
      reported('NEW', (report) => ({ action: 'REPORTED', blocker: 'UNMANAGED', entry: untreated(report) })),
      'Needs a person: the doctor could not act, or something failed',
    ],
    [
      'the tag and MGN disagree on the node',
      reported('CHANGED', (report) => ({ action: 'REPORTED', blocker: 'MISMATCH', entry: untreated(report) })),
      'Needs a person: the doctor could not act, or something failed',
    ],
    [
      'treated, but the restart failed',
      reported('OUTCOME', (report) => ({ entry: withRestart(report, 'Failed') })),
      'Needs a person: the doctor could not act, or something failed',
    ],
    ['treated, every command succeeded', reported('NEW'), 'Treated by the doctor'],
    ['an outcome of an earlier treatment', reported('OUTCOME'), 'Treated by the doctor'],
    [
      'waiting for the fix to work',
      reported('CHANGED', (report) => ({ action: 'COOLDOWN', entry: withRestart(report, 'Success') })),
      'Treated by the doctor',
    ],
    ['recovered', reported('RECOVERED'), 'Recovered'],
    ['cleared', reported('CLEARED'), 'Recovered'],
    [
      'reported by design or configuration (lag)',
      reported('NEW', (report) => ({ action: 'REPORTED', blocker: 'REPORT_ONLY', entry: untreated(report) })),
      'Reported, no action',
    ],
    ['a reminder', reported('REMINDER'), 'Reminder: still unresolved'],
  ])('%s → "== %s (1) =="', (_name, report, heading) => {
    // Act
    const digest = composeDigest(input([report]));

    // Assess
    expect(digest.text).toContain(`\n== ${heading} (1) ==\n`);
    expect(digest.text.match(/^== /gm)).toHaveLength(1);
  });

  it('orders the sections by urgency and lists the servers without news last', () => {
    // Prepare
    const reports = [
      reported('REMINDER'),
      reported('NEW', (report) => ({ action: 'REPORTED', blocker: 'REPORT_ONLY', entry: untreated(report) })),
      reported('RECOVERED'),
      reported('NEW'),
      reported('NEW', (report) => ({ action: 'REPORTED', blocker: 'OFFLINE', entry: untreated(report) })),
      reported('ESCALATED'),
    ];
    const unchanged = { ...aReport(aStalledServer(), 'NEW'), news: undefined, detail: 'waiting for results' };

    // Act
    const digest = composeDigest(input(reports, { unresolved: [unchanged] }));

    // Assess
    expect(digest.text.match(/^== .+ ==$/gm)).toEqual([
      '== Escalated: a person needs to look (1) ==',
      '== Needs a person: the doctor could not act, or something failed (1) ==',
      '== Treated by the doctor (1) ==',
      '== Recovered (1) ==',
      '== Reported, no action (1) ==',
      '== Reminder: still unresolved (1) ==',
      '== Still followed, no change (1) ==',
    ]);
    expect(digest.text).toContain(
      `  ${unchanged.server.sourceServerId} ${unchanged.server.hostname} STALLED: waiting for results`,
    );
  });

  it('groups servers with one cause under one title, with the advice once', () => {
    // Prepare
    const reports = [reported('NEW'), reported('NEW'), reported('NEW')];

    // Act
    const digest = composeDigest(input(reports));

    // Assess
    expect(digest.text).toContain('STALLED AGENT_NOT_SEEN — agent restarted, replication not back yet: 3 server(s)');
    expect(digest.text.match(/Advice: /g)).toHaveLength(1);
    for (const report of reports) expect(digest.text).toContain(report.server.sourceServerId);
  });

  it.each<[string, Partial<DigestInput>, string | undefined]>([
    [
      'names the MGN roles that are missing',
      { missingServiceRoles: ['AWSApplicationMigrationReplicationServerRole'] },
      "MGN's IAM roles missing in this account: AWSApplicationMigrationReplicationServerRole.",
    ],
    ['says nothing about roles when none are missing', { missingServiceRoles: [] }, undefined],
  ])('the header %s', (_name, overrides, line) => {
    // Act
    const digest = composeDigest(input([aReport(aStalledServer())], overrides));

    // Assess
    if (line) expect(digest.text).toContain(line);
    else expect(digest.text).not.toContain('IAM roles missing');
  });
});

describe('describeServer: what each server block shows', () => {
  const block = (report: ServerReport): string => describeServer(report, 'us-east-1', now);

  it.each<[News, string, boolean, boolean, boolean]>([
    // news, tag, advice, last treatment, history
    ['NEW', '[NEW]', true, true, false],
    ['CHANGED', '[CHANGED]', true, true, false],
    ['OUTCOME', '[OUTCOME]', true, true, false],
    ['ESCALATED', '[ESCALATED]', true, true, true],
    ['RECOVERED', '[RECOVERED]', false, true, true],
    ['CLEARED', '[CLEARED]', false, true, false],
    ['REMINDER', '[STALLED]', true, false, false],
  ])('%s: tagged %s; advice %s, last treatment %s, history %s', (news, tag, advice, treatment, history) => {
    // Prepare
    const report = aReport(aStalledServer({ hostname: 'web01' }), news);

    // Act
    const text = block(report);

    // Assess
    expect(text.startsWith(`${tag} ${report.server.sourceServerId} web01`)).toBe(true);
    expect(text.includes('Advice: ')).toBe(advice);
    expect(text.includes('  Done ')).toBe(treatment);
    expect(text.includes('History: #1 ')).toBe(history);
  });

  it.each<[string, TargetResolution, string[]]>([
    [
      'RESOLVED',
      {
        status: 'RESOLVED',
        node: aNode({ instanceId: 'mi-00000000000000042', platformType: 'Windows' }),
        matchedBy: 'tag',
      },
      ['SSM node: mi-00000000000000042 (Windows, Online, matched by tag)'],
    ],
    [
      'OFFLINE',
      {
        status: 'OFFLINE',
        node: aNode({ instanceId: 'mi-00000000000000043', pingStatus: 'ConnectionLost' }),
        matchedBy: 'ip',
        advice: 'Start the SSM Agent.',
      },
      [
        'SSM node: mi-00000000000000043 (Linux, ConnectionLost, matched by ip)',
        'SSM node: OFFLINE. Start the SSM Agent.',
      ],
    ],
    ['UNMANAGED', { status: 'UNMANAGED', advice: 'Register the host.' }, ['SSM node: UNMANAGED. Register the host.']],
    [
      'AMBIGUOUS',
      { status: 'AMBIGUOUS', candidates: ['mi-1 (web01, Online)', 'mi-2 (web01, Online)'], advice: 'Tag it.' },
      ['SSM node: AMBIGUOUS. Tag it.', 'Candidates: mi-1 (web01, Online), mi-2 (web01, Online)'],
    ],
    [
      'MISMATCH',
      { status: 'MISMATCH', candidates: ['mi-1 (tag)', "i-2 (MGN's EC2 instance ID)"], advice: 'Correct the tag.' },
      ['SSM node: MISMATCH. Correct the tag.'],
    ],
  ])('target %s: the block names the node and what to do', (_status, target, lines) => {
    // Act
    const text = block({ ...aReport(aStalledServer()), target });

    // Assess
    for (const line of lines) expect(text).toContain(`\n  ${line}`);
  });

  it("without a target, shows the ledger's advice", () => {
    // Prepare
    const report = aReport(aStalledServer());
    const withAdvice = { ...report, entry: report.entry && { ...report.entry, advice: 'Fix the node-ID tag.' } };

    // Act
    const text = block(withAdvice);

    // Assess
    expect(text).toContain('\n  Fix the node-ID tag.');
  });

  it.each<[string, ReplicationSettings]>([
    [
      'bandwidth throttling off, data routing PRIVATE_IP, public IP no',
      { bandwidthThrottling: 0, dataPlaneRouting: 'PRIVATE_IP', createPublicIP: false },
    ],
    [
      'bandwidth throttling 100 Mbps, data routing PUBLIC_IP, public IP yes, staging subnet subnet-0abc',
      {
        bandwidthThrottling: 100,
        dataPlaneRouting: 'PUBLIC_IP',
        createPublicIP: true,
        stagingAreaSubnetId: 'subnet-0abc',
      },
    ],
    ['bandwidth throttling off, data routing unknown, public IP unknown', {}],
  ])('replication settings: "%s"', (line, replicationSettings) => {
    // Act
    const text = block({ ...aReport(aStalledServer({ errorCode: 'UNSTABLE_NETWORK' })), replicationSettings });

    // Assess
    expect(text).toContain(`\n  Replication settings: ${line}\n`);
  });

  it.each<[string, Partial<SourceServer>, string]>([
    [
      'lag, backlog and ETA',
      { lagDuration: 'PT2H15M', backloggedStorageBytes: 52_428_800, etaDateTime: '2026-11-26T11:00:00Z' },
      'lag 2h 15m, backlog 50 MiB, ETA 2026-11-26T11:00:00Z',
    ],
    ['an agentless server', { replicationType: 'SNAPSHOT_SHIPPING' }, ', agentless'],
    ['a host without a name', { hostname: undefined, fqdn: undefined }, 'unknown host'],
  ])('shows %s', (_name, overrides, text) => {
    // Act
    const described = block(aReport(aServer({ dataReplicationState: 'STALLED', ...overrides })));

    // Assess
    expect(described).toContain(text);
  });

  it('lists each command of the last treatment with its console link, and what was not sent', () => {
    // Prepare
    const report = aReport(aStalledServer());
    const treatment = aTreatment(now, {
      sendErrors: ['CheckDiskSpace: InvalidInstanceId: not connected'],
      serviceAction: {
        action: 'RetryDataReplication',
        at: now.toISOString(),
        outcome: 'REFUSED',
        detail: 'not stalled',
      },
    });
    const entry = report.entry && { ...report.entry, treatments: [treatment] };

    // Act
    const text = block({ ...report, entry });

    // Assess
    expect(text).toContain(
      `    RestartReplicationAgent on mi-00000000000000001: Success.\n      https://us-east-1.console.aws.amazon.com/systems-manager/run-command/${treatment.commands[0]?.commandId}?region=us-east-1`,
    );
    expect(text).toContain('    Not sent: CheckDiskSpace: InvalidInstanceId: not connected');
    expect(text).toContain('    RetryDataReplication: REFUSED (not stalled)');
  });
});
