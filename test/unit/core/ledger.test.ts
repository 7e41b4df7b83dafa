// The ledger's helpers: what an entry remembers (treatments, claims, pending commands), how it closes, and what
// counts as news. Table rows are the Prepare step.
import {
  appendTreatment,
  CLOSED_RETENTION_DAYS,
  closeEntry,
  hasNews,
  isInFlight,
  isRelapse,
  isRunning,
  lastTreatment,
  MAX_TREATMENTS,
  markNotified,
  newsFingerprint,
  openEntry,
  pendingCommands,
  RELAPSE_WINDOW_HOURS,
  replaceLastTreatment,
  type LedgerEntry,
} from '../../../lambdas/core/ledger';
import type { InvocationStatus } from '../../../lambdas/core/model';
import { aCommandRecord, aStalledServer, aTreatment } from '../../fakes/builders';

const NOW = new Date('2026-11-26T12:00:00Z');
const minutesAgo = (minutes: number): Date => new Date(NOW.getTime() - minutes * 60_000);
const server = aStalledServer({ hostname: 'web01', fqdn: 'web01.corp.example.com', errorCode: 'AGENT_NOT_SEEN' });

/** A stored entry (version 1), followed since ten hours ago. */
const anEntry = (overrides: Partial<LedgerEntry> = {}): LedgerEntry => ({
  ...openEntry(server, 'STALLED', minutesAgo(600)),
  version: 1,
  ...overrides,
});
const treatedAt = (...minutes: number[]): LedgerEntry =>
  minutes.reduce((entry, ago) => appendTreatment(entry, aTreatment(minutesAgo(ago))), anEntry());

describe('openEntry', () => {
  it('starts following a server: open, unsaved (version 0), untreated, since now', () => {
    // Act
    const entry = openEntry(server, 'STALLED', NOW);

    // Assess
    expect(entry).toEqual({
      sourceServerId: server.sourceServerId,
      version: 0,
      status: 'OPEN',
      condition: 'STALLED',
      errorCode: 'AGENT_NOT_SEEN',
      hostname: 'web01',
      since: NOW.toISOString(),
      attempts: 0,
      treatments: [],
    });
  });

  it.each([
    ['the hostname', { hostname: 'web01', fqdn: 'web01.corp.example.com' }, 'web01'],
    [
      'the FQDN when MGN has no hostname',
      { hostname: undefined, fqdn: 'web01.corp.example.com' },
      'web01.corp.example.com',
    ],
    ['nothing when MGN has neither', { hostname: undefined, fqdn: undefined }, undefined],
  ])('names the host by %s', (_name, names, hostname) => {
    // Act
    const entry = openEntry(aStalledServer(names), 'STALLED', NOW);

    // Assess
    expect(entry.hostname).toBe(hostname);
  });
});

describe('appendTreatment and replaceLastTreatment', () => {
  it('counts a treatment and remembers when it was', () => {
    // Prepare
    const entry = anEntry();
    const treatment = aTreatment(minutesAgo(5));

    // Act
    const treated = appendTreatment(entry, treatment);

    // Assess
    expect(treated).toMatchObject({ attempts: 1, lastAttemptAt: treatment.at, treatments: [treatment] });
    expect(entry).toMatchObject({ attempts: 0, treatments: [] });
  });

  it(`keeps the newest ${MAX_TREATMENTS} treatments, and still counts every one`, () => {
    // Prepare
    const ages = Array.from({ length: MAX_TREATMENTS + 3 }, (_, index) => 1000 - index * 60);

    // Act
    const entry = treatedAt(...ages);

    // Assess
    expect(entry.attempts).toBe(MAX_TREATMENTS + 3);
    expect(entry.treatments).toHaveLength(MAX_TREATMENTS);
    expect(entry.treatments[0]?.at).toBe(minutesAgo(ages[3] ?? 0).toISOString());
    expect(lastTreatment(entry)?.at).toBe(minutesAgo(ages[ages.length - 1] ?? 0).toISOString());
  });

  it('replaces only the last treatment and leaves the count alone', () => {
    // Prepare
    const entry = treatedAt(200, 100);
    const [first, last] = entry.treatments;
    const withResults = { ...(last ?? aTreatment(NOW)), commands: [aCommandRecord({ status: 'Failed' })] };

    // Act
    const updated = replaceLastTreatment(entry, withResults);

    // Assess
    expect(updated.treatments).toEqual([first, withResults]);
    expect(updated.attempts).toBe(2);
    expect(entry.treatments[1]).toBe(last);
  });

  it('lastTreatment is undefined for an untreated entry', () => {
    expect(lastTreatment(anEntry())).toBeUndefined();
  });
});

