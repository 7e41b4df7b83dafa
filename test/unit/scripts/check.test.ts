// The preview CLI with every SDK client mocked: its output, its error lines and exit codes, and that no path
// ever sends a command, publishes, writes or retries anything.
import { DynamoDBClient, PutItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import {
  DescribeSourceServersCommand,
  ListApplicationsCommand,
  ListManagedAccountsCommand,
  ListWavesCommand,
  MgnClient,
  RetryDataReplicationCommand,
  type DescribeSourceServersCommandOutput,
  type ListApplicationsCommandOutput,
  type ListWavesCommandOutput,
  type SourceServer as MgnSourceServer,
} from '@aws-sdk/client-mgn';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import {
  DescribeInstanceInformationCommand,
  ListCommandInvocationsCommand,
  SendCommandCommand,
  SSMClient,
} from '@aws-sdk/client-ssm';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { DynamoDBDocumentClient, PutCommand, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { FREE_PERIOD_MARKS_KEY } from '../../../lambdas/adapters/dynamodb-remediation-ledger';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { createAwsClients, type AwsClientOptions } from '../../../lambdas/adapters/aws-clients';
import type { LedgerEntry } from '../../../lambdas/core/ledger';
import { main } from '../../../scripts/check';

// client-mgn 3.523 is on the smithy v2 type tree (toolchain.md §3b): its client and commands need casts.
const mgn = mockClient(MgnClient as any);
const ssm = mockClient(SSMClient);
const sns = mockClient(SNSClient);
const documentClient = mockClient(DynamoDBDocumentClient);
const dynamodb = mockClient(DynamoDBClient);
const sts = mockClient(STSClient);

const ACCOUNT = '111122223333';
const REGION = 'us-east-1';
const id = (n: number): string => `s-${n.toString(16).padStart(17, '0')}`;
const arn = (sourceServerId: string): string => `arn:aws:mgn:${REGION}:${ACCOUNT}:source-server/${sourceServerId}`;

const WEB = id(0xa1);
const BATCH = id(0xa2);
const FILES = id(0xa3);
const APP = id(0xa4);
const REPORTS = id(0xa5);
const FUTURE = id(0xa6);
const CUTOVER = id(0xa7);
const WEB_NODE = 'mi-0a1b2c3d4e5f60789';
const APP_NODE = 'i-0fedcba9876543210';

function server(
  sourceServerID: string,
  hostname: string,
  lifeCycle: string,
  replication: Record<string, unknown>,
  extra: Partial<MgnSourceServer> = {},
): MgnSourceServer {
  return {
    sourceServerID,
    arn: arn(sourceServerID),
    isArchived: false,
    replicationType: 'AGENT_BASED',
    lifeCycle: { state: lifeCycle as never },
    dataReplicationInfo: replication,
    sourceProperties: {
      identificationHints: { hostname, fqdn: `${hostname}.corp.example.com` },
      networkInterfaces: [{ ips: [`10.0.0.${sourceServerID.slice(-2)}`], isPrimary: true }],
    },
    ...extra,
  };
}

const FLEET: MgnSourceServer[] = [
  server(WEB, 'web-01', 'READY_FOR_TEST', {
    dataReplicationState: 'STALLED',
    dataReplicationError: { error: 'AGENT_NOT_SEEN' },
  }),
  server(BATCH, 'batch-07', 'READY_FOR_TEST', {
    dataReplicationState: 'STALLED',
    dataReplicationError: { error: 'AGENT_NOT_SEEN' },
  }),
  server(FILES, 'files-03', 'NOT_READY', {
    dataReplicationState: 'STALLED',
    dataReplicationError: { error: 'FAILED_TO_CREATE_STAGING_DISKS', rawError: 'KMS key disabled' },
  }),
  server(
    APP,
    'app-04',
    'READY_FOR_CUTOVER',
    { dataReplicationState: 'DISCONNECTED' },
    {
      sourceProperties: { identificationHints: { hostname: 'app-04', awsInstanceID: APP_NODE }, networkInterfaces: [] },
    },
  ),
  server(REPORTS, 'reports-05', 'READY_FOR_TEST', { dataReplicationState: 'CONTINUOUS', lagDuration: 'PT2H30M' }),
  server(FUTURE, 'lab-06', 'READY_FOR_TEST', { dataReplicationState: 'QUANTUM_SYNC' }),
  server(CUTOVER, 'erp-legacy', 'CUTOVER', { dataReplicationState: 'DISCONNECTED' }),
  server(id(0xb1), 'ok-01', 'READY_FOR_TEST', { dataReplicationState: 'CONTINUOUS', lagDuration: 'PT0S' }),
  server(id(0xb2), 'ok-02', 'TESTING', { dataReplicationState: 'CONTINUOUS', lagDuration: 'PT1M' }),
  server(id(0xb3), 'new-03', 'NOT_READY', { dataReplicationState: 'INITIAL_SYNC' }),
];

const NODES = [
  {
    InstanceId: WEB_NODE,
    PingStatus: 'Online' as const,
    PlatformType: 'Linux' as const,
    ComputerName: 'web-01.corp.example.com',
    IPAddress: '10.0.0.a1',
  },
  {
    InstanceId: APP_NODE,
    PingStatus: 'ConnectionLost' as const,
    PlatformType: 'Windows' as const,
    ComputerName: 'APP-04',
  },
];

interface Run {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly env: Record<string, string | undefined>;
}

async function check(
  argv: string[],
  options: {
    env?: Record<string, string | undefined>;
    makeClients?: (options: AwsClientOptions) => ReturnType<typeof createAwsClients>;
  } = {},
): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const env = { ...options.env };
  const exitCode = await main(
    argv,
    {
      stdout: { write: (text: string) => (stdout += text) },
      stderr: { write: (text: string) => (stderr += text) },
      env,
    },
    options.makeClients,
  );
  return { exitCode, stdout, stderr, env };
}

/** A table row's cells (columns are separated by two or more spaces). */
function row(stdout: string, sourceServerId: string): string[] | undefined {
  return stdout
    .split('\n')
    .find((line) => line.startsWith(sourceServerId))
    ?.split(/ {2,}/);
}

function sdkError(name: string, message: string): Error {
  return Object.assign(new Error(message), { name, $fault: 'client', $metadata: { httpStatusCode: 403 } });
}

beforeEach(() => {
  for (const client of [mgn, ssm, sns, documentClient, dynamodb, sts]) client.reset();
  sts.on(GetCallerIdentityCommand).resolves({ Account: ACCOUNT });
  mgn
    .on(DescribeSourceServersCommand as any)
    .resolves({ items: FLEET } satisfies Omit<DescribeSourceServersCommandOutput, '$metadata'> as any);
  ssm.on(DescribeInstanceInformationCommand).resolves({ InstanceInformationList: NODES });
});

afterEach(() => {
  // Whatever a test did, the preview must not have changed anything anywhere.
  expect(ssm).not.toHaveReceivedCommand(SendCommandCommand);
  expect(sns).not.toHaveReceivedCommand(PublishCommand);
  expect(documentClient).not.toHaveReceivedCommand(PutCommand);
  expect(documentClient).not.toHaveReceivedCommand(UpdateCommand);
  expect(dynamodb).not.toHaveReceivedCommand(PutItemCommand);
  expect(dynamodb).not.toHaveReceivedCommand(UpdateItemCommand);
  expect(mgn).not.toHaveReceivedCommand(RetryDataReplicationCommand as any);
});

describe('check: tables', () => {
  it('lists each affected server under its condition, with node, action and reason, and counts the rest', async () => {
    const { exitCode, stdout, stderr } = await check(['--region', REGION]);

    expect(exitCode).toBe(0);
    expect(stdout).toMatch(`MGN replication doctor preview: ${REGION}, account ${ACCOUNT} (dry run`);
    const sections = stdout.split('\n').filter((line) => /^[A-Z ,]+ \(\d+\)$/.test(line));
    expect(sections).toEqual(['STALLED (3)', 'DISCONNECTED (1)', 'LAGGING (1)', 'UNKNOWN (1)']);
    expect(row(stdout, WEB)).toEqual([
      WEB,
      'web-01',
      'READY_FOR_TEST/STALLED',
      'AGENT_NOT_SEEN',
      WEB_NODE,
      'WOULD_TREAT',
      `would run RestartReplicationAgent, CheckDiskSpace, CheckConnectivity on ${WEB_NODE} (treatment 1)`,
    ]);
    expect(row(stdout, BATCH)?.slice(4)).toEqual([
      'UNMANAGED',
      'REPORTED',
      'no SSM managed node found for this host; nothing was run',
    ]);
    expect(row(stdout, FILES)?.slice(3)).toEqual([
      'FAILED_TO_CREATE_STAGING_DISKS',
      '-',
      'REPORTED',
      'the host is not the problem; RetryDataReplication is off (retryServiceSideErrors=false)',
    ]);
    expect(row(stdout, APP)?.slice(2, 6)).toEqual([
      'READY_FOR_CUTOVER/DISCONNECTED',
      '-',
      `OFFLINE ${APP_NODE}`,
      'REPORTED',
    ]);
    expect(row(stdout, REPORTS)?.slice(5)).toEqual([
      'REPORTED',
      'lag 2h 30m over 1h; reported only (LAGGING is not remediated by configuration or by design)',
    ]);
    expect(row(stdout, FUTURE)?.slice(2)).toEqual([
      'READY_FOR_TEST/QUANTUM_SYNC',
      '-',
      '-',
      'REPORTED',
      expect.stringMatching(/^unknown data replication state QUANTUM_SYNC; reported only/),
    ]);
    expect(stdout).not.toContain(CUTOVER);
    expect(stdout).toContain('HEALTHY 2 · PROGRESSING 1 · IGNORED 1 (10 servers in all)');
    expect(stdout).toContain(
      `A scheduled run would notify: MGN ${REGION}: 3 stalled, 1 disconnected, 1 lagging, 1 unknown (${ACCOUNT})`,
    );
    // Progress on stderr only.
    expect(stderr).toContain(`listing source servers in ${REGION}…`);
    expect(stderr).toContain('10 source server(s) listed');
    expect(stderr).toContain('10 server(s) classified');
    expect(stdout).not.toContain('listing');
  });

  it('plans RetryDataReplication with --retry-service-side-errors, and still does not call it', async () => {
    const { exitCode, stdout } = await check(['--region', REGION, '--retry-service-side-errors', '--account', ACCOUNT]);

    expect(exitCode).toBe(0);
    expect(stdout).toMatch(`${REGION}, account ${ACCOUNT} (dry run`);
    // The credentials' own account: no role to assume, no accountID.
    expect(sts).not.toHaveReceivedCommand(AssumeRoleCommand);
    expect(mgn).not.toHaveReceivedCommandWith(DescribeSourceServersCommand as any, { accountID: ACCOUNT } as any);
    expect(row(stdout, FILES)?.slice(5)).toEqual(['WOULD_TREAT', 'would run RetryDataReplication (treatment 1)']);
  });

  it('uses --lag-alert-minutes for the LAGGING threshold', async () => {
    const { stdout } = await check(['--region', REGION, '--lag-alert-minutes', '180']);

    expect(row(stdout, REPORTS)).toBeUndefined();
    expect(stdout).toContain('HEALTHY 3 · PROGRESSING 1 · IGNORED 1');
  });

  it('says so when nothing is affected', async () => {
    mgn.on(DescribeSourceServersCommand as any).resolves({ items: FLEET.slice(6) } as any);

    const { exitCode, stdout } = await check(['--region', REGION]);

    expect(exitCode).toBe(0);
    expect(stdout).toContain('No stalled, disconnected, lagging or unknown servers.');
    expect(stdout).not.toContain('would notify');
    expect(ssm).not.toHaveReceivedCommand(DescribeInstanceInformationCommand);
  });
});

describe('check: --json', () => {
  it('prints exactly one JSON object on stdout, progress on stderr', async () => {
    const { exitCode, stdout, stderr } = await check(['--region', REGION, '--json']);

    expect(exitCode).toBe(0);
    const output = JSON.parse(stdout);
    expect(output).toMatchObject({
      region: REGION,
      accountId: ACCOUNT,
      dryRun: true,
      counts: { STALLED: 3, DISCONNECTED: 1, LAGGING: 1, UNKNOWN: 1, HEALTHY: 2, PROGRESSING: 1, IGNORED: 1 },
    });
    expect(output.servers.map((entry: { sourceServerId: string }) => entry.sourceServerId)).toEqual([
      WEB,
      BATCH,
      FILES,
      APP,
      REPORTS,
      FUTURE,
    ]);
    expect(output.servers[0]).toMatchObject({
      hostname: 'web-01',
      condition: 'STALLED',
      errorCode: 'AGENT_NOT_SEEN',
      ssmNode: {
        status: 'RESOLVED',
        instanceId: WEB_NODE,
        matchedBy: 'hostname',
        pingStatus: 'Online',
        platformType: 'Linux',
      },
      action: 'WOULD_TREAT',
      playbook: { family: 'agent', hostDocuments: ['RestartReplicationAgent', 'CheckDiskSpace', 'CheckConnectivity'] },
    });
    expect(output.servers[1]).toMatchObject({
      ssmNode: { status: 'UNMANAGED', advice: expect.stringContaining('hybrid activation') },
      blocker: 'UNMANAGED',
    });
    expect(output.servers[3]).toMatchObject({
      ssmNode: { status: 'OFFLINE', instanceId: APP_NODE, matchedBy: 'awsInstanceId' },
      blocker: 'OFFLINE',
    });
    expect(stderr).toContain('server(s) classified');
  });

  it('leaves the account out when nothing names it', async () => {
    mgn.on(DescribeSourceServersCommand as any).resolves({ items: FLEET.map(({ arn: _arn, ...rest }) => rest) } as any);

    const { stdout } = await check(['--region', REGION, '--json']);

    expect(JSON.parse(stdout)).not.toHaveProperty('accountId');
  });
});

describe('check: the ledger', () => {
  const TABLE = 'doctor-LedgerTable-1ABC';
  const minutesAgo = (minutes: number): string => new Date(Date.now() - minutes * 60_000).toISOString();
  const treated = (sourceServerId: string, commandId: string, status: string): LedgerEntry => ({
    sourceServerId,
    version: 2,
    status: 'OPEN',
    condition: 'STALLED',
    errorCode: 'AGENT_NOT_SEEN',
    since: minutesAgo(15),
    attempts: 1,
    lastAttemptAt: minutesAgo(15),
    treatments: [
      {
        at: minutesAgo(15),
        runId: 'c0ffee00',
        commands: [
          { commandId, document: 'RestartReplicationAgent', instanceId: WEB_NODE, requestedAt: minutesAgo(15), status },
        ],
      },
    ],
  });

  it('reads the ledger and pending results without writing, and decides with them', async () => {
    const commandId = '5e1f0c2a-8b3d-4e6f-9a01-23456789abcd';
    documentClient
      .on(ScanCommand)
      .resolves({ Items: [treated(WEB, commandId, 'InProgress'), treated(id(0xb1), 'b2c3', 'Success')] });
    ssm.on(ListCommandInvocationsCommand).resolves({
      CommandInvocations: [
        {
          CommandId: commandId,
          InstanceId: WEB_NODE,
          Status: 'Success',
          CommandPlugins: [
            { Name: 'restartAgentLinux', ResponseCode: 0, Output: 'MGN_DOCTOR check=agent status=RUNNING' },
          ],
        },
      ],
    });

    const { exitCode, stdout } = await check(['--region', REGION, '--ledger-table', TABLE]);

    expect(exitCode).toBe(0);
    expect(documentClient).toHaveReceivedCommandWith(ScanCommand, { TableName: TABLE });
    expect(ssm).toHaveReceivedCommandWith(ListCommandInvocationsCommand, { CommandId: commandId });
    expect(row(stdout, WEB)?.[5]).toBe('COOLDOWN');
    expect(stdout).toContain('FOLLOWED BY THE LEDGER, NO LONGER AFFECTED (1)');
    expect(row(stdout, id(0xb1))?.[5]).toBe('RECOVERED');
  });

  it('shows the free-period notices a scheduled run would tell, reading the marks and never writing them', async () => {
    // Arrange: two servers past 1,900 of their 2,160 free hours, one of them already told; a cut-over one past the end
    const hours = (used: number) => ({ state: 'READY_FOR_TEST' as never, elapsedReplicationDuration: `PT${used}H` });
    const healthy = { dataReplicationState: 'CONTINUOUS', lagDuration: 'PT0S' };
    const fleet = [
      server(id(0xc1), 'pay-01', 'READY_FOR_TEST', healthy, { lifeCycle: hours(1900) }),
      server(id(0xc2), 'pay-02', 'READY_FOR_TEST', healthy, { lifeCycle: hours(1950) }),
      server(id(0xc3), 'old-03', 'CUTOVER', healthy, { lifeCycle: { ...hours(2500), state: 'CUTOVER' as never } }),
    ];
    mgn.on(DescribeSourceServersCommand as any).resolves({ items: fleet } as any);
    documentClient
      .on(ScanCommand)
      .resolves({ Items: [{ sourceServerId: FREE_PERIOD_MARKS_KEY, version: 4, ending: [id(0xc2)], ended: [] }] });

    // Act
    const { exitCode, stdout } = await check(['--region', REGION, '--ledger-table', TABLE]);

    // Assert: pay-01 only; the afterEach hook checks that nothing was written
    expect(exitCode).toBe(0);
    expect(documentClient).toHaveReceivedCommandTimes(ScanCommand, 1);
    const told = stdout.split('Free replication period, as a scheduled run would tell it:')[1]?.trim();
    expect(told).toMatch(/^free MGN replication ends by \d{4}-\d\d-\d\d \(within 14 days\) for 1 server: pay-01$/);
  });

  it('reads neither the ledger nor command results without --ledger-table', async () => {
    await check(['--region', REGION]);

    expect(documentClient).not.toHaveReceivedCommand(ScanCommand);
    expect(ssm).not.toHaveReceivedCommand(ListCommandInvocationsCommand);
  });
});

describe('check: credentials and clients', () => {
  it('sets AWS_PROFILE from --profile before the clients are built, for the given Region', async () => {
    const seen: { profile?: string; options?: AwsClientOptions } = {};
    const makeClients = (options: AwsClientOptions): ReturnType<typeof createAwsClients> => {
      seen.profile = run.env.AWS_PROFILE;
      seen.options = options;
      return createAwsClients(options);
    };
    const run = { env: {} as Record<string, string | undefined> };
    let stdout = '';
    const exitCode = await main(
      ['--region', 'eu-west-2', '--profile', 'migration'],
      { stdout: { write: (text: string) => (stdout += text) }, stderr: { write: () => true }, env: run.env },
      makeClients,
    );

    expect(exitCode).toBe(0);
    expect(seen).toEqual({ profile: 'migration', options: { region: 'eu-west-2' } });
    expect(stdout).toContain('preview: eu-west-2');
  });

  it('takes the Region from AWS_REGION when --region is absent', async () => {
    const { exitCode, stdout } = await check([], { env: { AWS_REGION: 'ap-southeast-2' } });

    expect(exitCode).toBe(0);
    expect(stdout).toContain('preview: ap-southeast-2');
  });
});

describe('check: errors', () => {
  const expectOneLine = (run: Run, code: number, pattern: RegExp): void => {
    expect(run.exitCode).toBe(code);
    expect(run.stdout).toBe('');
    const lines = run.stderr.trim().split('\n');
    expect(lines[lines.length - 1]).toMatch(pattern);
    expect(run.stderr).not.toMatch(/^\s+at /m);
  };

  it('missing credentials: exit 3', async () => {
    mgn
      .on(DescribeSourceServersCommand as any)
      .rejects(sdkError('CredentialsProviderError', 'Could not load credentials from any providers'));

    expectOneLine(
      await check(['--region', REGION]),
      3,
      /^error: no usable AWS credentials from the default credential chain \(CredentialsProviderError: Could not load credentials from any providers\)\. Sign in/,
    );
  });

  it('missing credentials for a named profile: exit 3, naming the profile', async () => {
    mgn
      .on(DescribeSourceServersCommand as any)
      .rejects(sdkError('CredentialsProviderError', 'Could not resolve credentials using profile: [old]'));

    expectOneLine(
      await check(['--region', REGION, '--profile', 'old']),
      3,
      /from profile old .*aws sso login --profile old/,
    );
  });

  it('access denied by MGN: exit 4', async () => {
    mgn
      .on(DescribeSourceServersCommand as any)
      .rejects(sdkError('AccessDeniedException', 'User is not authorized to perform: mgn:DescribeSourceServers'));

    expectOneLine(
      await check(['--region', REGION]),
      4,
      /^error: access denied in us-east-1 \(User is not authorized to perform: mgn:DescribeSourceServers\)\. The preview needs mgn:DescribeSourceServers and ssm:DescribeInstanceInformation\.$/,
    );
  });

  it('access denied on the ledger table: exit 4, naming the table', async () => {
    documentClient
      .on(ScanCommand)
      .rejects(sdkError('AccessDeniedException', 'not authorized to perform: dynamodb:Scan'));

    expectOneLine(await check(['--region', REGION, '--ledger-table', 'ledger']), 4, /dynamodb:Scan on table ledger/);
  });

  it('MGN not initialized in the Region: exit 5', async () => {
    mgn
      .on(DescribeSourceServersCommand as any)
      .rejects(sdkError('UninitializedAccountException', 'Account not initialized'));

    expectOneLine(
      await check(['--region', 'eu-south-2']),
      5,
      /^error: Application Migration Service is not initialized in eu-south-2 for this account\./,
    );
  });

  it('unknown Region or no network (ENOTFOUND): exit 1', async () => {
    mgn.on(DescribeSourceServersCommand as any).rejects(
      Object.assign(new Error('getaddrinfo ENOTFOUND mgn.xx-fake-1.amazonaws.com'), {
        code: 'ENOTFOUND',
        hostname: 'mgn.xx-fake-1.amazonaws.com',
        $metadata: {},
      }),
    );

    expectOneLine(
      await check(['--region', 'xx-fake-1']),
      1,
      /^error: cannot reach AWS in xx-fake-1 \(ENOTFOUND mgn\.xx-fake-1\.amazonaws\.com\)\. Check that --region/,
    );
  });

  it('connection refused (e.g. a wrong AWS_ENDPOINT_URL): exit 1', async () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:4566'), {
      code: 'ECONNREFUSED',
      address: '127.0.0.1',
      port: 4566,
    });
    ssm.on(DescribeInstanceInformationCommand).rejects(Object.assign(new Error('socket error'), { cause: refused }));

    expectOneLine(
      await check(['--region', REGION]),
      1,
      /^error: cannot reach AWS in us-east-1 \(ECONNREFUSED 127\.0\.0\.1:4566\)/,
    );
  });

  it('a missing ledger table: exit 1, naming it', async () => {
    documentClient.on(ScanCommand).rejects(sdkError('ResourceNotFoundException', 'Requested resource not found'));

    expectOneLine(
      await check(['--region', REGION, '--ledger-table', 'nope']),
      1,
      /^error: ledger table nope not found in us-east-1 \(Requested resource not found\)\. Check --ledger-table and --region\.$/,
    );
  });

  it('anything else: exit 1 with its name and message', async () => {
    mgn.on(DescribeSourceServersCommand as any).rejects(sdkError('InternalServerException', 'Something broke'));

    expectOneLine(await check(['--region', REGION]), 1, /^error: InternalServerException: Something broke$/);
  });
});

