// A hub's ports per account (docs/design.md section 13), with every client mocked: which client, which account,
// which documents and log group, which ledger keys, and the one line for an account the hub cannot reach.
import { DescribeSourceServersCommand, MgnClient } from '@aws-sdk/client-mgn';
import { SendCommandCommand, SSMClient } from '@aws-sdk/client-ssm';
import { AssumeRoleCommand, STSClient, STSServiceException } from '@aws-sdk/client-sts';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { AwsAccountPortsProvider } from '../../../lambdas/adapters/account-ports';
import { createAwsClients, type CredentialProvider } from '../../../lambdas/adapters/aws-clients';
import { AccountRunError } from '../../../lambdas/core/program/account-failure';
import { SPOKE_COMMAND_LOG_GROUP, spokeRoleName } from '../../../lambdas/shared/program';

const mgnMock = mockClient(MgnClient as any);
const ssmMock = mockClient(SSMClient);
const stsMock = mockClient(STSClient);
const dynamoMock = mockClient(DynamoDBDocumentClient);

const HUB = '111122223333';
const MEMBER = '444455556666';
const DENYING = '777788889999';
const REGION = 'eu-west-1';
const ROLE = spokeRoleName(REGION);
const HUB_DOCUMENTS = {
  RestartReplicationAgent: 'Hub-RestartReplicationAgent-1',
  CheckDiskSpace: 'Hub-CheckDiskSpace-1',
  CheckConnectivity: 'Hub-CheckConnectivity-1',
};
const SPOKE_DOCUMENTS = {
  RestartReplicationAgent: 'MgnReplicationDoctorSpoke-RestartReplicationAgent-1',
  CheckDiskSpace: 'MgnReplicationDoctorSpoke-CheckDiskSpace-1',
  CheckConnectivity: 'MgnReplicationDoctorSpoke-CheckConnectivity-1',
};

const denied = (account: string) =>
  new STSServiceException({
    name: 'AccessDenied',
    $fault: 'client',
    $metadata: { httpStatusCode: 403 },
    message: `User: arn:aws:sts::${HUB}:assumed-role/MgnReplicationDoctorHub-${REGION}/fn is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::${account}:role/${ROLE}`,
  });

function provider() {
  const clients = createAwsClients({ region: REGION, credentials: { accessKeyId: 'HUBKEY', secretAccessKey: 'hub' } });
  const signedWith: CredentialProvider[] = [];
  const withCredentials = clients.withCredentials;
  const spied = {
    ...clients,
    withCredentials: (credentials: CredentialProvider) => {
      signedWith.push(credentials);
      return withCredentials(credentials);
    },
  };
  const ports = new AwsAccountPortsProvider({
    clients: spied,
    config: { ledgerTableName: 'ledger', documentNames: HUB_DOCUMENTS, commandLogGroup: '/hub/command-output' },
    hub: { spokeRoleName: ROLE, spokeDocumentNames: SPOKE_DOCUMENTS },
    ownAccount: HUB,
    region: REGION,
    runId: 'prog-run-7',
  });
  return { ports, signedWith };
}

const entry = { sourceServerId: 's-00000000000000001', version: 1, status: 'OPEN', since: '2026-12-07T10:00:00Z' };

beforeEach(() => {
  for (const mock of [mgnMock, ssmMock, stsMock, dynamoMock]) mock.reset();
  mgnMock.on(DescribeSourceServersCommand as any).resolves({ items: [] } as never);
  ssmMock.on(SendCommandCommand).resolves({ Command: { CommandId: 'cmd-1' } });
  dynamoMock.on(PutCommand).resolves({});
  stsMock
    .on(AssumeRoleCommand, { RoleArn: `arn:aws:iam::${MEMBER}:role/${ROLE}` })
    .resolves({
      Credentials: {
        AccessKeyId: 'ASIAMEMBER',
        SecretAccessKey: 'member',
        SessionToken: 'member-token',
        Expiration: new Date(Date.now() + 3_600_000),
      },
    })
    .on(AssumeRoleCommand, { RoleArn: `arn:aws:iam::${DENYING}:role/${ROLE}` })
    .rejects(denied(DENYING));
});

