// The offline demo: it runs to the end without any network, what it prints is what the core decided, and
// each scenario ends the way the story says.
import { readFileSync } from 'node:fs';
import { Socket } from 'node:net';
import { join } from 'node:path';
import { runDemo, sampleProgramDigest, type DemoTranscript } from '../../../scripts/demo';
import { DEMO_NODES, DEMO_SERVERS } from '../../../scripts/lib/demo-fleet';
import { ACCOUNT_LABELS, PAYMENTS_SERVERS, PROGRAM_ACCOUNTS, SPOKE_ROLE } from '../../../scripts/lib/demo-program';

let transcript: DemoTranscript;
let lines: string[];
let elapsedMs: number;
let connects: jest.SpyInstance;

beforeAll(async () => {
  connects = jest.spyOn(Socket.prototype, 'connect');
  lines = [];
  const started = Date.now();
  transcript = await runDemo((line) => lines.push(line));
  elapsedMs = Date.now() - started;
});

afterAll(() => connects.mockRestore());

const actionsOf = (sourceServerId: string): string[] =>
  transcript.runs.map(
    (run) => run.report.servers.find((server) => server.server.sourceServerId === sourceServerId)?.action ?? 'ABSENT',
  );
const sentTo = (instanceId: string): string[] =>
  transcript.runs.flatMap((run) =>
    run.commands.filter((command) => command.instanceIds.includes(instanceId)).map((command) => command.document),
  );

/** The printed lines of each run, from its header to the next run's. */
function printedRuns(): string[][] {
  const starts = lines.flatMap((line, index) => (/^═+ Run \d+ of \d+ · /.test(line) ? [index] : []));
  return starts.map((start, index) => lines.slice(start, starts[index + 1] ?? lines.length));
}