describe('check: --wave and --application', () => {
  const WAVE_1 = 'wave-0000000000000000a';
  const WAVE_2 = 'wave-0000000000000000b';
  const PAYMENTS = 'app-0000000000000000a';
  const LEDGER = 'app-0000000000000000b';
  const INTRANET = 'app-0000000000000000c';
  const APPLICATIONS = [
    { applicationID: PAYMENTS, name: 'payments', waveID: WAVE_1, isArchived: false },
    { applicationID: LEDGER, name: 'ledger', waveID: WAVE_1, isArchived: false },
    { applicationID: INTRANET, name: 'intranet', waveID: WAVE_2, isArchived: false },
  ];
  const WAVES = [
    { waveID: WAVE_1, name: 'Wave 1', isArchived: false },
    { waveID: WAVE_2, name: 'Wave 2', isArchived: false },
    { waveID: 'wave-0000000000000000c', name: 'Wave 3 (empty)', isArchived: false },
  ];
  const APPLICATION_OF: Record<string, string> = {
    [WEB]: PAYMENTS,
    [BATCH]: PAYMENTS,
    [FILES]: LEDGER,
    [APP]: INTRANET,
  };
  const TERMS_FLEET = FLEET.map((item) => ({ ...item, applicationID: APPLICATION_OF[item.sourceServerID ?? ''] }));
  const describeCommand = DescribeSourceServersCommand as any;
  const listApplications = ListApplicationsCommand as any;
  const listWaves = ListWavesCommand as any;

  beforeEach(() => {
    // MGN's own filtering: by application on DescribeSourceServers, by wave on ListApplications.
    mgn.on(describeCommand).callsFake((input: { filters?: { applicationIDs?: string[] } }) => {
      const wanted = input.filters?.applicationIDs;
      const items = TERMS_FLEET.filter((item) => !wanted || wanted.includes(item.applicationID as string));
      return { items } satisfies Omit<DescribeSourceServersCommandOutput, '$metadata'>;
    });
    mgn.on(listApplications).callsFake((input: { filters?: { waveIDs?: string[] } }) => {
      const wanted = input.filters?.waveIDs;
      const items = APPLICATIONS.filter((item) => !wanted || wanted.includes(item.waveID));
      return { items } satisfies Omit<ListApplicationsCommandOutput, '$metadata'>;
    });
    mgn.on(listWaves).resolves({ items: WAVES } satisfies Omit<ListWavesCommandOutput, '$metadata'> as any);
  });

  it("--wave NAME (any case): the wave's applications from MGN, then only their servers, filtered by MGN", async () => {
    const { exitCode, stdout, stderr } = await check(['--region', REGION, '--wave', 'wave 1']);

    expect(exitCode).toBe(0);
    expect(mgn).toHaveReceivedCommandWith(listWaves, { filters: { isArchived: false }, maxResults: 1000 });
    expect(mgn).toHaveReceivedCommandWith(listApplications, {
      filters: { isArchived: false, waveIDs: [WAVE_1] },
      maxResults: 1000,
    });
    expect(mgn).toHaveReceivedCommandWith(describeCommand, {
      filters: { isArchived: false, applicationIDs: [PAYMENTS, LEDGER] },
      maxResults: 1000,
    });
    expect(stdout).toContain(
      `preview: ${REGION}, account ${ACCOUNT}, wave "Wave 1" (2 application(s)) (dry run: nothing was sent`,
    );
    expect([WEB, BATCH, FILES].map((id) => row(stdout, id)?.[0])).toEqual([WEB, BATCH, FILES]);
    expect(stdout).not.toContain(APP);
    expect(stdout).toContain('(3 servers in all)');
    expect(stderr).toContain(`listing source servers in ${REGION} (wave "Wave 1" (2 application(s)))…`);
  });

  it("--application NAME: that application's servers only, without reading waves", async () => {
    const { exitCode, stdout } = await check(['--region', REGION, '--application', 'payments', '--json']);

    expect(exitCode).toBe(0);
    expect(mgn).not.toHaveReceivedCommand(listWaves);
    expect(mgn).toHaveReceivedCommandWith(listApplications, { filters: { isArchived: false }, maxResults: 1000 });
    expect(mgn).toHaveReceivedCommandWith(describeCommand, {
      filters: { isArchived: false, applicationIDs: [PAYMENTS] },
    });
    const output = JSON.parse(stdout);
    expect(output.scope).toEqual({ applications: [{ applicationId: PAYMENTS, name: 'payments', waveId: WAVE_1 }] });
    expect(output.servers.map((entry: { sourceServerId: string }) => entry.sourceServerId)).toEqual([WEB, BATCH]);
  });

  it('--wave ID with --application NAME: the application within that wave', async () => {
    const { exitCode, stdout } = await check(['--region', REGION, '--wave', WAVE_2, '--application', 'INTRANET']);

    expect(exitCode).toBe(0);
    expect(stdout).toContain(`account ${ACCOUNT}, application "intranet" in wave "Wave 2" (dry run`);
    expect(row(stdout, APP)?.[0]).toBe(APP);
    expect(stdout).toContain('(1 servers in all)');
  });

  it('a wave without applications lists no servers, and says so', async () => {
    const { exitCode, stdout } = await check(['--region', REGION, '--wave', 'Wave 3 (empty)']);

    expect(exitCode).toBe(0);
    expect(mgn).not.toHaveReceivedCommand(describeCommand);
    expect(stdout).toContain('wave "Wave 3 (empty)" (0 application(s))');
    expect(stdout).toContain('No stalled, disconnected, lagging or unknown servers.');
  });

  it.each<[string[], RegExp]>([
    [['--wave', 'Wave 9'], /^error: no wave "Wave 9" in us-east-1: there are "Wave 1", "Wave 2", "Wave 3 \(empty\)"$/],
    [['--wave', 'Wave'], /^error: no wave "Wave" in us-east-1/],
    [
      ['--wave', 'Wave 2', '--application', 'payments'],
      /^error: no application "payments" in wave "Wave 2" of us-east-1: there are "intranet"$/,
    ],
    [
      ['--application', 'crm'],
      /^error: no application "crm" in us-east-1: there are "payments", "ledger", "intranet"$/,
    ],
  ])('%j names nothing: one line, exit 2, no server listed', async (flags, pattern) => {
    const run = await check(['--region', REGION, ...flags]);

    expect(run.exitCode).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr.trim().split('\n').at(-1)).toMatch(pattern);
    expect(mgn).not.toHaveReceivedCommand(describeCommand);
  });

  it('access denied on ListWaves: exit 4, naming the permissions the filters need', async () => {
    mgn.on(listWaves).rejects(sdkError('AccessDeniedException', 'not authorized to perform: mgn:ListWaves'));

    const run = await check(['--region', REGION, '--wave', 'Wave 1']);

    expect(run.exitCode).toBe(4);
    expect(run.stderr).toContain(
      'The preview needs mgn:DescribeSourceServers, mgn:ListWaves, mgn:ListApplications and',
    );
  });

  it('reads no wave or application without the filters', async () => {
    await check(['--region', REGION]);

    expect(mgn).not.toHaveReceivedCommand(listWaves);
    expect(mgn).not.toHaveReceivedCommand(listApplications);
    expect(mgn).toHaveReceivedCommandWith(describeCommand, { filters: { isArchived: false } });
  });
});

