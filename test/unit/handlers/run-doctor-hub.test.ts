// The handler of a hub (docs/design.md section 13) with every AWS client mocked: the state machine's three
// payloads routed to their steps, a malformed one refused, a member account's stall event run in that account and
// published as its own digest, and the metrics' Account dimension. Wiring only: the core tests decide.
import * as Sts from '@aws-sdk/client-sts';
import type * as Mgn from '@aws-sdk/client-mgn';
import type * as Sns from '@aws-sdk/client-sns';
import type * as Ssm from '@aws-sdk/client-ssm';
import type * as DocumentClient from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import { mockClient, type AwsClientStub } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodeWithin, MAX_HELD_REPORT_BYTES } from '../../../lambdas/adapters/dynamodb-held-report-store';
import { holdableFacts } from '../../../lambdas/core/program/held-report';
import { ENV } from '../../../lambdas/shared/environment';
import { ACCOUNT_METRIC_DIMENSION } from '../../../lambdas/shared/program';
import { aLambdaEnvironment } from '../../fakes/lambda-environment';
import { aRunReport, aServerReport } from '../../fakes/reports';

let sdk: { mgn: typeof Mgn; ssm: typeof Ssm; sns: typeof Sns; documentClient: typeof DocumentClient };
let mgn: any;
let ssm: AwsClientStub<Ssm.SSMClient>;
let sns: AwsClientStub<Sns.SNSClient>;
let dynamodb: AwsClientStub<DocumentClient.DynamoDBDocumentClient>;
let addDimension: jest.SpyInstance;
// STS loads on first use, after the isolated load: the suite's own registry is the one it finds.
const sts = mockClient(Sts.STSClient);

const HUB = '111122223333';
const MEMBER = '444455556666';
const DENIED = '777788889999';
const STALLED_ID = 's-12345678901234567';
const context = {
  awsRequestId: 'c0ffee00-1111-2222-3333-444455556666',
  invokedFunctionArn: `arn:aws:lambda:us-west-2:${HUB}:function:doctor`,
  functionName: 'doctor',
  functionVersion: '$LATEST',
  memoryLimitInMB: '256',
} as Context;
const fixture = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(join(__dirname, '../../fixtures/events', name), 'utf8'));

type Handler = (event: unknown, context: Context) => Promise<any>;

function loadHub(): Handler {
  Object.assign(process.env, aLambdaEnvironment(), {
    [ENV.programAccounts]: `${HUB},${MEMBER},${DENIED}`,
    [ENV.spokeRoleName]: 'MgnReplicationDoctorSpoke-us-west-2',
    [ENV.spokeDocumentNames]: JSON.stringify({
      RestartReplicationAgent: 'MgnReplicationDoctorSpoke-RestartReplicationAgent-1',
      CheckDiskSpace: 'MgnReplicationDoctorSpoke-CheckDiskSpace-1',
      CheckConnectivity: 'MgnReplicationDoctorSpoke-CheckConnectivity-1',
    }),
  });
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
    addDimension = jest.spyOn(require('../../../lambdas/shared/powertools').metrics, 'addDimension');
    handler = (require('../../../lambdas/handlers/run-doctor') as { handler: Handler }).handler;
  });
  return handler as Handler;
}

function stubAws(): void {
  mgn.on(sdk.mgn.DescribeSourceServersCommand as any).resolves({
    items: [
      {
        sourceServerID: STALLED_ID,
        arn: `arn:aws:mgn:us-west-2:${MEMBER}:source-server/${STALLED_ID}`,
        isArchived: false,
        lifeCycle: { state: 'READY_FOR_TEST' },
        dataReplicationInfo: { dataReplicationState: 'STALLED', dataReplicationError: { error: 'AGENT_NOT_SEEN' } },
        sourceProperties: { identificationHints: { hostname: 'web01', awsInstanceID: 'i-0123456789abcdef0' } },
      },
    ],
  } as any);
  ssm.on(sdk.ssm.DescribeInstanceInformationCommand).resolves({
    InstanceInformationList: [{ InstanceId: 'i-0123456789abcdef0', PingStatus: 'Online', PlatformType: 'Linux' }],
  });
  ssm
    .on(sdk.ssm.SendCommandCommand)
    .callsFake((input: any) => ({ Command: { CommandId: `${input.DocumentName}-id` } }));
  ssm.on(sdk.ssm.ListCommandInvocationsCommand).resolves({ CommandInvocations: [] });
  dynamodb.on(sdk.documentClient.ScanCommand).resolves({ Items: [] });
  dynamodb.on(sdk.documentClient.PutCommand).resolves({});
  dynamodb.on(sdk.documentClient.TransactWriteCommand).resolves({});
  sns.on(sdk.sns.PublishCommand).resolves({ MessageId: 'm-1' });
  sts.reset();
  sts.on(Sts.AssumeRoleCommand).callsFake((input: { RoleArn: string }) => {
    if (input.RoleArn.includes(DENIED))
      throw Object.assign(new Error(`not authorized to perform: sts:AssumeRole on ${input.RoleArn}`), {
        name: 'AccessDenied',
      });
    return {
      Credentials: {
        AccessKeyId: 'ASIAEXAMPLE',
        SecretAccessKey: 'secret',
        SessionToken: 'token',
        Expiration: new Date(Date.now() + 3_600_000),
      },
    };
  });
}

const heldPuts = () =>
  dynamodb
    .commandCalls(sdk.documentClient.PutCommand)
    .map((call) => call.args[0].input.Item as Record<string, unknown>)
    .filter((item) => String(item.sourceServerId).startsWith('#held/'));

