// The whole handler with every AWS client mocked (aws-sdk-client-mock): wiring, not decisions (core tests do those).
import * as EventBridge from '@aws-sdk/client-eventbridge';
import type * as Mgn from '@aws-sdk/client-mgn';
import type * as Sns from '@aws-sdk/client-sns';
import type * as Ssm from '@aws-sdk/client-ssm';
import type * as DocumentClient from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import { mockClient, type AwsClientStub } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_SETTINGS } from '../../../lambdas/shared/settings';
import type { RunReport } from '../../../lambdas/core/report';
import { aLambdaEnvironment } from '../../fakes/lambda-environment';

// The handler builds its clients at module load, so each test loads it afresh (jest.isolateModules) and mocks
// the client classes of that fresh module registry. client-mgn is on the smithy v2 type tree (toolchain.md §3b):
// its mock needs casts.
let sdk: { mgn: typeof Mgn; ssm: typeof Ssm; sns: typeof Sns; documentClient: typeof DocumentClient };
let mgn: any;
let ssm: AwsClientStub<Ssm.SSMClient>;
let sns: AwsClientStub<Sns.SNSClient>;
let dynamodb: AwsClientStub<DocumentClient.DynamoDBDocumentClient>;
// The EventBridge SDK loads on first use, after the isolated load: the suite's own registry is the one it finds.
const events = mockClient(EventBridge.EventBridgeClient);

const STALLED_ID = 's-12345678901234567';
const context = {
  awsRequestId: 'c0ffee00-1111-2222-3333-444455556666',
  invokedFunctionArn: 'arn:aws:lambda:us-west-2:111122223333:function:doctor',
  functionName: 'doctor',
  functionVersion: '$LATEST',
  memoryLimitInMB: '256',
} as Context;
const fixture = (name: string): unknown =>
  JSON.parse(readFileSync(join(__dirname, '../../fixtures/events', name), 'utf8'));

type Handler = (event: unknown, context: Context) => Promise<RunReport | undefined>;

function loadHandler(settings = DEFAULT_SETTINGS): Handler {
  Object.assign(process.env, aLambdaEnvironment(settings));
  let handler: Handler | undefined;
  jest.isolateModules(() => {
    sdk = {
      mgn: require('@aws-sdk/client-mgn'),
      ssm: require('@aws-sdk/client-ssm'),
      sns: require('@aws-sdk/client-sns'),
      documentClient: require('@aws-sdk/lib-dynamodb'),
    };
    mgn = mockClient(sdk.mgn.MgnClient as any);
    ssm = mockClient(sdk.ssm.SSMClient);
    sns = mockClient(sdk.sns.SNSClient);
    dynamodb = mockClient(sdk.documentClient.DynamoDBDocumentClient);
    stubAws();
    events.reset();
    events.on(EventBridge.PutEventsCommand).callsFake((input: { Entries: unknown[] }) => ({
      FailedEntryCount: 0,
      Entries: input.Entries.map(() => ({ EventId: 'e' })),
    }));
    handler = (require('../../../lambdas/handlers/run-doctor') as { handler: Handler }).handler;
  });
  return handler as Handler;
}

function stubAws(): void {
  mgn.on(sdk.mgn.DescribeSourceServersCommand as any).resolves({
    items: [
      {
        sourceServerID: STALLED_ID,
        isArchived: false,
        lifeCycle: { state: 'READY_FOR_TEST' },
        dataReplicationInfo: { dataReplicationState: 'STALLED', dataReplicationError: { error: 'AGENT_NOT_SEEN' } },
        sourceProperties: {
          identificationHints: { hostname: 'web01', fqdn: 'web01.corp.example.com' },
          networkInterfaces: [],
        },
      },
      {
        sourceServerID: 's-22222222222222222',
        isArchived: false,
        lifeCycle: { state: 'CUTOVER' },
        dataReplicationInfo: { dataReplicationState: 'DISCONNECTED' },
      },
    ],
  } as any);
  ssm.on(sdk.ssm.DescribeInstanceInformationCommand).resolves({
    InstanceInformationList: [
      {
        InstanceId: 'mi-0123456789abcdef0',
        PingStatus: 'Online',
        PlatformType: 'Linux',
        ComputerName: 'web01.corp.example.com',
      },
    ],
  });
  ssm
    .on(sdk.ssm.SendCommandCommand)
    .callsFake((input: any) => Promise.resolve({ Command: { CommandId: `${input.DocumentName}-id` } }));
  ssm.on(sdk.ssm.ListCommandInvocationsCommand).callsFake((input: any) =>
    Promise.resolve({
      CommandInvocations: [
        {
          CommandId: input.CommandId,
          InstanceId: 'mi-0123456789abcdef0',
          Status: 'Success',
          CommandPlugins: [
            { Name: 'linux', Status: 'Success', ResponseCode: 0, Output: 'MGN_DOCTOR check=agent status=RUNNING' },
          ],
        },
      ],
    }),
  );
  dynamodb.on(sdk.documentClient.ScanCommand).resolves({ Items: [] });
  dynamodb.on(sdk.documentClient.PutCommand).resolves({});
  sns.on(sdk.sns.PublishCommand).resolves({ MessageId: 'm-1' });
}

