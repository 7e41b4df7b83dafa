// A hub's account run holds its report instead of publishing it (docs/design.md section 7, "Delivery"): the news
// is saved as told before the hold, the held report carries what putting it back needs, and putting it back
// leaves the ledger exactly as a failed publish of a single-account run leaves it.
import {
  InMemoryHeldReportStore,
  InMemoryLedger,
  InMemoryNodeDirectory,
  InMemorySourceServerRepository,
  ManualClock,
  MemoryLog,
  RecordingCommandRunner,
  RecordingPublisher,
} from '../../../../lambdas/adapters/in-memory';
import type { LedgerEntry } from '../../../../lambdas/core/ledger';
import type { SourceServer } from '../../../../lambdas/core/model';
import type { OutcomePublisher } from '../../../../lambdas/core/ports';
import { HeldReportPublisher, holdableFacts, trimHeldReport } from '../../../../lambdas/core/program/held-report';
import { putBackToldMarks } from '../../../../lambdas/core/run/deliver-news';
import { runDoctor } from '../../../../lambdas/core/run/run-doctor';
import { DEFAULT_SETTINGS } from '../../../../lambdas/shared/settings';
import { aNodeFor, aServer, aStalledServer } from '../../../fakes/builders';
import { aServerReport, aRunReport } from '../../../fakes/reports';

const ACCOUNT = '444455556666';
const HOUR_MS = 3_600_000;
const START = new Date('2026-11-26T08:00:00Z');
const AGENT_OK = 'MGN_DOCTOR check=agent status=RUNNING service=aws-replication-agent active_state=active';

function setup(
  servers: SourceServer[],
  publisher: OutcomePublisher,
  nodes = servers.map((server) => aNodeFor(server)),
) {
  const ledger = new InMemoryLedger();
  const runner = new RecordingCommandRunner();
  runner.answers.set('RestartReplicationAgent', { status: 'Success', output: AGENT_OK });
  const clock = new ManualClock(START);
  const deps = {
    servers: new InMemorySourceServerRepository(servers),
    nodes: new InMemoryNodeDirectory(nodes),
    commands: runner,
    publisher,
    ledger,
    freePeriodMarks: ledger,
    clock,
    log: new MemoryLog(),
  };
  const run = (runId: string) =>
    runDoctor(
      { runId, trigger: 'schedule' },
      { ...DEFAULT_SETTINGS, resultWaitSeconds: 60 },
      { region: 'eu-west-1', accountId: ACCOUNT },
      deps,
    );
  return { ledger, clock, run };
}

const byId = (entries: readonly LedgerEntry[]) =>
  Object.fromEntries(entries.map((entry) => [entry.sourceServerId, entry]));

