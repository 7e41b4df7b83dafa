// The migration's own terms through whole runs (docs/design.md section 7): applications and waves are read only
// for a digest that goes out and names a server in an application; then each line carries its wave and
// application, grouped by wave; a fleet without them shows no trace of them.
import { numberedRuns } from '../../../fakes/runs';
import type { DoctorDependencies, RunRequest } from '../../../../lambdas/core/run/run-doctor';
import type { SourceServer } from '../../../../lambdas/core/model';
import { DEFAULT_SETTINGS } from '../../../../lambdas/shared/settings';
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

const [WAVE_1, WAVE_2, PAYMENTS, CRM, LEGACY] = [
  aWaveId(),
  aWaveId(),
  anApplicationId(),
  anApplicationId(),
  anApplicationId(),
];

function setup(servers: SourceServer[]) {
  const repository = new InMemorySourceServerRepository(servers);
  repository.applications = [
    { applicationId: PAYMENTS, name: 'payments', waveId: WAVE_2 },
    { applicationId: CRM, name: 'crm', waveId: WAVE_1 },
    { applicationId: LEGACY, name: 'legacy' },
  ];
  repository.waves = [
    { waveId: WAVE_2, name: 'Wave 2' },
    { waveId: WAVE_1, name: 'Wave 1' },
  ];
  const publisher = new RecordingPublisher();
  const log = new MemoryLog();
  const clock = new ManualClock();
  const deps: DoctorDependencies = {
    servers: repository,
    nodes: new InMemoryNodeDirectory([]),
    commands: new RecordingCommandRunner(),
    publisher,
    ledger: new InMemoryLedger(),
    clock,
    log,
  };
  const runNext = numberedRuns('eu-west-1');
  const run = (request: Partial<RunRequest> = {}) => runNext(request, DEFAULT_SETTINGS, deps);
  return { repository, publisher, log, clock, run };
}

const lineOf = (text: string | undefined, id: string): string | undefined =>
  text?.split('\n').find((line) => line.includes(id));

describe('waves and applications in the digest', () => {
  it('labels each server and groups it by wave and application, waves in order, servers in no wave last', async () => {
    // Arrange
    const pay = aStalledServer({ hostname: 'pay-01', applicationId: PAYMENTS });
    const crm = aStalledServer({ hostname: 'crm-01', applicationId: CRM });
    const legacy = aStalledServer({ hostname: 'legacy-01', applicationId: LEGACY });
    const loose = aStalledServer({ hostname: 'loose-01' });
    const { repository, publisher, run } = setup([pay, crm, legacy, loose]);

    // Act
    await run();

    // Assert: read once each; Wave 1 before Wave 2, then the servers in no wave
    const text = publisher.published[0]?.text;
    expect(repository.termCalls).toBe(2);
    expect(lineOf(text, pay.sourceServerId)).toContain('· Wave 2 / payments');
    expect(lineOf(text, crm.sourceServerId)).toContain('· Wave 1 / crm');
    expect(lineOf(text, legacy.sourceServerId)).toContain('· legacy');
    expect(lineOf(text, loose.sourceServerId)).not.toContain('·');
    const headings = text?.split('\n').filter((line) => line.startsWith('  -- '));
    expect(headings).toEqual([
      '  -- Wave 1 / crm: 1 server(s)',
      '  -- Wave 2 / payments: 1 server(s)',
      '  -- legacy: 1 server(s)',
      '  -- In no application: 1 server(s)',
    ]);
    expect(text).toContain('Servers with news by wave: Wave 1 1, Wave 2 1, In no wave 2');
  });

  it('a fleet without applications: no calls, no labels, no empty groupings', async () => {
    // Arrange
    const { repository, publisher, run } = setup([aStalledServer(), aStalledServer()]);

    // Act
    await run();

    // Assert
    const text = publisher.published[0]?.text ?? '';
    expect(repository.termCalls).toBe(0);
    expect(text).not.toContain(' · ');
    expect(text).not.toContain('  -- ');
    expect(text).not.toContain('by wave');
  });

  it('applications without waves: labelled and grouped by application, no wave anywhere', async () => {
    // Arrange
    const server = aStalledServer({ applicationId: LEGACY });
    const { publisher, run } = setup([server]);

    // Act
    await run();

    // Assert
    const text = publisher.published[0]?.text ?? '';
    expect(text).toContain(`${server.sourceServerId} ${server.hostname} (Ubuntu 22.04.4 LTS) · legacy`);
    expect(text).toContain('  -- legacy: 1 server(s)');
    expect(text).not.toMatch(/wave/i);
  });

  it('reads nothing when nothing is told: no news, or news an event run leaves to the next digest', async () => {
    // Arrange: one healthy server in an application; one stalled, told once already
    const healthy = aServer({ applicationId: PAYMENTS });
    const stalled = aStalledServer({ applicationId: CRM });
    const { repository, publisher, clock, run } = setup([healthy, stalled]);
    await run();
    const callsAfterFirstDigest = repository.termCalls;
    clock.advanceMinutes(1);

    // Act: a quiet scheduled run, then an event run for a new stall within notifyIntervalMinutes
    await run();
    const other = aStalledServer({ applicationId: PAYMENTS });
    repository.servers.push(other);
    const coalesced = await run({ trigger: 'event', sourceServerIds: [other.sourceServerId] });

    // Assert
    expect(callsAfterFirstDigest).toBe(2);
    expect(publisher.published).toHaveLength(1);
    expect(coalesced.coalesced).toBe(true);
    expect(repository.termCalls).toBe(2);
  });

  it('goes out without names when MGN refuses the listing: the application by ID, a warning logged', async () => {
    // Arrange
    const server = aStalledServer({ applicationId: PAYMENTS });
    const { repository, publisher, log, run } = setup([server]);
    repository.listWaves = async () => {
      throw Object.assign(new Error('not authorized to perform: mgn:ListWaves'), { name: 'AccessDeniedException' });
    };

    // Act
    await run();

    // Assert
    expect(lineOf(publisher.published[0]?.text, server.sourceServerId)).toContain(`· ${PAYMENTS}`);
    expect(log.lines.map((line) => line.message)).toContain(
      'Could not read MGN applications and waves; the digest names applications by ID',
    );
  });
});