describe('isRunning', () => {
  it.each<[InvocationStatus, boolean]>([
    ['Pending', true],
    ['InProgress', true],
    ['Delayed', true],
    ['Cancelling', true],
    ['Success', false],
    ['Failed', false],
    ['Cancelled', false],
    ['TimedOut', false],
    ['Hibernating', false],
  ])('%s → %s (a status SSM adds later counts as finished)', (status, running) => {
    expect(isRunning(status)).toBe(running);
  });
});

describe('pendingCommands', () => {
  it('lists the running commands of the last treatment only', () => {
    // Prepare
    const running = aCommandRecord({ document: 'CheckDiskSpace', status: 'InProgress' });
    const earlier = aTreatment(minutesAgo(200), { commands: [aCommandRecord({ status: 'InProgress' })] });
    const last = aTreatment(minutesAgo(5), { commands: [aCommandRecord({ status: 'Success' }), running] });
    const entry = appendTreatment(appendTreatment(anEntry(), earlier), last);

    // Act
    const pending = pendingCommands(entry);

    // Assess
    expect(pending).toEqual([running]);
  });

  it.each([
    ['an untreated entry', anEntry()],
    ['a treatment whose commands all finished', treatedAt(10)],
    ['a treatment that sent nothing', appendTreatment(anEntry(), aTreatment(minutesAgo(5), { commands: [] }))],
  ])('nothing is pending for %s', (_name, entry) => {
    expect(pendingCommands(entry)).toEqual([]);
  });
});

describe('isInFlight', () => {
  const claimed = (until: Date, overrides: Partial<LedgerEntry> = {}): LedgerEntry => ({
    ...appendTreatment(anEntry(), aTreatment(minutesAgo(1), { commands: [], inFlightUntil: until.toISOString() })),
    ...overrides,
  });

  it.each<[string, boolean, LedgerEntry]>([
    ['a claim that ends in the future', true, claimed(minutesAgo(-5))],
    ['an escalated entry with a live claim', true, claimed(minutesAgo(-5), { status: 'ESCALATED' })],
    ['a claim that ends right now', false, claimed(NOW)],
    ['a claim that has ended', false, claimed(minutesAgo(1))],
    ['a closed entry, whatever its claim says', false, claimed(minutesAgo(-5), { status: 'CLOSED' })],
    ['a treatment whose commands were recorded (claim cleared)', false, treatedAt(1)],
    ['an untreated entry', false, anEntry()],
  ])('%s → in flight: %s', (_name, inFlight, entry) => {
    expect(isInFlight(entry, NOW)).toBe(inFlight);
  });
});

describe('isRelapse', () => {
  const closedFor = (reason: string, minutes: number): LedgerEntry =>
    closeEntry(treatedAt(minutes + 60), reason, minutesAgo(minutes), { silent: false });
  const window = RELAPSE_WINDOW_HOURS * 60;

  it.each<[string, boolean, LedgerEntry]>([
    ['recovered an hour ago', true, closedFor('RECOVERED', 60)],
    ['recovered just inside the window', true, closedFor('RECOVERED', window - 1)],
    ['recovered exactly one window ago', false, closedFor('RECOVERED', window)],
    ['recovered two days ago', false, closedFor('RECOVERED', 2880)],
    ['cleared an hour ago', false, closedFor('CLEARED', 60)],
    ['closed for a cutover an hour ago', false, closedFor('lifecycle CUTOVER', 60)],
    ['still open', false, treatedAt(60)],
    ['closed as recovered without a closing time', false, { ...closedFor('RECOVERED', 60), closedAt: undefined }],
  ])('%s → a relapse: %s', (_name, relapse, entry) => {
    expect(isRelapse(entry, NOW)).toBe(relapse);
  });
});

