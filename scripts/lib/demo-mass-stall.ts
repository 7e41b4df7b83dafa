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
const HOUR_MS = 3_600_000;
const APPLICATION_NAMES = ['payments', 'payments-batch', 'crm', 'intranet', 'reporting', 'file-shares'];

/** The world's size and how the migration team planned it. */
export interface MassStallWorld {
  readonly stalled: number;
  readonly healthy: number;
  readonly serversPerApplication: number;
  readonly applicationsPerWave: number;
}

/** The demo's: 150 of 180 servers stall, in 3 waves of 2 applications (25 servers each). */
export const DEMO_MASS_STALL: MassStallWorld = {
  stalled: 150,
  healthy: 30,
  serversPerApplication: 25,
  applicationsPerWave: 2,
};

const hex = (n: number, width: number): string => n.toString(16).padStart(width, '0');
const sourceServerId = (n: number): string => `s-5b${hex(n, 15)}`;
const nodeId = (n: number): string => `mi-0c${hex(n, 15)}`;
const waveId = (n: number): string => `wave-7e${hex(n, 15)}`;
const applicationId = (n: number): string => `app-7a${hex(n, 15)}`;

/** Applications of consecutive servers, in waves of consecutive applications, named as a team might. */
function planMigration(world: MassStallWorld): { applications: MigrationApplication[]; waves: MigrationWave[] } {
  const count = Math.ceil((world.stalled + world.healthy) / world.serversPerApplication);
  const applications = Array.from({ length: count }, (_, n) => ({
    applicationId: applicationId(n + 1),
    name: `${APPLICATION_NAMES[n % APPLICATION_NAMES.length]}${n >= APPLICATION_NAMES.length ? `-${Math.floor(n / APPLICATION_NAMES.length) + 1}` : ''}`,
    waveId: waveId(Math.floor(n / world.applicationsPerWave) + 1),
  }));
  const waves = Array.from({ length: Math.ceil(count / world.applicationsPerWave) }, (_, n) => ({
    waveId: waveId(n + 1),
    name: `Wave ${n + 1}`,
  }));
  return { applications, waves };
}

/** The last 10 stalled servers are in no application (not planned yet). */
const applicationOf = (n: number, world: MassStallWorld): string | undefined =>
  n >= world.stalled - 10 && n < world.stalled
    ? undefined
    : applicationId(Math.floor(n / world.serversPerApplication) + 1);

const hostnameOf = (n: number, world: MassStallWorld): string =>
  `fra-${n < world.stalled ? 'app' : 'web'}-${String(n + 1).padStart(3, '0')}`;
const ipOf = (n: number): string => `10.40.${Math.floor(n / 200)}.${(n % 200) + 20}`;

/** Where the fleet lives: scene 2's account, or a member account of scene 3's organization. */
export interface MassStallPlace {
  readonly accountId: string;
  readonly start: Date;
}

const SCENE_2: MassStallPlace = { accountId: DEMO_ACCOUNT_ID, start: MASS_STALL_START };

function massStallServer(n: number, world: MassStallWorld, place: MassStallPlace): SourceServer {
  const stalled = n < world.stalled;
  // Three healthy servers have used most of their 2,160 free hours (MGN's elapsedReplicationDuration).
  const nearEnd = n >= world.stalled && n < world.stalled + 3;
  const hostname = hostnameOf(n, world);
  return {
    sourceServerId: sourceServerId(n),
    arn: `arn:aws:mgn:${DEMO_REGION}:${place.accountId}:source-server/${sourceServerId(n)}`,
    isArchived: false,
    replicationType: 'AGENT_BASED',
    lifeCycleState: 'READY_FOR_TEST',
    lastSeenByServiceDateTime: new Date(place.start.getTime() - (stalled ? 0.5 : 0) * HOUR_MS).toISOString(),
    dataReplicationState: stalled ? 'STALLED' : 'CONTINUOUS',
    ...(stalled && { errorCode: 'AGENT_NOT_SEEN' }),
    lagDuration: stalled ? 'PT35M' : 'PT0S',
    elapsedReplicationDuration: nearEnd ? `PT${2000 + (n - world.stalled) * 5}H` : 'PT400H',
    applicationId: applicationOf(n, world),
    hostname,
    fqdn: `${hostname}.fra.example.com`,
    osFullString: 'Rocky Linux 9.4 (Blue Onyx)',
    ips: [ipOf(n)],
    tags: {},
  };
}

const node = (n: number, world: MassStallWorld): ManagedNode => ({
  instanceId: nodeId(n),
  pingStatus: 'Online',
  platformType: 'Linux',
  computerName: `${hostnameOf(n, world)}.fra.example.com`,
  ipAddress: ipOf(n),
});

/** The agents stopped when the VPN dropped; the third sampled host cannot start its agent again. */
const host = (n: number, world: MassStallWorld): SimulatedHost => ({
  instanceId: nodeId(n),
  platform: 'Linux',
  agentRunning: n >= world.stalled,
  agentStopsAfterRestart: n === 2,
  agentVersion: '7.4.1.105',
  rootFreeMiB: 24_576,
  tmpFreeMiB: 24_576,
  diskSizeMiB: 51_200,
});

export function massStallAccount(world: MassStallWorld, place: MassStallPlace = SCENE_2): SimulatedAccountSpec {
  const every = Array.from({ length: world.stalled + world.healthy }, (_, n) => n);
  return {
    start: place.start,
    servers: every.map((n) => massStallServer(n, world, place)),
    nodes: every.map((n) => node(n, world)),
    hosts: every.map((n) => host(n, world)),
    replicationServerIps: new Map(),
    replicationSettings: { bandwidthThrottling: 0, createPublicIP: false, dataPlaneRouting: 'PRIVATE_IP' },
    ...planMigration(world),
  };
}
