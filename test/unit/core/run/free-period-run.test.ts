// The free replication period through whole runs (docs/design.md section 7): scheduled runs tell each threshold
// once, in the digest, and remember it only once that digest was published.
import { numberedRuns } from '../../../fakes/runs';
import type { DoctorDependencies, RunRequest } from '../../../../lambdas/core/run/run-doctor';
import type { SourceServer } from '../../../../lambdas/core/model';
import { DEFAULT_SETTINGS, type DoctorSettings } from '../../../../lambdas/shared/settings';
import { anApplicationId, aServer, aStalledServer, aWaveId } from '../../../fakes/builders';
import {
  InMemoryLedger,
  InMemoryNodeDirectory,
  InMemorySourceServerRepository,
  ManualClock,
  MemoryLog,
  RecordingCommandRunner,
  RecordingPublisher,
} from '../../../../lambdas/adapters/in-memory';

const HOUR_MS = 3_600_000;
const START = new Date('2026-11-26T08:00:00Z');
/** The first byte so long before START that the server has used `hours` of its 2,160 free hours. */
const firstByteAfter = (hours: number): string => new Date(START.getTime() - hours * HOUR_MS).toISOString();

function setup(servers: SourceServer[], settings: Partial<DoctorSettings> = {}) {
  const repository = new InMemorySourceServerRepository(servers);
  const publisher = new RecordingPublisher();
  const ledger = new InMemoryLedger();
  const clock = new ManualClock(START);
  const deps: DoctorDependencies = {
    servers: repository,
    nodes: new InMemoryNodeDirectory([]),
    commands: new RecordingCommandRunner(),
    publisher,
    ledger,
    freePeriodMarks: ledger,
    clock,
    log: new MemoryLog(),
  };
  const runNext = numberedRuns('eu-west-1');
  const run = (request: Partial<RunRequest> = {}) => runNext(request, { ...DEFAULT_SETTINGS, ...settings }, deps);
  const freePeriodText = () => publisher.published.at(-1)?.text.split('== Free replication period')[1] ?? '';
  return { repository, publisher, ledger, clock, run, freePeriodText };
}

describe('free-period notices in scheduled runs', () => {
  it('warns once when the last 14 days begin and once when the free hours run out, each in one digest', async () => {
    // Arrange: 1,830 hours used, so inside the last 14 days (from 1,824 hours)
    const server = aServer({ hostname: 'erp-db-01', firstByteDateTime: firstByteAfter(1830) });
    const { publisher, clock, run, freePeriodText } = setup([server]);

    // Act: the warning, a quiet day, then past the end (2,160 hours), then a quiet day
    await run();
    const afterWarning = publisher.published.length;
    clock.advance(24 * HOUR_MS);
    await run();
    const afterQuietDay = publisher.published.length;
    clock.advance(14 * 24 * HOUR_MS);
    await run();
    const ended = freePeriodText();
    clock.advance(24 * HOUR_MS);
    await run();

    // Assert
    expect(afterWarning).toBe(1);
    expect(publisher.published[0]?.text).toContain('free MGN replication ends by 2026-12-10 (within 14 days)');
    expect(publisher.published[0]?.text).toContain('1 server: erp-db-01');
    expect(publisher.published[0]?.subject).toBe('MGN eu-west-1: 1 free-period notice (111122223333)');
    expect(publisher.published[0]?.sms.length).toBeLessThanOrEqual(140);
    expect(afterQuietDay).toBe(1);
    expect(ended).toContain('free MGN replication ended (now billed per server-hour) for 1 server: erp-db-01');
    expect(publisher.published).toHaveLength(2);
  });

  it('never warns for cut-over, cutting-over or archived servers, and reads no marks for an event run', async () => {
    // Arrange: all past the end of their free hours
    const past = firstByteAfter(2500);
    const finished = [
      aServer({ lifeCycleState: 'CUTOVER', firstByteDateTime: past }),
      aServer({ lifeCycleState: 'CUTTING_OVER', firstByteDateTime: past }),
      aServer({ isArchived: true, firstByteDateTime: past }),
    ];
    const stalled = aStalledServer({ firstByteDateTime: past });
    const { publisher, ledger, run } = setup([...finished, stalled]);

    // Act
    await run({ trigger: 'event', sourceServerIds: [stalled.sourceServerId] });
    const marksAfterEvent = ledger.freePeriodMarks;
    await run();

    // Assert: the event run's digest has no free-period section; the scheduled run names only the stalled server
    expect(publisher.published[0]?.text).not.toContain('Free replication period');
    expect(marksAfterEvent.version).toBe(0);
    expect(Object.keys(ledger.freePeriodMarks.notified)).toEqual([stalled.sourceServerId]);
    for (const server of finished) expect(publisher.published[1]?.text).not.toContain(server.hostname as string);
  });

  it('tells a notice again after a failed publish, and remembers it only once a digest carried it', async () => {
    // Arrange
    const server = aServer({ hostname: 'web-07', firstByteDateTime: firstByteAfter(1900) });
    const { publisher, ledger, clock, run } = setup([server]);
    publisher.failures = 1;

    // Act
    await expect(run()).rejects.toThrow('SNS is unavailable');
    const marksAfterFailure = ledger.freePeriodMarks;
    clock.advance(HOUR_MS);
    await run();
    clock.advance(HOUR_MS);
    await run();

    // Assert
    expect(marksAfterFailure.version).toBe(0);
    expect(publisher.published).toHaveLength(1);
    expect(publisher.published[0]?.text).toContain('web-07');
    expect(ledger.freePeriodMarks.notified).toEqual({ [server.sourceServerId]: 'ENDING' });
  });

  it('in a dry run, tells but never writes the marks', async () => {
    // Arrange
    const server = aServer({ firstByteDateTime: firstByteAfter(1900) });
    const { publisher, ledger, run } = setup([server], { dryRun: true });

    // Act
    await run();
    await run();

    // Assert
    expect(publisher.published).toHaveLength(2);
    expect(ledger.freePeriodMarks.version).toBe(0);
  });

  it('one line per wave, the waves read once, in the digest after the news', async () => {
    // Arrange
    const [wave1, wave2, payments, crm] = [aWaveId(), aWaveId(), anApplicationId(), anApplicationId()];
    const servers = [
      aServer({ hostname: 'pay-01', applicationId: payments, firstByteDateTime: firstByteAfter(1900) }),
      aServer({ hostname: 'crm-01', applicationId: crm, firstByteDateTime: firstByteAfter(2200) }),
    ];
    const { repository, publisher, run, freePeriodText } = setup(servers);
    repository.applications = [
      { applicationId: payments, name: 'payments', waveId: wave1 },
      { applicationId: crm, name: 'crm', waveId: wave2 },
    ];
    repository.waves = [
      { waveId: wave2, name: 'Wave 10' },
      { waveId: wave1, name: 'Wave 2' },
    ];

    // Act
    await run();

    // Assert
    expect(repository.termCalls).toBe(2);
    expect(freePeriodText().trim().split('\n').slice(1)).toEqual([
      expect.stringMatching(/^ {2}Wave 2: free MGN replication ends by .* for 1 server: pay-01$/),
      expect.stringMatching(
        /^ {2}Wave 10: free MGN replication ended \(now billed per server-hour\) for 1 server: crm-01$/,
      ),
    ]);
    expect(publisher.published[0]?.text).toMatch(/== Free replication period \(2\) ==/);
  });
});
