import {
  FREE_REPLICATION_HOURS,
  NO_FREE_PERIOD_MARKS,
  describeFreePeriodNotices,
  groupFreePeriodNotices,
  reviewFreePeriods,
  type FreePeriodMarks,
  type FreePeriodReviewInput,
} from '../../../lambdas/core/free-period';
import { indexMigrationTerms } from '../../../lambdas/core/migration-terms';
import type { SourceServer } from '../../../lambdas/core/model';
import { aServer, aWaveId, anApplicationId } from '../../fakes/builders';

const NOW = new Date('2026-11-26T08:00:00Z');
const hours = (h: number): string => `PT${h}H`;
const review = (servers: SourceServer[], overrides: Partial<FreePeriodReviewInput> = {}) =>
  reviewFreePeriods({
    servers,
    marks: NO_FREE_PERIOD_MARKS,
    warningDays: 14,
    now: NOW,
    completeListing: true,
    ...overrides,
  });

describe('reviewFreePeriods: the two thresholds (2,160 free hours, warning 14 days = 336 h before)', () => {
  it.each<[string, string | undefined, string | undefined]>([
    ['well inside the free period', 'P30D', undefined],
    ['one hour before the warning', hours(1823), undefined],
    ['at the warning threshold', hours(1824), 'ENDING'],
    ['within the last 14 days, as days and hours', 'P89DT23H59M', 'ENDING'],
    ['at the end', 'P90D', 'ENDED'],
    ['at the end, in hours', hours(FREE_REPLICATION_HOURS), 'ENDED'],
    ['long past the end', 'P200DT4H30M12.5S', 'ENDED'],
    ['no elapsed duration and no first byte', undefined, undefined],
    ['a duration this version cannot read', 'P1Y', undefined],
  ])('%s (%s): %s', (_case, elapsedReplicationDuration, phase) => {
    const server = aServer({ elapsedReplicationDuration });

    const { notices } = review([server]);

    expect(notices.map((notice) => notice.phase)).toEqual(phase === undefined ? [] : [phase]);
  });

  it('says when the free hours run out, and how many were used', () => {
    const server = aServer({
      hostname: 'web-01',
      applicationId: anApplicationId(1),
      elapsedReplicationDuration: hours(2100),
    });

    const [notice] = review([server]).notices;

    expect(notice).toEqual({
      sourceServerId: server.sourceServerId,
      hostname: 'web-01',
      applicationId: anApplicationId(1),
      phase: 'ENDING',
      elapsedHours: 2100,
      endsAt: '2026-11-28T20:00:00.000Z',
    });
  });

  it('counts from the first byte when MGN gives no elapsed duration (early rather than late)', () => {
    const firstByte = (daysAgo: number): string => new Date(NOW.getTime() - daysAgo * 86_400_000).toISOString();

    const { notices } = review([
      aServer({ hostname: 'young', firstByteDateTime: firstByte(10) }),
      aServer({ hostname: 'warned', firstByteDateTime: firstByte(80) }),
      aServer({ hostname: 'billed', firstByteDateTime: firstByte(95) }),
      aServer({ hostname: 'future', firstByteDateTime: '2027-01-01T00:00:00Z' }),
      aServer({ hostname: 'garbled', firstByteDateTime: 'yesterday' }),
    ]);

    expect(notices.map((notice) => [notice.hostname, notice.phase])).toEqual([
      ['warned', 'ENDING'],
      ['billed', 'ENDED'],
    ]);
  });

  it.each<[number, string, string | undefined]>([
    [0, hours(2159), undefined],
    [0, hours(2160), 'ENDED'],
    [90, hours(0), 'ENDING'],
    [30, hours(1440), 'ENDING'],
    [30, hours(1439), undefined],
  ])('with freePeriodWarningDays=%i, %s: %s', (warningDays, elapsed, phase) => {
    const { notices } = review([aServer({ elapsedReplicationDuration: elapsed })], { warningDays });

    expect(notices.map((notice) => notice.phase)).toEqual(phase === undefined ? [] : [phase]);
  });
});

