import {
  DescribeSourceServersCommand,
  GetReplicationConfigurationCommand,
  ListApplicationsCommand,
  ListWavesCommand,
  MgnClient,
  RetryDataReplicationCommand,
  type Application as MgnApplication,
  type DataReplicationErrorString,
  type DataReplicationState,
  type DescribeSourceServersCommandOutput,
  type GetReplicationConfigurationCommandOutput,
  type LifeCycleState,
  type ListApplicationsCommandOutput,
  type ListWavesCommandOutput,
  type RetryDataReplicationCommandOutput,
  type SourceServer as MgnSourceServer,
} from '@aws-sdk/client-mgn';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { MgnSourceServerRepository } from '../../../lambdas/adapters/mgn-source-server-repository';

// client-mgn 3.523 is built on the smithy v2 type tree, aws-sdk-client-mock's typings on v4: the client and
// command classes need a cast (toolchain.md §3b). Fixtures stay typed through the output types below.
type Page = Omit<DescribeSourceServersCommandOutput, '$metadata'>;
const mgnMock = mockClient(MgnClient as any);
const describeCommand = DescribeSourceServersCommand as any;

const ACCOUNT = '111122223333';
const serverId = (n: number): string => `s-${n.toString(16).padStart(17, '0')}`;
const serverArn = (id: string): string => `arn:aws:mgn:us-east-1:${ACCOUNT}:source-server/${id}`;
const minimal = (id: string): MgnSourceServer => ({ sourceServerID: id });
const applicationId = (n: number): string => `app-${n.toString(16).padStart(17, '0')}`;
const waveId = (n: number): string => `wave-${n.toString(16).padStart(17, '0')}`;

const STALLED_SERVER: MgnSourceServer = {
  sourceServerID: 's-3a1b2c3d4e5f60718',
  arn: serverArn('s-3a1b2c3d4e5f60718'),
  isArchived: false,
  tags: { Name: 'db-01', 'mgn-doctor:ssm-node-id': 'mi-0123456789abcdef0' },
  replicationType: 'AGENT_BASED',
  lifeCycle: {
    state: 'NOT_READY',
    addedToServiceDateTime: '2026-11-20T08:00:00+00:00',
    lastSeenByServiceDateTime: '2026-11-26T09:41:12+00:00',
  },
  dataReplicationInfo: {
    dataReplicationState: 'STALLED',
    dataReplicationError: { error: 'AGENT_NOT_SEEN', rawError: 'Agent has not been seen for 3600 seconds' },
    lagDuration: 'PT2H15M',
    etaDateTime: '2026-11-26T12:00:00+00:00',
    replicatedDisks: [
      {
        deviceName: '/dev/sda',
        totalStorageBytes: 107374182400,
        replicatedStorageBytes: 96636764160,
        backloggedStorageBytes: 1048576,
      },
      {
        deviceName: '/dev/sdb',
        totalStorageBytes: 53687091200,
        replicatedStorageBytes: 53687091200,
        backloggedStorageBytes: 2097152,
      },
    ],
    // Not in client-mgn 3.523's types, but in the current model and on the wire.
    ...{ replicatorId: 'i-0a1b2c3d4e5f60718' },
  },
  sourceProperties: {
    identificationHints: { hostname: 'db-01', fqdn: 'db-01.corp.example.com', awsInstanceID: 'i-0fedcba9876543210' },
    os: { fullString: 'Red Hat Enterprise Linux release 8.9 (Ootpa)' },
    networkInterfaces: [
      { macAddress: '00:50:56:aa:bb:01', ips: ['192.168.20.15'], isPrimary: false },
      { macAddress: '00:50:56:aa:bb:00', ips: ['10.0.4.21', 'fe80::250:56ff:feaa:bb00'], isPrimary: true },
    ],
    ramBytes: 17179869184,
  },
};

beforeEach(() => mgnMock.reset());

