// A run through the real MGN adapter, with MGN mocked (aws-sdk-client-mock): applications and waves come in pages,
// and the digest names each server's wave and application from the last page as well as the first.
import {
  DescribeSourceServersCommand,
  ListApplicationsCommand,
  ListWavesCommand,
  MgnClient,
  type DescribeSourceServersCommandOutput,
  type ListApplicationsCommandOutput,
  type ListWavesCommandOutput,
  type SourceServer as MgnSourceServer,
} from '@aws-sdk/client-mgn';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { MgnSourceServerRepository } from '../../../lambdas/adapters/mgn-source-server-repository';
import {
  InMemoryLedger,
  InMemoryNodeDirectory,
  ManualClock,
  MemoryLog,
  RecordingCommandRunner,
  RecordingPublisher,
} from '../../../lambdas/adapters/in-memory';
import { runDoctor } from '../../../lambdas/core/run/run-doctor';
import { DEFAULT_SETTINGS } from '../../../lambdas/shared/settings';

// client-mgn 3.523 is built on the smithy v2 type tree, aws-sdk-client-mock's typings on v4: casts (toolchain.md §3b).
const mgnMock = mockClient(MgnClient as any);
const describeCommand = DescribeSourceServersCommand as any;
const listApplications = ListApplicationsCommand as any;
const listWaves = ListWavesCommand as any;
type ServersPage = Omit<DescribeSourceServersCommandOutput, '$metadata'>;
type ApplicationsPage = Omit<ListApplicationsCommandOutput, '$metadata'>;
type WavesPage = Omit<ListWavesCommandOutput, '$metadata'>;

const id = (prefix: string, n: number): string => `${prefix}-${n.toString(16).padStart(17, '0')}`;
const stalled = (n: number, applicationID?: string): MgnSourceServer => ({
  sourceServerID: id('s', n),
  isArchived: false,
  replicationType: 'AGENT_BASED',
  applicationID,
  lifeCycle: { state: 'READY_FOR_TEST' },
  dataReplicationInfo: { dataReplicationState: 'STALLED', dataReplicationError: { error: 'AGENT_NOT_SEEN' } },
  sourceProperties: { identificationHints: { hostname: `host-${n}` } },
});

async function runOnce() {
  const publisher = new RecordingPublisher();
  await runDoctor(
    { runId: 'run1', trigger: 'schedule' },
    DEFAULT_SETTINGS,
    { region: 'eu-west-1', accountId: '111122223333' },
    {
      servers: new MgnSourceServerRepository(new MgnClient({ region: 'eu-west-1' })),
      nodes: new InMemoryNodeDirectory([]),
      commands: new RecordingCommandRunner(),
      publisher,
      ledger: new InMemoryLedger(),
      clock: new ManualClock(),
      log: new MemoryLog(),
    },
  );
  return publisher.published[0]?.text ?? '';
}

beforeEach(() => mgnMock.reset());

describe('a run names waves and applications MGN lists over several pages', () => {
  it('reads every page of both, once, and labels each server', async () => {
    // Arrange: the application and the wave of the second server are on the second pages
    const applications: ApplicationsPage[] = [
      { items: [{ applicationID: id('app', 1), name: 'payments', waveID: id('wave', 1) }], nextToken: 'a2' },
      { items: [{ applicationID: id('app', 2), name: 'crm', waveID: id('wave', 2) }] },
    ];
    const waves: WavesPage[] = [
      { items: [{ waveID: id('wave', 2), name: 'Wave 2' }], nextToken: 'w2' },
      { items: [{ waveID: id('wave', 1), name: 'Wave 1' }] },
    ];
    const servers: ServersPage = { items: [stalled(1, id('app', 1)), stalled(2, id('app', 2))] };
    mgnMock.on(describeCommand).resolves(servers as never);
    mgnMock
      .on(listApplications)
      .resolvesOnce(applications[0] as never)
      .resolvesOnce(applications[1] as never);
    mgnMock
      .on(listWaves)
      .resolvesOnce(waves[0] as never)
      .resolvesOnce(waves[1] as never);

    // Act
    const text = await runOnce();

    // Assert
    expect(mgnMock).toHaveReceivedCommandTimes(listApplications, 2);
    expect(mgnMock).toHaveReceivedNthSpecificCommandWith(2, listApplications, { nextToken: 'a2' });
    expect(mgnMock).toHaveReceivedCommandTimes(listWaves, 2);
    expect(mgnMock).toHaveReceivedNthSpecificCommandWith(2, listWaves, { nextToken: 'w2' });
    expect(text).toContain(`${id('s', 1)} host-1 · Wave 1 / payments`);
    expect(text).toContain(`${id('s', 2)} host-2 · Wave 2 / crm`);
    expect(text.indexOf('  -- Wave 1 / payments')).toBeLessThan(text.indexOf('  -- Wave 2 / crm'));
  });

  it('calls neither ListApplications nor ListWaves when no server is in an application', async () => {
    // Arrange
    const servers: ServersPage = { items: [stalled(1), stalled(2)] };
    mgnMock.on(describeCommand).resolves(servers as never);

    // Act
    const text = await runOnce();

    // Assert
    expect(mgnMock).not.toHaveReceivedCommand(listApplications);
    expect(mgnMock).not.toHaveReceivedCommand(listWaves);
    expect(text).toContain(id('s', 1));
    expect(text).not.toContain('  -- ');
  });
});