describe('a held account run', () => {
  it('saves its news as told, holds its report with one mark per told server, and counts no digest published', async () => {
    // Arrange
    const servers = [aStalledServer(), aStalledServer(), aServer()];
    const store = new InMemoryHeldReportStore();
    const holder = new HeldReportPublisher(store, 'prog-1', ACCOUNT);
    const { ledger, run } = setup(servers, holder);

    // Act
    const report = await run('prog-1');

    // Assert
    expect(report.published).toBe(false);
    expect(holder.held).toBe(true);
    const held = store.get('prog-1', ACCOUNT);
    expect(held?.facts.news).toHaveLength(2);
    expect(held?.facts.now).toEqual(START);
    const stalledIds = servers.slice(0, 2).map((server) => server.sourceServerId);
    expect(held?.told.marks.map((mark) => mark.sourceServerId).sort()).toEqual([...stalledIds].sort());
    for (const id of stalledIds) {
      expect(ledger.get(id)?.notifiedAt).toBe(START.toISOString());
      expect(held?.told.marks.find((mark) => mark.sourceServerId === id)).toEqual({
        sourceServerId: id,
        version: ledger.get(id)?.version,
      });
    }
  });

  it('puts the told entries back exactly as a failed publish of a single-account run leaves them', async () => {
    // Arrange: the same fleet, one run publishing and failing, the other holding and put back later
    const servers = [aStalledServer(), aStalledServer({ errorCode: 'UNSTABLE_NETWORK' }), aServer()];
    const failing = new RecordingPublisher();
    failing.failures = 1;
    const nodes = servers.map((server) => aNodeFor(server));
    const single = setup(servers, failing, nodes);
    const store = new InMemoryHeldReportStore();
    const hub = setup(servers, new HeldReportPublisher(store, 'prog-1', ACCOUNT), nodes);

    // Act
    await expect(single.run('prog-1')).rejects.toThrow('SNS is unavailable');
    await hub.run('prog-1');
    const held = store.get('prog-1', ACCOUNT);
    const stored = new Map((await hub.ledger.loadEntries()).map((entry) => [entry.sourceServerId, entry]));
    await putBackToldMarks(held?.told.marks ?? [], stored, { ledger: hub.ledger, log: new MemoryLog() });

    // Assert
    expect(byId(hub.ledger.entries())).toEqual(byId(single.ledger.entries()));
    expect(hub.ledger.entries().every((entry) => entry.notifiedAt === undefined)).toBe(true);
  });

  it('keeps the record of a run that wrote an entry after the hold: its version no longer matches', async () => {
    // Arrange
    const server = aStalledServer();
    const store = new InMemoryHeldReportStore();
    const { ledger, run } = setup([server], new HeldReportPublisher(store, 'prog-1', ACCOUNT));
    await run('prog-1');
    const marks = store.get('prog-1', ACCOUNT)?.told.marks ?? [];
    const later = { ...(ledger.get(server.sourceServerId) as LedgerEntry), attempts: 5 };
    await ledger.saveEntries([{ ...later, version: later.version + 1 }]);
    const log = new MemoryLog();

    // Act
    const stored = new Map((await ledger.loadEntries()).map((entry) => [entry.sourceServerId, entry]));
    await putBackToldMarks(marks, stored, { ledger, log });

    // Assert
    expect(ledger.get(server.sourceServerId)?.attempts).toBe(5);
    expect(ledger.get(server.sourceServerId)?.notifiedAt).toBe(START.toISOString());
    expect(JSON.stringify(log)).toContain('Another run updated this server first');
  });

  it('carries the free-period marks instead of saving them: they wait for the program digest', async () => {
    // Arrange: a server 1,830 hours into its 2,160 free hours
    const server = aServer({ firstByteDateTime: new Date(START.getTime() - 1830 * HOUR_MS).toISOString() });
    const store = new InMemoryHeldReportStore();
    const { ledger, run } = setup([server], new HeldReportPublisher(store, 'prog-1', ACCOUNT));

    // Act
    await run('prog-1');

    // Assert
    expect(ledger.freePeriodMarks.version).toBe(0);
    expect(store.get('prog-1', ACCOUNT)?.told.freePeriodMarks?.notified).toEqual({
      [server.sourceServerId]: 'ENDING',
    });
  });

  it('fails the account run and puts its marks back when the hold itself fails', async () => {
    // Arrange
    const server = aStalledServer();
    const store = new InMemoryHeldReportStore();
    store.failures = 1;
    const { ledger, run } = setup([server], new HeldReportPublisher(store, 'prog-1', ACCOUNT));

    // Act / Assert
    await expect(run('prog-1')).rejects.toThrow('The ledger table is unavailable');
    expect(ledger.get(server.sourceServerId)?.notifiedAt).toBeUndefined();
  });
});

describe('what a held report keeps', () => {
  it('keeps full blocks when the news is small and drops every tag', () => {
    const report = aRunReport([aServerReport('treated', aStalledServer({ tags: { owner: 'secret' } }))]);
    const facts = holdableFacts(report.facts);
    expect(facts.news[0]?.server.tags).toEqual({});
    expect(facts.news[0]?.server.osFullString).toBe(report.facts.news[0]?.server.osFullString);
  });

  it('keeps one-line facts for servers past the first ten that need no person, and counts what a trim leaves out', () => {
    const news = Array.from({ length: 150 }, (_, index) => aServerReport(index === 0 ? 'escalated' : 'treated'));
    const facts = holdableFacts(aRunReport(news).facts);
    expect(facts.news[0]?.server.osFullString).toBeDefined();
    expect(facts.news[1]?.server.osFullString).toBeUndefined();
    expect(facts.news[1]?.entry?.treatments).toHaveLength(1);
    const trimmed = trimHeldReport({ runId: 'prog-1', account: ACCOUNT, facts, omitted: 0, told: { marks: [] } }, 100);
    expect(trimmed.facts.news).toHaveLength(100);
    expect(trimmed.omitted).toBe(50);
  });
});