describe('demo', () => {
  it('runs every run offline, on a simulated clock, in well under a second of real time per run', () => {
    expect(transcript.runs).toHaveLength(4);
    expect(connects).not.toHaveBeenCalled();
    expect(elapsedMs).toBeLessThan(3_000);
    // Hours of simulated time pass between the first run and the last.
    const span = Date.parse(transcript.runs[3]?.at ?? '') - Date.parse(transcript.runs[0]?.at ?? '');
    expect(span).toBeGreaterThanOrEqual(2 * 3_600_000);
    expect(lines[0]).toMatch(/^SIMULATION — no AWS calls are made/);
  });

  it('prints exactly the decisions the core returned, run by run', () => {
    const printed = printedRuns();
    expect(printed).toHaveLength(transcript.runs.length);
    transcript.runs.forEach((run, index) => {
      const decisions = (printed[index] ?? []).flatMap((line) => {
        const match = /^ {2}(s-[0-9a-zA-Z]{17}) {2}(\S+) +([A-Z_]+): (.*)$/.exec(line);
        return match ? [match.slice(1)] : [];
      });
      expect(decisions).toEqual(
        run.report.servers.map(({ server, action, detail }) => [
          server.sourceServerId,
          server.hostname,
          action,
          detail,
        ]),
      );
    });
  });

  it('prints every command sent and every digest published', () => {
    const printed = printedRuns();
    transcript.runs.forEach((run, index) => {
      const text = (printed[index] ?? []).join('\n');
      for (const command of run.commands) {
        expect(text).toContain(`${command.document} → ${command.instanceIds.join(', ')}`);
        expect(text).toContain(`comment:    "${command.comment}"`);
      }
      if (run.digest) {
        expect(text).toContain(`E-mail subject: ${run.digest.subject}`);
        expect(text).toContain(`SMS:            ${run.digest.sms}`);
      } else {
        expect(text).toContain('No digest: nothing new.');
      }
    });
  });

  it('prints the chat rendering of every digest, and the OpsItem the escalation would open', () => {
    const printed = printedRuns();
    transcript.runs.forEach((run, index) => {
      const text = (printed[index] ?? []).join('\n');
      if (run.digest) expect(text).toContain('"source": "custom"');
    });
    const escalation = (printed[3] ?? []).join('\n');
    expect(escalation).toMatch(
      new RegExp(`CreateOpsItem severity 2: MGN STALLED \\S+ escalated: \\S+ \\(${DEMO_SERVERS.lowDisk}\\)`),
    );
    expect(escalation).toContain(`/aws/dedup mgn-doctor ${DEMO_SERVERS.lowDisk} `);
  });

  it('restarts the stalled Linux agent, which then recovers', () => {
    expect(sentTo(DEMO_NODES.recovers)).toEqual(['RestartReplicationAgent', 'CheckDiskSpace', 'CheckConnectivity']);
    expect(actionsOf(DEMO_SERVERS.recovers)).toEqual(['TREATED', 'RECOVERED', 'ABSENT', 'ABSENT']);
    expect(transcript.runs[1]?.digest?.subject).toContain('recovered');
  });

  it('treats the Windows host with a full disk twice, then escalates it', () => {
    const firstDiskCheck = transcript.runs[0]?.commands.find((command) => command.document === 'CheckDiskSpace');
    expect(firstDiskCheck?.results.find((result) => result.instanceId === DEMO_NODES.lowDisk)).toMatchObject({
      status: 'Failed',
      responseCode: 1,
      output: expect.stringContaining('MGN_DOCTOR check=disk status=LOW drive=C:'),
    });
    expect(actionsOf(DEMO_SERVERS.lowDisk)).toEqual(['TREATED', 'COOLDOWN', 'TREATED', 'ESCALATED']);
    expect(transcript.ledger.find((entry) => entry.sourceServerId === DEMO_SERVERS.lowDisk)).toMatchObject({
      status: 'ESCALATED',
      attempts: 2,
    });
    expect(transcript.runs[3]?.digest?.text).toContain('== Escalated: a person needs to look (1) ==');
  });

  it('never touches the cut-over server, though its node is online', () => {
    expect(sentTo(DEMO_NODES.cutOver)).toEqual([]);
    expect(actionsOf(DEMO_SERVERS.cutOver)).toEqual(['ABSENT', 'ABSENT', 'ABSENT', 'ABSENT']);
    expect(transcript.runs.every((run) => run.report.counts.IGNORED === 1)).toBe(true);
    expect(transcript.runs.flatMap((run) => run.serviceCalls).map((call) => call.sourceServerId)).not.toContain(
      DEMO_SERVERS.cutOver,
    );
  });

  it('reports the unmanaged host every run and never sends it anything', () => {
    for (const run of transcript.runs) {
      expect(
        run.report.servers.find((server) => server.server.sourceServerId === DEMO_SERVERS.unmanaged),
      ).toMatchObject({
        action: 'REPORTED',
        blocker: 'UNMANAGED',
        target: { status: 'UNMANAGED' },
      });
    }
    // Commands only ever went to the two hosts the doctor resolved and treated.
    const targets = new Set(transcript.runs.flatMap((run) => run.commands.flatMap((command) => command.instanceIds)));
    expect([...targets].sort()).toEqual([DEMO_NODES.recovers, DEMO_NODES.lowDisk].sort());
  });

  it('retries the service-side error through MGN, not on the host', () => {
    expect(transcript.runs.flatMap((run) => run.serviceCalls)).toEqual([
      expect.objectContaining({
        action: 'RetryDataReplication',
        sourceServerId: DEMO_SERVERS.serviceSide,
        outcome: 'accepted',
      }),
    ]);
    expect(sentTo(DEMO_NODES.serviceSide)).toEqual([]);
    expect(actionsOf(DEMO_SERVERS.serviceSide)).toEqual(['TREATED', 'RECOVERED', 'ABSENT', 'ABSENT']);
  });

  it('reports the lagging server without treating it, and clears it once the lag is gone', () => {
    expect(actionsOf(DEMO_SERVERS.lagging)).toEqual(['REPORTED', 'REPORTED', 'REPORTED', 'CLEARED']);
    expect(
      transcript.runs[0]?.report.servers.find((server) => server.server.sourceServerId === DEMO_SERVERS.lagging)
        ?.classification.condition,
    ).toBe('LAGGING');
  });

  it('is the same every time', async () => {
    const again: string[] = [];
    await runDemo((line) => again.push(line));
    expect(again).toEqual(lines);
  });
});

describe('demo scene 2: a mass stall in a fleet planned in waves', () => {
  const digestOf = () => transcript.massStall.digest;

  it('samples 5 hosts, holds the other 145 restarts, and publishes one grouped digest naming all 150', () => {
    const actions = transcript.massStall.report.servers.map((server) => server.action);
    expect(actions.filter((action) => action === 'TREATED')).toHaveLength(5);
    expect(transcript.massStall.report.servers.filter((server) => server.blocker === 'HELD')).toHaveLength(145);
    const digest = digestOf();
    expect(Buffer.byteLength(digest?.text ?? '', 'utf8')).toBeLessThanOrEqual(32 * 1024);
    for (const server of transcript.massStall.report.servers.filter((s) => s.classification.condition === 'STALLED'))
      expect(digest?.text).toContain(server.server.sourceServerId);
    expect(digest?.sms.length).toBeLessThanOrEqual(140);
  });

  it('shows the failed restart on the first screen, the waves and applications, and the free-period line', () => {
    const text = digestOf()?.text ?? '';
    const firstScreen = text.split('\n').slice(0, 40).join('\n');
    expect(firstScreen).toContain('RestartReplicationAgent on mi-0c000000000000002: Failed');
    expect(text).toContain('Servers with news by wave: Wave 1 50, Wave 2 50, Wave 3 40, In no wave 10');
    expect(text).toContain('  -- Wave 2 / crm: 25 server(s)');
    expect(text).toContain('  -- In no application: 10 server(s)');
    expect(text).toMatch(/== Free replication period \(3\) ==\n {2}Wave 4: free MGN replication ends by /);
  });

  it('prints that digest, and the README shows it as printed', () => {
    const digest = digestOf();
    const printed = lines.join('\n');
    expect(printed).toContain(`E-mail subject: ${digest?.subject}`);
    for (const line of digest?.text.split('\n') ?? []) expect(printed).toContain(`    │ ${line}`.trimEnd());
    const readme = readFileSync(join(__dirname, '../../../README.md'), 'utf8');
    const shown = /<!-- mass-stall-digest:start -->\n```\n([\s\S]*?)\n```\n<!-- mass-stall-digest:end -->/.exec(
      readme,
    )?.[1];
    // To refresh it, copy the digest from `npm run demo` (scene 2) between the markers, as this test renders it.
    expect(shown).toBe([`Subject: ${digest?.subject}`, `SMS:     ${digest?.sms}`, '', digest?.text].join('\n'));
  });
});

