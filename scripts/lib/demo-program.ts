// The demo's third scene: one doctor in a hub account for every account of an organization (docs/design.md
// section 13). Three member accounts, each a simulated account with its own fleet, SSM nodes, hosts and ledger, on
// one simulated clock: a payments team with a few stalled servers, a landing zone in a mass stall, and an account
// whose spoke stack is not deployed (STS answers AccessDenied). This file builds the world and the hub's ports;
// every decision and the one program digest come from the real program core (lambdas/core/program).
import {
  InMemoryHeldReportStore,
  InMemoryManagedAccountDirectory,
  ManualClock,
  MemoryLog,
  RecordingPublisher,
} from '../../lambdas/adapters/in-memory';
import type { ManagedNode, SourceServer } from '../../lambdas/core/model';
import type { ProgramDependencies, ProgramEnvironment } from '../../lambdas/core/program/dependencies';
import type { AccountPorts, AccountPortsProvider } from '../../lambdas/core/program/ports';
import { hubRoleName, spokeRoleName } from '../../lambdas/shared/program';
import { DEMO_REGION } from './demo-fleet';
import { massStallAccount, type MassStallWorld } from './demo-mass-stall';
import { SimulatedAccount, type SimulatedAccountSpec } from './simulated-account';
import type { SimulatedHost } from './simulated-host-output';

export const HUB_ACCOUNT_ID = '999900001111';
export const SPOKE_ROLE = spokeRoleName(DEMO_REGION);
/** The earlier program run, and the one the scene shows; the world changes at CHANGES_AT in between. */
export const PROGRAM_EARLIER = new Date('2026-11-28T08:45:00Z');
export const PROGRAM_START = new Date('2026-11-28T09:15:00Z');
const CHANGES_AT = new Date('2026-11-28T09:05:00Z');
const MINUTE_MS = 60_000;

export const PROGRAM_ACCOUNTS = {
  payments: '222233334444',
  landingZone: '555566667777',
  noSpoke: '888800001111',
} as const;

/** How the scene names them. */
export const ACCOUNT_LABELS: Readonly<Record<string, string>> = {
  [PROGRAM_ACCOUNTS.payments]: 'A',
  [PROGRAM_ACCOUNTS.landingZone]: 'B',
  [PROGRAM_ACCOUNTS.noSpoke]: 'C',
};

export const ACCOUNT_NAMES: Readonly<Record<string, string>> = {
  [PROGRAM_ACCOUNTS.payments]: 'payments team',
  [PROGRAM_ACCOUNTS.landingZone]: 'landing zone',
  [PROGRAM_ACCOUNTS.noSpoke]: 'data platform, spoke not deployed yet',
};

/** Account B's world: 40 of 60 servers stall when a site's VPN drops, planned in waves of 2 applications of 10. */
export const LANDING_ZONE_STALL: MassStallWorld = {
  stalled: 40,
  healthy: 20,
  serversPerApplication: 10,
  applicationsPerWave: 2,
};

/** Account A's servers by the part they play. */
export const PAYMENTS_SERVERS = {
  recovers: 's-6c0000000000000a1',
  restarted: 's-6c0000000000000a2',
  unmanaged: 's-6c0000000000000a3',
  serviceSide: 's-6c0000000000000a4',
} as const;

const paymentsNode = (n: number): string => `mi-0d00000000000000${n}`;
const HOSTNAMES = ['pay-api-01', 'pay-db-02', 'pay-batch-03', 'pay-files-04', 'pay-web-05', 'pay-web-06'];

function paymentsServer(n: number, stalled: boolean): SourceServer {
  const sourceServerId = `s-6c0000000000000a${n}`;
  const hostname = HOSTNAMES[n - 1] ?? `pay-${n}`;
  return {
    sourceServerId,
    arn: `arn:aws:mgn:${DEMO_REGION}:${PROGRAM_ACCOUNTS.payments}:source-server/${sourceServerId}`,
    isArchived: false,
    replicationType: 'AGENT_BASED',
    lifeCycleState: 'READY_FOR_TEST',
    lastSeenByServiceDateTime: new Date(PROGRAM_EARLIER.getTime() - (stalled ? 35 : 1) * MINUTE_MS).toISOString(),
    dataReplicationState: stalled ? 'STALLED' : 'CONTINUOUS',
    ...(stalled && { errorCode: 'AGENT_NOT_SEEN' }),
    lagDuration: stalled ? 'PT35M' : 'PT0S',
    elapsedReplicationDuration: 'PT300H',
    hostname,
    fqdn: `${hostname}.pay.example.com`,
    osFullString: 'Amazon Linux 2023',
    ips: [`10.60.1.${n + 10}`],
    tags: {},
  };
}