describe('run-doctor handler in a hub', () => {
  it('list-accounts answers the configured accounts', async () => {
    await expect(loadHub()({ program: 'list-accounts', runId: 'prog-1' }, context)).resolves.toEqual({
      runId: 'prog-1',
      accounts: [HUB, MEMBER, DENIED],
    });
  });

  it('run-account runs a member account through its spoke role and MGN accountID, holds the report, publishes nothing', async () => {
    const result = await loadHub()({ program: 'run-account', runId: 'prog-1', account: MEMBER }, context);

    expect(result).toEqual({ account: MEMBER, held: true });
    expect(sts).toHaveReceivedCommandWith(Sts.AssumeRoleCommand, {
      RoleArn: `arn:aws:iam::${MEMBER}:role/MgnReplicationDoctorSpoke-us-west-2`,
    });
    expect(mgn).toHaveReceivedCommandWith(sdk.mgn.DescribeSourceServersCommand as any, { accountID: MEMBER });
    expect(ssm).toHaveReceivedCommandWith(sdk.ssm.SendCommandCommand, {
      DocumentName: 'MgnReplicationDoctorSpoke-RestartReplicationAgent-1',
    });
    expect(heldPuts().map((item) => item.sourceServerId)).toEqual([`#held/prog-1/${MEMBER}`]);
    expect(sns).toHaveReceivedCommandTimes(sdk.sns.PublishCommand, 0);
    expect(addDimension).toHaveBeenCalledWith(ACCOUNT_METRIC_DIMENSION, MEMBER);
    expect(ACCOUNT_METRIC_DIMENSION).toBe('Account');
  });

  it('run-account answers a denied account as its failure line, not an error', async () => {
    const result = await loadHub()({ program: 'run-account', runId: 'prog-1', account: DENIED }, context);
    expect(result).toEqual({
      account: DENIED,
      held: false,
      failure: expect.stringContaining(`Account ${DENIED}: the hub may not assume MgnReplicationDoctorSpoke-us-west-2`),
    });
    expect(mgn).toHaveReceivedCommandTimes(sdk.mgn.DescribeSourceServersCommand as any, 0);
  });

  it('publish-digest publishes one digest of the held reports and the failed accounts, then releases the reports', async () => {
    const handler = loadHub();
    const facts = holdableFacts(aRunReport([aServerReport('treated')], { accountId: MEMBER, runId: 'prog-1' }).facts);
    const report = encodeWithin(
      { runId: 'prog-1', account: MEMBER, facts, omitted: 0, told: { marks: [] } },
      MAX_HELD_REPORT_BYTES,
    );
    dynamodb
      .on(sdk.documentClient.ScanCommand)
      .resolves({ Items: [{ sourceServerId: `#held/prog-1/${MEMBER}`, runId: 'prog-1', account: MEMBER, report }] });

    const outcome = await handler(
      {
        program: 'publish-digest',
        runId: 'prog-1',
        results: [
          { account: MEMBER, held: true },
          { account: DENIED, held: false, failure: `Account ${DENIED}: the hub may not assume the role` },
        ],
      },
      context,
    );

    expect(outcome).toMatchObject({ published: true, accounts: 1, failedAccounts: 1 });
    expect(sns).toHaveReceivedCommandTimes(sdk.sns.PublishCommand, 1);
    const publish = sns.commandCalls(sdk.sns.PublishCommand)[0]?.args[0].input;
    expect(publish?.Subject).toBe('MGN us-west-2: 1 account not treated, 1 stalled (2 accounts)');
    expect(JSON.parse(publish?.Message ?? '{}').default).toContain(`=== Account ${MEMBER} — 1 stalled ===`);
    expect(heldPuts()).toEqual([expect.objectContaining({ sourceServerId: `#held/prog-1/${MEMBER}`, released: true })]);
  });

  it('refuses a malformed program payload with an error the execution shows', async () => {
    await expect(loadHub()({ program: 'run-account', runId: 'prog-1', account: '42' }, context)).rejects.toThrow(
      'Malformed program payload: account must be a 12-digit account ID, got "42"',
    );
  });

  it("runs a member account's stall event in that account and publishes its own digest", async () => {
    const event = {
      ...fixture('mgn-data-replication-stalled.json'),
      account: MEMBER,
      region: 'us-west-2',
      resources: [`arn:aws:mgn:us-west-2:${MEMBER}:source-server/${STALLED_ID}`],
    };

    const report = await loadHub()(event, context);

    expect(report).toMatchObject({ trigger: 'event', published: true });
    expect(mgn).toHaveReceivedCommandWith(sdk.mgn.DescribeSourceServersCommand as any, {
      accountID: MEMBER,
      filters: { isArchived: false, sourceServerIDs: [STALLED_ID] },
    });
    expect(sns).toHaveReceivedCommandTimes(sdk.sns.PublishCommand, 1);
    expect(sns.commandCalls(sdk.sns.PublishCommand)[0]?.args[0].input.Subject).toBe(
      `MGN us-west-2: 1 stalled (${MEMBER})`,
    );
    expect(heldPuts()).toHaveLength(0);
    expect(addDimension).toHaveBeenCalledWith(ACCOUNT_METRIC_DIMENSION, MEMBER);
  });

  it('ignores a scheduled event: the state machine runs a hub', async () => {
    await expect(loadHub()(fixture('scheduled.json'), context)).resolves.toBeUndefined();
    expect(mgn).toHaveReceivedCommandTimes(sdk.mgn.DescribeSourceServersCommand as any, 0);
  });
});