describe('check: usage', () => {
  const makeClients = jest.fn(createAwsClients);
  beforeEach(() => makeClients.mockClear());

  it.each([
    [['--region', REGION, '--bogus'], /Unknown option '--bogus'/],
    [['--region', REGION, 'extra'], /positional argument/],
    [['--region', 'US East'], /is not a Region name/],
    [[], /--region is required/],
    [['--region', REGION, '--lag-alert-minutes', 'soon'], /--lag-alert-minutes: expected a whole number/],
    [['--region', REGION, '--account', '12345'], /--account must be a 12-digit account ID/],
    [['--region'], /argument missing/],
    [['--region', REGION, '--wave', ' '], /--wave needs a value/],
    [['--region', REGION, '--application', ''], /--application needs a value/],
  ])('%j: usage text and exit 2, no clients', async (argv, pattern) => {
    const run = await check(argv, { makeClients });

    expect(run.exitCode).toBe(2);
    expect(run.stderr).toMatch(pattern);
    expect(run.stderr).toContain('Usage: npm run check -- --region REGION');
    expect(run.stdout).toBe('');
    expect(makeClients).not.toHaveBeenCalled();
  });

  it('--help: usage on stdout, exit 0, no clients', async () => {
    const run = await check(['--help'], { makeClients });

    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain('Usage: npm run check -- --region REGION');
    expect(run.stdout).toContain(
      'Exit codes: 0 done, 1 other error, 2 usage, 3 credentials, 4 access denied, 5 MGN not initialized',
    );
    expect(makeClients).not.toHaveBeenCalled();
  });
});