describe('run-doctor handler', () => {
  it('runs the whole pipeline for a scheduled event', async () => {
    const report = await loadHandler()(fixture('scheduled.json'), context);

    expect(mgn).toHaveReceivedCommandWith(sdk.mgn.DescribeSourceServersCommand as any, {
      filters: { isArchived: false },
      maxResults: 1000,
    });
    expect(ssm).toHaveReceivedCommandTimes(sdk.ssm.SendCommandCommand, 3);
    expect(ssm).toHaveReceivedCommandWith(sdk.ssm.SendCommandCommand, {
      DocumentName: 'Doctor-RestartReplicationAgent-1',
      InstanceIds: ['mi-0123456789abcdef0'],
      MaxErrors: '100%',
      CloudWatchOutputConfig: { CloudWatchOutputEnabled: true, CloudWatchLogGroupName: '/doctor/commands' },
    });
    expect(ssm).toHaveReceivedCommandWith(sdk.ssm.SendCommandCommand, {
      DocumentName: 'Doctor-CheckConnectivity-1',
      Parameters: { region: ['us-west-2'], replicationServerIps: [''] },
    });
    expect(dynamodb).toHaveReceivedCommandWith(sdk.documentClient.PutCommand, {
      TableName: 'ledger',
      Item: expect.objectContaining({ sourceServerId: STALLED_ID, attempts: 1 }),
    });
    expect(sns).toHaveReceivedCommandTimes(sdk.sns.PublishCommand, 1);
    const publish = sns.commandCalls(sdk.sns.PublishCommand)[0]?.args[0].input;
    expect(publish?.TopicArn).toBe('arn:aws:sns:us-west-2:111122223333:doctor');
    expect(publish?.MessageStructure).toBe('json');
    expect(publish?.Subject).toBe('MGN us-west-2: 1 stalled (111122223333)');
    const message = JSON.parse(publish?.Message ?? '{}') as Record<string, string>;
    expect(message.default).toContain(STALLED_ID);
    expect(message.sms?.length).toBeLessThanOrEqual(140);
    expect(report).toMatchObject({
      runId: 'c0ffee00',
      trigger: 'schedule',
      counts: { STALLED: 1, IGNORED: 1 },
      commandsSent: 3,
      published: true,
    });
  });

  it('builds the best-effort channels: the news as events on the default bus, no OpsItem without an escalation', async () => {
    const report = await loadHandler()(fixture('scheduled.json'), context);

    expect(events).toHaveReceivedCommandTimes(EventBridge.PutEventsCommand, 1);
    const [entry] = events.commandCalls(EventBridge.PutEventsCommand)[0]?.args[0].input.Entries ?? [];
    expect(entry).toMatchObject({ Source: 'mgn-replication-doctor', DetailType: 'MGN Replication Doctor Finding' });
    expect(JSON.parse(entry?.Detail ?? '{}')).toMatchObject({ sourceServerId: STALLED_ID, news: 'NEW' });
    expect(ssm).toHaveReceivedCommandTimes(sdk.ssm.CreateOpsItemCommand, 0);
    expect(report?.channelFailures).toBe(0);
  });

  it('findingEvents=false and opsItems=false: no channel beyond the topic', async () => {
    await loadHandler({ ...DEFAULT_SETTINGS, findingEvents: false, opsItems: false })(
      fixture('scheduled.json'),
      context,
    );
    expect(events).toHaveReceivedCommandTimes(EventBridge.PutEventsCommand, 0);
    expect(sns).toHaveReceivedCommandTimes(sdk.sns.PublishCommand, 1);
  });

  it('dry run sends nothing and writes nothing', async () => {
    const report = await loadHandler({ ...DEFAULT_SETTINGS, dryRun: true })(fixture('scheduled.json'), context);

    expect(ssm).toHaveReceivedCommandTimes(sdk.ssm.SendCommandCommand, 0);
    expect(dynamodb).toHaveReceivedCommandTimes(sdk.documentClient.PutCommand, 0);
    expect(report?.servers[0]?.action).toBe('WOULD_TREAT');
  });

  it('a stall event runs for that server only', async () => {
    await loadHandler()(fixture('mgn-data-replication-stalled.json'), context);
    expect(mgn).toHaveReceivedCommandWith(sdk.mgn.DescribeSourceServersCommand as any, {
      filters: { isArchived: false, sourceServerIDs: [STALLED_ID] },
    });
  });

  it('ignores other events without calling AWS', async () => {
    const handler = loadHandler();
    await expect(handler({ hello: 'world' }, context)).resolves.toBeUndefined();
    expect(mgn).toHaveReceivedCommandTimes(sdk.mgn.DescribeSourceServersCommand as any, 0);
  });

  it('fails the invocation when MGN cannot be listed (so Lambda retries and the DLQ apply)', async () => {
    const handler = loadHandler();
    mgn
      .on(sdk.mgn.DescribeSourceServersCommand as any)
      .rejects(Object.assign(new Error('MGN is not initialized'), { name: 'UninitializedAccountException' }));
    await expect(handler(fixture('scheduled.json'), context)).rejects.toThrow('MGN is not initialized');
    expect(sns).toHaveReceivedCommandTimes(sdk.sns.PublishCommand, 0);
  });
});
