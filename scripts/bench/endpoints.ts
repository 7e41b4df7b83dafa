// Every endpoint the doctor's Lambda talks to, on 127.0.0.1, for one generated fleet: the project's fake MGN
// endpoint and SSM front (test/support), the SSM front's SendCommand backend, SNS, DynamoDB (dynalite), EC2,
// IAM and EventBridge; each with the same per-call latency and a per-operation call counter. Plus the Lambda's environment
// pointing at them.
import * as path from 'node:path';
import type { DocumentRole } from '../../lambdas/core/model';
import { ENV, METRICS_NAMESPACE, SERVICE_NAME } from '../../lambdas/shared/environment';
import { STACK_CONTEXT_DEFAULTS } from '../../lib/config';
import { DEFAULT_SETTINGS, renderSettingsEnvironment, type DoctorSettings } from '../../lambdas/shared/settings';
import { startFakeMgnEndpoint, type FakeMgnEndpoint } from '../../test/support/fake-mgn-endpoint';
import {
  startFakeSsmEndpoint,
  type FakeSsmEndpoint,
  type InvocationOutcome,
} from '../../test/support/fake-ssm-endpoint';
import { startDynamoDbEndpoint, type DynamoDbEndpoint } from './dynamodb-endpoint';
import { startFakeEc2Endpoint, type FakeEc2Endpoint } from './fake-ec2-endpoint';
import { FakeEventsEndpoint } from './fake-events-endpoint';
import { startFakeIamEndpoint, type FakeIamEndpoint } from './fake-iam-endpoint';
import { startFakeSnsEndpoint, type FakeSnsEndpoint } from './fake-sns-endpoint';
import type { Fleet } from './fleet';
import { startSsmCommandBackend, type SsmCommandBackend } from './ssm-command-backend';

export const REGION = 'us-east-1';
export const ACCOUNT_ID = '111122223333';
export const TOPIC_ARN = `arn:aws:sns:${REGION}:${ACCOUNT_ID}:mgn-replication-doctor-digest`;
export const TABLE_NAME = 'mgn-replication-doctor-ledger';
export const COMMAND_LOG_GROUP = '/mgn-replication-doctor/run-command';
export const FUNCTION_ARN = `arn:aws:lambda:${REGION}:${ACCOUNT_ID}:function:mgn-replication-doctor`;
/** Document names in the form CloudFormation generates them. */
export const DOCUMENT_NAMES: Readonly<Record<DocumentRole, string>> = {
  RestartReplicationAgent: 'MgnReplicationDoctor-RestartReplicationAgent-Q1w2E3r4T5y6',
  CheckDiskSpace: 'MgnReplicationDoctor-CheckDiskSpace-A1s2D3f4G5h6',
  CheckConnectivity: 'MgnReplicationDoctor-CheckConnectivity-Z1x2C3v4B5n6',
};
/** The settings the benchmark runs with: the defaults, with a result wait that fits a benchmark. */
// The mass-stall sample is off: the benchmark measures the worst case, every stalled server treated at once. The
// best-effort channels are off too: the budgets are the run's own path, and a channel's calls come after the
// digest (⌈news/10⌉ PutEvents, one CreateOpsItem per escalation; docs/design.md section 12).
export const BENCH_SETTINGS: DoctorSettings = {
  ...DEFAULT_SETTINGS,
  resultWaitSeconds: 30,
  massStallThreshold: 0,
  findingEvents: false,
  opsItems: false,
};

const skipped = (step: string): { name: string; status: 'Success'; responseCode: number; output: string } => ({
  name: step,
  status: 'Success',
  responseCode: 0,
  output: `Step execution skipped due to unsatisfied preconditions: '{"StringEquals":["platformType","Windows"]}'. Step name: ${step}`,
});

/** What healthy Linux hosts answer at once (the documents' `MGN_DOCTOR` lines; the Windows step skipped). */
export const HOST_OUTCOMES: Readonly<Record<DocumentRole, InvocationOutcome>> = {
  RestartReplicationAgent: {
    plugins: [
      {
        name: 'restartAgentLinux',
        status: 'Success',
        responseCode: 0,
        output:
          'MGN_DOCTOR check=agent status=RUNNING service=aws-replication-agent active_state=active version=3.7.1 restart=done\n',
      },
      skipped('restartAgentWindows'),
    ],
  },
  CheckDiskSpace: {
    plugins: [
      {
        name: 'checkDiskSpaceLinux',
        status: 'Success',
        responseCode: 0,
        output:
          'MGN_DOCTOR check=disk status=OK root_free_mib=10240 root_min_mib=2048 tmp_free_mib=3072 tmp_min_mib=500 tmp_noexec=no\n',
      },
      skipped('checkDiskSpaceWindows'),
    ],
  },
  CheckConnectivity: {
    plugins: [
      {
        name: 'checkConnectivityLinux',
        status: 'Success',
        responseCode: 0,
        output: [
          'MGN_DOCTOR check=connectivity status=OK reachable=3 failed=0',
          `MGN_DOCTOR check=connectivity target=mgn.${REGION}.amazonaws.com:443 result=reachable probe=tcp`,
          `MGN_DOCTOR check=connectivity target=s3.${REGION}.amazonaws.com:443 result=reachable probe=tcp`,
          'MGN_DOCTOR check=connectivity target=10.250.0.1:1500 result=reachable probe=tcp',
          '',
        ].join('\n'),
      },
      skipped('checkConnectivityWindows'),
    ],
  },
};

