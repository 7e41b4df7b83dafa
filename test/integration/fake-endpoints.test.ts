// The local endpoints the integration tests stand on, checked through the real SDK clients: they must accept
// what the real services accept, reject what they reject, and answer in the shapes the SDK deserialises.
import {
  DescribeSourceServersCommand,
  GetReplicationConfigurationCommand,
  ListApplicationsCommand,
  ListManagedAccountsCommand,
  ListWavesCommand,
  MgnClient,
  MgnServiceException,
  RetryDataReplicationCommand,
  StopReplicationCommand,
  ValidationException,
} from '@aws-sdk/client-mgn';
import {
  DescribeInstanceInformationCommand,
  GetCommandInvocationCommand,
  ListCommandInvocationsCommand,
  ListCommandsCommand,
  SSMClient,
  SendCommandCommand,
} from '@aws-sdk/client-ssm';
import { MgnSourceServerRepository } from '../../lambdas/adapters/mgn-source-server-repository';
import {
  aStalledApiSourceServer,
  anApiApplication,
  anApiApplicationId,
  anApiSourceServer,
  anApiWave,
  anApiWaveId,
  startFakeMgnEndpoint,
  type FakeMgnEndpoint,
} from '../support/fake-mgn-endpoint';
import { anInstanceInformation, startFakeSsmEndpoint, type FakeSsmEndpoint } from '../support/fake-ssm-endpoint';
import { describeWhereMotoRuns, startMotoServer, type MotoServer } from '../support/moto-server';

const clientConfig = (endpoint: string) => ({
  endpoint,
  region: 'us-east-1',
  credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  maxAttempts: 1,
});

type ServiceError = Error & { $metadata?: { httpStatusCode?: number } };

async function rejection(promise: Promise<unknown>): Promise<ServiceError> {
  try {
    await promise;
  } catch (error) {
    return error as ServiceError;
  }
  throw new Error('expected the call to fail');
}

