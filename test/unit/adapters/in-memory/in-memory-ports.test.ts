// The in-memory ports keep the AWS semantics the core relies on: MGN refuses a retry that is not due, the
// ledger's write is conditional on the version, and Run Command reports InProgress until a result exists.
import {
  InMemoryLedger,
  InMemorySourceServerRepository,
  ManualClock,
  RecordingCommandRunner,
} from '../../../../lambdas/adapters/in-memory';
import { openEntry } from '../../../../lambdas/core/ledger';
import { aServer, aStalledServer, aWaveId, anApplicationId } from '../../../fakes/builders';

describe('InMemorySourceServerRepository', () => {
  it('lists the servers MGN would list: no archived ones, only the IDs asked for', async () => {
    // Prepare
    const [live, other, archived] = [aServer(), aServer(), aServer({ isArchived: true })];
    const repository = new InMemorySourceServerRepository([live, other, archived]);

    // Act
    const all = await repository.listSourceServers();
    const one = await repository.listSourceServers({ sourceServerIds: [other.sourceServerId] });

    // Assess
    expect(all).toEqual([live, other]);
    expect(one).toEqual([other]);
  });

  it('accepts RetryDataReplication for a stalled server and records when', async () => {
    // Prepare
    const stalled = aStalledServer();
    const repository = new InMemorySourceServerRepository([stalled], new ManualClock(new Date('2026-11-26T09:00:00Z')));

    // Act
    await repository.retryDataReplication(stalled.sourceServerId);

    // Assess
    expect(repository.retryCalls).toEqual([
      {
        at: '2026-11-26T09:00:00.000Z',
        action: 'RetryDataReplication',
        sourceServerId: stalled.sourceServerId,
        outcome: 'accepted',
      },
    ]);
  });

  it.each([
    ['a server that is not stalled', aServer(), 'ValidationException'],
    ['a server MGN does not know', undefined, 'ResourceNotFoundException'],
  ])('refuses RetryDataReplication for %s, as MGN does', async (_name, server, errorName) => {
    // Prepare
    const repository = new InMemorySourceServerRepository(server ? [server] : []);
    const sourceServerId = server?.sourceServerId ?? 's-00000000000000999';

    // Act
    const retry = repository.retryDataReplication(sourceServerId);

    // Assess
    await expect(retry).rejects.toMatchObject({ name: errorName });
    expect(repository.retryCalls).toMatchObject([{ sourceServerId, outcome: 'refused' }]);
    expect(repository.retried).toEqual([sourceServerId]);
  });
});

describe('InMemorySourceServerRepository: applications and waves', () => {
  const [PAYMENTS, INTRANET] = [anApplicationId(1), anApplicationId(2)];
  const [WAVE_1, WAVE_2] = [aWaveId(1), aWaveId(2)];

  it('filters servers by application and applications by wave, as MGN does', async () => {
    // Prepare
    const [pay, intra, none] = [aServer({ applicationId: PAYMENTS }), aServer({ applicationId: INTRANET }), aServer()];
    const repository = new InMemorySourceServerRepository([
      pay,
      intra,
      none,
      aServer({ applicationId: PAYMENTS, isArchived: true }),
    ]);
    repository.applications = [
      { applicationId: PAYMENTS, name: 'payments', waveId: WAVE_1 },
      { applicationId: INTRANET, name: 'intranet', waveId: WAVE_2 },
    ];
    repository.waves = [{ waveId: WAVE_1, name: 'Wave 1' }];

    // Act
    const inPayments = await repository.listSourceServers({ applicationIds: [PAYMENTS] });
    const inNone = await repository.listSourceServers({ applicationIds: [] });
    const both = await repository.listSourceServers({
      sourceServerIds: [pay.sourceServerId],
      applicationIds: [INTRANET],
    });
    const inWave = await repository.listApplications({ waveIds: [WAVE_2] });
    const waves = await repository.listWaves();

    // Assess
    expect([inPayments, inNone, both]).toEqual([[pay], [], []]);
    expect(inWave.map((application) => application.name)).toEqual(['intranet']);
    expect(await repository.listApplications()).toHaveLength(2);
    expect(waves).toEqual([{ waveId: WAVE_1, name: 'Wave 1' }]);
    expect(repository.termCalls).toBe(3);
  });
});

