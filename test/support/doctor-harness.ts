// Everything the whole doctor needs to run locally over real HTTP: moto (SNS, SQS, DynamoDB, SSM Run Command),
// the project's fake MGN endpoint, and the SSM front for the calls moto lacks; the stack's resources created in
// moto (digest topic with an SQS tap, ledger table, the three Command documents); and the Lambda's environment.
// Used by the integration tests; written so a benchmark can reuse it.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CreateTableCommand, DynamoDBClient, UpdateTimeToLiveCommand } from '@aws-sdk/client-dynamodb';
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SQSClient,
  type Message,
} from '@aws-sdk/client-sqs';
import { CreateDocumentCommand, ListCommandsCommand, SSMClient, type Command } from '@aws-sdk/client-ssm';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import type { DocumentRole } from '../../lambdas/core/model';
import { FREE_PERIOD_MARKS_KEY, INVENTORY_KEY } from '../../lambdas/adapters/dynamodb-remediation-ledger';
import { ENV } from '../../lambdas/shared/environment';
import { DEFAULT_SETTINGS, renderSettingsEnvironment, type DoctorSettings } from '../../lambdas/shared/settings';
import { startFakeMgnEndpoint, type FakeMgnEndpoint } from './fake-mgn-endpoint';
import { startFakeSsmEndpoint, type FakeSsmEndpoint } from './fake-ssm-endpoint';
import { startMotoServer, type MotoServer } from './moto-server';
import { DOCUMENT_FILES, DOCUMENTS_DIRECTORY } from '../../lib/ssm-document-files';

export const REGION = 'us-east-1';
/** The account in the Lambda's ARN (moto's own resources live in its default account, 123456789012). */
export const LAMBDA_ACCOUNT_ID = '111122223333';
export const FUNCTION_ARN = `arn:aws:lambda:${REGION}:${LAMBDA_ACCOUNT_ID}:function:doctor`;

/** Document names in the form CloudFormation generates them (`<stack>-<logical id>-<suffix>`). */
export const DOCUMENT_NAMES: Readonly<Record<DocumentRole, string>> = {
  RestartReplicationAgent: 'MgnReplicationDoctor-RestartReplicationAgent-Q1w2E3r4T5y6',
  CheckDiskSpace: 'MgnReplicationDoctor-CheckDiskSpace-A1s2D3f4G5h6',
  CheckConnectivity: 'MgnReplicationDoctor-CheckConnectivity-Z1x2C3v4B5n6',
};

export const TOPIC_NAME = 'mgn-replication-doctor-digest';
export const QUEUE_NAME = 'digest-tap';
export const TABLE_NAME = 'mgn-replication-doctor-ledger';
export const COMMAND_LOG_GROUP = '/mgn-replication-doctor/run-command';

const CREDENTIALS = { accessKeyId: 'test', secretAccessKey: 'test' };

