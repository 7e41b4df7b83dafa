// The demo's second scene: a mass stall as a migration team lives it. 150 servers of one site stall at once with
// the same error (a VPN drop); the fleet is planned in MGN waves and applications; one sampled host's agent
// restart fails; a few servers near the end of their free replication period. The core decides everything; this
// file only builds the world (docs/design.md section 4, "Mass stalls", and section 7).
import type { ManagedNode, MigrationApplication, MigrationWave, SourceServer } from '../../lambdas/core/model';
import { DEMO_ACCOUNT_ID, DEMO_REGION, DEMO_SETTINGS } from './demo-fleet';
import type { SimulatedAccountSpec } from './simulated-account';
import type { SimulatedHost } from './simulated-host-output';

export const MASS_STALL_START = new Date('2026-11-27T02:10:00Z');
export const MASS_STALL_SETTINGS = DEMO_SETTINGS;
const STALLED = 150;
const HEALTHY = 30;
const HOUR_MS = 3_600_000;

const hex = (n: number, width: number): string => n.toString(16).padStart(width, '0');
const sourceServerId = (n: number): string => `s-5b${hex(n, 15)}`;
const nodeId = (n: number): string => `mi-0c${hex(n, 15)}`;
const waveId = (n: number): string => `wave-7e${hex(n, 15)}`;
const applicationId = (n: number): string => `app-7a${hex(n, 15)}`;

/** Three waves of two applications each, as a migration team might plan one data centre. */
const WAVES: readonly MigrationWave[] = [
  { waveId: waveId(1), name: 'Wave 1' },
  { waveId: waveId(2), name: 'Wave 2' },
  { waveId: waveId(3), name: 'Wave 3' },
];
const APPLICATIONS: readonly MigrationApplication[] = [
  { applicationId: applicationId(1), name: 'payments', waveId: waveId(1) },
  { applicationId: applicationId(2), name: 'payments-batch', waveId: waveId(1) },
  { applicationId: applicationId(3), name: 'crm', waveId: waveId(2) },
  { applicationId: applicationId(4), name: 'intranet', waveId: waveId(2) },
  { applicationId: applicationId(5), name: 'reporting', waveId: waveId(3) },
  { applicationId: applicationId(6), name: 'file-shares', waveId: waveId(3) },
];

/** Every 25 servers one application; the last 10 stalled servers are in none (not planned yet). */
const applicationOf = (n: number): string | undefined =>
  n >= STALLED - 10 && n < STALLED ? undefined : APPLICATIONS[Math.floor(n / 25) % APPLICATIONS.length]?.applicationId;

const hostnameOf = (n: number): string => `fra-${n < STALLED ? 'app' : 'web'}-${String(n + 1).padStart(3, '0')}`;
const ipOf = (n: number): string => `10.40.${Math.floor(n / 200)}.${(n % 200) + 20}`;

function massStallServer(n: number): SourceServer {
  const stalled = n < STALLED;
  // Three healthy servers have used most of their 2,160 free hours (MGN's elapsedReplicationDuration).
  const elapsed = n >= STALLED && n < STALLED + 3 ? `PT${2000 + (n - STALLED) * 5}H` : 'PT400H';
  return {
    sourceServerId: sourceServerId(n),
    arn: `arn:aws:mgn:${DEMO_REGION}:${DEMO_ACCOUNT_ID}:source-server/${sourceServerId(n)}`,
    isArchived: false,
    replicationType: 'AGENT_BASED',
    lifeCycleState: 'READY_FOR_TEST',
    lastSeenByServiceDateTime: new Date(MASS_STALL_START.getTime() - (stalled ? 0.5 : 0) * HOUR_MS).toISOString(),
    dataReplicationState: stalled ? 'STALLED' : 'CONTINUOUS',
    ...(stalled && { errorCode: 'AGENT_NOT_SEEN' }),
    lagDuration: stalled ? 'PT35M' : 'PT0S',
    elapsedReplicationDuration: elapsed,
    applicationId: applicationOf(n),
    hostname: hostnameOf(n),
    fqdn: `${hostnameOf(n)}.fra.example.com`,
    osFullString: 'Rocky Linux 9.4 (Blue Onyx)',
    ips: [ipOf(n)],
    tags: {},
  };
}

const node = (n: number): ManagedNode => ({
  instanceId: nodeId(n),
  pingStatus: 'Online',
  platformType: 'Linux',
  computerName: `${hostnameOf(n)}.fra.example.com`,
  ipAddress: ipOf(n),
});

/** The agents stopped when the VPN dropped; the third sampled host cannot start its agent again. */
const host = (n: number): SimulatedHost => ({
  instanceId: nodeId(n),
  platform: 'Linux',
  agentRunning: n >= STALLED,
  agentStopsAfterRestart: n === 2,
  agentVersion: '7.4.1.105',
  rootFreeMiB: 24_576,
  tmpFreeMiB: 24_576,
  diskSizeMiB: 51_200,
});

const everyServer = Array.from({ length: STALLED + HEALTHY }, (_, n) => n);

export const MASS_STALL_ACCOUNT: SimulatedAccountSpec = {
  start: MASS_STALL_START,
  servers: everyServer.map(massStallServer),
  nodes: everyServer.map(node),
  hosts: everyServer.map(host),
  replicationServerIps: new Map(),
  replicationSettings: { bandwidthThrottling: 0, createPublicIP: false, dataPlaneRouting: 'PRIVATE_IP' },
  applications: APPLICATIONS,
  waves: WAVES,
};
