// The I/O floor: the chain of calls a first run cannot shorten, in rounds of calls in flight together, times the
// latency. The benchmark divides the handler's wall time by it.
import { generateFleet, inventoryNeedPage, minimumCalls } from '../../../scripts/bench/fleet';
import { DOCTOR_CONCURRENCY, ioFloor, runCallsOf, type RunCalls } from '../../../scripts/bench/io-floor';

const calls = (overrides: Partial<RunCalls> = {}): RunCalls => ({
  mgnPages: 2,
  ledgerPages: 1,
  inventoryPages: 7,
  treated: 120,
  documents: 3,
  commands: 9,
  digests: 1,
  ...overrides,
});

describe('ioFloor', () => {
  test('a fleet with known pages and rounds gives a known floor', () => {
    // Act
    const floor = ioFloor(calls(), 20, { ledgerWritesPerCall: 50, ledgerCalls: 1, sendRequests: 8, resultPolls: 4 });

    // Assert: 2 listing + 7 inventory + 1 cache + 3 claims + 1 send + 3 command-ID writes + 3 polls + 3 entries
    // + 1 publish
    expect(floor.steps.map((step) => [step.step, step.rounds])).toEqual([
      ['MGN listing ∥ ledger scan', 2],
      ['SSM inventory', 7],
      ['inventory cache', 1],
      ['claims', 3],
      ['send', 1],
      ['command IDs', 3],
      ['collect', 3],
      ['ledger entries', 3],
      ['publish', 1],
    ]);
    expect(floor.rounds).toBe(24);
    expect(floor.ms).toBe(480);
  });

  test('ledger writes take one round per set of transactions in flight together', () => {
    // Arrange: 100 writes to a transaction, 8 transactions in flight
    const concurrency = { ledgerWritesPerCall: 100, ledgerCalls: 8, sendRequests: 8, resultPolls: 10 };
    const ledgerRounds = (treated: number): number[] =>
      ioFloor(calls({ treated }), 20, concurrency)
        .steps.filter((step) => ['claims', 'command IDs', 'ledger entries'].includes(step.step))
        .map((step) => step.rounds);

    // Act / Assert: 120 writes are 2 transactions, one round; 1,000 are 10, two rounds; one write, one round
    expect(ledgerRounds(120)).toEqual([1, 1, 1]);
    expect(ledgerRounds(1000)).toEqual([2, 2, 2]);
    expect(ledgerRounds(1)).toEqual([1, 1, 1]);
  });

  test('a ledger scan longer than the MGN listing sets the first step; steps without calls drop out', () => {
    // Act
    const floor = ioFloor(
      calls({ mgnPages: 1, ledgerPages: 2, inventoryPages: 0, treated: 0, documents: 0, commands: 0, digests: 0 }),
      10,
    );

    // Assert
    expect(floor.steps.map((step) => [step.step, step.rounds])).toEqual([['MGN listing ∥ ledger scan', 2]]);
    expect(floor.ms).toBe(20);
  });

  test('the inventory beside the MGN listing: its pages one after another from the round its need shows', () => {
    // Arrange: 5 MGN pages, 1 scan page, 7 inventory pages
    const listing = (overrides: Partial<RunCalls>): [string, number][] =>
      ioFloor(calls({ mgnPages: 5, ...overrides }), 20)
        .steps.slice(0, 2)
        .map((step) => [step.step, step.rounds]);

    // Act / Assert: after page 2, 2 + 7 = 9 rounds (not 5 + 7); after page 1 with a 3-page scan, 3 + 7 = 10;
    // an inventory shorter than the MGN listing hides in it; without a page that tells, 5 then 7
    expect(listing({ inventoryNeedPage: 2 })).toEqual([
      ['MGN listing ∥ ledger scan ∥ SSM inventory', 9],
      ['inventory cache', 1],
    ]);
    expect(listing({ inventoryNeedPage: 1, ledgerPages: 3 })[0]).toEqual([
      'MGN listing ∥ ledger scan ∥ SSM inventory',
      10,
    ]);
    expect(listing({ inventoryNeedPage: 1, inventoryPages: 2 })[0]).toEqual([
      'MGN listing ∥ ledger scan ∥ SSM inventory',
      5,
    ]);
    expect(listing({})).toEqual([
      ['MGN listing ∥ ledger scan', 5],
      ['SSM inventory', 7],
    ]);
  });

  test('the budget fleet: 88 rounds, 1.76 s at 20 ms; 91 rounds when only the whole MGN listing tells', () => {
    // Arrange: the first stalled server is on MGN's first page
    const fleet = generateFleet({ servers: 4000, stalled: 150, nodes: 4000 });
    const runCalls = (massStallThreshold: number) =>
      runCallsOf(minimumCalls(fleet), 3, 150, inventoryNeedPage(fleet, massStallThreshold));

    // Act
    const floor = ioFloor(runCalls(0), 20, DOCTOR_CONCURRENCY);
    const sequential = ioFloor(runCalls(20), 20, DOCTOR_CONCURRENCY);

    // Assert: max(4 MGN pages, 1 scan page, 1 + 80 inventory pages), the inventory's cache, 3 ledger stages of 2
    // transactions in one round each, one send, 9 polls in one round, publish
    expect(floor.rounds).toBe(81 + 1 + 1 + 1 + 1 + 1 + 1 + 1);
    expect(floor.ms).toBe(1760);
    // With the mass-stall rule on, 4 MGN pages, then 80 inventory pages
    expect(sequential.rounds).toBe(4 + 80 + 1 + 1 + 1 + 1 + 1 + 1 + 1);
    expect(sequential.ms).toBe(1820);
  });

  test('nothing affected: the MGN listing alone', () => {
    // Act
    const floor = ioFloor(runCallsOf(minimumCalls(generateFleet({ servers: 2500, stalled: 0 })), 3, 0), 20);

    // Assert
    expect(floor.rounds).toBe(3);
  });
});
