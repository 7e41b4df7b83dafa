// The whole Lambda handler over real HTTP (docs/design.md section 11): the real SDK clients, built by the
// handler from its environment, talk to moto (SNS, SQS tap, DynamoDB ledger, SSM Run Command), to the
// project's fake MGN endpoint, and to an SSM front that answers the two SSM calls moto lacks. Nothing leaves 127.0.0.1.
import type { Context } from 'aws-lambda';
import type { RunReport } from '../../lambdas/core/report';
import type { DoctorSettings } from '../../lambdas/shared/settings';
import notStalledEvent from '../fixtures/events/mgn-data-replication-not-stalled.json';
import stalledEvent from '../fixtures/events/mgn-data-replication-stalled.json';
import scheduledEvent from '../fixtures/events/scheduled.json';
import {
  COMMAND_LOG_GROUP,
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

type Handler = (event: unknown, context: Context) => Promise<RunReport | undefined>;

const describeWithMoto = describeWhereMotoRuns();

/** `s-` + the tag padded with zeros to 17 characters. */
const serverId = (tag: string): string => `s-${tag.padEnd(17, '0')}`;
const nodeId = (tag: string): string => `mi-${tag.padEnd(17, '0')}`;

const NODE_TAG = 'mgn-doctor:ssm-node-id';
const STALLED_ID = serverId('web01');
const HEALTHY_ID = serverId('app02');
const CUTOVER_ID = serverId('db03');
const EVENT_ID = 's-12345678901234567';
const WEB01_NODE = nodeId('0eb01');
const APP02_NODE = nodeId('0a002');
const EVENT_NODE = nodeId('0e7e0');

function fleet(): ApiSourceServer[] {
  return [
    aStalledApiSourceServer({
      sourceServerID: STALLED_ID,
      sourceProperties: {
        identificationHints: { hostname: 'web01', fqdn: 'web01.corp.example.com' },
        networkInterfaces: [{ macAddress: '02:42:ac:11:00:15', ips: ['10.20.1.15'], isPrimary: true }],
      },
    }),
    anApiSourceServer({
      sourceServerID: HEALTHY_ID,
      sourceProperties: {
        identificationHints: { hostname: 'app02', fqdn: 'app02.corp.example.com' },
        networkInterfaces: [{ macAddress: '02:42:ac:11:00:16', ips: ['10.20.1.16'], isPrimary: true }],
      },
    }),
    // Migrated: replication is over on purpose. The doctor must leave it alone.
    anApiSourceServer({
      sourceServerID: CUTOVER_ID,
      lifeCycle: { state: 'CUTOVER' },
      dataReplicationInfo: { dataReplicationState: 'DISCONNECTED', lagDuration: undefined, replicatedDisks: [] },
      sourceProperties: { identificationHints: { hostname: 'db03', fqdn: 'db03.corp.example.com' } },
    }),
  ];
}

function inventory(): ApiInstanceInformation[] {
  // More than one page of DescribeInstanceInformation (50), so the full listing pages through the front.
  const others = Array.from({ length: 60 }, (_, index) =>
    anInstanceInformation({
      InstanceId: nodeId(`f${index.toString(16).padStart(2, '0')}`),
      ComputerName: `filler-${index}.corp.example.com`,
      IPAddress: `10.99.0.${index + 1}`,
    }),
  );
  return [
    anInstanceInformation({ InstanceId: WEB01_NODE, ComputerName: 'web01.corp.example.com', IPAddress: '10.20.1.15' }),
    anInstanceInformation({ InstanceId: APP02_NODE, ComputerName: 'app02.corp.example.com', IPAddress: '10.20.1.16' }),
    ...others,
    anInstanceInformation({
      InstanceId: EVENT_NODE,
      ComputerName: 'legacy-erp.corp.example.com',
      IPAddress: '10.20.3.7',
    }),
  ];
}

const skippedWindowsStep = (
  step: string,
): { name: string; status: 'Success'; responseCode: number; output: string } => ({
  name: step,
  status: 'Success',
  responseCode: 0,
  output: `Step execution skipped due to unsatisfied preconditions: 'StringEquals: [platformType, Windows]'. Step name: ${step}`,
});

/** What the three documents print on a healthy Linux host (first lines as lib/ssm-documents write them). */
const OUTCOMES: Readonly<Record<keyof typeof DOCUMENT_NAMES, InvocationOutcome>> = {
  RestartReplicationAgent: {
    plugins: [
      {
        name: 'restartAgentLinux',
        status: 'Success',
        responseCode: 0,
        output:
          'MGN_DOCTOR check=agent status=RUNNING service=aws-replication-agent active_state=active version=1.0.0\n' +
          '--- agent.log.0 (last 20 lines) ---\n2026-11-26 08:00:03 INFO Agent started\n',
      },
      skippedWindowsStep('restartAgentWindows'),
    ],
  },
  CheckDiskSpace: {
    plugins: [
      {
        name: 'checkDiskSpaceLinux',
        status: 'Success',
        responseCode: 0,
        output:
          'MGN_DOCTOR check=disk status=OK root_free_mib=10240 root_min_mib=2048 tmp_free_mib=3900 tmp_min_mib=500 tmp_noexec=no\n--- df -Ph / /tmp ---\n',
      },
      skippedWindowsStep('checkDiskSpaceWindows'),
    ],
  },
  CheckConnectivity: {
    plugins: [
      {
        name: 'checkConnectivityLinux',
        status: 'Success',
        responseCode: 0,
        output:
          'MGN_DOCTOR check=connectivity status=OK reachable=7 failed=0\n' +
          `MGN_DOCTOR check=connectivity target=mgn.${REGION}.amazonaws.com:443 result=reachable probe=https\n`,
      },
      skippedWindowsStep('checkConnectivityWindows'),
    ],
  },
};

const EXPECTED_PARAMETERS = {
  [DOCUMENT_NAMES.RestartReplicationAgent]: {},
  [DOCUMENT_NAMES.CheckDiskSpace]: { minFreeRootMiB: ['2048'], minFreeTmpMiB: ['500'] },
  [DOCUMENT_NAMES.CheckConnectivity]: { region: [REGION], replicationServerIps: [''] },
};

const NO_COUNTS = { STALLED: 0, DISCONNECTED: 0, LAGGING: 0, UNKNOWN: 0, PROGRESSING: 0, HEALTHY: 0, IGNORED: 0 };

let requestSequence = 0;
const context = (): Context =>
  aLambdaContext(`${(++requestSequence).toString(16).padStart(8, '0')}-5e1f-4c2b-9d0e-7a6b5c4d3e2f`);

/** Loads a fresh copy of the handler module (its configuration and clients are built at load). */
function loadHandler(environment: Readonly<Record<string, string | undefined>>): Handler {
  const restore = applyEnvironment(environment);
  try {
    let loaded: Handler | undefined;
    jest.isolateModules(() => {
      loaded = (require('../../lambdas/handlers/run-doctor') as typeof import('../../lambdas/handlers/run-doctor'))
        .handler as Handler; // a single-account stack answers a run report or nothing
    });
    if (!loaded) throw new Error('handler did not load');
    return loaded;
  } finally {
    // Settings are parsed at load; endpoints, credentials and Region are read by the SDK on first use, so the
    // suite's environment (applied in beforeAll) must stay.
    restore();
  }
}

describeWithMoto('run-doctor handler over HTTP (moto, fake MGN, SSM front)', () => {
  let harness: DoctorHarness;
  let restoreEnvironment: (() => void) | undefined;
  let handler: Handler;
  const settings: Partial<DoctorSettings> = { resultWaitSeconds: 5 };

  beforeAll(async () => {
    harness = await startDoctorHarness();
    restoreEnvironment = applyEnvironment(harness.environment(settings));
    handler = loadHandler({});
  }, 30_000);

  afterAll(async () => {
    restoreEnvironment?.();
    await harness?.stop();
  });

  beforeEach(async () => {
    await harness.resetAws();
    harness.mgn.servers = fleet();
    harness.ssm.nodes = inventory();
    harness.ssm.outcomes.clear();
    for (const [role, outcome] of Object.entries(OUTCOMES))
      harness.ssm.outcomes.set(DOCUMENT_NAMES[role as keyof typeof DOCUMENT_NAMES], outcome);
  });

  const run = async (event: unknown, which: Handler = handler): Promise<RunReport> => {
    const report = await which(event, context());
    if (report === undefined) throw new Error('the handler ignored the event');
    return report;
  };

  test('a scheduled run treats the stalled server on its SSM node, publishes one digest and records it in the ledger', async () => {
    const report = await run(scheduledEvent);

    // MGN: one full listing, the way the design says (non-archived, largest page).
    expect(harness.mgn.requests.map((request) => request.operation)).toEqual(['DescribeSourceServers']);
    expect(harness.mgn.requests[0]?.body).toEqual({ filters: { isArchived: false }, maxResults: 1000 });

    // SSM inventory: web01 is known only by name, so the whole inventory is listed (two pages of 50).
    const listings = harness.ssm.requestsFor('DescribeInstanceInformation');
    expect(listings).toHaveLength(2);
    expect(listings[0]?.body).toEqual({ MaxResults: 50 });
    expect(listings[1]?.body).toEqual({ MaxResults: 50, NextToken: expect.any(String) });

    // Run Command, as moto recorded it: the agent playbook's three documents on web01's node, nothing else.
    const commands = await harness.listCommands();
    expect(commands).toHaveLength(3);
    expect(commands.map((command) => command.DocumentName).sort()).toEqual(Object.values(DOCUMENT_NAMES).sort());
    for (const command of commands) {
      expect(command.InstanceIds).toEqual([WEB01_NODE]);
      expect(command.Parameters).toEqual(EXPECTED_PARAMETERS[command.DocumentName as string]);
      expect(command.MaxErrors).toBe('100%');
      expect(command.Comment?.length).toBeLessThanOrEqual(100);
      expect(command.Comment).toMatch(/^mgn-replication-doctor/);
      expect(command.Comment).toContain('STALLED AGENT_NOT_SEEN');
    }
    // moto's ListCommands leaves out CloudWatchOutputConfig; the requests show it.
    for (const send of harness.ssm.requestsFor('SendCommand')) {
      expect(send.body).toMatchObject({
        CloudWatchOutputConfig: { CloudWatchOutputEnabled: true, CloudWatchLogGroupName: COMMAND_LOG_GROUP },
      });
    }
    // Results: one ListCommandInvocations per command, with plugin details.
    const polls = harness.ssm.requestsFor('ListCommandInvocations');
    expect(polls.map((poll) => (poll.body as { CommandId: string }).CommandId).sort()).toEqual(
      commands.map((command) => command.CommandId).sort(),
    );
    for (const poll of polls) expect(poll.body).toMatchObject({ Details: true });

    // SNS: one digest, published as JSON per protocol; the SQS subscriber gets the `default` text.
    const published = await harness.publishedNotifications();
    expect(published).toHaveLength(1);
    const structured = JSON.parse(published[0]?.message ?? '{}') as Record<string, string>;
    expect(Object.keys(structured).sort()).toEqual(['default', 'email', 'sms']);
    expect(structured.sms?.length).toBeLessThanOrEqual(140);
    expect(structured.sms).toContain('1 stalled');
    expect(structured.email).toBe(structured.default);
    expect(published[0]?.subject?.length).toBeLessThan(100);
    const delivered = await harness.drainDigestQueue();
    expect(delivered).toHaveLength(1);
    const text = delivered[0]?.Body ?? '';
    expect(text).toBe(structured.default);
    expect(text).toContain(`${STALLED_ID} web01`);
    expect(text).toContain('check=agent status=RUNNING');
    expect(text).toContain('check=disk status=OK');
    expect(text).toContain(`on ${WEB01_NODE}`);
    expect(text).not.toContain(HEALTHY_ID);
    expect(text).not.toContain(CUTOVER_ID);

    // Ledger: the stalled server is followed, treated once, and the digest is recorded as delivered.
    const items = await harness.ledgerItems();
    expect(items).toHaveLength(1);
    // Beside the entries, the SSM inventory it listed, for event runs (docs/design.md section 5).
    expect(await harness.inventoryItem()).toMatchObject({
      listedAt: expect.any(String),
      nodes: expect.any(Uint8Array),
    });
    const entry = items[0] as {
      sourceServerId: string;
      attempts: number;
      status: string;
      notifiedAt?: string;
      treatments: { commands: { document: string; status: string; instanceId: string }[] }[];
    };
    expect(entry).toMatchObject({
      sourceServerId: STALLED_ID,
      attempts: 1,
      status: 'OPEN',
      condition: 'STALLED',
      errorCode: 'AGENT_NOT_SEEN',
    });
    expect(entry.notifiedAt).toEqual(expect.any(String));
    expect(entry.treatments).toHaveLength(1);
    expect(
      entry.treatments[0]?.commands.map((command) => [command.document, command.status, command.instanceId]).sort(),
    ).toEqual([
      ['CheckConnectivity', 'Success', WEB01_NODE],
      ['CheckDiskSpace', 'Success', WEB01_NODE],
      ['RestartReplicationAgent', 'Success', WEB01_NODE],
    ]);

    // The report.
    expect(report.trigger).toBe('schedule');
    expect(report.counts).toEqual({ ...NO_COUNTS, STALLED: 1, HEALTHY: 1, IGNORED: 1 });
    expect(report.commandsSent).toBe(3);
    expect(report.published).toBe(true);
    expect(report.servers.map((server) => [server.server.sourceServerId, server.action])).toEqual([
      [STALLED_ID, 'TREATED'],
    ]);
  });

  test('a second scheduled run right after sends nothing and publishes nothing (cooldown)', async () => {
    await run(scheduledEvent);
    expect(await harness.listCommands()).toHaveLength(3);
    expect(await harness.drainDigestQueue()).toHaveLength(1);
    harness.mgn.clearRecords();

    const report = await run(scheduledEvent);

    expect(harness.mgn.requestsFor('DescribeSourceServers')).toHaveLength(1);
    expect(await harness.listCommands()).toHaveLength(3);
    expect(harness.ssm.requestsFor('SendCommand')).toHaveLength(3);
    expect(await harness.drainDigestQueue()).toEqual([]);
    expect(await harness.publishedNotifications()).toHaveLength(1);
    expect(report.commandsSent).toBe(0);
    expect(report.published).toBe(false);
    expect(report.servers.map((server) => [server.server.sourceServerId, server.action])).toEqual([
      [STALLED_ID, 'COOLDOWN'],
    ]);
    const items = await harness.ledgerItems();
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ sourceServerId: STALLED_ID, attempts: 1 });
  });

  test('the MGN stall event runs for that one server only', async () => {
    harness.mgn.servers.push(
      aStalledApiSourceServer({
        sourceServerID: EVENT_ID,
        tags: { [NODE_TAG]: EVENT_NODE, Application: 'erp' },
        sourceProperties: { identificationHints: { hostname: 'legacy-erp', fqdn: 'legacy-erp.corp.example.com' } },
      }),
    );

    const report = await run(stalledEvent);

    expect(harness.mgn.requests.map((request) => request.operation)).toEqual(['DescribeSourceServers']);
    expect(harness.mgn.requests[0]?.body).toEqual({
      filters: { isArchived: false, sourceServerIDs: [EVENT_ID] },
      maxResults: 1000,
    });
    // Its node is known by tag: one filtered lookup instead of the whole inventory.
    expect(harness.ssm.requestsFor('DescribeInstanceInformation').map((request) => request.body)).toEqual([
      { Filters: [{ Key: 'InstanceIds', Values: [EVENT_NODE] }], MaxResults: 50 },
    ]);
    const commands = await harness.listCommands();
    expect(commands).toHaveLength(3);
    for (const command of commands) expect(command.InstanceIds).toEqual([EVENT_NODE]);

    expect(report.trigger).toBe('event');
    expect(report.counts).toEqual({ ...NO_COUNTS, STALLED: 1 });
    expect(report.servers.map((server) => [server.server.sourceServerId, server.action])).toEqual([
      [EVENT_ID, 'TREATED'],
    ]);
    const delivered = await harness.drainDigestQueue();
    expect(delivered).toHaveLength(1);
    expect(delivered[0]?.Body).toContain(EVENT_ID);
    expect(delivered[0]?.Body).not.toContain(STALLED_ID);
    expect((await harness.ledgerItems()).map((item) => item.sourceServerId)).toEqual([EVENT_ID]);
  });

  test('the NOT_STALLED event runs for that one server: no command, and no digest for a server nobody followed', async () => {
    const report = await handler(notStalledEvent, context());

    expect(report).toMatchObject({ trigger: 'event', servers: [], published: false, commandsSent: 0 });
    expect(harness.mgn.requestsFor('DescribeSourceServers')).toHaveLength(1);
    expect(await harness.listCommands()).toEqual([]);
    expect(await harness.drainDigestQueue()).toEqual([]);
  });

  test.each([
    ['an event from another source', { ...stalledEvent, source: 'aws.ec2' }],
    [
      'a stall event without a source-server ARN',
      { ...stalledEvent, resources: ['arn:aws:mgn:us-west-2:111122223333:source-server/not-a-server'] },
    ],
    ['an empty object', {}],
    ['a string', 'STALLED'],
    ['null', null],
  ])('%s does nothing: no MGN request, no command, no digest', async (_name, event) => {
    expect(await handler(event, context())).toBeUndefined();

    expect(harness.mgn.requests).toEqual([]);
    expect(harness.ssm.requests).toEqual([]);
    expect(await harness.listCommands()).toEqual([]);
    expect(await harness.drainDigestQueue()).toEqual([]);
    expect(await harness.ledgerItems()).toEqual([]);
  });

  test('a fleet of 2,500 servers is read in three pages through the real SDK', async () => {
    harness.mgn.servers = Array.from({ length: 2_500 }, (_, index) =>
      anApiSourceServer({ sourceServerID: serverId(`p${index}`) }),
    );

    const report = await run(scheduledEvent);

    const pages = harness.mgn
      .requestsFor('DescribeSourceServers')
      .map((request) => request.body as { nextToken?: string; maxResults?: number });
    expect(pages).toHaveLength(3);
    expect(pages[0]?.nextToken).toBeUndefined();
    expect(pages[1]?.nextToken).toEqual(expect.any(String));
    expect(pages[2]?.nextToken).toEqual(expect.any(String));
    expect(pages[2]?.nextToken).not.toBe(pages[1]?.nextToken);
    for (const page of pages) expect(page).toMatchObject({ filters: { isArchived: false }, maxResults: 1000 });
    expect(report.counts).toEqual({ ...NO_COUNTS, HEALTHY: 2_500 });
    expect(report.published).toBe(false);
    expect(await harness.drainDigestQueue()).toEqual([]);
  });

  test('with retryServiceSideErrors, MGN-side failures get RetryDataReplication and network stalls show the replication settings', async () => {
    const withRetries = loadHandler(renderSettingsFor({ ...settings, retryServiceSideErrors: true }));
    const launchFailure = serverId('svc01');
    const network = serverId('net01');
    harness.mgn.servers = [
      aStalledApiSourceServer({
        sourceServerID: launchFailure,
        sourceProperties: { identificationHints: { hostname: 'batch07', fqdn: 'batch07.corp.example.com' } },
        dataReplicationInfo: {
          dataReplicationError: {
            error: 'FAILED_TO_LAUNCH_REPLICATION_SERVER',
            rawError: 'InsufficientInstanceCapacity in us-east-1a',
          },
        },
      }),
      aStalledApiSourceServer({
        sourceServerID: network,
        tags: { [NODE_TAG]: WEB01_NODE },
        sourceProperties: { identificationHints: { hostname: 'web01', fqdn: 'web01.corp.example.com' } },
        dataReplicationInfo: {
          dataReplicationError: { error: 'UNSTABLE_NETWORK', rawError: 'Connection to replication server lost' },
        },
      }),
    ];
    // The connectivity check is still running at the first look: the doctor polls again (after 2 s).
    harness.ssm.outcomes.set(DOCUMENT_NAMES.CheckConnectivity, { ...OUTCOMES.CheckConnectivity, pendingListings: 1 });

    const report = await run(scheduledEvent, withRetries);

    expect(harness.mgn.requestsFor('RetryDataReplication').map((request) => request.body)).toEqual([
      { sourceServerID: launchFailure },
    ]);
    expect(harness.mgn.requestsFor('GetReplicationConfiguration').map((request) => request.body)).toEqual([
      { sourceServerID: network },
    ]);
    const commands = await harness.listCommands();
    expect(commands.map((command) => command.DocumentName).sort()).toEqual(
      [DOCUMENT_NAMES.CheckConnectivity, DOCUMENT_NAMES.RestartReplicationAgent].sort(),
    );
    const connectivity = commands.find((command) => command.DocumentName === DOCUMENT_NAMES.CheckConnectivity);
    expect(
      harness.ssm
        .requestsFor('ListCommandInvocations')
        .filter((request) => (request.body as { CommandId: string }).CommandId === connectivity?.CommandId),
    ).toHaveLength(2);

    const text = (await harness.drainDigestQueue())[0]?.Body ?? '';
    expect(text).toContain('RetryDataReplication: SUCCEEDED');
    expect(text).toContain(
      'Replication settings: bandwidth throttling off, data routing PRIVATE_IP, public IP no, staging subnet subnet-0a1b2c3d4e5f60718',
    );
    expect(text).toContain(`CheckConnectivity on ${WEB01_NODE}: Success.`);
    expect(report.servers.map((server) => [server.server.sourceServerId, server.action]).sort()).toEqual([
      [network, 'TREATED'],
      [launchFailure, 'TREATED'],
    ]);
    const items = await harness.ledgerItems();
    const retried = items.find((item) => item.sourceServerId === launchFailure) as {
      treatments: { serviceAction?: { outcome: string } }[];
    };
    expect(retried.treatments[0]?.serviceAction?.outcome).toBe('SUCCEEDED');
  }, 15_000);

  /** The settings part of the environment only (endpoints stay as the suite set them). */
  function renderSettingsFor(overrides: Partial<DoctorSettings>): Record<string, string | undefined> {
    const all = harness.environment(overrides);
    return Object.fromEntries(Object.entries(all).filter(([name]) => !name.startsWith('AWS_')));
  }
});