export interface BenchEndpoints {
  readonly mgn: FakeMgnEndpoint;
  readonly ssm: FakeSsmEndpoint;
  readonly ssmBackend: SsmCommandBackend;
  readonly sns: FakeSnsEndpoint;
  readonly dynamodb: DynamoDbEndpoint;
  readonly ec2: FakeEc2Endpoint;
  readonly iam: FakeIamEndpoint;
  readonly events: FakeEventsEndpoint;
  /** `<service>:<Operation>` → calls, over every endpoint. */
  callCounts(): Record<string, number>;
  /** `<service>:<Operation>` → calls answered with an error status. */
  errorCounts(): Record<string, number>;
  /** The calls made before the first SendCommand since the last clearRecords (undefined: none sent). */
  callsBeforeFirstSend(): Record<string, number> | undefined;
  clearRecords(): void;
  /** The Lambda's environment: the stack's variables, the settings, the endpoints, dummy credentials. */
  environment(options?: {
    logLevel?: string;
    settings?: DoctorSettings;
    traceAwsCalls?: boolean;
  }): Record<string, string>;
  close(): Promise<void>;
}

export interface BenchEndpointOptions {
  /** Delay before every reply, ms. */
  readonly latencyMs: number;
}

const prefixed = (service: string, counts: Record<string, number>): Record<string, number> =>
  Object.fromEntries(Object.entries(counts).map(([operation, count]) => [`${service}:${operation}`, count]));

export function countsOf(
  operations: readonly { operation: string; status: number }[],
  errorsOnly: boolean,
): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const { operation, status } of operations)
    if (!errorsOnly || status >= 400) counts[operation] = (counts[operation] ?? 0) + 1;
  return counts;
}

/** SSM for one account: the SSM front over its nodes, and the SendCommand backend behind it, hosts answering at once. */
export async function startSsmService(
  nodes: Fleet['nodes'],
  options: {
    readonly documentNames: Readonly<Record<DocumentRole, string>>;
    readonly accountId: string;
    readonly latencyMs: number;
  },
): Promise<{ readonly ssm: FakeSsmEndpoint; readonly ssmBackend: SsmCommandBackend }> {
  let ssm: FakeSsmEndpoint | undefined;
  const knownNodes = new Set(nodes.map((node) => node.InstanceId));
  const ssmBackend = await startSsmCommandBackend({
    documentNames: Object.values(options.documentNames),
    knownInstanceIds: () => (ssm ? new Set(ssm.nodes.map((node) => node.InstanceId)) : knownNodes),
    accountId: options.accountId,
    region: REGION,
  });
  try {
    ssm = await startFakeSsmEndpoint({
      motoEndpoint: ssmBackend.url,
      nodes,
      latencyMs: options.latencyMs,
      region: REGION,
    });
  } catch (error) {
    await ssmBackend.close();
    throw error;
  }
  for (const role of Object.keys(options.documentNames) as DocumentRole[])
    ssm.outcomes.set(options.documentNames[role], HOST_OUTCOMES[role]);
  return { ssm, ssmBackend };
}

/** Closes what was started, last first, all of them even when one fails (then throws its error). */
export function closerOf(started: { close(): Promise<void> }[]): () => Promise<void> {
  return async () => {
    const results = await Promise.allSettled(started.reverse().map((endpoint) => endpoint.close()));
    const failure = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
    if (failure) throw failure.reason;
  };
}