describe('InMemoryLedger', () => {
  const now = new Date('2026-11-26T08:00:00Z');

  it('writes an entry only over the version before it, like the DynamoDB adapter', async () => {
    // Prepare
    const ledger = new InMemoryLedger();
    const first = { ...openEntry(aStalledServer(), 'STALLED', now), version: 1 };

    // Act
    const created = await ledger.saveEntry(first);
    const again = await ledger.saveEntry(first);
    const next = await ledger.saveEntry({ ...first, version: 2 });
    const skipped = await ledger.saveEntry({ ...first, version: 4 });

    // Assess
    expect([created, again, next, skipped]).toEqual(['SAVED', 'CONFLICT', 'SAVED', 'CONFLICT']);
    expect(ledger.get(first.sourceServerId)?.version).toBe(2);
    expect(ledger.writes).toBe(2);
  });

  it('conflicts once on demand, as if another run wrote first', async () => {
    // Prepare
    const ledger = new InMemoryLedger();
    const entry = { ...openEntry(aStalledServer(), 'STALLED', now), version: 1 };
    ledger.conflictOnce.add(entry.sourceServerId);

    // Act
    const results = [await ledger.saveEntry(entry), await ledger.saveEntry(entry)];

    // Assess
    expect(results).toEqual(['CONFLICT', 'SAVED']);
  });

  it('saves free-period marks only over the version before them', async () => {
    // Prepare
    const ledger = new InMemoryLedger();
    const marks = { version: 1, notified: { 's-00000000000000001': 'ENDING' as const } };

    // Act
    const before = await ledger.loadFreePeriodMarks();
    const results = [
      await ledger.saveFreePeriodMarks(marks),
      await ledger.saveFreePeriodMarks(marks),
      await ledger.saveFreePeriodMarks({ version: 2, notified: {} }),
    ];

    // Assess
    expect(before).toEqual({ version: 0, notified: {} });
    expect(results).toEqual(['SAVED', 'CONFLICT', 'SAVED']);
    expect(await ledger.loadFreePeriodMarks()).toEqual({ version: 2, notified: {} });
  });

  it('hands out copies, so a caller cannot change what is stored', async () => {
    // Prepare
    const ledger = new InMemoryLedger();
    const entry = { ...openEntry(aStalledServer(), 'STALLED', now), version: 1 };
    await ledger.saveEntry(entry);

    // Act
    const [loaded] = await ledger.loadEntries();
    (loaded as { attempts: number }).attempts = 99;

    // Assess
    expect(ledger.get(entry.sourceServerId)?.attempts).toBe(0);
  });
});

describe('RecordingCommandRunner', () => {
  it('reports InProgress for the pending polls, then the scripted answer', async () => {
    // Prepare
    const runner = new RecordingCommandRunner();
    runner.answers.set('CheckDiskSpace', {
      status: 'Failed',
      output: 'MGN_DOCTOR check=disk status=LOW',
      pendingPolls: 1,
    });
    const [batch] = await runner.sendCommand({
      document: 'CheckDiskSpace',
      instanceIds: ['mi-00000000000000001'],
      parameters: {},
      comment: 'test',
    });
    const commandId = batch && 'commandId' in batch ? batch.commandId : '';

    // Act
    const [first] = await runner.listInvocations(commandId);
    const [second] = await runner.listInvocations(commandId);

    // Assess
    expect(first).toMatchObject({ status: 'InProgress', output: '' });
    expect(second).toMatchObject({ status: 'Failed', responseCode: 1, output: 'MGN_DOCTOR check=disk status=LOW' });
  });
});