/** Every payments server but pay-batch-03 is an SSM managed node; every agent runs but pay-api-01's. */
function paymentsAccount(): SimulatedAccountSpec {
  const numbers = [1, 2, 3, 4, 5, 6];
  const managed = numbers.filter((n) => n !== 3);
  return {
    start: PROGRAM_EARLIER,
    servers: numbers.map((n) => paymentsServer(n, n === 1)),
    nodes: managed.map(
      (n): ManagedNode => ({
        instanceId: paymentsNode(n),
        pingStatus: 'Online',
        platformType: 'Linux',
        computerName: `${HOSTNAMES[n - 1]}.pay.example.com`,
        ipAddress: `10.60.1.${n + 10}`,
      }),
    ),
    hosts: managed.map(
      (n): SimulatedHost => ({
        instanceId: paymentsNode(n),
        platform: 'Linux',
        agentRunning: n !== 1,
        agentVersion: '7.4.1.105',
        rootFreeMiB: 18_432,
        tmpFreeMiB: 18_432,
        diskSizeMiB: 40_960,
      }),
    ),
    replicationServerIps: new Map(),
    replicationSettings: { bandwidthThrottling: 0, createPublicIP: false, dataPlaneRouting: 'PRIVATE_IP' },
  };
}

/** Between the runs in A: pay-api-01's restarted agent reconnects; three more servers stall. */
function changePayments(account: SimulatedAccount, now: Date): string[] {
  const events: string[] = [];
  if (account.agentRestartSucceeded(paymentsNode(1))) {
    account.mgn.update(PAYMENTS_SERVERS.recovers, {
      dataReplicationState: 'CONTINUOUS',
      errorCode: undefined,
      lagDuration: 'PT0S',
      lastSeenByServiceDateTime: now.toISOString(),
    });
    events.push('pay-api-01: the agent the earlier run restarted reconnected; MGN reports CONTINUOUS again');
  }
  const stalled = {
    dataReplicationState: 'STALLED',
    lagDuration: 'PT10M',
    lastSeenByServiceDateTime: now.toISOString(),
  } as const;
  account.mgn.update(PAYMENTS_SERVERS.restarted, { ...stalled, errorCode: 'AGENT_NOT_SEEN' });
  const host = account.ssm.host(paymentsNode(2));
  if (host) host.agentRunning = false;
  account.mgn.update(PAYMENTS_SERVERS.unmanaged, { ...stalled, errorCode: 'AGENT_NOT_SEEN' });
  account.mgn.update(PAYMENTS_SERVERS.serviceSide, {
    ...stalled,
    lifeCycleState: 'NOT_READY',
    errorCode: 'FAILED_TO_CREATE_STAGING_DISKS',
    rawError: 'Failed to create staging disks: Client.InternalError: Client error on launch',
  });
  events.push(
    'pay-db-02 and pay-batch-03 (no SSM node) stall with AGENT_NOT_SEEN; pay-files-04 with FAILED_TO_CREATE_STAGING_DISKS',
  );
  return events;
}

/** Account B before the VPN drop: the mass-stall fleet, every server replicating and every agent running. */
function landingZoneAccount(): { spec: SimulatedAccountSpec; stalled: SimulatedAccountSpec } {
  const stalled = massStallAccount(LANDING_ZONE_STALL, {
    accountId: PROGRAM_ACCOUNTS.landingZone,
    start: PROGRAM_START,
  });
  const spec: SimulatedAccountSpec = {
    ...stalled,
    start: PROGRAM_EARLIER,
    servers: stalled.servers.map((server) => ({
      ...server,
      dataReplicationState: 'CONTINUOUS',
      errorCode: undefined,
      lagDuration: 'PT0S',
      lastSeenByServiceDateTime: new Date(PROGRAM_EARLIER.getTime() - MINUTE_MS).toISOString(),
    })),
    hosts: stalled.hosts.map((host) => ({ ...host, agentRunning: true })),
  };
  return { spec, stalled };
}

