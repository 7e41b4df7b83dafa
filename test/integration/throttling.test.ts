// Fault injection: throttling on every API → the run completes with retries. The whole Lambda handler
// over real HTTP, as in handler.test.ts, but every AWS API a scheduled run calls answers the FIRST call of each
// operation with a real throttling error in that service's own wire protocol:
//
//   MGN (rest-json)        HTTP 429, x-amzn-ErrorType: ThrottlingException                  fake MGN's failNext
//   SSM (awsJson1.1)       HTTP 400, __type ThrottlingException                              proxy before the SSM front
//   DynamoDB (awsJson1.0)  HTTP 400, __type com.amazonaws.dynamodb.v20120810#ThrottlingException   proxy before moto
//   SNS (awsQuery)         HTTP 400, ErrorResponse/Error/Code Throttling                     proxy before moto
//   EC2 (ec2 query)        HTTP 503, Response/Errors/Error/Code RequestLimitExceeded         proxy before moto
//
// The SDK classifies each as throttling (@smithy/core/retry isThrottlingError: status 429, or the parsed error
// name in THROTTLING_ERROR_CODES), so the clients' standard retry (maxAttempts 6) sends the same call again. The
// run must then do what it does without throttling: same commands, same ledger, one digest. With retries off
// (maxAttempts 1) the same faults change the outcome, which shows that the retries are what carried the run.
//
// Time: each throttled call waits one jittered backoff before its retry (INTEGRATION_LOGS=1 prints the run).
// The stalled server has a network-class error, so the run also reads its replication settings (MGN
// GetReplicationConfiguration) and its replication server's IP (EC2). IAM GetRole and MGN RetryDataReplication
// belong to service-side stalls only, not to this run (checked below: IAM sees nothing).
import type { Context } from 'aws-lambda';
import { DescribeInstancesCommand, EC2Client, RunInstancesCommand } from '@aws-sdk/client-ec2';
import type { AwsClientOptions, AwsClients } from '../../lambdas/adapters/aws-clients';
import type { RunReport } from '../../lambdas/core/report';
import type { DoctorSettings } from '../../lambdas/shared/settings';
import scheduledEvent from '../fixtures/events/scheduled.json';
import {
  DOCUMENT_NAMES,
  REGION,
  aLambdaContext,
  applyEnvironment,
  startDoctorHarness,
  type DoctorHarness,
} from '../support/doctor-harness';
import { aStalledApiSourceServer, anApiSourceServer, type ApiSourceServer } from '../support/fake-mgn-endpoint';
import {
  anInstanceInformation,
  type ApiInstanceInformation,
  type InvocationOutcome,
} from '../support/fake-ssm-endpoint';
import { describeWhereMotoRuns } from '../support/moto-server';
import {
  IAM_XML_NAMESPACE,
  SNS_XML_NAMESPACE,
  awsJson11Throttling,
  awsQueryThrottling,
  dynamoDbThrottling,
  ec2Throttling,
  startThrottlingProxy,
  type ThrottlingProxy,
} from '../support/throttling-proxy';

type Handler = (event: unknown, context: Context) => Promise<RunReport | undefined>;

const describeWithMoto = describeWhereMotoRuns('integration (throttling)');

const serverId = (tag: string): string => `s-${tag.padEnd(17, '0')}`;
const nodeId = (tag: string): string => `mi-${tag.padEnd(17, '0')}`;

const STALLED_ID = serverId('web01');
const HEALTHY_ID = serverId('app02');
const CUTOVER_ID = serverId('db03');
const WEB01_NODE = nodeId('0eb01');

/** Every operation a scheduled run calls, per service: each one is throttled on its first call. */
const OPERATIONS = {
  mgn: ['DescribeSourceServers', 'GetReplicationConfiguration'],
  ssm: ['DescribeInstanceInformation', 'SendCommand', 'ListCommandInvocations'],
  dynamodb: ['Scan', 'PutItem'],
  sns: ['Publish'],
  ec2: ['DescribeInstances'],
  iam: [],
} as const satisfies Record<string, readonly string[]>;
type Service = keyof typeof OPERATIONS;
type ProxiedService = Exclude<Service, 'mgn'>;
const SERVICES = Object.keys(OPERATIONS) as Service[];

/** The status each service's throttling reply carries. */
const THROTTLING_STATUS: Record<Service, number> = { mgn: 429, ssm: 400, dynamodb: 400, sns: 400, ec2: 503, iam: 400 };

