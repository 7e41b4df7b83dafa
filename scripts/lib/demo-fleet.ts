// The demo's story: one simulated account with a fleet in which each server shows one thing the doctor does,
// and the rules by which the simulated world changes between runs (a restarted agent reconnects, a retried
// replication resumes, a backlog drains). The decisions themselves all come from the real core.
import type { ManagedNode, SourceServer } from '../../lambdas/core/model';
import { DEFAULT_SETTINGS, type DoctorSettings } from '../../lambdas/shared/settings';
import type { SimulatedAccount, SimulatedAccountSpec } from './simulated-account';
import type { SimulatedHost } from './simulated-host-output';

export const DEMO_REGION = 'eu-west-1';
export const DEMO_ACCOUNT_ID = '111122223333';
export const DEMO_START = new Date('2026-11-26T08:00:00Z');
/** Minutes after the start at which the doctor runs: 20 to 70 minutes apart, like a schedule with event runs. */
export const DEMO_RUN_MINUTES: readonly number[] = [0, 20, 85, 155];

/** Small numbers so that cooldown, a second treatment and escalation all happen within the demo. */
export const DEMO_SETTINGS: DoctorSettings = {
  ...DEFAULT_SETTINGS,
  cooldownMinutes: 60,
  maxAttempts: 2,
  retryServiceSideErrors: true,
  resultWaitSeconds: 60,
};

/** The servers by the part they play. */
export const DEMO_SERVERS = {
  recovers: 's-4a8f1c2d3e5b60701',
  lowDisk: 's-4a8f1c2d3e5b60702',
  cutOver: 's-4a8f1c2d3e5b60703',
  unmanaged: 's-4a8f1c2d3e5b60704',
  serviceSide: 's-4a8f1c2d3e5b60705',
  lagging: 's-4a8f1c2d3e5b60706',
  healthy: 's-4a8f1c2d3e5b60707',
  alsoHealthy: 's-4a8f1c2d3e5b60708',
  syncing: 's-4a8f1c2d3e5b60709',
} as const;

export const DEMO_NODES = {
  recovers: 'mi-0a4c8e2f6b1d3957a',
  lowDisk: 'i-0b5d9f3a7c2e4168b',
  cutOver: 'mi-0c6e0a4b8d3f5279c',
  serviceSide: 'mi-0e8a2c6d0f5b7491e',
} as const;

const REPLICATORS = {
  recovers: 'i-07a1b2c3d4e5f6a71',
  lowDisk: 'i-07a1b2c3d4e5f6a72',
  serviceSide: 'i-07a1b2c3d4e5f6a75',
} as const;
const minutesAfterStart = (minutes: number): string => new Date(DEMO_START.getTime() + minutes * 60_000).toISOString();
const arn = (sourceServerId: string): string =>
  `arn:aws:mgn:${DEMO_REGION}:${DEMO_ACCOUNT_ID}:source-server/${sourceServerId}`;

function server(
  sourceServerId: string,
  hostname: string,
  os: string,
  ip: string,
  state: Partial<SourceServer>,
): SourceServer {
  return {
    sourceServerId,
    arn: arn(sourceServerId),
    isArchived: false,
    replicationType: 'AGENT_BASED',
    lifeCycleState: 'READY_FOR_TEST',
    lastSeenByServiceDateTime: minutesAfterStart(-2),
    dataReplicationState: 'CONTINUOUS',
    lagDuration: 'PT0S',
    hostname,
    fqdn: `${hostname}.corp.example.com`,
    osFullString: os,
    ips: [ip],
    tags: {},
    ...state,
  };
}