/** The VPN drop: B's servers as the mass-stall fleet has them, seen last when it dropped. */
function dropVpn(account: SimulatedAccount, stalled: SimulatedAccountSpec): string[] {
  let count = 0;
  stalled.servers.forEach((server, index) => {
    if (server.dataReplicationState !== 'STALLED') return;
    account.mgn.update(server.sourceServerId, {
      dataReplicationState: 'STALLED',
      errorCode: server.errorCode,
      lagDuration: 'PT10M',
      lastSeenByServiceDateTime: CHANGES_AT.toISOString(),
    });
    const host = account.ssm.host(stalled.hosts[index]?.instanceId ?? '');
    if (host) host.agentRunning = false;
    count += 1;
  });
  return [`a VPN drop stalls ${count} of ${stalled.servers.length} servers at once with AGENT_NOT_SEEN`];
}

/** STS's answer to AssumeRole when the account has no spoke role that trusts the hub. */
function accessDenied(account: string): Error {
  return Object.assign(
    new Error(
      `User: arn:aws:sts::${HUB_ACCOUNT_ID}:assumed-role/${hubRoleName(DEMO_REGION)}/mgn-replication-doctor is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::${account}:role/${SPOKE_ROLE}`,
    ),
    { name: 'AccessDenied' },
  );
}

/** The hub's view of its member accounts: each simulated account's ports, or STS's AccessDenied. */
export class SimulatedOrganization implements AccountPortsProvider {
  readonly clock = new ManualClock(PROGRAM_EARLIER);
  readonly directory = new InMemoryManagedAccountDirectory(Object.values(PROGRAM_ACCOUNTS));
  readonly heldReports = new InMemoryHeldReportStore();
  readonly publisher = new RecordingPublisher();
  readonly log = new MemoryLog();
  readonly members: ReadonlyMap<string, SimulatedAccount>;
  private readonly landingZoneStalled: SimulatedAccountSpec;

  constructor() {
    const landingZone = landingZoneAccount();
    this.landingZoneStalled = landingZone.stalled;
    this.members = new Map([
      [PROGRAM_ACCOUNTS.payments, new SimulatedAccount(paymentsAccount(), this.clock)],
      [PROGRAM_ACCOUNTS.landingZone, new SimulatedAccount(landingZone.spec, this.clock)],
    ]);
  }

  async portsFor(account: string): Promise<AccountPorts> {
    const member = this.members.get(account);
    if (!member) throw accessDenied(account);
    const { publisher: _publisher, clock: _clock, log: _log, ...ports } = member.dependencies();
    return ports;
  }

  member(account: string): SimulatedAccount {
    const member = this.members.get(account);
    if (!member) throw new Error(`No simulated account ${account}`);
    return member;
  }

  /** What happens in the member accounts between the earlier program run and the scene's. */
  changeTheWorld(): string[] {
    this.clock.setTo(CHANGES_AT);
    return [
      ...changePayments(this.member(PROGRAM_ACCOUNTS.payments), CHANGES_AT).map((event) => `A ${event}`),
      ...dropVpn(this.member(PROGRAM_ACCOUNTS.landingZone), this.landingZoneStalled).map((event) => `B ${event}`),
    ];
  }

  dependencies(): ProgramDependencies {
    return {
      directory: this.directory,
      accounts: this,
      heldReports: this.heldReports,
      publisher: this.publisher,
      clock: this.clock,
      log: this.log,
    };
  }
}

export const PROGRAM_ENVIRONMENT: ProgramEnvironment = {
  region: DEMO_REGION,
  hubAccountId: HUB_ACCOUNT_ID,
  accounts: { kind: 'organization' },
  spokeRoleName: SPOKE_ROLE,
  ledgerTableName: 'mgn-replication-doctor-Ledger',
};