/** A server stalled by an unstable network (connectivity check and agent restart on its node), a healthy one, one cut over. */
function fleet(replicatorId: string): ApiSourceServer[] {
  return [
    aStalledApiSourceServer({
      sourceServerID: STALLED_ID,
      dataReplicationInfo: {
        dataReplicationError: { error: 'UNSTABLE_NETWORK', rawError: 'Connection to the replication server dropped' },
        replicatorId,
      },
      sourceProperties: {
        identificationHints: { hostname: 'web01', fqdn: 'web01.corp.example.com' },
        networkInterfaces: [{ macAddress: '02:42:ac:11:00:15', ips: ['10.20.1.15'], isPrimary: true }],
      },
    }),
    anApiSourceServer({
      sourceServerID: HEALTHY_ID,
      sourceProperties: { identificationHints: { hostname: 'app02', fqdn: 'app02.corp.example.com' } },
    }),
    anApiSourceServer({
      sourceServerID: CUTOVER_ID,
      lifeCycle: { state: 'CUTOVER' },
      dataReplicationInfo: { dataReplicationState: 'DISCONNECTED', lagDuration: undefined, replicatedDisks: [] },
    }),
  ];
}

function inventory(): ApiInstanceInformation[] {
  // More than one page (50): the second page must still come after the first one was throttled and retried.
  const others = Array.from({ length: 60 }, (_, index) =>
    anInstanceInformation({
      InstanceId: nodeId(`f${index.toString(16).padStart(2, '0')}`),
      ComputerName: `filler-${index}.corp.example.com`,
      IPAddress: `10.99.0.${index + 1}`,
    }),
  );
  return [
    anInstanceInformation({ InstanceId: WEB01_NODE, ComputerName: 'web01.corp.example.com', IPAddress: '10.20.1.15' }),
    ...others,
  ];
}

const linuxStep = (name: string, output: string): NonNullable<InvocationOutcome['plugins']>[number] => ({
  name,
  status: 'Success',
  responseCode: 0,
  output,
});
const OUTCOMES: Readonly<Record<keyof typeof DOCUMENT_NAMES, InvocationOutcome>> = {
  RestartReplicationAgent: {
    plugins: [
      linuxStep(
        'restartAgentLinux',
        'MGN_DOCTOR check=agent status=RUNNING service=aws-replication-agent active_state=active\n',
      ),
    ],
  },
  CheckDiskSpace: {
    plugins: [
      linuxStep(
        'checkDiskSpaceLinux',
        'MGN_DOCTOR check=disk status=OK root_free_mib=10240 root_min_mib=2048 tmp_free_mib=3900 tmp_min_mib=500 tmp_noexec=no\n',
      ),
    ],
  },
  CheckConnectivity: {
    plugins: [linuxStep('checkConnectivityLinux', 'MGN_DOCTOR check=connectivity status=OK reachable=8 failed=0\n')],
  },
};

// Results are collected until startedAt + resultWaitSeconds: the retries' waits must not eat that budget.
const SETTINGS: Partial<DoctorSettings> = { resultWaitSeconds: 60 };
/** One request ID (so one run ID, in comments and digest) for every run: runs are compared whole. */
const CONTEXT = aLambdaContext('7e57ab1e-5e1f-4c2b-9d0e-7a6b5c4d3e2f');

/** A fresh handler module (configuration and clients are built at load), optionally with other client options. */
function loadHandler(clientOverrides: Partial<AwsClientOptions> = {}): Handler {
  let loaded: Handler | undefined;
  jest.isolateModules(() => {
    if (Object.keys(clientOverrides).length > 0) {
      jest.doMock('../../lambdas/adapters/aws-clients', () => {
        const actual = jest.requireActual<typeof import('../../lambdas/adapters/aws-clients')>(
          '../../lambdas/adapters/aws-clients',
        );
        return {
          ...actual,
          createAwsClients: (options: AwsClientOptions = {}): AwsClients =>
            actual.createAwsClients({ ...options, ...clientOverrides }),
        };
      });
    }
    loaded = (require('../../lambdas/handlers/run-doctor') as typeof import('../../lambdas/handlers/run-doctor'))
      .handler as Handler; // a single-account stack answers a run report or nothing
  });
  if (!loaded) throw new Error('handler did not load');
  return loaded;
}