describe('check: other accounts of the organization', () => {
  const MEMBER = '444455556666';
  const DENIED = '777788889999';
  const READER_ROLE = (account: string) => `arn:aws:iam::${account}:role/MgnReplicationDoctorSpokeReader-${REGION}`;
  const credentials = {
    AccessKeyId: 'ASIAEXAMPLE',
    SecretAccessKey: 'secret',
    SessionToken: 'token',
    Expiration: new Date(Date.now() + 3_600_000),
  };

  beforeEach(() => {
    sts.on(AssumeRoleCommand).resolves({ Credentials: credentials });
    sts
      .on(AssumeRoleCommand, { RoleArn: READER_ROLE(DENIED) })
      .rejects(sdkError('AccessDenied', `not authorized to perform: sts:AssumeRole on ${READER_ROLE(DENIED)}`));
    mgn
      .on(ListManagedAccountsCommand as any)
      .resolves({ items: [{ accountId: ACCOUNT }, { accountId: MEMBER }, { accountId: DENIED }] } as any);
  });

  it('reads another account through global view and its spoke reader role', async () => {
    const { exitCode, stdout } = await check(['--region', REGION, '--account', MEMBER]);

    expect(exitCode).toBe(0);
    expect(stdout).toMatch(`${REGION}, account ${MEMBER} (dry run`);
    expect(sts).toHaveReceivedCommandWith(AssumeRoleCommand, {
      RoleArn: READER_ROLE(MEMBER),
      RoleSessionName: 'mgn-doctor-preview',
    });
    expect(mgn).toHaveReceivedCommandWith(DescribeSourceServersCommand as any, { accountID: MEMBER } as any);
  });

  it('takes another reader role with --spoke-role', async () => {
    await check(['--region', REGION, '--account', MEMBER, '--spoke-role', 'MigrationReadOnly']);

    expect(sts).toHaveReceivedCommandWith(AssumeRoleCommand, {
      RoleArn: `arn:aws:iam::${MEMBER}:role/MigrationReadOnly`,
    });
  });

  it('shows every managed account, and one line for the account it cannot read (exit 6)', async () => {
    const { exitCode, stdout, stderr } = await check(['--region', REGION, '--all-accounts']);

    expect(exitCode).toBe(6);
    expect(stdout).toMatch(`${REGION}, account ${ACCOUNT} (dry run`);
    expect(stdout).toMatch(`${REGION}, account ${MEMBER} (dry run`);
    expect(stdout).not.toContain(DENIED);
    expect(stderr).toContain(
      `error: Account ${DENIED}: the hub may not assume MgnReplicationDoctorSpokeReader-${REGION} there: deploy the spoke stack`,
    );
    // Nothing listed for the denied account: the role comes first.
    expect(mgn).not.toHaveReceivedCommandWith(DescribeSourceServersCommand as any, { accountID: DENIED } as any);
  });

  it('puts every account and the failures in one JSON object', async () => {
    const { exitCode, stdout } = await check(['--region', REGION, '--all-accounts', '--json']);

    const document = JSON.parse(stdout);
    expect(exitCode).toBe(6);
    expect(document.accounts.map((account: { accountId: string }) => account.accountId)).toEqual([ACCOUNT, MEMBER]);
    expect(document.failures).toEqual([{ accountId: DENIED, error: expect.stringContaining('AccessDenied') }]);
  });

  it('exits 0 when every account could be read', async () => {
    mgn.on(ListManagedAccountsCommand as any).resolves({ items: [{ accountId: MEMBER }] } as any);

    expect((await check(['--region', REGION, '--all-accounts'])).exitCode).toBe(0);
  });

  it('names mgn:ListManagedAccounts and trusted access when listing the accounts is denied', async () => {
    mgn.on(ListManagedAccountsCommand as any).rejects(sdkError('AccessDeniedException', 'no global view') as any);

    const { exitCode, stderr } = await check(['--region', REGION, '--all-accounts']);

    expect(exitCode).toBe(4);
    expect(stderr).toContain('mgn:ListManagedAccounts');
    expect(stderr).toContain('trusted access');
  });

  it('says access denied (exit 4) when the one account asked for denies its reader role', async () => {
    const { exitCode, stderr } = await check(['--region', REGION, '--account', DENIED]);

    expect(exitCode).toBe(4);
    expect(stderr).toMatch(/^error: access denied in us-east-1 \(not authorized to perform: sts:AssumeRole/);
  });

  it('refuses --account with --all-accounts', async () => {
    const { exitCode, stderr } = await check(['--region', REGION, '--all-accounts', '--account', MEMBER]);

    expect(exitCode).toBe(2);
    expect(stderr).toContain('--account and --all-accounts exclude each other');
  });
});