const SERVERS: readonly SourceServer[] = [
  server(DEMO_SERVERS.recovers, 'web-01', 'Rocky Linux 9.4 (Blue Onyx)', '10.10.3.21', {
    dataReplicationState: 'STALLED',
    errorCode: 'AGENT_NOT_SEEN',
    lastSeenByServiceDateTime: minutesAfterStart(-95),
    lagDuration: 'PT1H35M',
    replicatorId: REPLICATORS.recovers,
  }),
  server(DEMO_SERVERS.lowDisk, 'sql-02', 'Microsoft Windows Server 2019 Datacenter', '10.10.4.12', {
    dataReplicationState: 'STALLED',
    errorCode: 'AGENT_NOT_SEEN',
    lastSeenByServiceDateTime: minutesAfterStart(-240),
    lagDuration: 'PT4H',
    replicatorId: REPLICATORS.lowDisk,
    // An EC2 source (e.g. from another Region): MGN reports its instance ID, so no name matching is needed.
    awsInstanceId: DEMO_NODES.lowDisk,
  }),
  server(DEMO_SERVERS.cutOver, 'erp-legacy', 'Red Hat Enterprise Linux 8.10', '10.10.2.30', {
    lifeCycleState: 'CUTOVER',
    dataReplicationState: 'DISCONNECTED',
    lagDuration: undefined,
  }),
  server(DEMO_SERVERS.unmanaged, 'batch-07', 'Ubuntu 20.04.6 LTS', '10.10.3.47', {
    dataReplicationState: 'STALLED',
    errorCode: 'AGENT_NOT_SEEN',
    lastSeenByServiceDateTime: minutesAfterStart(-180),
    lagDuration: 'PT3H',
  }),
  server(DEMO_SERVERS.serviceSide, 'files-03', 'Debian GNU/Linux 12 (bookworm)', '10.10.5.8', {
    lifeCycleState: 'NOT_READY',
    dataReplicationState: 'STALLED',
    errorCode: 'FAILED_TO_CREATE_STAGING_DISKS',
    rawError:
      'Failed to create staging disks: Client.InternalError: Client error on launch (transient EBS capacity issue in eu-west-1b)',
    lagDuration: undefined,
    replicatorId: REPLICATORS.serviceSide,
  }),
  server(DEMO_SERVERS.lagging, 'reports-04', 'Ubuntu 22.04.4 LTS', '10.10.6.4', {
    lagDuration: 'PT2H15M',
    backloggedStorageBytes: 14_495_514_624,
  }),
  server(DEMO_SERVERS.healthy, 'app-05', 'Amazon Linux 2', '10.10.7.5', { lifeCycleState: 'TESTING' }),
  server(DEMO_SERVERS.alsoHealthy, 'app-06', 'Microsoft Windows Server 2022 Standard', '10.10.7.6', {
    lifeCycleState: 'READY_FOR_CUTOVER',
  }),
  server(DEMO_SERVERS.syncing, 'app-08', 'Ubuntu 24.04.1 LTS', '10.10.7.8', {
    lifeCycleState: 'NOT_READY',
    dataReplicationState: 'INITIAL_SYNC',
    lagDuration: undefined,
    etaDateTime: minutesAfterStart(50),
  }),
];

const NODES: readonly ManagedNode[] = [
  {
    instanceId: DEMO_NODES.recovers,
    pingStatus: 'Online',
    platformType: 'Linux',
    computerName: 'web-01.corp.example.com',
    ipAddress: '10.10.3.21',
  },
  {
    instanceId: DEMO_NODES.lowDisk,
    pingStatus: 'Online',
    platformType: 'Windows',
    computerName: 'SQL-02',
    ipAddress: '10.10.4.12',
  },
  {
    instanceId: DEMO_NODES.cutOver,
    pingStatus: 'Online',
    platformType: 'Linux',
    computerName: 'erp-legacy.corp.example.com',
    ipAddress: '10.10.2.30',
  },
  {
    instanceId: DEMO_NODES.serviceSide,
    pingStatus: 'Online',
    platformType: 'Linux',
    computerName: 'files-03.corp.example.com',
    ipAddress: '10.10.5.8',
  },
];

const HOSTS: readonly SimulatedHost[] = [
  {
    instanceId: DEMO_NODES.recovers,
    platform: 'Linux',
    agentRunning: false,
    agentVersion: '7.4.1.105',
    rootFreeMiB: 38_211,
    tmpFreeMiB: 38_211,
    diskSizeMiB: 51_200,
  },
  {
    instanceId: DEMO_NODES.lowDisk,
    platform: 'Windows',
    agentRunning: false,
    agentStopsAfterRestart: true,
    agentVersion: '7.4.1.105',
    rootFreeMiB: 812,
    diskSizeMiB: 81_920,
  },
  {
    instanceId: DEMO_NODES.cutOver,
    platform: 'Linux',
    agentRunning: false,
    agentVersion: '7.2.0.88',
    rootFreeMiB: 20_480,
    diskSizeMiB: 102_400,
  },
  {
    instanceId: DEMO_NODES.serviceSide,
    platform: 'Linux',
    agentRunning: true,
    agentVersion: '7.4.1.105',
    rootFreeMiB: 9_870,
    diskSizeMiB: 20_480,
  },
];

