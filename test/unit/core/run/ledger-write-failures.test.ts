// A stage's ledger writes go to the ledger together; a write that fails on its own never costs the others
// (docs/design.md section 8, the ledger): the claims a run cannot act without, and the command IDs it writes again.
import type { LedgerEntry } from '../../../../lambdas/core/ledger';
import type { SaveOutcome } from '../../../../lambdas/core/ports';
import { runDoctor, type DoctorDependencies } from '../../../../lambdas/core/run/run-doctor';
import { DEFAULT_SETTINGS } from '../../../../lambdas/shared/settings';
import { aNodeFor, aStalledServer } from '../../../fakes/builders';
import {
  InMemoryLedger,
  InMemoryNodeDirectory,
  InMemorySourceServerRepository,
  ManualClock,
  MemoryLog,
  RecordingCommandRunner,
  RecordingPublisher,
} from '../../../../lambdas/adapters/in-memory';

/** Fails one server's write in the given stage (1 = claims, 2 = command IDs, 3 = final entries). */
class LedgerFailingOnce extends InMemoryLedger {
  stages = 0;
  readonly batchSizes: number[] = [];

  constructor(
    private readonly stage: number,
    private readonly sourceServerId: string,
  ) {
    super();
  }

  async saveEntries(entries: readonly LedgerEntry[]): Promise<SaveOutcome[]> {
    this.stages += 1;
    this.batchSizes.push(entries.length);
    if (this.stages === this.stage) this.failOnce.add(this.sourceServerId);
    return super.saveEntries(entries);
  }
}

function setup(count: number, failingStage: number, failingIndex: number) {
  const servers = Array.from({ length: count }, () => aStalledServer());
  const failing = servers[failingIndex]?.sourceServerId as string;
  const ledger = new LedgerFailingOnce(failingStage, failing);
  const log = new MemoryLog();
  const deps: DoctorDependencies = {
    servers: new InMemorySourceServerRepository(servers),
    nodes: new InMemoryNodeDirectory(servers.map((server) => aNodeFor(server))),
    commands: new RecordingCommandRunner(),
    publisher: new RecordingPublisher(),
    ledger,
    clock: new ManualClock(),
    log,
  };
  const run = () =>
    runDoctor(
      { runId: 'run1', trigger: 'schedule' },
      { ...DEFAULT_SETTINGS, resultWaitSeconds: 60, massStallThreshold: 0 },
      { region: 'us-east-1', accountId: '111122223333' },
      deps,
    );
  return { servers, failing, ledger, log, run };
}

describe('ledger writes that fail on their own', () => {
  it.each([
    [1, 0],
    [150, 75],
    [1000, 999],
  ])('%i servers: each stage hands the ledger all its writes at once', async (count) => {
    const { ledger, run } = setup(count, 0, 0);

    await run();

    expect(ledger.batchSizes).toEqual([count, count, count]);
  });

  it.each([
    [1, 0],
    [150, 75],
    [1000, 999],
  ])(
    '%i servers, the claim of the one at %i fails: the run fails once every other claim is written',
    async (count, index) => {
      const { failing, ledger, run } = setup(count, 1, index);

      await expect(run()).rejects.toThrow('ServiceUnavailable');

      expect(ledger.items.has(failing)).toBe(false);
      expect(ledger.items.size).toBe(count - 1);
      for (const entry of ledger.items.values()) expect(entry.treatments.at(-1)?.inFlightUntil).toBeDefined();
    },
  );

  it.each([
    [150, 0],
    [1000, 437],
  ])(
    '%i servers, the command IDs of the one at %i are not written: the others are, and the end of the run writes its own',
    async (count, index) => {
      const { failing, ledger, log, run } = setup(count, 2, index);

      const report = await run();

      expect(report.servers.filter((server) => server.action === 'TREATED')).toHaveLength(count);
      expect(log.lines.filter((line) => line.message === 'Could not record sent commands yet')).toEqual([
        expect.objectContaining({ attributes: expect.objectContaining({ sourceServerId: failing }) }),
      ]);
      for (const entry of ledger.items.values()) {
        expect(entry.treatments.at(-1)?.commands.length).toBeGreaterThan(0);
        expect(entry.treatments.at(-1)?.inFlightUntil).toBeUndefined();
      }
      // Claim, command IDs, final entry: one write fewer for the server whose command IDs failed.
      expect(ledger.items.get(failing)?.version).toBe(2);
      expect(ledger.writes).toBe(3 * count - 1);
    },
  );
});