describe('MgnSourceServerRepository.listSourceServers', () => {
  it('asks for non-archived servers, 1000 at a time, and follows nextToken over every page', async () => {
    // Arrange
    const pages: Page[] = [
      { items: [minimal(serverId(1)), minimal(serverId(2))], nextToken: 'token-2' },
      { items: [minimal(serverId(3))], nextToken: 'token-3' },
      { items: [minimal(serverId(4))] },
    ];
    mgnMock
      .on(describeCommand)
      .resolvesOnce(pages[0] as never)
      .resolvesOnce(pages[1] as never)
      .resolvesOnce(pages[2] as never);
    const repository = new MgnSourceServerRepository(new MgnClient({}));

    // Act
    const servers = await repository.listSourceServers();

    // Assert
    expect(servers.map((server) => server.sourceServerId)).toEqual([
      serverId(1),
      serverId(2),
      serverId(3),
      serverId(4),
    ]);
    expect(mgnMock).toHaveReceivedCommandTimes(describeCommand, 3);
    expect(mgnMock).toHaveReceivedNthSpecificCommandWith(1, describeCommand, {
      filters: { isArchived: false },
      maxResults: 1000,
      nextToken: undefined,
    });
    expect(mgnMock).toHaveReceivedNthSpecificCommandWith(2, describeCommand, {
      filters: { isArchived: false },
      maxResults: 1000,
      nextToken: 'token-2',
    });
    expect(mgnMock).toHaveReceivedNthSpecificCommandWith(3, describeCommand, {
      filters: { isArchived: false },
      maxResults: 1000,
      nextToken: 'token-3',
    });
  });

  it('shows each page’s servers to onPage as it arrives, before asking for the next', async () => {
    // Arrange
    const seen: string[][] = [];
    const callsWhenSeen: number[] = [];
    mgnMock
      .on(describeCommand)
      .resolvesOnce({ items: [minimal(serverId(1)), { arn: 'no ID' }], nextToken: 'token-2' } as never)
      .resolvesOnce({ items: [minimal(serverId(2))] } as never);
    const repository = new MgnSourceServerRepository(new MgnClient({}));

    // Act
    const servers = await repository.listSourceServers(undefined, (page) => {
      seen.push(page.map((server) => server.sourceServerId));
      callsWhenSeen.push(mgnMock.commandCalls(describeCommand).length);
    });

    // Assert: the pages as the doctor maps them (an item without an ID dropped), the first before page 2 was asked
    expect(seen).toEqual([[serverId(1)], [serverId(2)]]);
    expect(callsWhenSeen).toEqual([1, 2]);
    expect(servers.map((server) => server.sourceServerId)).toEqual([serverId(1), serverId(2)]);
  });

  it('filters by source server IDs, at most 200 per request, without duplicates', async () => {
    // Arrange
    const ids = Array.from({ length: 250 }, (_, n) => serverId(n));
    mgnMock.on(describeCommand).callsFake((input: { filters: { sourceServerIDs: string[] } }) => ({
      items: input.filters.sourceServerIDs.map(minimal),
    }));
    const repository = new MgnSourceServerRepository(new MgnClient({}));

    // Act
    const servers = await repository.listSourceServers({ sourceServerIds: [...ids, serverId(0)] });

    // Assert
    expect(servers).toHaveLength(250);
    expect(mgnMock).toHaveReceivedCommandTimes(describeCommand, 2);
    expect(mgnMock).toHaveReceivedNthSpecificCommandWith(1, describeCommand, {
      filters: { isArchived: false, sourceServerIDs: ids.slice(0, 200) },
      maxResults: 1000,
    });
    expect(mgnMock).toHaveReceivedNthSpecificCommandWith(2, describeCommand, {
      filters: { isArchived: false, sourceServerIDs: ids.slice(200) },
      maxResults: 1000,
    });
  });

  it('makes no call for an empty ID filter (an empty filter would list every server)', async () => {
    // Arrange
    mgnMock.on(describeCommand).resolves({ items: [minimal(serverId(9))] } satisfies Page as never);
    const repository = new MgnSourceServerRepository(new MgnClient({}));

    // Act
    const servers = await repository.listSourceServers({ sourceServerIds: [] });

    // Assert
    expect(servers).toEqual([]);
    expect(mgnMock).toHaveReceivedCommandTimes(describeCommand, 0);
  });

  it('filters by application IDs on the MGN side, at most 200 per request, without duplicates', async () => {
    // Arrange
    const applicationIds = Array.from({ length: 250 }, (_, n) => applicationId(n));
    mgnMock.on(describeCommand).callsFake((input: { filters: { applicationIDs: string[] } }) => ({
      items: input.filters.applicationIDs.map((id, n) => ({ ...minimal(serverId(n)), applicationID: id })),
    }));
    const repository = new MgnSourceServerRepository(new MgnClient({}));

    // Act
    const servers = await repository.listSourceServers({ applicationIds: [...applicationIds, applicationId(7)] });

    // Assert
    expect(servers.map((server) => server.applicationId)).toEqual(applicationIds);
    expect(mgnMock).toHaveReceivedCommandTimes(describeCommand, 2);
    expect(mgnMock).toHaveReceivedNthSpecificCommandWith(1, describeCommand, {
      filters: { isArchived: false, applicationIDs: applicationIds.slice(0, 200) },
      maxResults: 1000,
    });
    expect(mgnMock).toHaveReceivedNthSpecificCommandWith(2, describeCommand, {
      filters: { isArchived: false, applicationIDs: applicationIds.slice(200) },
      maxResults: 1000,
    });
  });

  it('combines ID and application filters in every request, and makes no call for an empty application list', async () => {
    // Arrange
    mgnMock.on(describeCommand).resolves({ items: [] } satisfies Page as never);
    const repository = new MgnSourceServerRepository(new MgnClient({}));
    const ids = Array.from({ length: 201 }, (_, n) => serverId(n));

    // Act
    await repository.listSourceServers({ sourceServerIds: ids, applicationIds: [applicationId(1)] });
    const none = await repository.listSourceServers({ sourceServerIds: ids, applicationIds: [] });

    // Assert
    expect(none).toEqual([]);
    expect(mgnMock).toHaveReceivedCommandTimes(describeCommand, 2);
    expect(mgnMock).toHaveReceivedNthSpecificCommandWith(2, describeCommand, {
      filters: { isArchived: false, sourceServerIDs: ids.slice(200), applicationIDs: [applicationId(1)] },
      maxResults: 1000,
    });
  });

  it('maps what the migration terms and the free replication period need', async () => {
    // Arrange
    const item: MgnSourceServer = {
      ...minimal(serverId(8)),
      applicationID: applicationId(3),
      lifeCycle: {
        state: 'READY_FOR_TEST',
        firstByteDateTime: '2026-09-01T10:00:00+00:00',
        elapsedReplicationDuration: 'P86DT4H',
      },
    };
    mgnMock.on(describeCommand).resolves({ items: [item] } satisfies Page as never);
    const repository = new MgnSourceServerRepository(new MgnClient({}));

    // Act
    const [server] = await repository.listSourceServers();

    // Assert
    expect(server).toMatchObject({
      applicationId: applicationId(3),
      firstByteDateTime: '2026-09-01T10:00:00+00:00',
      elapsedReplicationDuration: 'P86DT4H',
    });
  });

  it('flattens a full source server into the domain shape', async () => {
    // Arrange
    mgnMock.on(describeCommand).resolves({ items: [STALLED_SERVER] } satisfies Page as never);
    const repository = new MgnSourceServerRepository(new MgnClient({}));

    // Act
    const [server] = await repository.listSourceServers();

    // Assert
    expect(server).toEqual({
      sourceServerId: 's-3a1b2c3d4e5f60718',
      arn: 'arn:aws:mgn:us-east-1:111122223333:source-server/s-3a1b2c3d4e5f60718',
      isArchived: false,
      replicationType: 'AGENT_BASED',
      lifeCycleState: 'NOT_READY',
      lastSeenByServiceDateTime: '2026-11-26T09:41:12+00:00',
      dataReplicationState: 'STALLED',
      errorCode: 'AGENT_NOT_SEEN',
      rawError: 'Agent has not been seen for 3600 seconds',
      lagDuration: 'PT2H15M',
      etaDateTime: '2026-11-26T12:00:00+00:00',
      replicatorId: 'i-0a1b2c3d4e5f60718',
      backloggedStorageBytes: 3145728,
      hostname: 'db-01',
      fqdn: 'db-01.corp.example.com',
      awsInstanceId: 'i-0fedcba9876543210',
      osFullString: 'Red Hat Enterprise Linux release 8.9 (Ootpa)',
      ips: ['10.0.4.21', 'fe80::250:56ff:feaa:bb00', '192.168.20.15'],
      tags: { Name: 'db-01', 'mgn-doctor:ssm-node-id': 'mi-0123456789abcdef0' },
    });
  });

  it('maps a server that has nothing but its ID, leaving the rest undefined', async () => {
    // Arrange
    mgnMock.on(describeCommand).resolves({ items: [minimal('s-0000000000000000a')] } satisfies Page as never);
    const repository = new MgnSourceServerRepository(new MgnClient({}));

    // Act
    const [server] = await repository.listSourceServers();

    // Assert: toStrictEqual would also accept absent keys; check the values that have defaults exactly.
    expect(server).toEqual({ sourceServerId: 's-0000000000000000a', isArchived: false, ips: [], tags: {} });
    expect(server?.backloggedStorageBytes).toBeUndefined();
    expect(server?.dataReplicationState).toBeUndefined();
  });

  it('makes names the agent reports about its host plain text, so they cannot forge digest lines', async () => {
    // Arrange
    const forged = 'web01\n[ESCALATED] s-00000000000000000 all fine\u2028\u202eevil';
    const item: MgnSourceServer = {
      sourceServerID: 's-0000000000000000b',
      sourceProperties: {
        identificationHints: { hostname: forged, fqdn: `${'a'.repeat(300)}.example.com` },
        os: { fullString: 'Linux\r\nInjected: yes' },
      },
    };
    mgnMock.on(describeCommand).resolves({ items: [item] } satisfies Page as never);
    const repository = new MgnSourceServerRepository(new MgnClient({}));

    // Act
    const [server] = await repository.listSourceServers();

    // Assert
    expect(server?.hostname).toBe('web01 [ESCALATED] s-00000000000000000 all fine evil');
    expect(server?.osFullString).toBe('Linux Injected: yes');
    expect(server?.fqdn?.length).toBeLessThanOrEqual(255);
  });

  it('passes enum values it does not know through as strings', async () => {
    // Arrange
    const future: MgnSourceServer = {
      sourceServerID: serverId(5),
      lifeCycle: { state: 'HIBERNATING' as LifeCycleState },
      dataReplicationInfo: {
        dataReplicationState: 'QUANTUM_SYNC' as DataReplicationState,
        dataReplicationError: { error: 'FAILED_TO_FLUX_CAPACITATE' as DataReplicationErrorString },
      },
    };
    mgnMock.on(describeCommand).resolves({ items: [future] } satisfies Page as never);
    const repository = new MgnSourceServerRepository(new MgnClient({}));

    // Act
    const [server] = await repository.listSourceServers();

    // Assert
    expect(server).toMatchObject({
      lifeCycleState: 'HIBERNATING',
      dataReplicationState: 'QUANTUM_SYNC',
      errorCode: 'FAILED_TO_FLUX_CAPACITATE',
    });
  });

  it('leaves the backlog undefined when no disk reports one, and sums only reported values', async () => {
    // Arrange
    const items: MgnSourceServer[] = [
      { sourceServerID: serverId(6), dataReplicationInfo: { replicatedDisks: [] } },
      {
        sourceServerID: serverId(7),
        dataReplicationInfo: {
          replicatedDisks: [{ deviceName: 'C:' }, { deviceName: 'D:', backloggedStorageBytes: 0 }],
        },
      },
    ];
    mgnMock.on(describeCommand).resolves({ items } satisfies Page as never);
    const repository = new MgnSourceServerRepository(new MgnClient({}));

    // Act
    const servers = await repository.listSourceServers();

    // Assert
    expect(servers.map((server) => server.backloggedStorageBytes)).toEqual([undefined, 0]);
  });

  it('lets API errors propagate', async () => {
    // Arrange
    mgnMock
      .on(describeCommand)
      .rejects(Object.assign(new Error('Account not initialized'), { name: 'UninitializedAccountException' }));
    const repository = new MgnSourceServerRepository(new MgnClient({}));

    // Act / Assert
    await expect(repository.listSourceServers()).rejects.toThrow('Account not initialized');
  });
});