export async function startBenchEndpoints(fleet: Fleet, options: BenchEndpointOptions): Promise<BenchEndpoints> {
  const started: { close(): Promise<void> }[] = [];
  const closeAll = closerOf(started);
  try {
    const latencyMs = options.latencyMs;
    const mgn = await startFakeMgnEndpoint({
      servers: fleet.sourceServers,
      applications: fleet.applications,
      waves: fleet.waves,
      latencyMs,
    });
    started.push(mgn);
    const { ssm, ssmBackend } = await startSsmService(fleet.nodes, {
      documentNames: DOCUMENT_NAMES,
      accountId: ACCOUNT_ID,
      latencyMs,
    });
    started.push(ssmBackend, ssm);
    const sns = await startFakeSnsEndpoint({ topicArns: [TOPIC_ARN], latencyMs });
    started.push(sns);
    const dynamodb = await startDynamoDbEndpoint({
      tables: [{ name: TABLE_NAME, partitionKey: 'sourceServerId' }],
      latencyMs,
    });
    started.push(dynamodb);
    const ec2 = await startFakeEc2Endpoint({ instances: fleet.replicationServers, latencyMs, ownerId: ACCOUNT_ID });
    started.push(ec2);
    const iam = await startFakeIamEndpoint({ accountId: ACCOUNT_ID, latencyMs });
    started.push(iam);
    const events = await FakeEventsEndpoint.start({ latencyMs });
    started.push(events);
    const front = ssm;

    const merged = (errorsOnly: boolean): Record<string, number> => ({
      ...prefixed('mgn', countsOf(mgn.requests, errorsOnly)),
      ...prefixed('ssm', countsOf(front.requests, errorsOnly)),
      ...prefixed('sns', errorsOnly ? sns.errorCounts() : sns.counts()),
      ...prefixed('dynamodb', errorsOnly ? dynamodb.errorCounts() : dynamodb.counts()),
      ...prefixed('ec2', errorsOnly ? ec2.errorCounts() : ec2.counts()),
      ...prefixed('iam', errorsOnly ? iam.errorCounts() : iam.counts()),
      ...prefixed('events', errorsOnly ? events.errorCounts() : events.counts()),
    });

    let beforeFirstSend: Record<string, number> | undefined;
    ssmBackend.onSendCommand = () => {
      beforeFirstSend ??= merged(false);
    };

    return {
      mgn,
      ssm: front,
      ssmBackend,
      sns,
      dynamodb,
      ec2,
      iam,
      events,
      callCounts: () => merged(false),
      errorCounts: () => merged(true),
      callsBeforeFirstSend: () => beforeFirstSend,
      clearRecords() {
        beforeFirstSend = undefined;
        mgn.clearRecords();
        front.clearRecords();
        ssmBackend.clearRecords();
        sns.clearRecords();
        dynamodb.clearRecords();
        ec2.clearRecords();
        iam.clearRecords();
        events.clearRecords();
      },
      environment({
        logLevel = 'WARN',
        settings = BENCH_SETTINGS,
        traceAwsCalls = STACK_CONTEXT_DEFAULTS.traceAwsCalls,
      } = {}) {
        return {
          // As the stack sets them (lib/constructs/doctor-function.ts).
          NODE_OPTIONS: '--enable-source-maps',
          POWERTOOLS_SERVICE_NAME: SERVICE_NAME,
          POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
          POWERTOOLS_LOG_LEVEL: logLevel,
          POWERTOOLS_METRICS_DISABLED: 'true',
          [ENV.topicArn]: TOPIC_ARN,
          [ENV.ledgerTableName]: TABLE_NAME,
          [ENV.restartAgentDocument]: DOCUMENT_NAMES.RestartReplicationAgent,
          [ENV.checkDiskDocument]: DOCUMENT_NAMES.CheckDiskSpace,
          [ENV.checkConnectivityDocument]: DOCUMENT_NAMES.CheckConnectivity,
          [ENV.commandLogGroup]: COMMAND_LOG_GROUP,
          [ENV.traceAwsCalls]: String(traceAwsCalls),
          ...renderSettingsEnvironment(settings),
          // As Lambda sets them, with dummy credentials.
          AWS_REGION: REGION,
          AWS_DEFAULT_REGION: REGION,
          AWS_ACCESS_KEY_ID: 'test',
          AWS_SECRET_ACCESS_KEY: 'test',
          AWS_LAMBDA_FUNCTION_NAME: 'mgn-replication-doctor',
          AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '256',
          // Nothing from a developer's ~/.aws may redirect or authenticate these clients.
          AWS_CONFIG_FILE: path.join(__dirname, 'no-such-aws-config'),
          AWS_SHARED_CREDENTIALS_FILE: path.join(__dirname, 'no-such-aws-credentials'),
          AWS_EC2_METADATA_DISABLED: 'true',
          // Every service the doctor uses on 127.0.0.1; any other fails fast (nothing listens on port 1).
          AWS_ENDPOINT_URL: 'http://127.0.0.1:1',
          AWS_ENDPOINT_URL_MGN: mgn.url,
          AWS_ENDPOINT_URL_SSM: front.url,
          AWS_ENDPOINT_URL_SNS: sns.url,
          AWS_ENDPOINT_URL_DYNAMODB: dynamodb.url,
          AWS_ENDPOINT_URL_EC2: ec2.url,
          AWS_ENDPOINT_URL_IAM: iam.url,
          AWS_ENDPOINT_URL_EVENTBRIDGE: events.url,
        };
      },
      close: closeAll,
    };
  } catch (error) {
    await closeAll().catch(() => undefined);
    throw error;
  }
}