/** One request as an endpoint saw it, with the SDK's retry headers. */
interface Attempt {
  readonly operation: string;
  /** `amz-sdk-invocation-id`: the same on every attempt of one SDK call. */
  readonly invocationId?: string;
  /** From `amz-sdk-request: attempt=N; max=M`. */
  readonly attempt?: number;
  readonly maxAttempts?: number;
  readonly status: number;
}

/**
 * How an operation's first request went, and the next attempt of that same SDK call (same invocation ID,
 * attempt number one higher): `HTTP <status> (attempt n/max)`.
 */
function retryEvidence(requests: readonly Attempt[]): { first: string; sameCallNextAttempt: string } {
  const describe = (request: Attempt | undefined): string =>
    request === undefined
      ? 'none'
      : `HTTP ${request.status} (attempt ${String(request.attempt)}/${String(request.maxAttempts)})`;
  const first = requests[0];
  const next = requests.find(
    (request) =>
      first?.invocationId !== undefined &&
      request.invocationId === first.invocationId &&
      request.attempt === (first.attempt ?? 0) + 1,
  );
  return { first: describe(first), sameCallNextAttempt: describe(next) };
}

function headerOf(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * A digest's lines, each command result together with its console link (the indented line after it), sorted:
 * results are listed in the order their SendCommands came back, which a throttled SendCommand changes.
 */
function digestLines(text: string): string[] {
  const lines: string[] = [];
  for (const line of text.split('\n')) {
    if (line.startsWith('      ') && lines.length > 0) lines[lines.length - 1] += `\n${line}`;
    else lines.push(line);
  }
  return lines.sort();
}

const errorName = async (promise: Promise<unknown>): Promise<string> => {
  try {
    await promise;
  } catch (error) {
    return (error as Error).name;
  }
  throw new Error('expected the run to fail');
};

describeWithMoto('throttling on every API (moto, fake MGN, SSM front, throttling proxies)', () => {
  let harness: DoctorHarness;
  let proxies: Record<ProxiedService, ThrottlingProxy>;
  let ec2: EC2Client;
  let restoreEnvironment: (() => void) | undefined;
  /** The current run's replication server (a moto instance): ID and private IP. */
  let replicationServer: { id: string; ip: string };

  beforeAll(async () => {
    harness = await startDoctorHarness();
    const moto = harness.moto.endpoint;
    proxies = {
      ssm: await startThrottlingProxy({ target: harness.ssm.url, throttlingReply: awsJson11Throttling }),
      dynamodb: await startThrottlingProxy({ target: moto, throttlingReply: dynamoDbThrottling }),
      sns: await startThrottlingProxy({ target: moto, throttlingReply: () => awsQueryThrottling(SNS_XML_NAMESPACE) }),
      ec2: await startThrottlingProxy({ target: moto, throttlingReply: ec2Throttling }),
      iam: await startThrottlingProxy({ target: moto, throttlingReply: () => awsQueryThrottling(IAM_XML_NAMESPACE) }),
    };
    ec2 = new EC2Client({
      endpoint: moto,
      region: REGION,
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      maxAttempts: 1,
    });
    restoreEnvironment = applyEnvironment({
      ...harness.environment(SETTINGS),
      AWS_ENDPOINT_URL_SSM: proxies.ssm.url,
      AWS_ENDPOINT_URL_DYNAMODB: proxies.dynamodb.url,
      AWS_ENDPOINT_URL_SNS: proxies.sns.url,
      AWS_ENDPOINT_URL_EC2: proxies.ec2.url,
      AWS_ENDPOINT_URL_IAM: proxies.iam.url,
    });
  }, 30_000);

  afterAll(async () => {
    restoreEnvironment?.();
    ec2?.destroy();
    await Promise.allSettled(Object.values(proxies ?? {}).map((proxy) => proxy.close()));
    await harness?.stop();
  });

  /** Fresh moto state and records, a replication server in EC2, the fleet and the inventory; nothing armed. */
  async function prepare(): Promise<void> {
    await harness.resetAws();
    for (const proxy of Object.values(proxies)) {
      proxy.disarm();
      proxy.clearRecords();
    }
    const launched = await ec2.send(
      new RunInstancesCommand({ ImageId: 'ami-12c6146b', MinCount: 1, MaxCount: 1, InstanceType: 't3.small' }),
    );
    const id = launched.Instances?.[0]?.InstanceId as string;
    const described = await ec2.send(new DescribeInstancesCommand({ InstanceIds: [id] }));
    replicationServer = { id, ip: described.Reservations?.[0]?.Instances?.[0]?.PrivateIpAddress as string };
    expect(replicationServer.ip).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    harness.mgn.servers = fleet(id);
    harness.ssm.nodes = inventory();
    harness.ssm.outcomes.clear();
    for (const [role, outcome] of Object.entries(OUTCOMES))
      harness.ssm.outcomes.set(DOCUMENT_NAMES[role as keyof typeof DOCUMENT_NAMES], outcome);
  }

  beforeEach(prepare);

  /** Throttles the first call of every operation of `services`. */
  function arm(services: readonly Service[]): void {
    for (const service of services) {
      if (service === 'mgn') {
        for (const operation of OPERATIONS.mgn)
          harness.mgn.failNext(operation, { status: 429, errorType: 'ThrottlingException', message: 'Rate exceeded' });
      } else {
        proxies[service].arm();
      }
    }
  }

  /**
   * Replaces what differs between two runs by nature: moto's instance ID and IP, command IDs (UUIDs), clock
   * times. A treatment lists its commands in the order their SendCommands came back, which a throttled (so
   * later) SendCommand changes, and the notified fingerprint follows that order: neither order has to match.
   */
  function normalise<T>(value: T): T {
    const text = JSON.stringify(value)
      .split(replicationServer.id)
      .join('<replication-server>')
      .split(replicationServer.ip)
      .join('<replication-server-ip>')
      .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '<uuid>')
      .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z/g, '<time>');
    return JSON.parse(text, (key, element: unknown) => {
      if (key === 'commands' && Array.isArray(element))
        return [...(element as unknown[])].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
      if (key === 'notifiedFingerprint' && typeof element === 'string') return element.split('|').sort().join('|');
      return element;
    }) as T;
  }

  /** What a run left behind, in a form two runs can be compared in. */
  async function outcome(report: RunReport | undefined) {
    if (report === undefined) throw new Error('the handler ignored the event');
    const { startedAt: _startedAt, finishedAt: _finishedAt, ...rest } = report;
    // The commands as sent, from the requests the SSM front forwarded and moto accepted (moto's ListCommands adds
    // every EC2 instance to a command sent without Targets, so its InstanceIds are not what was sent).
    const commands = [...harness.ssm.commands.values()]
      .map((command) => ({
        document: command.documentName,
        instanceIds: command.instanceIds,
        parameters: command.parameters,
        comment: command.comment,
        cloudWatchOutputConfig: command.cloudWatchOutputConfig,
      }))
      .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
    // moto holds exactly those: a throttled SendCommand created nothing, and no command was created twice.
    const inMoto = (await harness.listCommands()).map((command) => command.CommandId).sort();
    const ledger = (await harness.ledgerItems()).sort((a, b) =>
      String(a.sourceServerId).localeCompare(String(b.sourceServerId)),
    );
    const published = await harness.publishedNotifications();
    const delivered = await harness.drainDigestQueue();
    return normalise({
      report: rest,
      commands,
      commandsInMoto: inMoto.length,
      commandIdsMatch: JSON.stringify(inMoto) === JSON.stringify([...harness.ssm.commands.keys()].sort()),
      ledger,
      published: published.map(({ message, subject }) => {
        const structured = JSON.parse(message) as Record<string, string>;
        return {
          subject,
          ...Object.fromEntries(Object.entries(structured).map(([protocol, text]) => [protocol, digestLines(text)])),
        };
      }),
      delivered: delivered.map((message) => digestLines(message.Body ?? '')),
    });
  }

  async function waitUntil(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!condition() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
  }

  /** Every request each endpoint saw, by operation (MGN from the fake's records, the rest from the proxies). */
  function requestsByOperation(): Record<Service, Record<string, Attempt[]>> {
    const group = (requests: readonly Attempt[]): Record<string, Attempt[]> => {
      const byOperation: Record<string, Attempt[]> = {};
      for (const request of requests) {
        byOperation[request.operation] ??= [];
        byOperation[request.operation]?.push(request);
      }
      return byOperation;
    };
    const mgn = harness.mgn.requests.map((request): Attempt => {
      const retry = /attempt=(\d+);\s*max=(\d+)/.exec(headerOf(request.headers, 'amz-sdk-request') ?? '');
      return {
        operation: request.operation,
        invocationId: headerOf(request.headers, 'amz-sdk-invocation-id'),
        attempt: retry ? Number(retry[1]) : undefined,
        maxAttempts: retry ? Number(retry[2]) : undefined,
        status: request.status,
      };
    });
    return {
      mgn: group(mgn),
      ssm: group(proxies.ssm.requests),
      dynamodb: group(proxies.dynamodb.requests),
      sns: group(proxies.sns.requests),
      ec2: group(proxies.ec2.requests),
      iam: group(proxies.iam.requests),
    };
  }

  const operationsSeen = (requests: Record<Service, Record<string, Attempt[]>>): Record<Service, string[]> =>
    Object.fromEntries(SERVICES.map((service) => [service, Object.keys(requests[service]).sort()])) as Record<
      Service,
      string[]
    >;
  const allOperations = (): Record<Service, string[]> =>
    Object.fromEntries(SERVICES.map((service) => [service, [...OPERATIONS[service]].sort()])) as Record<
      Service,
      string[]
    >;

  async function calmRun(): Promise<{
    result: Awaited<ReturnType<typeof outcome>>;
    requests: Record<Service, Record<string, Attempt[]>>;
    ms: number;
  }> {
    const started = Date.now();
    const report = await loadHandler()(scheduledEvent, CONTEXT);
    const ms = Date.now() - started;
    return { result: await outcome(report), requests: requestsByOperation(), ms };
  }

  test('with the first call of every operation throttled, a scheduled run retries and does exactly what it does unthrottled', async () => {
    // First without throttling, through the same proxies (passing everything through): what the run should do.
    const calm = await calmRun();
    // The run calls these operations and no others: the list that gets throttled below is complete.
    expect(operationsSeen(calm.requests)).toEqual(allOperations());
    // And it did real work worth comparing: two documents on web01's node, the connectivity check with the
    // replication server's IP from EC2 (a replication server that exists in moto's EC2), a ledger entry, one digest.
    expect(calm.result.report).toMatchObject({ commandsSent: 2, published: true });
    expect(calm.result.commands.map((command) => [command.document, command.instanceIds, command.parameters])).toEqual([
      [
        DOCUMENT_NAMES.CheckConnectivity,
        [WEB01_NODE],
        { region: [REGION], replicationServerIps: [`${WEB01_NODE}=<replication-server-ip>`] },
      ],
      [DOCUMENT_NAMES.RestartReplicationAgent, [WEB01_NODE], {}],
    ]);
    expect(calm.result.ledger.map((item) => [item.sourceServerId, item.status, item.notifiedAt])).toEqual([
      [STALLED_ID, 'OPEN', '<time>'],
    ]);
    expect(calm.result.published).toHaveLength(1);

    // Then the same run, from the same starting state, with every operation's first call throttled.
    await prepare();
    arm(SERVICES);
    const started = Date.now();
    const report = await loadHandler()(scheduledEvent, CONTEXT);
    const throttledMs = Date.now() - started;
    const throttled = await outcome(report);
    const requests = requestsByOperation();

    if (process.env.INTEGRATION_LOGS) {
      const counts = Object.fromEntries(
        SERVICES.flatMap((service) =>
          Object.entries(requests[service]).map(([operation, attempts]) => [
            `${service} ${operation}`,
            attempts.length,
          ]),
        ),
      );
      process.stdout.write(
        `throttling: unthrottled run ${calm.ms} ms, throttled run ${throttledMs} ms, requests seen ${JSON.stringify(counts)}\n`,
      );
    }

    // Same commands, ledger and report; the digest published exactly once (moto's record and the SQS tap).
    expect(throttled.commands).toEqual(calm.result.commands);
    expect([throttled.commandsInMoto, throttled.commandIdsMatch]).toEqual([2, true]);
    expect(throttled.ledger).toEqual(calm.result.ledger);
    expect(throttled.report).toEqual(calm.result.report);
    expect(throttled.published).toHaveLength(1);
    expect(throttled.published).toEqual(calm.result.published);
    expect(throttled.delivered).toHaveLength(1);
    expect(throttled.delivered).toEqual(calm.result.delivered);

    // Every operation's first call was throttled, and the SDK sent that same call again, which went through.
    const evidence = Object.fromEntries(
      SERVICES.flatMap((service) =>
        Object.entries(requests[service]).map(([operation, attempts]) => [
          `${service} ${operation}`,
          retryEvidence(attempts),
        ]),
      ),
    );
    expect(evidence).toEqual(
      Object.fromEntries(
        SERVICES.flatMap((service) =>
          OPERATIONS[service].map((operation) => [
            `${service} ${operation}`,
            {
              first: `HTTP ${THROTTLING_STATUS[service]} (attempt 1/6)`,
              sameCallNextAttempt: 'HTTP 200 (attempt 2/6)',
            },
          ]),
        ),
      ),
    );
    // Each endpoint saw each operation at least twice, and exactly one request more than without throttling.
    const seen = (from: Record<Service, Record<string, Attempt[]>>, extra: number) =>
      Object.fromEntries(
        SERVICES.flatMap((service) =>
          OPERATIONS[service].map((operation) => [
            `${service} ${operation}`,
            (from[service][operation]?.length ?? 0) + extra,
          ]),
        ),
      );
    const throttledCounts = seen(requests, 0);
    for (const [operation, count] of Object.entries(throttledCounts))
      expect([operation, count >= 2]).toEqual([operation, true]);
    expect(throttledCounts).toEqual(seen(calm.requests, 1));
    for (const service of SERVICES) {
      if (service !== 'mgn')
        expect([service, proxies[service].throttled().sort()]).toEqual([service, [...OPERATIONS[service]].sort()]);
    }
    // Behind the SSM proxy, the SSM front (and moto) never saw the throttled calls.
    for (const operation of OPERATIONS.ssm)
      expect([operation, harness.ssm.callCount(operation)]).toEqual([operation, proxies.ssm.callCount(operation) - 1]);
  }, 60_000);

  describe('without retries (the same clients with maxAttempts 1), the same throttling changes the outcome', () => {
    const noRetries = (): Handler => loadHandler({ maxAttempts: 1 });

    test('throttling everywhere: the run fails on its first calls (the MGN listing and the ledger Scan, sent together) and does nothing', async () => {
      arm(SERVICES);

      expect(await errorName(noRetries()(scheduledEvent, CONTEXT))).toBe('ThrottlingException');
      // The Scan went out with the listing, but on a loaded machine MGN's 429 can end the run before the Scan
      // reaches its proxy: wait for it (bounded) rather than race it.
      await waitUntil(() => proxies.dynamodb.requests.length > 0);

      const requests = requestsByOperation();
      expect(retryEvidence(requests.mgn.DescribeSourceServers ?? [])).toEqual({
        first: 'HTTP 429 (attempt 1/1)',
        sameCallNextAttempt: 'none',
      });
      expect(operationsSeen(requests)).toEqual({
        mgn: ['DescribeSourceServers'],
        ssm: [],
        dynamodb: ['Scan'],
        sns: [],
        ec2: [],
        iam: [],
      });
      expect(harness.ssm.commands.size).toBe(0);
      expect(await harness.ledgerItems()).toEqual([]);
      expect(await harness.publishedNotifications()).toEqual([]);
    });

    test('throttling EC2 and SNS only: the connectivity check goes out without the replication server IP, the digest is not published', async () => {
      arm(['ec2', 'sns']);

      // EC2 failing is not fatal (the check runs without the port probe); SNS failing is (Lambda retries, alarm).
      expect(await errorName(noRetries()(scheduledEvent, CONTEXT))).toBe('Throttling');

      expect(
        proxies.ec2.requests.map((request) => [
          request.operation,
          request.status,
          request.attempt,
          request.maxAttempts,
        ]),
      ).toEqual([['DescribeInstances', 503, 1, 1]]);
      const connectivity = [...harness.ssm.commands.values()].find(
        (command) => command.documentName === DOCUMENT_NAMES.CheckConnectivity,
      );
      expect(connectivity?.parameters).toEqual({ region: [REGION], replicationServerIps: [''] });
      expect(
        proxies.sns.requests.map((request) => [
          request.operation,
          request.status,
          request.attempt,
          request.maxAttempts,
        ]),
      ).toEqual([['Publish', 400, 1, 1]]);
      expect(await harness.publishedNotifications()).toEqual([]);
      expect(await harness.drainDigestQueue()).toEqual([]);
      // The ledger keeps the news undelivered (not marked notified), for the next run to send.
      expect((await harness.ledgerItems()).map((item) => [item.sourceServerId, item.notifiedAt])).toEqual([
        [STALLED_ID, undefined],
      ]);
    });
  });
});