/** A Lambda context as the runtime passes it (Powertools' Logger reads it). */
export function aLambdaContext(awsRequestId: string): Context {
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: 'doctor',
    functionVersion: '$LATEST',
    invokedFunctionArn: FUNCTION_ARN,
    memoryLimitInMB: '512',
    awsRequestId,
    logGroupName: '/aws/lambda/doctor',
    logStreamName: '2026/11/26/[$LATEST]0123456789abcdef0123456789abcdef',
    getRemainingTimeInMillis: () => 900_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

export interface PublishedNotification {
  readonly messageId: string;
  /** As published: with MessageStructure json, the JSON text holding `default`, `email` and `sms`. */
  readonly message: string;
  readonly subject: string | null;
}

export interface DoctorHarness {
  readonly moto: MotoServer;
  readonly mgn: FakeMgnEndpoint;
  readonly ssm: FakeSsmEndpoint;
  readonly topicArn: string;
  /** Clients straight to moto, for setting up and reading back. */
  readonly clients: {
    readonly ssm: SSMClient;
    readonly sns: SNSClient;
    readonly sqs: SQSClient;
    readonly dynamodbTables: DynamoDBClient;
    readonly dynamodb: DynamoDBDocumentClient;
  };
  /** Clears moto and the fakes' records (not the MGN fleet or the SSM nodes), then creates the resources again. */
  resetAws(): Promise<void>;
  /** The Lambda environment for these settings: stack variables, settings, endpoints, credentials. */
  environment(settings?: Partial<DoctorSettings>): Record<string, string | undefined>;
  /** Every command moto recorded (ListCommands), oldest first. */
  listCommands(): Promise<Command[]>;
  /** Takes every message from the SQS tap (raw delivery: the body is what SNS delivers to SQS). */
  drainDigestQueue(): Promise<Message[]>;
  /** What was published to the topic, from moto's state. */
  publishedNotifications(): Promise<PublishedNotification[]>;
  /** The ledger's entries, one per followed server (not the SSM inventory or free-period items kept beside them). */
  ledgerItems(): Promise<Record<string, unknown>[]>;
  /** The SSM inventory item a scheduled run keeps for event runs, if there is one. */
  inventoryItem(): Promise<Record<string, unknown> | undefined>;
  stop(): Promise<void>;
}

async function createResources(clients: DoctorHarness['clients'], queueUrlOut: { url?: string }): Promise<string> {
  const topic = await clients.sns.send(new CreateTopicCommand({ Name: TOPIC_NAME }));
  const topicArn = topic.TopicArn as string;
  const queue = await clients.sqs.send(new CreateQueueCommand({ QueueName: QUEUE_NAME }));
  queueUrlOut.url = queue.QueueUrl;
  const attributes = await clients.sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queue.QueueUrl, AttributeNames: ['QueueArn'] }),
  );
  await clients.sns.send(
    new SubscribeCommand({
      TopicArn: topicArn,
      Protocol: 'sqs',
      Endpoint: attributes.Attributes?.QueueArn,
      Attributes: { RawMessageDelivery: 'true' },
    }),
  );
  const dynamodb = clients.dynamodbTables;
  await dynamodb.send(
    new CreateTableCommand({
      TableName: TABLE_NAME,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [{ AttributeName: 'sourceServerId', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'sourceServerId', KeyType: 'HASH' }],
    }),
  );
  await dynamodb.send(
    new UpdateTimeToLiveCommand({
      TableName: TABLE_NAME,
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
    }),
  );
  for (const role of Object.keys(DOCUMENT_NAMES) as DocumentRole[]) {
    await clients.ssm.send(
      new CreateDocumentCommand({
        Name: DOCUMENT_NAMES[role],
        DocumentType: 'Command',
        DocumentFormat: 'YAML',
        Content: fs.readFileSync(path.join(DOCUMENTS_DIRECTORY, DOCUMENT_FILES[role]), 'utf8'),
      }),
    );
  }
  return topicArn;
}