describe('demo scene 3: one doctor for three accounts of an organization', () => {
  const { payments, landingZone, noSpoke } = PROGRAM_ACCOUNTS;
  const run = () => transcript.program.run;
  const textOf = () => run().digest?.text ?? '';
  const sectionOf = (account: string): string =>
    textOf()
      .split(/\n(?==== Account \d{12} — )/)
      .find((section) => section.startsWith(`=== Account ${account} — `)) ?? '';

  it('lists the three accounts and runs each exactly once, in the order listed', () => {
    expect(run().accounts).toEqual([payments, landingZone, noSpoke]);
    expect(run().results.map((result) => result.account)).toEqual(run().accounts);
    expect(run().results.map((result) => result.held)).toEqual([true, true, false]);
  });

  it('prints each account outcome: the payments team treated, the landing zone sampled, the third one line', () => {
    const printed = lines.slice(lines.findIndex((line) => line.includes('Scene 3:')));
    const outcome = (account: string) =>
      printed.filter((line) => line.startsWith(`  ${ACCOUNT_LABELS[account]} ${account} (`));
    expect(outcome(payments).at(-1)).toContain('RECOVERED 1 · TREATED 2 · REPORTED 1 · 3 SSM command(s)');
    expect(outcome(landingZone).at(-1)).toContain('TREATED 5 · REPORTED 35');
    expect(outcome(noSpoke).at(-1)).toMatch(
      new RegExp(
        `not treated · Account ${noSpoke}: the hub may not assume ${SPOKE_ROLE} there: deploy the spoke stack`,
      ),
    );
  });

  it('publishes one digest with a section per treated account and one line for the account without its spoke', () => {
    const text = textOf();
    expect(run().outcome).toMatchObject({ published: true, accounts: 2, failedAccounts: 1 });
    expect(text.match(/^=== Account \d{12} — /gm)).toEqual([
      `=== Account ${payments} — `,
      `=== Account ${landingZone} — `,
    ]);
    expect(text).toContain(`== Accounts not treated (1) ==\nAccount ${noSpoke}: the hub may not assume`);
    expect(text.split('\n').filter((line) => line.includes(noSpoke))).toHaveLength(1);
    expect(run().digest?.subject).toMatch(/^MGN eu-west-1: 1 account not treated, 43 stalled .*\(3 accounts\)$/);
    expect(run().digest?.sms.length).toBeLessThanOrEqual(140);
    expect(Buffer.byteLength(text, 'utf8')).toBeLessThanOrEqual(32 * 1024);
  });

  it("tells each account's own news in its own section: A's recovery and restart, B's mass stall by wave", () => {
    const a = sectionOf(payments);
    expect(a).toContain(`[RECOVERED] ${PAYMENTS_SERVERS.recovers} pay-api-01`);
    expect(a).toContain(`[NEW] ${PAYMENTS_SERVERS.unmanaged} pay-batch-03`);
    expect(a).toContain('RetryDataReplication: SUCCEEDED');
    expect(a).not.toContain('fra-app-');
    const b = sectionOf(landingZone);
    expect(b).toContain('Likely common cause: 40 of 40 stalled servers report AGENT_NOT_SEEN');
    expect(b).toContain('Servers with news by wave: Wave 1 20, Wave 2 10, In no wave 10');
    for (const server of run().reports.get(landingZone)?.servers ?? [])
      expect(b).toContain(server.server.sourceServerId);
    expect(b).not.toContain('pay-');
  });

  it('prints that digest, and the README shows its sample as printed', () => {
    const digest = run().digest;
    const printed = lines.join('\n');
    expect(printed).toContain(`E-mail subject: ${digest?.subject}`);
    for (const line of digest?.text.split('\n') ?? []) expect(printed).toContain(`    │ ${line}`.trimEnd());
    const readme = readFileSync(join(__dirname, '../../../README.md'), 'utf8');
    const shown = /<!-- program-digest:start -->\n```\n([\s\S]*?)\n```\n<!-- program-digest:end -->/.exec(readme)?.[1];
    // To refresh it, print sampleProgramDigest(transcript.program.run.digest) and copy it between the markers.
    expect(shown).toBe(digest && sampleProgramDigest(digest));
  });
});