describe('closeEntry', () => {
  it(`closes with the reason and the time, and expires ${CLOSED_RETENTION_DAYS} days later`, () => {
    // Prepare
    const entry = treatedAt(30);

    // Act
    const closed = closeEntry(entry, 'RECOVERED', NOW, { silent: false });

    // Assess
    expect(closed).toMatchObject({
      status: 'CLOSED',
      closedAt: NOW.toISOString(),
      closedReason: 'RECOVERED',
      expiresAt: NOW.getTime() / 1000 + 30 * 86_400,
      attempts: 1,
    });
    expect(entry.status).toBe('OPEN');
  });

  it.each([
    [true, false],
    [false, true],
  ])('silent: %s → news for the next digest: %s', (silent, news) => {
    // Act
    const closed = closeEntry(treatedAt(30), 'lifecycle CUTOVER', NOW, { silent });

    // Assess
    expect(hasNews(closed)).toBe(news);
    expect(closed.notifiedAt).toBe(silent ? NOW.toISOString() : undefined);
  });
});

describe('newsFingerprint and hasNews', () => {
  const notified = markNotified(
    appendTreatment(
      anEntry({ blocker: 'OFFLINE' }),
      aTreatment(minutesAgo(30), {
        commands: [aCommandRecord({ document: 'CheckDiskSpace', status: 'Success', summary: 'status=OK' })],
        serviceAction: { action: 'RetryDataReplication', at: minutesAgo(30).toISOString(), outcome: 'SUCCEEDED' },
      }),
    ),
    minutesAgo(29),
  );
  const last = lastTreatment(notified) ?? aTreatment(NOW);
  const withLast = (change: Partial<typeof last>): LedgerEntry =>
    replaceLastTreatment(notified, { ...last, ...change });

  it('a new entry is news until it is marked notified', () => {
    // Prepare
    const entry = anEntry();

    // Act
    const marked = markNotified(entry, NOW);

    // Assess
    expect(hasNews(entry)).toBe(true);
    expect(hasNews(marked)).toBe(false);
    expect(marked).toMatchObject({ notifiedFingerprint: newsFingerprint(entry), notifiedAt: NOW.toISOString() });
    expect(entry.notifiedAt).toBeUndefined();
  });

  it.each<[string, LedgerEntry]>([
    ['the status (escalated)', { ...notified, status: 'ESCALATED' }],
    ['the closing reason', { ...notified, closedReason: 'RECOVERED' }],
    ['the condition', { ...notified, condition: 'DISCONNECTED' }],
    ['the error code', { ...notified, errorCode: 'UNSTABLE_NETWORK' }],
    ['the treatment count', { ...notified, attempts: notified.attempts + 1 }],
    ['the blocker', { ...notified, blocker: 'UNMANAGED' }],
    ['the blocker cleared', { ...notified, blocker: undefined }],
    ['a command outcome', withLast({ commands: [aCommandRecord({ document: 'CheckDiskSpace', status: 'Failed' })] })],
    ['a command of another document', withLast({ commands: [aCommandRecord({ document: 'CheckConnectivity' })] })],
    [
      'the service action outcome',
      withLast({ serviceAction: { action: 'RetryDataReplication', at: last.at, outcome: 'REFUSED' } }),
    ],
    ['a command that could not be sent', withLast({ sendErrors: ['InvalidInstanceId: not connected'] })],
  ])('a change in %s is news', (_name, changed) => {
    expect(hasNews(changed)).toBe(true);
  });

  it.each<[string, LedgerEntry]>([
    ['the version', { ...notified, version: notified.version + 5 }],
    ['the advice text', { ...notified, advice: 'Check the SSM Agent' }],
    ['the resolved node', { ...notified, nodeId: 'mi-0123456789abcdef0' }],
    ['the hostname', { ...notified, hostname: 'web01-renamed' }],
    ['the time of the last attempt', { ...notified, lastAttemptAt: NOW.toISOString() }],
    ['a command summary', withLast({ commands: [{ ...(last.commands[0] ?? aCommandRecord()), summary: 'other' }] })],
    ['a command ID', withLast({ commands: [{ ...(last.commands[0] ?? aCommandRecord()), commandId: 'x' }] })],
    ['the time of the last notification', { ...notified, notifiedAt: NOW.toISOString() }],
  ])('a change in %s alone is not news', (_name, changed) => {
    expect(hasNews(changed)).toBe(false);
  });
});