const sendOne = (ports: Awaited<ReturnType<AwsAccountPortsProvider['portsFor']>>) =>
  ports.commands.sendCommand({
    document: 'CheckDiskSpace',
    instanceIds: ['mi-00000000000000001'],
    parameters: {},
    comment: 'test',
  });

describe('AwsAccountPortsProvider', () => {
  it("gives the hub's own account a single-account stack's ports: no AssumeRole, no accountID, bare ledger keys", async () => {
    // Arrange
    const { ports: provided, signedWith } = provider();

    // Act
    const ports = await provided.portsFor(HUB);
    await ports.servers.listSourceServers();
    await sendOne(ports);
    await ports.ledger.saveEntries([entry as never]);

    // Assert
    expect(stsMock).not.toHaveReceivedCommand(AssumeRoleCommand);
    expect(signedWith).toHaveLength(0);
    const describe = mgnMock.calls()[0]?.args[0] as { input: Record<string, unknown> };
    expect(Object.keys(describe.input)).not.toContain('accountID');
    expect(ssmMock).toHaveReceivedCommandWith(SendCommandCommand, {
      DocumentName: 'Hub-CheckDiskSpace-1',
      CloudWatchOutputConfig: { CloudWatchOutputEnabled: true, CloudWatchLogGroupName: '/hub/command-output' },
    });
    expect(dynamoMock).toHaveReceivedCommandWith(PutCommand, {
      Item: expect.objectContaining({ sourceServerId: entry.sourceServerId }),
    });
  });

  it("gives a member account MGN with its accountID, SSM on its spoke's credentials, documents and log group, and its own ledger keys", async () => {
    // Arrange
    const { ports: provided, signedWith } = provider();

    // Act
    const ports = await provided.portsFor(MEMBER);
    await ports.servers.listSourceServers();
    await sendOne(ports);
    await ports.ledger.saveEntries([entry as never]);

    // Assert
    expect(stsMock).toHaveReceivedCommandTimes(AssumeRoleCommand, 1);
    expect(stsMock).toHaveReceivedCommandWith(AssumeRoleCommand, {
      RoleArn: `arn:aws:iam::${MEMBER}:role/${ROLE}`,
      RoleSessionName: 'mgn-doctor-prog-run-7',
    });
    expect(signedWith).toHaveLength(1);
    await expect((signedWith[0] as CredentialProvider)()).resolves.toMatchObject({ accessKeyId: 'ASIAMEMBER' });
    expect(stsMock).toHaveReceivedCommandTimes(AssumeRoleCommand, 1);
    expect(mgnMock).toHaveReceivedCommandWith(DescribeSourceServersCommand as any, { accountID: MEMBER });
    expect(ssmMock).toHaveReceivedCommandWith(SendCommandCommand, {
      DocumentName: SPOKE_DOCUMENTS.CheckDiskSpace,
      CloudWatchOutputConfig: { CloudWatchOutputEnabled: true, CloudWatchLogGroupName: SPOKE_COMMAND_LOG_GROUP },
    });
    expect(dynamoMock).toHaveReceivedCommandWith(PutCommand, {
      Item: expect.objectContaining({ sourceServerId: `${MEMBER}/${entry.sourceServerId}` }),
    });
  });

  it('rejects an account whose spoke role it may not assume with one line: the account, what to do, and STS’s error', async () => {
    // Arrange
    const { ports: provided, signedWith } = provider();

    // Act
    const failure = await provided.portsFor(DENYING).then(
      () => undefined,
      (error: unknown) => error,
    );

    // Assert
    expect(failure).toBeInstanceOf(AccountRunError);
    expect((failure as AccountRunError).account).toBe(DENYING);
    expect((failure as AccountRunError).line).toBe(
      `Account ${DENYING}: the hub may not assume ${ROLE} there: deploy the spoke stack (MgnReplicationDoctorSpoke) to this account and Region (AccessDenied: ${denied(DENYING).message})`,
    );
    expect(signedWith).toHaveLength(0);
    expect(mgnMock.calls()).toHaveLength(0);
  });

  it('rejects what is not an account ID, naming it, without calling anything', async () => {
    // Act / Assert
    await expect(provider().ports.portsFor('12345')).rejects.toMatchObject({
      name: 'AccountRunError',
      line: 'Account 12345: not a 12-digit account ID',
    });
    expect(stsMock).not.toHaveReceivedCommand(AssumeRoleCommand);
  });
});