describe('reviewFreePeriods: once at each threshold', () => {
  /** One scheduled run: review, then save the marks only if the digest was published. */
  function runs(server: SourceServer) {
    let marks: FreePeriodMarks = NO_FREE_PERIOD_MARKS;
    return (elapsedHours: number, published = true): string[] => {
      const result = review([{ ...server, elapsedReplicationDuration: hours(elapsedHours) }], { marks });
      if (published && result.changed) marks = result.marks;
      return result.notices.map((notice) => notice.phase);
    };
  }

  it('warns when the warning window opens, once, then once more when the free period ends', () => {
    const run = runs(aServer());

    expect([run(1800), run(1823), run(1824), run(1900), run(2159), run(2160), run(2200), run(3000)]).toEqual([
      [],
      [],
      ['ENDING'],
      [],
      [],
      ['ENDED'],
      [],
      [],
    ]);
  });

  it('repeats a notice whose digest was not published (nothing is lost), then stops', () => {
    const run = runs(aServer());

    expect([run(1830, false), run(1831, false), run(1832), run(1833)]).toEqual([
      ['ENDING'],
      ['ENDING'],
      ['ENDING'],
      [],
    ]);
  });

  it('a server first seen past the end gets the end notice only', () => {
    const run = runs(aServer());

    expect([run(2500), run(2600)]).toEqual([['ENDED'], []]);
  });

  it('needs no save when nothing changed, and saves the next version when something did', () => {
    const server = aServer({ elapsedReplicationDuration: hours(1900) });
    const marks: FreePeriodMarks = { version: 7, notified: { [server.sourceServerId]: 'ENDING' } };

    const quiet = review([server], { marks });
    const ended = review([{ ...server, elapsedReplicationDuration: hours(2160) }], { marks });

    expect(quiet).toEqual({ notices: [], marks: { version: 8, notified: marks.notified }, changed: false });
    expect(ended.changed).toBe(true);
    expect(ended.marks).toEqual({ version: 8, notified: { [server.sourceServerId]: 'ENDED' } });
  });

  it('re-arms when the count goes back below a threshold (a shorter warning window, or MGN restarting the count)', () => {
    const server = aServer({ elapsedReplicationDuration: hours(100) });
    const marks: FreePeriodMarks = { version: 1, notified: { [server.sourceServerId]: 'ENDED' } };

    const reset = review([server], { marks });
    const later = review([{ ...server, elapsedReplicationDuration: hours(1900) }], { marks: reset.marks });

    expect(reset).toMatchObject({ notices: [], changed: true, marks: { notified: {} } });
    expect(later.notices.map((notice) => notice.phase)).toEqual(['ENDING']);
  });

  it('keeps the mark while MGN reports no elapsed duration', () => {
    const server = aServer({ elapsedReplicationDuration: undefined });
    const marks: FreePeriodMarks = { version: 1, notified: { [server.sourceServerId]: 'ENDING' } };

    expect(review([server], { marks })).toMatchObject({ notices: [], changed: false });
  });
});

describe('reviewFreePeriods: never for finished migrations', () => {
  it.each<[string, Partial<SourceServer>]>([
    ['cut over', { lifeCycleState: 'CUTOVER', dataReplicationState: 'DISCONNECTED' }],
    ['cutting over', { lifeCycleState: 'CUTTING_OVER' }],
    ['disconnected from the service', { lifeCycleState: 'DISCONNECTED', dataReplicationState: 'DISCONNECTED' }],
    ['archived', { isArchived: true }],
  ])('%s, even long past the end, and its mark is dropped', (_case, overrides) => {
    const server = aServer({ elapsedReplicationDuration: hours(5000), ...overrides });
    const marks: FreePeriodMarks = { version: 1, notified: { [server.sourceServerId]: 'ENDING' } };

    const result = review([server], { marks });

    expect(result.notices).toEqual([]);
    expect(result.marks.notified).toEqual({});
  });

  it.each<[string, Partial<SourceServer>]>([
    ['stalled (MGN still counts the hours)', { dataReplicationState: 'STALLED' }],
    ['paused by an operator (billing goes on)', { dataReplicationState: 'PAUSED' }],
    ['ready for cutover', { lifeCycleState: 'READY_FOR_CUTOVER' }],
    ['opted out of treatment (the bill is news all the same)', { tags: { 'mgn-doctor:opt-out': 'true' } }],
  ])('but for a server that is %s', (_case, overrides) => {
    const { notices } = review([aServer({ elapsedReplicationDuration: hours(2200), ...overrides })]);

    expect(notices.map((notice) => notice.phase)).toEqual(['ENDED']);
  });
});

