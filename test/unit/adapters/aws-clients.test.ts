// createAwsClients and real SDK retries. aws-sdk-client-mock replaces `send` and so bypasses the retry
// middleware; these tests run the real clients against a local HTTP endpoint instead.
import { createAwsClients, DEFAULT_MAX_ATTEMPTS } from '../../../lambdas/adapters/aws-clients';
import { MgnSourceServerRepository } from '../../../lambdas/adapters/mgn-source-server-repository';
import { SsmManagedNodeDirectory } from '../../../lambdas/adapters/ssm-managed-node-directory';
import { startLocalHttpServer, type LocalHttpServer } from '../../support/local-http';

const LOCAL = { region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } } as const;

let server: LocalHttpServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('createAwsClients', () => {
  it('uses standard retries with six attempts by default on every client', async () => {
    // Act
    const clients = createAwsClients(LOCAL);

    // Assert
    expect(DEFAULT_MAX_ATTEMPTS).toBe(6);
    for (const client of [clients.mgn, clients.ssm, clients.sns, clients.dynamodb, clients.ec2(), clients.iam()]) {
      const strategy = (await client.config.retryStrategy()) as { mode?: string };
      expect(strategy.mode).toBe('standard');
      expect(await client.config.maxAttempts()).toBe(6);
    }
  });

  it('takes another attempt limit and the Region', async () => {
    // Act
    const clients = createAwsClients({ ...LOCAL, region: 'eu-west-1', maxAttempts: 2 });

    // Assert
    expect(await clients.mgn.config.maxAttempts()).toBe(2);
    expect(await clients.dynamodb.config.maxAttempts()).toBe(2);
    expect(await clients.ssm.config.region()).toBe('eu-west-1');
    expect(await clients.ec2().config.maxAttempts()).toBe(2);
    expect(await clients.ec2().config.region()).toBe('eu-west-1');
    expect(await clients.iam().config.maxAttempts()).toBe(2);
  });

  it("builds a member account's SSM, EC2 and IAM clients that sign with its credentials, configured as the rest", async () => {
    // Arrange
    const clients = createAwsClients({ ...LOCAL, region: 'eu-west-1', maxAttempts: 3 });
    const provider = jest.fn(async () => ({
      accessKeyId: 'ASIAMEMBER',
      secretAccessKey: 'member-secret',
      sessionToken: 'member-token',
      expiration: new Date(Date.now() + 3_600_000),
    }));

    // Act
    const member = clients.withCredentials(provider);

    // Assert
    for (const client of [member.ssm, member.ec2(), member.iam()]) {
      expect(await client.config.credentials()).toMatchObject({
        accessKeyId: 'ASIAMEMBER',
        sessionToken: 'member-token',
      });
      expect(await client.config.maxAttempts()).toBe(3);
      expect(await client.config.region()).toBe('eu-west-1');
    }
    expect(await clients.ssm.config.credentials()).toMatchObject({ accessKeyId: 'test' });
    expect(member.ec2()).toBe(member.ec2());
    expect(await clients.sts().config.maxAttempts()).toBe(3);
    expect(clients.sts()).toBe(clients.sts());
  });

  it('drops undefined attributes when marshalling ledger items', () => {
    // Act
    const { dynamodb } = createAwsClients(LOCAL);

    // Assert
    expect(dynamodb.config.translateConfig?.marshallOptions?.removeUndefinedValues).toBe(true);
  });
});

describe('throttling is retried by the SDK', () => {
  it('SSM (awsJson1.1): a ThrottlingException, then the page', async () => {
    // Arrange
    server = await startLocalHttpServer([
      {
        status: 400,
        headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-ErrorType': 'ThrottlingException' },
        body: JSON.stringify({ __type: 'ThrottlingException', message: 'Rate exceeded' }),
      },
      {
        status: 200,
        headers: { 'content-type': 'application/x-amz-json-1.1' },
        body: JSON.stringify({
          InstanceInformationList: [
            {
              InstanceId: 'mi-0123456789abcdef0',
              PingStatus: 'Online',
              PlatformType: 'Linux',
              ComputerName: 'db-01.corp.example.com',
              IPAddress: '10.0.4.21',
              LastPingDateTime: 1795686072.5,
              ResourceType: 'ManagedInstance',
            },
          ],
        }),
      },
    ]);
    const { ssm } = createAwsClients({ ...LOCAL, endpoint: server.url });
    const directory = new SsmManagedNodeDirectory(ssm);

    // Act
    const nodes = await directory.listNodes();

    // Assert
    expect(nodes).toEqual([
      {
        instanceId: 'mi-0123456789abcdef0',
        pingStatus: 'Online',
        platformType: 'Linux',
        computerName: 'db-01.corp.example.com',
        ipAddress: '10.0.4.21',
        lastPingDateTime: '2026-11-26T09:41:12.500Z',
      },
    ]);
    expect(server.requests).toHaveLength(2);
    expect(server.requests.map((request) => request.headers['x-amz-target'])).toEqual([
      'AmazonSSM.DescribeInstanceInformation',
      'AmazonSSM.DescribeInstanceInformation',
    ]);
    expect(JSON.parse(server.requests[1]?.body ?? '{}')).toEqual({ MaxResults: 50 });
  });

  it('MGN (rest-json): HTTP 429 ThrottlingException, then the page', async () => {
    // Arrange
    server = await startLocalHttpServer([
      {
        status: 429,
        headers: { 'content-type': 'application/json', 'x-amzn-ErrorType': 'ThrottlingException' },
        body: JSON.stringify({ message: 'Rate exceeded' }),
      },
      {
        status: 200,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          items: [
            {
              sourceServerID: 's-3a1b2c3d4e5f60718',
              arn: 'arn:aws:mgn:us-east-1:111122223333:source-server/s-3a1b2c3d4e5f60718',
              isArchived: false,
              dataReplicationInfo: { dataReplicationState: 'STALLED', replicatorId: 'i-0a1b2c3d4e5f60718' },
            },
          ],
        }),
      },
    ]);
    const { mgn } = createAwsClients({ ...LOCAL, endpoint: server.url });
    const repository = new MgnSourceServerRepository(mgn);

    // Act
    const servers = await repository.listSourceServers();

    // Assert
    expect(servers).toMatchObject([
      { sourceServerId: 's-3a1b2c3d4e5f60718', dataReplicationState: 'STALLED', replicatorId: 'i-0a1b2c3d4e5f60718' },
    ]);
    expect(server.requests.map((request) => `${request.method} ${request.path}`)).toEqual([
      'POST /DescribeSourceServers',
      'POST /DescribeSourceServers',
    ]);
    expect(JSON.parse(server.requests[1]?.body ?? '{}')).toEqual({ filters: { isArchived: false }, maxResults: 1000 });
  });

  it('gives up after maxAttempts and lets the throttling error propagate', async () => {
    // Arrange
    server = await startLocalHttpServer([
      {
        status: 429,
        headers: { 'content-type': 'application/json', 'x-amzn-ErrorType': 'ThrottlingException' },
        body: '{"message":"Rate exceeded"}',
      },
    ]);
    const { mgn } = createAwsClients({ ...LOCAL, endpoint: server.url, maxAttempts: 2 });

    // Act / Assert
    await expect(new MgnSourceServerRepository(mgn).listSourceServers()).rejects.toMatchObject({
      name: 'ThrottlingException',
    });
    expect(server.requests).toHaveLength(2);
  });
});