describe('fake MGN endpoint through @aws-sdk/client-mgn', () => {
  let mgn: FakeMgnEndpoint;
  let client: MgnClient;

  beforeAll(async () => {
    mgn = await startFakeMgnEndpoint({ pathPrefix: '/mgn' });
    client = new MgnClient(clientConfig(mgn.url));
  });
  afterAll(async () => {
    client?.destroy();
    await mgn?.close();
  });
  beforeEach(() => {
    mgn.clearRecords();
    mgn.servers = [];
  });

  test('lists servers in the API shape, filtered and paged with opaque tokens', async () => {
    const stalled = aStalledApiSourceServer();
    mgn.servers = [
      stalled,
      anApiSourceServer(),
      anApiSourceServer({ isArchived: true, lifeCycle: { state: 'CUTOVER' } }),
      anApiSourceServer(),
    ];

    const first = await client.send(
      new DescribeSourceServersCommand({ filters: { isArchived: false }, maxResults: 2 }),
    );
    expect(first.items?.map((item) => item.sourceServerID)).toEqual([
      mgn.servers[0]?.sourceServerID,
      mgn.servers[1]?.sourceServerID,
    ]);
    expect(first.items?.[0]).toMatchObject({
      sourceServerID: stalled.sourceServerID,
      arn: `arn:aws:mgn:us-east-1:111122223333:source-server/${stalled.sourceServerID}`,
      isArchived: false,
      replicationType: 'AGENT_BASED',
      lifeCycle: { state: 'NOT_READY', lastSeenByServiceDateTime: '2026-11-26T06:00:00.000Z' },
      dataReplicationInfo: { dataReplicationState: 'STALLED', dataReplicationError: { error: 'AGENT_NOT_SEEN' } },
      sourceProperties: {
        identificationHints: { hostname: expect.any(String) },
        os: { fullString: 'Ubuntu 22.04.4 LTS' },
      },
    });
    expect(first.nextToken).toEqual(expect.any(String));
    const second = await client.send(
      new DescribeSourceServersCommand({ filters: { isArchived: false }, maxResults: 2, nextToken: first.nextToken }),
    );
    expect(second.items?.map((item) => item.sourceServerID)).toEqual([mgn.servers[3]?.sourceServerID]);
    expect(second.nextToken).toBeUndefined();

    const one = await client.send(
      new DescribeSourceServersCommand({ filters: { sourceServerIDs: [stalled.sourceServerID] } }),
    );
    expect(one.items).toHaveLength(1);
    expect(mgn.requests.map((request) => request.path)).toEqual([
      '/mgn/DescribeSourceServers',
      '/mgn/DescribeSourceServers',
      '/mgn/DescribeSourceServers',
    ]);
    expect(mgn.callCount('DescribeSourceServers')).toBe(3);
  });

  test.each([
    ['maxResults above 1000', { maxResults: 1001 }, 'maxResults'],
    ['maxResults 0', { maxResults: 0 }, 'maxResults'],
    [
      '201 source server IDs',
      {
        filters: { sourceServerIDs: Array.from({ length: 201 }, (_, index) => `s-${String(index).padStart(17, '0')}`) },
      },
      'filters.sourceServerIDs',
    ],
    [
      'a malformed source server ID',
      { filters: { sourceServerIDs: ['i-0123456789abcdef0'] } },
      'filters.sourceServerIDs.1',
    ],
  ])('rejects %s with a ValidationException naming the field', async (_name, input, field) => {
    const error = await rejection(client.send(new DescribeSourceServersCommand(input)));
    expect(error).toBeInstanceOf(ValidationException);
    expect(error.$metadata?.httpStatusCode).toBe(400);
    expect((error as unknown as ValidationException).reason).toBe('fieldValidationFailed');
    expect((error as unknown as ValidationException).fieldList?.map((entry) => entry.name)).toContain(field);
  });

  test('rejects a token it did not issue, or one issued for other filters', async () => {
    mgn.servers = [anApiSourceServer(), anApiSourceServer()];
    expect(
      await rejection(client.send(new DescribeSourceServersCommand({ nextToken: 'bm90LWEtdG9rZW4=' }))),
    ).toBeInstanceOf(ValidationException);
    const page = await client.send(new DescribeSourceServersCommand({ maxResults: 1 }));
    const error = await rejection(
      client.send(
        new DescribeSourceServersCommand({ maxResults: 1, nextToken: page.nextToken, filters: { isArchived: true } }),
      ),
    );
    expect(error).toBeInstanceOf(ValidationException);
  });

  test('RetryDataReplication succeeds for a stalled server only; unknown servers are not found', async () => {
    const stalled = aStalledApiSourceServer();
    const healthy = anApiSourceServer();
    mgn.servers = [stalled, healthy];

    const retried = await client.send(new RetryDataReplicationCommand({ sourceServerID: stalled.sourceServerID }));
    expect(retried.sourceServerID).toBe(stalled.sourceServerID);
    expect(retried.dataReplicationInfo?.dataReplicationState).toBe('STALLED');

    expect(
      await rejection(client.send(new RetryDataReplicationCommand({ sourceServerID: healthy.sourceServerID }))),
    ).toBeInstanceOf(ValidationException);
    const missing = await rejection(
      client.send(new RetryDataReplicationCommand({ sourceServerID: 's-00000000000000bad' })),
    );
    expect(missing.name).toBe('ResourceNotFoundException');
    expect(missing.$metadata?.httpStatusCode).toBe(404);
  });

  test('GetReplicationConfiguration returns the replication template of the server', async () => {
    const server = anApiSourceServer();
    mgn.servers = [server];
    const configuration = await client.send(
      new GetReplicationConfigurationCommand({ sourceServerID: server.sourceServerID }),
    );
    expect(configuration).toMatchObject({
      sourceServerID: server.sourceServerID,
      stagingAreaSubnetId: expect.stringMatching(/^subnet-[0-9a-f]{8,}$/),
      bandwidthThrottling: 0,
      dataPlaneRouting: 'PRIVATE_IP',
      createPublicIP: false,
      useDedicatedReplicationServer: false,
    });
  });

  test('unknown operations get UnknownOperationException (404); faults and latency can be injected', async () => {
    mgn.servers = [aStalledApiSourceServer()];
    const unknown = await rejection(
      client.send(new StopReplicationCommand({ sourceServerID: mgn.servers[0]?.sourceServerID ?? '' })),
    );
    expect(unknown.name).toBe('UnknownOperationException');
    expect(unknown.$metadata?.httpStatusCode).toBe(404);
    expect(mgn.requestsFor('StopReplication')).toHaveLength(1);

    mgn.failNext('DescribeSourceServers', {
      status: 429,
      errorType: 'ThrottlingException',
      message: 'Rate exceeded',
      extra: { retryAfterSeconds: 1 },
    });
    const throttled = await rejection(client.send(new DescribeSourceServersCommand({})));
    expect(throttled).toBeInstanceOf(MgnServiceException);
    expect(throttled.name).toBe('ThrottlingException');

    mgn.latencyMs = 50;
    const started = Date.now();
    await client.send(new DescribeSourceServersCommand({}));
    mgn.latencyMs = 0;
    expect(Date.now() - started).toBeGreaterThanOrEqual(45);
  });

  describe('global view (accountID)', () => {
    test("a member's requests see its own fleet; an account it does not manage, or one set to fail, is refused", async () => {
      const member = '444455556666';
      const global = await startFakeMgnEndpoint({
        servers: [anApiSourceServer({ sourceServerID: 's-00000000000000001' })],
        memberAccounts: { [member]: { servers: [aStalledApiSourceServer({ sourceServerID: 's-00000000000000002' })] } },
      });
      const globalClient = new MgnClient(clientConfig(global.url));
      try {
        const ids = async (accountID?: string) =>
          (await globalClient.send(new DescribeSourceServersCommand({ accountID }))).items?.map(
            (item) => item.sourceServerID,
          );
        expect(await ids()).toEqual(['s-00000000000000001']);
        expect(await ids('111122223333')).toEqual(['s-00000000000000001']);
        expect(await ids(member)).toEqual(['s-00000000000000002']);
        await expect(
          globalClient.send(new RetryDataReplicationCommand({ sourceServerID: 's-00000000000000002' })),
        ).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
        await expect(
          globalClient.send(
            new RetryDataReplicationCommand({ sourceServerID: 's-00000000000000002', accountID: member }),
          ),
        ).resolves.toMatchObject({ sourceServerID: 's-00000000000000002' });

        const unmanaged = await rejection(globalClient.send(new ListWavesCommand({ accountID: '999988887777' })));
        expect(unmanaged).toMatchObject({ name: 'AccessDeniedException', $metadata: { httpStatusCode: 403 } });
        const malformed = await rejection(globalClient.send(new ListWavesCommand({ accountID: '4444' })));
        expect(malformed).toBeInstanceOf(ValidationException);
        global.failAccount(member, { status: 400, errorType: 'UninitializedAccountException' });
        expect(await rejection(ids(member))).toMatchObject({ name: 'UninitializedAccountException' });
        expect(await ids()).toEqual(['s-00000000000000001']);

        const managed = await globalClient.send(new ListManagedAccountsCommand({ maxResults: 1 }));
        expect(managed.items).toEqual([{ accountId: '111122223333' }]);
        const rest = await globalClient.send(new ListManagedAccountsCommand({ nextToken: managed.nextToken }));
        expect(rest.items).toEqual([{ accountId: member }]);
        expect(rest.nextToken).toBeUndefined();
      } finally {
        globalClient.destroy();
        await global.close();
      }
    });
  });

  describe('applications and waves', () => {
    beforeEach(() => {
      mgn.waves = [anApiWave(1), anApiWave(2), anApiWave(3, { isArchived: true })];
      mgn.applications = [
        anApiApplication(1, { name: 'payments', waveID: anApiWaveId(1) }),
        anApiApplication(2, { name: 'ledger', waveID: anApiWaveId(1) }),
        anApiApplication(3, { name: 'intranet', waveID: anApiWaveId(2) }),
        anApiApplication(4, { name: 'retired', waveID: anApiWaveId(1), isArchived: true }),
        anApiApplication(5, { name: 'unplanned' }),
      ];
    });

    test('ListApplications and ListWaves answer in the API shape, filtered and paged', async () => {
      const first = await client.send(
        new ListApplicationsCommand({ filters: { isArchived: false, waveIDs: [anApiWaveId(1)] }, maxResults: 1 }),
      );
      const second = await client.send(
        new ListApplicationsCommand({
          filters: { isArchived: false, waveIDs: [anApiWaveId(1)] },
          maxResults: 1,
          nextToken: first.nextToken,
        }),
      );
      const waves = await client.send(new ListWavesCommand({ filters: { isArchived: false } }));

      expect(first.items?.[0]).toMatchObject({
        applicationID: anApiApplicationId(1),
        arn: `arn:aws:mgn:us-east-1:111122223333:application/${anApiApplicationId(1)}`,
        name: 'payments',
        isArchived: false,
        waveID: anApiWaveId(1),
        applicationAggregatedStatus: { healthStatus: 'HEALTHY', progressStatus: 'IN_PROGRESS' },
      });
      expect(first.nextToken).toEqual(expect.any(String));
      expect(second.items?.map((item) => item.name)).toEqual(['ledger']);
      expect(second.nextToken).toBeUndefined();
      expect(waves.items?.map((wave) => [wave.waveID, wave.name])).toEqual([
        [anApiWaveId(1), 'Wave 1'],
        [anApiWaveId(2), 'Wave 2'],
      ]);
      expect(waves.items?.[0]?.waveAggregatedStatus).toMatchObject({ healthStatus: 'HEALTHY' });
    });

    test.each([
      ['ListApplications', new ListApplicationsCommand({ maxResults: 1001 }), 'maxResults'],
      ['ListApplications', new ListApplicationsCommand({ filters: { waveIDs: ['Wave 1'] } }), 'filters.waveIDs.1'],
      [
        'ListApplications',
        new ListApplicationsCommand({
          filters: { applicationIDs: Array.from({ length: 201 }, (_, n) => anApiApplicationId(n)) },
        }),
        'filters.applicationIDs',
      ],
      ['ListWaves', new ListWavesCommand({ maxResults: 0 }), 'maxResults'],
      ['ListWaves', new ListWavesCommand({ filters: { waveIDs: ['wave-1'] } }), 'filters.waveIDs.1'],
    ])('%s rejects what MGN rejects, naming the field (%#)', async (_operation, command, field) => {
      const error = await rejection(client.send(command as ListWavesCommand));

      expect(error).toBeInstanceOf(ValidationException);
      expect((error as unknown as ValidationException).fieldList?.map((entry) => entry.name)).toContain(field);
    });

    test("the repository reads every page of them, and lists a wave's servers by application", async () => {
      const paged = await startFakeMgnEndpoint({ maxPageSize: 1 });
      const pagedClient = new MgnClient(clientConfig(paged.url));
      try {
        paged.waves = mgn.waves;
        paged.applications = mgn.applications;
        paged.servers = [
          anApiSourceServer({ applicationID: anApiApplicationId(1) }),
          anApiSourceServer({ applicationID: anApiApplicationId(3) }),
          anApiSourceServer(),
          anApiSourceServer({ applicationID: anApiApplicationId(2) }),
        ];
        const repository = new MgnSourceServerRepository(pagedClient);

        const waves = await repository.listWaves();
        const inWave = await repository.listApplications({ waveIds: [anApiWaveId(1)] });
        const servers = await repository.listSourceServers({
          applicationIds: inWave.map((application) => application.applicationId),
        });

        expect(waves.map((wave) => wave.name)).toEqual(['Wave 1', 'Wave 2']);
        expect(inWave).toEqual([
          { applicationId: anApiApplicationId(1), name: 'payments', waveId: anApiWaveId(1) },
          { applicationId: anApiApplicationId(2), name: 'ledger', waveId: anApiWaveId(1) },
        ]);
        expect(servers.map((server) => server.sourceServerId)).toEqual([
          paged.servers[0]?.sourceServerID,
          paged.servers[3]?.sourceServerID,
        ]);
        expect(servers[0]).toMatchObject({
          applicationId: anApiApplicationId(1),
          firstByteDateTime: '2026-11-01T09:12:31.000Z',
          elapsedReplicationDuration: 'P24DT23H',
        });
        // One item a page: every list was read to its last page.
        expect(['ListWaves', 'ListApplications', 'DescribeSourceServers'].map((name) => paged.callCount(name))).toEqual(
          [2, 2, 2],
        );
        expect(paged.requestsFor('DescribeSourceServers')[0]?.body).toEqual({
          filters: { isArchived: false, applicationIDs: [anApiApplicationId(1), anApiApplicationId(2)] },
          maxResults: 1000,
        });
      } finally {
        pagedClient.destroy();
        await paged.close();
      }
    });
  });
});

