// The benchmark's endpoints, checked through the real SDK clients (built by the project's own factory, pointed at
// the endpoints by AWS_ENDPOINT_URL_<SERVICE> as in the Lambda) and the project's adapters: they must answer in
// shapes the SDK deserialises, refuse what the services refuse, and count every call.
import { DescribeInstancesCommand } from '@aws-sdk/client-ec2';
import { GetRoleCommand } from '@aws-sdk/client-iam';
import { PublishCommand } from '@aws-sdk/client-sns';
import { createAwsClients, type AwsClients } from '../../../lambdas/adapters/aws-clients';
import { DynamoDbRemediationLedger } from '../../../lambdas/adapters/dynamodb-remediation-ledger';
import { MgnSourceServerRepository } from '../../../lambdas/adapters/mgn-source-server-repository';
import { SnsOutcomePublisher } from '../../../lambdas/adapters/sns-outcome-publisher';
import { SsmCommandRunner } from '../../../lambdas/adapters/ssm-command-runner';
import { SsmManagedNodeDirectory } from '../../../lambdas/adapters/ssm-managed-node-directory';
import { parseDoctorLines } from '../../../lambdas/core/command-output';
import type { LedgerEntry } from '../../../lambdas/core/ledger';
import {
  COMMAND_LOG_GROUP,
  DOCUMENT_NAMES,
  TABLE_NAME,
  TOPIC_ARN,
  startBenchEndpoints,
  type BenchEndpoints,
} from '../../../scripts/bench/endpoints';
import { SNS_MAX_MESSAGE_BYTES } from '../../../scripts/bench/fake-sns-endpoint';
import { generateFleet, nodeIdOf, replicationServerIdOf, type Fleet } from '../../../scripts/bench/fleet';
import { anOutcomeReport } from '../../fakes/builders';

const ENDPOINT_VARIABLES = ['MGN', 'SSM', 'SNS', 'DYNAMODB', 'EC2', 'IAM'].map(
  (service) => `AWS_ENDPOINT_URL_${service}`,
);

let fleet: Fleet;
let endpoints: BenchEndpoints;
let clients: AwsClients;
const saved = new Map<string, string | undefined>();

async function rejection(promise: Promise<unknown>): Promise<Error & { $metadata?: { httpStatusCode?: number } }> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the call to fail');
}

beforeAll(async () => {
  fleet = generateFleet({ servers: 120, stalled: 10 });
  endpoints = await startBenchEndpoints(fleet, { latencyMs: 0 });
  const environment = endpoints.environment();
  for (const name of [...ENDPOINT_VARIABLES, 'AWS_ENDPOINT_URL']) {
    saved.set(name, process.env[name]);
    process.env[name] = environment[name];
  }
  // The Lambda's factory; only the endpoints come from the environment, as in the Lambda.
  clients = createAwsClients({
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
  });
});

afterAll(async () => {
  // ec2, iam, events and sts are built on first use: destroy them through their providers. withCredentials builds
  // clients for other accounts, none of which this test made.
  const { withCredentials: _, ...built } = clients ?? ({} as Partial<AwsClients>);
  for (const client of Object.values(built)) (typeof client === 'function' ? client() : client).destroy();
  await endpoints?.close();
  for (const [name, value] of saved) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
});

beforeEach(() => endpoints.clearRecords());