export const DEMO_ACCOUNT: SimulatedAccountSpec = {
  start: DEMO_START,
  servers: SERVERS,
  nodes: NODES,
  hosts: HOSTS,
  replicationServerIps: new Map([
    [REPLICATORS.recovers, '10.50.1.21'],
    [REPLICATORS.lowDisk, '10.50.1.22'],
    [REPLICATORS.serviceSide, '10.50.1.25'],
  ]),
  replicationSettings: {
    bandwidthThrottling: 0,
    createPublicIP: false,
    dataPlaneRouting: 'PRIVATE_IP',
    stagingAreaSubnetId: 'subnet-0a1b2c3d4e5f60718',
  },
};

/** One line per server for the demo's introduction: what it is and what will happen to it. */
export const DEMO_STORY: Readonly<Record<string, string>> = {
  [DEMO_SERVERS.recovers]: 'Linux, stalled (AGENT_NOT_SEEN): its agent stopped; a restart brings it back',
  [DEMO_SERVERS.lowDisk]:
    'Windows, stalled (AGENT_NOT_SEEN): C: is nearly full, so the agent stops again after each restart',
  [DEMO_SERVERS.cutOver]: 'cut over: replication DISCONNECTED on purpose; the doctor must leave it alone',
  [DEMO_SERVERS.unmanaged]: 'Linux, stalled (AGENT_NOT_SEEN), but not an SSM managed node: nothing can run there',
  [DEMO_SERVERS.serviceSide]:
    'stalled on the service side (FAILED_TO_CREATE_STAGING_DISKS): the host is not the problem',
  [DEMO_SERVERS.lagging]: 'replicating, but 2h 15m behind (LAGGING): reported, never treated',
  [DEMO_SERVERS.healthy]: 'healthy',
  [DEMO_SERVERS.alsoHealthy]: 'healthy',
  [DEMO_SERVERS.syncing]: 'initial sync in progress',
};

/** A change in the simulated world, applied between runs; returns what happened, or undefined. */
export type WorldRule = (account: SimulatedAccount, now: Date) => string | undefined;

const isState = (account: SimulatedAccount, sourceServerId: string, state: string): boolean =>
  account.mgn.get(sourceServerId).dataReplicationState === state;

export const DEMO_WORLD_RULES: readonly WorldRule[] = [
  (account, now) => {
    if (!isState(account, DEMO_SERVERS.recovers, 'STALLED') || !account.agentRestartSucceeded(DEMO_NODES.recovers))
      return undefined;
    account.mgn.update(DEMO_SERVERS.recovers, {
      dataReplicationState: 'CONTINUOUS',
      errorCode: undefined,
      lagDuration: 'PT0S',
      lastSeenByServiceDateTime: now.toISOString(),
    });
    return 'web-01: the restarted agent reconnected; MGN reports CONTINUOUS again';
  },
  (account, now) => {
    if (!isState(account, DEMO_SERVERS.serviceSide, 'STALLED') || !account.retryAccepted(DEMO_SERVERS.serviceSide))
      return undefined;
    account.mgn.update(DEMO_SERVERS.serviceSide, {
      dataReplicationState: 'INITIAL_SYNC',
      errorCode: undefined,
      rawError: undefined,
      etaDateTime: new Date(now.getTime() + 180 * 60_000).toISOString(),
    });
    return 'files-03: after RetryDataReplication MGN created the staging disks; the initial sync resumed';
  },
  (account, now) => {
    if (!isState(account, DEMO_SERVERS.syncing, 'INITIAL_SYNC') || now.toISOString() < minutesAfterStart(60))
      return undefined;
    account.mgn.update(DEMO_SERVERS.syncing, {
      dataReplicationState: 'CONTINUOUS',
      lagDuration: 'PT0S',
      etaDateTime: undefined,
    });
    return 'app-08: initial sync finished (healthy servers are only counted, never reported)';
  },
  (account, now) => {
    if (account.mgn.get(DEMO_SERVERS.lagging).lagDuration === 'PT0S' || now.toISOString() < minutesAfterStart(120))
      return undefined;
    account.mgn.update(DEMO_SERVERS.lagging, { lagDuration: 'PT0S', backloggedStorageBytes: 0 });
    return 'reports-04: the nightly batch finished and the backlog drained; lag is back to zero';
  },
];
