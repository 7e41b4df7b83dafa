// The preview's ports refuse every call that would change something, so that even a core bug could not make
// `npm run check` send, publish, write or retry.
import type { LedgerEntry } from '../../../lambdas/core/ledger';
import type { SourceServer } from '../../../lambdas/core/model';
import {
  emptyLedger,
  ListedSourceServers,
  PreviewCommandRunner,
  noFreePeriodMarks,
  ReadOnlyFreePeriodMarks,
  ReadOnlyLedger,
  refusingPublisher,
} from '../../../scripts/lib/preview-ports';
import { anOutcomeReport } from '../../fakes/builders';

const entry = { sourceServerId: 's-00000000000000001', version: 1 } as LedgerEntry;
const server = (sourceServerId: string): SourceServer => ({ sourceServerId, isArchived: false, ips: [], tags: {} });

describe('preview ports', () => {
  it('never publish', async () => {
    await expect(refusingPublisher.publish(anOutcomeReport({ subject: 's', text: 't', sms: 'm' }))).rejects.toThrow(
      'The preview never publishes a digest',
    );
  });

  it('never send a command, and read results only through the runner they were given', async () => {
    const listInvocations = jest
      .fn()
      .mockResolvedValue([{ commandId: 'c', instanceId: 'mi-1', status: 'Success', output: '' }]);
    const withLedger = new PreviewCommandRunner({ listInvocations });

    await expect(
      withLedger.sendCommand({ document: 'CheckDiskSpace', instanceIds: ['mi-1'], parameters: {}, comment: '' }),
    ).rejects.toThrow('never sends an SSM command');
    await expect(withLedger.listInvocations('c')).resolves.toHaveLength(1);
    expect(listInvocations).toHaveBeenCalledWith('c');
    await expect(new PreviewCommandRunner().listInvocations('c')).rejects.toThrow('without a ledger');
  });

  it('never write the ledger', async () => {
    const loadEntries = jest.fn().mockResolvedValue([entry]);

    await expect(new ReadOnlyLedger({ loadEntries }).loadEntries()).resolves.toEqual([entry]);
    await expect(new ReadOnlyLedger({ loadEntries }).saveEntries([entry])).rejects.toThrow(
      'never writes to the ledger',
    );
    await expect(emptyLedger.loadEntries()).resolves.toEqual([]);
    await expect(emptyLedger.saveEntries([entry])).rejects.toThrow('never writes to the ledger');
  });

  it('read the free-period marks and never write them', async () => {
    const marks = { version: 3, notified: { 's-00000000000000001': 'ENDING' as const } };
    const loadFreePeriodMarks = jest.fn().mockResolvedValue(marks);

    await expect(new ReadOnlyFreePeriodMarks({ loadFreePeriodMarks }).loadFreePeriodMarks()).resolves.toEqual(marks);
    await expect(new ReadOnlyFreePeriodMarks({ loadFreePeriodMarks }).saveFreePeriodMarks(marks)).rejects.toThrow(
      'never writes the free-period marks',
    );
    await expect(noFreePeriodMarks.loadFreePeriodMarks()).resolves.toEqual({ version: 0, notified: {} });
    await expect(noFreePeriodMarks.saveFreePeriodMarks({ ...marks, version: 1 })).rejects.toThrow(
      'never writes the free-period marks',
    );
  });

  it('serve the listing made beforehand and never retry replication', async () => {
    const getReplicationSettings = jest.fn().mockResolvedValue({ bandwidthThrottling: 0 });
    const servers = new ListedSourceServers([server('s-1'), server('s-2')], {
      getReplicationSettings,
      listApplications: jest.fn(),
      listWaves: jest.fn(),
    });

    await expect(servers.listSourceServers()).resolves.toHaveLength(2);
    await expect(servers.listSourceServers({ sourceServerIds: ['s-2'] })).resolves.toEqual([server('s-2')]);
    await expect(servers.getReplicationSettings('s-1')).resolves.toEqual({ bandwidthThrottling: 0 });
    await expect(servers.retryDataReplication('s-1')).rejects.toThrow('never calls RetryDataReplication');
  });

  it("read the migration's applications and waves from MGN", async () => {
    const listApplications = jest.fn().mockResolvedValue([{ applicationId: 'app-1', name: 'payments' }]);
    const listWaves = jest.fn().mockResolvedValue([{ waveId: 'wave-1', name: 'Wave 1' }]);
    const servers = new ListedSourceServers([server('s-1')], {
      getReplicationSettings: jest.fn(),
      listApplications,
      listWaves,
    });

    await expect(servers.listApplications({ waveIds: ['wave-1'] })).resolves.toEqual([
      { applicationId: 'app-1', name: 'payments' },
    ]);
    await expect(servers.listWaves()).resolves.toEqual([{ waveId: 'wave-1', name: 'Wave 1' }]);
    expect(listApplications).toHaveBeenCalledWith({ waveIds: ['wave-1'] });
  });
});