describe('MgnSourceServerRepository service actions', () => {
  it('retries data replication for exactly the given server', async () => {
    // Arrange
    const id = serverId(42);
    mgnMock
      .on(RetryDataReplicationCommand as never)
      .resolves({ sourceServerID: id } satisfies Omit<RetryDataReplicationCommandOutput, '$metadata'> as never);
    const repository = new MgnSourceServerRepository(new MgnClient({}));

    // Act
    await repository.retryDataReplication(id);

    // Assert
    expect(mgnMock).toHaveReceivedCommandTimes(RetryDataReplicationCommand as never, 1);
    expect(mgnMock).toHaveReceivedCommandWith(RetryDataReplicationCommand as never, { sourceServerID: id } as never);
  });

  it('lets a refused retry propagate (the core turns it into an outcome)', async () => {
    // Arrange
    mgnMock
      .on(RetryDataReplicationCommand as never)
      .rejects(Object.assign(new Error('Source server is not stalled'), { name: 'ValidationException' }));
    const repository = new MgnSourceServerRepository(new MgnClient({}));

    // Act / Assert
    await expect(repository.retryDataReplication(serverId(43))).rejects.toMatchObject({ name: 'ValidationException' });
  });

  it('reads the replication settings the doctor reports', async () => {
    // Arrange
    const id = serverId(44);
    const configuration: Omit<GetReplicationConfigurationCommandOutput, '$metadata'> = {
      sourceServerID: id,
      name: 'db-01',
      stagingAreaSubnetId: 'subnet-0a1b2c3d4e5f60718',
      bandwidthThrottling: 100,
      createPublicIP: false,
      dataPlaneRouting: 'PRIVATE_IP',
      useDedicatedReplicationServer: true,
      replicationServerInstanceType: 't3.small',
    };
    mgnMock.on(GetReplicationConfigurationCommand as never).resolves(configuration as never);
    const repository = new MgnSourceServerRepository(new MgnClient({}));

    // Act
    const settings = await repository.getReplicationSettings(id);

    // Assert
    expect(mgnMock).toHaveReceivedCommandWith(
      GetReplicationConfigurationCommand as never,
      { sourceServerID: id } as never,
    );
    expect(settings).toEqual({
      bandwidthThrottling: 100,
      createPublicIP: false,
      dataPlaneRouting: 'PRIVATE_IP',
      useDedicatedReplicationServer: true,
      stagingAreaSubnetId: 'subnet-0a1b2c3d4e5f60718',
    });
  });
});