describe('bench endpoints through the real SDK clients', () => {
  test('MGN lists the generated fleet in API shape: stalled servers, hostnames, replication servers', async () => {
    // Act
    const servers = await new MgnSourceServerRepository(clients.mgn).listSourceServers();

    // Assert
    expect(servers).toHaveLength(120);
    const stalled = servers.filter((server) => server.dataReplicationState === 'STALLED');
    expect(stalled.map((server) => server.sourceServerId)).toEqual(fleet.stalledIds);
    expect(stalled.every((server) => server.errorCode === 'AGENT_NOT_SEEN')).toBe(true);
    expect(servers[0]).toMatchObject({
      hostname: 'srv-00000',
      fqdn: 'srv-00000.corp.example.com',
      ips: ['10.20.0.1'],
      replicatorId: replicationServerIdOf(0),
    });
    expect(endpoints.callCounts()).toEqual({ 'mgn:DescribeSourceServers': 1 });
  });

  test('SSM lists the inventory 50 nodes a page, matching the hosts by name', async () => {
    // Act
    const nodes = await new SsmManagedNodeDirectory(clients.ssm).listNodes();

    // Assert
    expect(nodes).toHaveLength(120);
    expect(nodes[5]).toMatchObject({
      instanceId: nodeIdOf(5),
      pingStatus: 'Online',
      platformType: 'Linux',
      computerName: 'srv-00005.corp.example.com',
    });
    expect(endpoints.callCounts()).toEqual({ 'ssm:DescribeInstanceInformation': 3 });
  });

  test("SSM Run Command: SendCommand batches of 50 go through the front, and their invocations list the documents' output", async () => {
    // Arrange
    const runner = new SsmCommandRunner(clients.ssm, {
      documentNames: DOCUMENT_NAMES,
      logGroupName: COMMAND_LOG_GROUP,
    });
    const instanceIds = Array.from({ length: 60 }, (_, index) => nodeIdOf(index));

    // Act
    const batches = await runner.sendCommand({
      document: 'CheckDiskSpace',
      instanceIds,
      parameters: { minFreeRootMiB: ['2048'] },
      comment: 'bench',
    });
    const first = batches[0] as { commandId: string };
    const results = await runner.listInvocations(first.commandId);

    // Assert
    expect(batches.map((batch) => ('commandId' in batch ? batch.instanceIds.length : batch.error))).toEqual([50, 10]);
    expect(results).toHaveLength(50);
    expect(results[0]).toMatchObject({ status: 'Success', responseCode: 0 });
    expect(parseDoctorLines(results[0]?.output ?? '')[0]).toMatchObject({ check: 'disk', status: 'OK' });
    expect(endpoints.callCounts()).toEqual({ 'ssm:SendCommand': 2, 'ssm:ListCommandInvocations': 1 });
  });

  test('SSM refuses an unknown document and an unknown node as SSM does', async () => {
    // Arrange
    const runner = new SsmCommandRunner(clients.ssm, {
      documentNames: { ...DOCUMENT_NAMES, CheckDiskSpace: 'NoSuchDocument' },
      logGroupName: COMMAND_LOG_GROUP,
    });

    // Act
    const [unknownDocument] = await runner.sendCommand({
      document: 'CheckDiskSpace',
      instanceIds: [nodeIdOf(0)],
      parameters: {},
      comment: 'bench',
    });
    const [unknownNode] = await runner.sendCommand({
      document: 'RestartReplicationAgent',
      instanceIds: ['mi-0fffffffffffffff0'],
      parameters: {},
      comment: 'bench',
    });

    // Assert
    expect(unknownDocument).toMatchObject({ error: expect.stringMatching(/^InvalidDocument: /) });
    expect(unknownNode).toMatchObject({ error: expect.stringMatching(/^InvalidInstanceId: .*mi-0fffffffffffffff0/) });
    expect(endpoints.errorCounts()).toEqual({ 'ssm:SendCommand': 2 });
  });

  test('SNS takes the digest (MessageStructure json) and refuses what SNS refuses', async () => {
    // Act
    await new SnsOutcomePublisher(clients.sns, TOPIC_ARN).publish(
      anOutcomeReport({ subject: 'MGN us-east-1: 1 stalled', text: 'digest text', sms: 'one line' }),
    );
    const direct = await clients.sns.send(
      new PublishCommand({ TopicArn: TOPIC_ARN, Message: 'plain', Subject: 'plain' }),
    );
    const tooLong = await rejection(
      clients.sns.send(new PublishCommand({ TopicArn: TOPIC_ARN, Message: 'x'.repeat(SNS_MAX_MESSAGE_BYTES + 1) })),
    );
    const noDefault = await rejection(
      clients.sns.send(new PublishCommand({ TopicArn: TOPIC_ARN, MessageStructure: 'json', Message: '{"email":"x"}' })),
    );
    const noTopic = await rejection(
      clients.sns.send(new PublishCommand({ TopicArn: `${TOPIC_ARN}-gone`, Message: 'x' })),
    );

    // Assert
    expect(endpoints.sns.published).toHaveLength(2);
    expect(direct.MessageId).toBe(endpoints.sns.published[1]?.messageId);
    expect(JSON.parse(endpoints.sns.published[0]?.message ?? '{}')).toEqual({
      default: 'digest text',
      email: 'digest text',
      sms: 'one line',
    });
    expect(endpoints.sns.published[0]?.subject).toBe('MGN us-east-1: 1 stalled');
    expect([tooLong.name, tooLong.message]).toEqual([
      'InvalidParameterException',
      'Invalid parameter: Message too long',
    ]);
    expect(noDefault.message).toMatch(/No default entry/);
    expect(noTopic.$metadata?.httpStatusCode).toBe(404);
    expect(endpoints.callCounts()).toEqual({ 'sns:Publish': 5 });
  });

  test('DynamoDB (dynalite) keeps the ledger with its conditional writes', async () => {
    // Arrange
    const ledger = new DynamoDbRemediationLedger(clients.dynamodb, TABLE_NAME);
    const entry: LedgerEntry = {
      sourceServerId: fleet.stalledIds[0] as string,
      version: 1,
      status: 'OPEN',
      condition: 'STALLED',
      since: '2026-11-26T08:00:00.000Z',
      attempts: 0,
      treatments: [],
    };

    // Act
    const first = await ledger.saveEntry(entry);
    const again = await ledger.saveEntry(entry);
    const loaded = await ledger.loadEntries();

    // Assert
    expect([first, again]).toEqual(['SAVED', 'CONFLICT']);
    expect(loaded).toEqual([expect.objectContaining({ sourceServerId: entry.sourceServerId, version: 1 })]);
    expect(endpoints.callCounts()).toEqual({ 'dynamodb:PutItem': 2, 'dynamodb:Scan': 1 });
    expect(endpoints.errorCounts()).toEqual({ 'dynamodb:PutItem': 1 });
  });

  test('EC2 describes replication servers by ID and names the missing ones as EC2 does', async () => {
    // Act
    const found = await clients
      .ec2()
      .send(new DescribeInstancesCommand({ InstanceIds: [replicationServerIdOf(0), replicationServerIdOf(1)] }));
    const missing = await rejection(
      clients
        .ec2()
        .send(new DescribeInstancesCommand({ InstanceIds: [replicationServerIdOf(0), 'i-0123456789abcdef0'] })),
    );

    // Assert
    const instances = (found.Reservations ?? []).flatMap((reservation) => reservation.Instances ?? []);
    expect(instances.map((instance) => [instance.InstanceId, instance.PrivateIpAddress, instance.State?.Name])).toEqual(
      [
        [replicationServerIdOf(0), '10.250.0.1', 'running'],
        [replicationServerIdOf(1), '10.250.0.2', 'running'],
      ],
    );
    expect([missing.name, missing.message]).toEqual([
      'InvalidInstanceID.NotFound',
      "The instance ID 'i-0123456789abcdef0' does not exist",
    ]);
    expect(endpoints.callCounts()).toEqual({ 'ec2:DescribeInstances': 2 });
  });

  test("IAM answers GetRole for MGN's roles and NoSuchEntity for a missing one", async () => {
    // Arrange
    endpoints.iam.roles.delete('AWSApplicationMigrationAgentRole');

    // Act
    const role = await clients
      .iam()
      .send(new GetRoleCommand({ RoleName: 'AWSApplicationMigrationReplicationServerRole' }));
    const missing = await rejection(
      clients.iam().send(new GetRoleCommand({ RoleName: 'AWSApplicationMigrationAgentRole' })),
    );

    // Assert
    expect(role.Role).toMatchObject({
      Arn: 'arn:aws:iam::111122223333:role/service-role/AWSApplicationMigrationReplicationServerRole',
      Path: '/service-role/',
    });
    expect(role.Role?.CreateDate).toBeInstanceOf(Date);
    expect(missing.name).toBe('NoSuchEntityException');
    expect(missing.$metadata?.httpStatusCode).toBe(404);
    expect(endpoints.callCounts()).toEqual({ 'iam:GetRole': 2 });
  });
});