const describeWithMoto = describeWhereMotoRuns();

describeWithMoto('fake SSM front through @aws-sdk/client-ssm', () => {
  let moto: MotoServer;
  let ssm: FakeSsmEndpoint;
  let client: SSMClient;

  beforeAll(async () => {
    moto = await startMotoServer();
    ssm = await startFakeSsmEndpoint({ motoEndpoint: moto.endpoint });
    client = new SSMClient(clientConfig(ssm.url));
  }, 20_000);
  afterAll(async () => {
    client?.destroy();
    await ssm?.close();
    await moto?.stop();
  });

  test('DescribeInstanceInformation pages, filters by instance ID and checks MaxResults', async () => {
    ssm.nodes = Array.from({ length: 12 }, () => anInstanceInformation());
    const first = await client.send(new DescribeInstanceInformationCommand({ MaxResults: 5 }));
    expect(first.InstanceInformationList).toHaveLength(5);
    expect(first.InstanceInformationList?.[0]?.LastPingDateTime).toBeInstanceOf(Date);
    expect(first.InstanceInformationList?.[0]).toMatchObject({
      PingStatus: 'Online',
      PlatformType: 'Linux',
      ResourceType: 'ManagedInstance',
    });
    const second = await client.send(
      new DescribeInstanceInformationCommand({ MaxResults: 5, NextToken: first.NextToken }),
    );
    const third = await client.send(
      new DescribeInstanceInformationCommand({ MaxResults: 5, NextToken: second.NextToken }),
    );
    expect(third.InstanceInformationList).toHaveLength(2);
    expect(third.NextToken).toBeUndefined();

    const wanted = ssm.nodes[7]?.InstanceId ?? '';
    const filtered = await client.send(
      new DescribeInstanceInformationCommand({
        Filters: [{ Key: 'InstanceIds', Values: [wanted, 'mi-00000000000000000'] }],
      }),
    );
    expect(filtered.InstanceInformationList?.map((node) => node.InstanceId)).toEqual([wanted]);

    expect((await rejection(client.send(new DescribeInstanceInformationCommand({ MaxResults: 51 })))).name).toBe(
      'ValidationException',
    );
    expect((await rejection(client.send(new DescribeInstanceInformationCommand({ NextToken: 'bogus' })))).name).toBe(
      'InvalidNextToken',
    );
  });

  test('SendCommand goes to moto; invocations come back with the configured outcome, InProgress first', async () => {
    ssm.clearRecords();
    ssm.outcomes.set('Doc-Restart', {
      pendingListings: 1,
      plugins: [
        {
          name: 'restartAgentLinux',
          status: 'Failed',
          responseCode: 1,
          output: 'MGN_DOCTOR check=agent status=NOT_RUNNING',
        },
      ],
    });
    const sent = await client.send(
      new SendCommandCommand({
        DocumentName: 'Doc-Restart',
        InstanceIds: ['mi-0123456789abcdef0', 'mi-0123456789abcdef1'],
        Comment: 'test',
        Parameters: { waitSeconds: ['5'] },
      }),
    );
    const commandId = sent.Command?.CommandId ?? '';
    expect(commandId).toHaveLength(36);
    const listed = await client.send(new ListCommandsCommand({ CommandId: commandId }));
    expect(listed.Commands?.[0]).toMatchObject({ DocumentName: 'Doc-Restart', Parameters: { waitSeconds: ['5'] } });

    const pending = await client.send(new ListCommandInvocationsCommand({ CommandId: commandId, Details: true }));
    expect(pending.CommandInvocations?.map((invocation) => invocation.Status)).toEqual(['InProgress', 'InProgress']);
    expect(pending.CommandInvocations?.[0]?.CommandPlugins?.[0]).toMatchObject({
      Status: 'InProgress',
      ResponseCode: -1,
    });

    const done = await client.send(
      new ListCommandInvocationsCommand({ CommandId: commandId, Details: true, MaxResults: 1 }),
    );
    expect(done.CommandInvocations).toHaveLength(1);
    expect(done.NextToken).toEqual(expect.any(String));
    expect(done.CommandInvocations?.[0]).toMatchObject({
      CommandId: commandId,
      InstanceId: 'mi-0123456789abcdef0',
      DocumentName: 'Doc-Restart',
      Status: 'Failed',
      CommandPlugins: [
        {
          Name: 'restartAgentLinux',
          Status: 'Failed',
          ResponseCode: 1,
          Output: 'MGN_DOCTOR check=agent status=NOT_RUNNING',
        },
      ],
    });
    expect(done.CommandInvocations?.[0]?.RequestedDateTime).toBeInstanceOf(Date);
    const rest = await client.send(
      new ListCommandInvocationsCommand({ CommandId: commandId, MaxResults: 1, NextToken: done.NextToken }),
    );
    expect(rest.CommandInvocations?.map((invocation) => invocation.InstanceId)).toEqual(['mi-0123456789abcdef1']);
    expect(rest.CommandInvocations?.[0]?.CommandPlugins).toBeUndefined();

    const invocation = await client.send(
      new GetCommandInvocationCommand({ CommandId: commandId, InstanceId: 'mi-0123456789abcdef1' }),
    );
    expect(invocation).toMatchObject({
      Status: 'Failed',
      ResponseCode: 1,
      StandardOutputContent: 'MGN_DOCTOR check=agent status=NOT_RUNNING',
    });

    expect(ssm.requests.map((request) => [request.operation, request.forwarded])).toEqual([
      ['SendCommand', true],
      ['ListCommands', true],
      ['ListCommandInvocations', false],
      ['ListCommandInvocations', false],
      ['ListCommandInvocations', false],
      ['GetCommandInvocation', false],
    ]);
  });
});