export async function startDoctorHarness(): Promise<DoctorHarness> {
  const started: { stop(): Promise<void> }[] = [];
  const stopAll = async (): Promise<void> => {
    // Reverse order; every one is stopped even if another fails.
    const results = await Promise.allSettled(started.reverse().map((item) => item.stop()));
    const failure = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
    if (failure) throw failure.reason;
  };
  try {
    const moto = await startMotoServer();
    started.push(moto);
    const mgn = await startFakeMgnEndpoint();
    started.push({ stop: () => mgn.close() });
    const ssm = await startFakeSsmEndpoint({ motoEndpoint: moto.endpoint, region: REGION });
    started.push({ stop: () => ssm.close() });

    const config = { endpoint: moto.endpoint, region: REGION, credentials: CREDENTIALS, maxAttempts: 1 };
    const dynamodbTables = new DynamoDBClient(config);
    const clients = {
      ssm: new SSMClient(config),
      sns: new SNSClient(config),
      sqs: new SQSClient(config),
      dynamodbTables,
      dynamodb: DynamoDBDocumentClient.from(dynamodbTables),
    };
    started.push({
      stop: async () => {
        for (const client of Object.values(clients)) client.destroy();
      },
    });
    const queue: { url?: string } = {};
    const topicArn = await createResources(clients, queue);

    const scanTable = async (): Promise<Record<string, unknown>[]> => {
      const items: Record<string, unknown>[] = [];
      let start: Record<string, unknown> | undefined;
      do {
        const page = await clients.dynamodb.send(
          new ScanCommand({ TableName: TABLE_NAME, ConsistentRead: true, ExclusiveStartKey: start }),
        );
        items.push(...(page.Items ?? []));
        start = page.LastEvaluatedKey;
      } while (start);
      return items;
    };
    return {
      moto,
      mgn,
      ssm,
      topicArn,
      clients,
      async resetAws() {
        await moto.reset();
        mgn.clearRecords();
        ssm.clearRecords();
        const arn = await createResources(clients, queue);
        if (arn !== topicArn) throw new Error(`topic ARN changed after reset: ${arn}`);
      },
      environment(settings = {}) {
        return {
          [ENV.topicArn]: topicArn,
          [ENV.ledgerTableName]: TABLE_NAME,
          [ENV.restartAgentDocument]: DOCUMENT_NAMES.RestartReplicationAgent,
          [ENV.checkDiskDocument]: DOCUMENT_NAMES.CheckDiskSpace,
          [ENV.checkConnectivityDocument]: DOCUMENT_NAMES.CheckConnectivity,
          [ENV.commandLogGroup]: COMMAND_LOG_GROUP,
          [ENV.traceAwsCalls]: 'false',
          ...renderSettingsEnvironment({ ...DEFAULT_SETTINGS, ...settings }),
          AWS_REGION: REGION,
          AWS_DEFAULT_REGION: REGION,
          AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
          AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey,
          AWS_SESSION_TOKEN: undefined,
          // Nothing from a developer's ~/.aws may redirect or authenticate these clients.
          AWS_PROFILE: undefined,
          AWS_CONFIG_FILE: path.join(__dirname, 'no-such-aws-config'),
          AWS_SHARED_CREDENTIALS_FILE: path.join(__dirname, 'no-such-aws-credentials'),
          AWS_EC2_METADATA_DISABLED: 'true',
          // Every service the doctor uses, pointed at 127.0.0.1; anything else fails fast (nothing listens on 1).
          AWS_ENDPOINT_URL: 'http://127.0.0.1:1',
          AWS_ENDPOINT_URL_MGN: mgn.url,
          AWS_ENDPOINT_URL_SSM: ssm.url,
          AWS_ENDPOINT_URL_SNS: moto.endpoint,
          AWS_ENDPOINT_URL_DYNAMODB: moto.endpoint,
          AWS_ENDPOINT_URL_SQS: moto.endpoint,
          AWS_ENDPOINT_URL_EC2: moto.endpoint,
          AWS_ENDPOINT_URL_IAM: moto.endpoint,
          AWS_ENDPOINT_URL_EVENTBRIDGE: moto.endpoint,
          POWERTOOLS_LOG_LEVEL: process.env.INTEGRATION_LOGS ? 'DEBUG' : 'SILENT',
          POWERTOOLS_METRICS_DISABLED: process.env.INTEGRATION_LOGS ? 'false' : 'true',
        };
      },
      async listCommands() {
        const commands: Command[] = [];
        let token: string | undefined;
        do {
          const page = await clients.ssm.send(new ListCommandsCommand({ NextToken: token }));
          commands.push(...(page.Commands ?? []));
          token = page.NextToken;
        } while (token);
        return commands;
      },
      async drainDigestQueue() {
        const messages: Message[] = [];
        for (;;) {
          const received = await clients.sqs.send(
            new ReceiveMessageCommand({
              QueueUrl: queue.url,
              MaxNumberOfMessages: 10,
              WaitTimeSeconds: 0,
              VisibilityTimeout: 300,
            }),
          );
          if (!received.Messages || received.Messages.length === 0) return messages;
          messages.push(...received.Messages);
        }
      },
      async publishedNotifications() {
        const data = (await moto.data()) as {
          sns?: { Topic?: { arn: string; sent_notifications: [string, string, string | null][] }[] };
        };
        const topic = data.sns?.Topic?.find((candidate) => candidate.arn === topicArn);
        return (topic?.sent_notifications ?? []).map(([messageId, message, subject]) => ({
          messageId,
          message,
          subject,
        }));
      },
      async ledgerItems() {
        const beside = new Set([INVENTORY_KEY, FREE_PERIOD_MARKS_KEY]);
        return (await scanTable()).filter((item) => !beside.has(String(item.sourceServerId)));
      },
      async inventoryItem() {
        return (await scanTable()).find((item) => item.sourceServerId === INVENTORY_KEY);
      },
      stop: stopAll,
    };
  } catch (error) {
    await stopAll().catch(() => undefined);
    throw error;
  }
}

/** Sets `variables` in process.env (undefined: removed); returns a function that puts the previous values back. */
export function applyEnvironment(variables: Readonly<Record<string, string | undefined>>): () => void {
  const previous = new Map<string, string | undefined>();
  for (const [name, value] of Object.entries(variables)) {
    previous.set(name, process.env[name]);
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  return () => {
    for (const [name, value] of previous) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  };
}
