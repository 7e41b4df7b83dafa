// The channels over real HTTP (docs/design.md section 7): the handler's own clients open an OpsItem on escalation
// through the SSM front's OpsCenter (checked against the SSM API model; moto has none), never a second one, and
// resolve it on recovery; its finding events reach moto's default bus, where a rule routes escalations to a queue.
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { EventBridgeClient, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { SSMClient } from '@aws-sdk/client-ssm';
import type { Context } from 'aws-lambda';
import { SsmOpsItemPublisher } from '../../lambdas/adapters/ssm-ops-item-publisher';
import type { RunReport } from '../../lambdas/core/report';
import scheduledEvent from '../fixtures/events/scheduled.json';
import { aRunReport, aServerReport } from '../fakes/reports';
import { aStalledServer } from '../fakes/builders';
import { aStalledApiSourceServer, anApiSourceServer } from '../support/fake-mgn-endpoint';
import { anInstanceInformation } from '../support/fake-ssm-endpoint';
import {
  REGION,
  aLambdaContext,
  applyEnvironment,
  startDoctorHarness,
  type DoctorHarness,
} from '../support/doctor-harness';
import { describeWhereMotoRuns } from '../support/moto-server';

type Handler = (event: unknown, context: Context) => Promise<RunReport | undefined>;

const describeWithMoto = describeWhereMotoRuns();

const SERVER_ID = 's-0eb0100000000000a';
const NODE_ID = 'mi-0eb01000000000000';
const hints = { identificationHints: { hostname: 'web01', fqdn: 'web01.corp.example.com' } };
let sequence = 0;
const context = (): Context =>
  aLambdaContext(`${(++sequence).toString(16).padStart(8, '0')}-aaaa-4bbb-8ccc-dddddddddddd`);

describeWithMoto('channels over HTTP (moto, fake MGN, SSM front with OpsCenter)', () => {
  let harness: DoctorHarness;
  let restore: (() => void) | undefined;
  let handler: Handler;
  const run = async (): Promise<RunReport> => {
    const report = await handler(scheduledEvent, context());
    if (!report) throw new Error('the handler ignored the event');
    return report;
  };

  beforeAll(async () => {
    harness = await startDoctorHarness();
    restore = applyEnvironment(harness.environment({ resultWaitSeconds: 0, maxAttempts: 1, cooldownMinutes: 0 }));
    jest.isolateModules(() => {
      handler = (require('../../lambdas/handlers/run-doctor') as typeof import('../../lambdas/handlers/run-doctor'))
        .handler as Handler; // a single-account stack answers a run report or nothing
    });
  }, 60_000);

  afterAll(async () => {
    restore?.();
    await harness?.stop();
  });

  beforeEach(async () => {
    await harness.resetAws();
    harness.ssm.opsCenter.items.clear();
    harness.mgn.servers = [aStalledApiSourceServer({ sourceServerID: SERVER_ID, sourceProperties: hints })];
    harness.ssm.nodes = [anInstanceInformation({ InstanceId: NODE_ID, ComputerName: 'web01.corp.example.com' })];
    harness.ssm.outcomes.clear();
  });

  test('escalation opens one OpsItem; later runs and a retried create open none; recovery resolves it', async () => {
    const treated = await run();
    expect(treated.channelFailures).toBe(0);
    expect(harness.ssm.opsCenter.items.size).toBe(0);

    const escalated = await run();
    expect(escalated.servers.find((server) => server.server.sourceServerId === SERVER_ID)?.news).toBe('ESCALATED');
    expect(escalated.channelFailures).toBe(0);
    const [item] = [...harness.ssm.opsCenter.items.values()];
    expect(harness.ssm.opsCenter.items.size).toBe(1);
    expect(item).toMatchObject({
      Source: 'mgn-replication-doctor',
      Status: 'Open',
      Severity: '2',
      Title: expect.stringContaining(`web01 (${SERVER_ID})`),
      Tags: [{ Key: 'mgn-replication-doctor', Value: 'true' }],
    });
    expect(JSON.parse(item?.OperationalData['/aws/resources']?.Value ?? '[]')).toEqual([
      { arn: `arn:aws:mgn:${REGION}:111122223333:source-server/${SERVER_ID}` },
    ]);

    await run();
    expect(harness.ssm.opsCenter.items.size).toBe(1);

    // A retried run (the same escalation delivered again): OpsCenter answers with the open item.
    const ssm = new SSMClient({ endpoint: harness.ssm.url, region: REGION, maxAttempts: 1 });
    const stored = escalated.servers.find((server) => server.server.sourceServerId === SERVER_ID);
    const retry = await new SsmOpsItemPublisher(ssm, { blockedHours: 24 }).publish(
      aRunReport(
        [{ ...aServerReport('escalated', aStalledServer({ sourceServerId: SERVER_ID })), entry: stored?.entry }],
        {
          region: REGION,
        },
      ),
    );
    expect(retry).toEqual({ channel: 'OpsCenter', delivered: 1, failures: [] });
    expect(harness.ssm.opsCenter.items.size).toBe(1);
    expect(harness.ssm.requestsFor('CreateOpsItem').map((request) => request.status)).toEqual([200, 400]);

    harness.mgn.servers = [anApiSourceServer({ sourceServerID: SERVER_ID, sourceProperties: hints })];
    const recovered = await run();
    expect(recovered.servers.find((server) => server.server.sourceServerId === SERVER_ID)?.news).toBe('RECOVERED');
    expect(item?.Status).toBe('Resolved');
    expect(item?.OperationalData.mgnDoctorResolution?.Value).toMatch(/^Recovered at .* after 1 treatment\(s\)/);
  });

  test('finding events reach the default bus, and a rule routes the escalation to another target', async () => {
    const endpoint = harness.environment().AWS_ENDPOINT_URL_EVENTBRIDGE as string;
    const config = { endpoint, region: REGION, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } };
    const sqs = new SQSClient(config);
    const events = new EventBridgeClient(config);
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'escalations' }));
    const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
    await events.send(
      new PutRuleCommand({
        Name: 'doctor-escalations',
        EventPattern: JSON.stringify({
          source: ['mgn-replication-doctor'],
          'detail-type': ['MGN Replication Doctor Finding'],
          detail: { news: ['ESCALATED'] },
        }),
      }),
    );
    await events.send(
      new PutTargetsCommand({ Rule: 'doctor-escalations', Targets: [{ Id: 'queue', Arn: Attributes?.QueueArn }] }),
    );

    expect((await run()).channelFailures).toBe(0);
    expect((await run()).channelFailures).toBe(0);

    const { Messages } = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10 }));
    const routed = (Messages ?? []).map((message) => JSON.parse(message.Body ?? '{}') as Record<string, any>);
    expect(routed).toHaveLength(1);
    expect(routed[0]).toMatchObject({
      source: 'mgn-replication-doctor',
      'detail-type': 'MGN Replication Doctor Finding',
      resources: [`arn:aws:mgn:${REGION}:111122223333:source-server/${SERVER_ID}`],
      detail: { sourceServerId: SERVER_ID, news: 'ESCALATED', needsPerson: true, attempt: 1 },
    });
  });
});