describe('MgnSourceServerRepository applications and waves', () => {
  type ApplicationsPage = Omit<ListApplicationsCommandOutput, '$metadata'>;
  type WavesPage = Omit<ListWavesCommandOutput, '$metadata'>;
  const listApplications = ListApplicationsCommand as any;
  const listWaves = ListWavesCommand as any;
  const application = (n: number, extra: Partial<MgnApplication> = {}): MgnApplication => ({
    applicationID: applicationId(n),
    arn: `arn:aws:mgn:us-east-1:${ACCOUNT}:application/${applicationId(n)}`,
    name: `app ${n}`,
    isArchived: false,
    waveID: waveId(1),
    ...extra,
  });

  it('lists non-archived applications, 1000 at a time, over every page', async () => {
    // Arrange
    const pages: ApplicationsPage[] = [
      { items: [application(1), application(2)], nextToken: 'token-2' },
      { items: [application(3, { waveID: undefined })] },
    ];
    mgnMock
      .on(listApplications)
      .resolvesOnce(pages[0] as never)
      .resolvesOnce(pages[1] as never);
    const repository = new MgnSourceServerRepository(new MgnClient({}));

    // Act
    const applications = await repository.listApplications();

    // Assert
    expect(applications).toEqual([
      { applicationId: applicationId(1), name: 'app 1', waveId: waveId(1) },
      { applicationId: applicationId(2), name: 'app 2', waveId: waveId(1) },
      { applicationId: applicationId(3), name: 'app 3' },
    ]);
    expect(mgnMock).toHaveReceivedCommandTimes(listApplications, 2);
    expect(mgnMock).toHaveReceivedNthSpecificCommandWith(1, listApplications, {
      filters: { isArchived: false },
      maxResults: 1000,
      nextToken: undefined,
    });
    expect(mgnMock).toHaveReceivedNthSpecificCommandWith(2, listApplications, {
      filters: { isArchived: false },
      maxResults: 1000,
      nextToken: 'token-2',
    });
  });

  it('lists the applications of given waves, at most 200 wave IDs per request, without duplicates', async () => {
    // Arrange
    const waveIds = Array.from({ length: 201 }, (_, n) => waveId(n));
    mgnMock.on(listApplications).callsFake((input: { filters: { waveIDs: string[] } }) => ({
      items: [application(input.filters.waveIDs.length, { waveID: input.filters.waveIDs[0] })],
    }));
    const repository = new MgnSourceServerRepository(new MgnClient({}));

    // Act
    const applications = await repository.listApplications({ waveIds: [...waveIds, waveId(0)] });
    const none = await repository.listApplications({ waveIds: [] });

    // Assert
    expect(applications.map((item) => item.waveId)).toEqual([waveId(0), waveId(200)]);
    expect(none).toEqual([]);
    expect(mgnMock).toHaveReceivedCommandTimes(listApplications, 2);
    expect(mgnMock).toHaveReceivedNthSpecificCommandWith(1, listApplications, {
      filters: { isArchived: false, waveIDs: waveIds.slice(0, 200) },
      maxResults: 1000,
    });
    expect(mgnMock).toHaveReceivedNthSpecificCommandWith(2, listApplications, {
      filters: { isArchived: false, waveIDs: [waveId(200)] },
      maxResults: 1000,
    });
  });

  it('makes names plain text, names a nameless item by its ID, and drops archived or ID-less items', async () => {
    // Arrange
    const items: MgnApplication[] = [
      application(1, { name: 'payments\n[ESCALATED] all fine\u202e' }),
      application(2, { name: undefined }),
      application(3, { isArchived: true }),
      { name: 'no id' },
    ];
    mgnMock.on(listApplications).resolves({ items } satisfies ApplicationsPage as never);
    const repository = new MgnSourceServerRepository(new MgnClient({}));

    // Act
    const applications = await repository.listApplications();

    // Assert
    expect(applications.map((item) => item.name)).toEqual(['payments [ESCALATED] all fine', applicationId(2)]);
  });

  it('lists non-archived waves, 1000 at a time, over every page', async () => {
    // Arrange
    const pages: WavesPage[] = [
      { items: [{ waveID: waveId(1), name: 'Wave 1', isArchived: false }], nextToken: 'w-2' },
      { items: [{ waveID: waveId(2), name: 'Wave 2' }, { waveID: waveId(3), isArchived: true }, { name: 'no id' }] },
    ];
    mgnMock
      .on(listWaves)
      .resolvesOnce(pages[0] as never)
      .resolvesOnce(pages[1] as never);
    const repository = new MgnSourceServerRepository(new MgnClient({}));

    // Act
    const waves = await repository.listWaves();

    // Assert
    expect(waves).toEqual([
      { waveId: waveId(1), name: 'Wave 1' },
      { waveId: waveId(2), name: 'Wave 2' },
    ]);
    expect(mgnMock).toHaveReceivedNthSpecificCommandWith(1, listWaves, {
      filters: { isArchived: false },
      maxResults: 1000,
      nextToken: undefined,
    });
    expect(mgnMock).toHaveReceivedNthSpecificCommandWith(2, listWaves, {
      filters: { isArchived: false },
      maxResults: 1000,
      nextToken: 'w-2',
    });
  });

  it('fails loudly when MGN repeats a page token, and lets API errors propagate', async () => {
    // Arrange
    mgnMock.on(listWaves).resolves({ items: [], nextToken: 'same' } satisfies WavesPage as never);
    mgnMock
      .on(listApplications)
      .rejects(
        Object.assign(new Error('not authorized to perform: mgn:ListApplications'), { name: 'AccessDeniedException' }),
      );
    const repository = new MgnSourceServerRepository(new MgnClient({}));

    // Act / Assert
    await expect(repository.listWaves()).rejects.toThrow('Pagination did not advance');
    await expect(repository.listApplications()).rejects.toMatchObject({ name: 'AccessDeniedException' });
  });
});