describe('reviewFreePeriods: marks of servers not listed', () => {
  const listed = aServer({ elapsedReplicationDuration: hours(1900) });
  const marks: FreePeriodMarks = {
    version: 4,
    notified: { [listed.sourceServerId]: 'ENDING', 's-00000000000099999': 'ENDED' },
  };

  it('a full listing drops the marks of servers gone from it (archived or deleted)', () => {
    expect(review([listed], { marks, completeListing: true }).marks.notified).toEqual({
      [listed.sourceServerId]: 'ENDING',
    });
  });

  it("a run that lists single servers keeps everybody else's marks", () => {
    const result = review([listed], { marks, completeListing: false });

    expect(result.marks.notified).toEqual(marks.notified);
    expect(result.changed).toBe(false);
  });
});

describe('per-wave notices for the digest', () => {
  const WAVE_1 = aWaveId(1);
  const WAVE_2 = aWaveId(2);
  const PAYMENTS = anApplicationId(11);
  const LEDGER = anApplicationId(12);
  const INDEX = indexMigrationTerms(
    [
      { applicationId: PAYMENTS, name: 'payments', waveId: WAVE_2 },
      { applicationId: LEDGER, name: 'ledger', waveId: WAVE_1 },
    ],
    [
      { waveId: WAVE_1, name: 'Wave 1' },
      { waveId: WAVE_2, name: 'Wave 2' },
    ],
  );
  const server = (hostname: string, elapsed: number, applicationId?: string): SourceServer =>
    aServer({ hostname, applicationId, elapsedReplicationDuration: hours(elapsed) });

  it('one line per wave, waves in order, ending and ended apart, servers in no wave last', () => {
    const { notices } = review([
      server('pay-1', 2000, PAYMENTS),
      server('led-1', 2160, LEDGER),
      server('pay-2', 2100, PAYMENTS),
      server('pay-3', 2400, PAYMENTS),
      server('lone-1', 1900),
      server('quiet', 100, LEDGER),
    ]);

    const groups = groupFreePeriodNotices(notices, INDEX);
    const lines = describeFreePeriodNotices(groups, { warningDays: 14 });

    expect(groups.map((group) => [group.wave, group.ending.length, group.ended.length])).toEqual([
      ['Wave 1', 0, 1],
      ['Wave 2', 2, 1],
      [undefined, 1, 0],
    ]);
    expect(lines).toEqual([
      'Wave 1: free MGN replication ended (now billed per server-hour) for 1 server: led-1',
      'Wave 2: free MGN replication ends by 2026-12-03 (within 14 days) for 2 servers: pay-1, pay-2; ended (now billed per server-hour) for 1 server: pay-3',
      'In no wave: free MGN replication ends by 2026-12-07 (within 14 days) for 1 server: lone-1',
    ]);
  });

  it('no wave prefix when the fleet uses none, and at most maxNames names a line', () => {
    const servers = Array.from({ length: 5 }, (_, n) => server(`srv-${n}`, 2160 + n));

    const lines = describeFreePeriodNotices(
      groupFreePeriodNotices(review(servers).notices, indexMigrationTerms([], [])),
      {
        warningDays: 14,
        maxNames: 2,
      },
    );

    expect(lines).toEqual([
      'free MGN replication ended (now billed per server-hour) for 5 servers: srv-0, srv-1 and 3 more',
    ]);
  });

  it('names a server without a hostname by its ID, and says nothing without notices', () => {
    const nameless = aServer({ hostname: undefined, elapsedReplicationDuration: hours(2200) });

    const [line] = describeFreePeriodNotices(groupFreePeriodNotices(review([nameless]).notices, INDEX), {
      warningDays: 14,
    });

    expect(line).toContain(nameless.sourceServerId);
    expect(describeFreePeriodNotices(groupFreePeriodNotices([], INDEX), { warningDays: 14 })).toEqual([]);
  });
});
