// A generated MGN fleet for the benchmark, and the API calls a run over it needs at the least
// (docs/design.md section 12). Built from the API-shaped builders of the fake endpoints, so the shapes are the ones the
// endpoint tests check.
//
// The fleet: `servers` listed (non-archived) source servers, of which `stalled` are STALLED with AGENT_NOT_SEEN
// (the agent playbook: RestartReplicationAgent, CheckDiskSpace, CheckConnectivity), spread evenly. The others are
// healthy, progressing, in test or cut over: nothing the doctor acts on or reports. Every source server is an
// on-premises host (no EC2 instance ID, no node tag) with one Online Linux SSM node whose computer name is the
// host's FQDN, so the doctor has to list the whole inventory and match by name, the common MGN case. Shared
// replication servers (MGN's default) serve `serversPerReplicationServer` consecutive source servers each.
import {
  aStalledApiSourceServer,
  anApiApplication,
  anApiApplicationId,
  anApiSourceServer,
  anApiSourceServerId,
  anApiWave,
  anApiWaveId,
  type ApiApplication,
  type ApiSourceServer,
  type ApiWave,
  type DeepPartial,
} from '../../test/support/fake-mgn-endpoint';
import { MAX_WRITES_PER_TRANSACTION } from '../../lambdas/adapters/dynamodb-remediation-ledger';
import { anInstanceInformation, type ApiInstanceInformation } from '../../test/support/fake-ssm-endpoint';
import type { FakeInstance } from './fake-ec2-endpoint';

export interface FleetSpec {
  /** Listed (non-archived) source servers. */
  readonly servers: number;
  /** Of which stalled (AGENT_NOT_SEEN). */
  readonly stalled: number;
  /** SSM managed nodes; the first `servers` are the source servers' hosts, the rest unrelated. Default: `servers`. */
  readonly nodes?: number;
  /** Archived source servers besides (the doctor's listing filters them out). Default 0. */
  readonly archived?: number;
  /** Source servers per shared replication server. Default 15. */
  readonly serversPerReplicationServer?: number;
  /**
   * Where the stalled servers are: `spread` evenly over the fleet (so over as many replication servers as
   * possible), or one `block` of consecutive servers (one site's trouble; they share replication servers).
   * Default spread.
   */
  readonly stalledLayout?: 'spread' | 'block';
  /**
   * MGN error codes the stalled servers take in turn. Default `['AGENT_NOT_SEEN']`, the agent playbook that
   * minimumCalls counts; other codes bring other calls (EC2 and GetReplicationConfiguration for network-class
   * codes, IAM GetRole for service-side ones) that it does not.
   */
  readonly stalledErrorCodes?: readonly string[];
  /**
   * MGN applications of this many consecutive listed servers each (at most 200, MGN's limit). Default 0: the
   * fleet uses no applications.
   */
  readonly serversPerApplication?: number;
  /** Waves of this many consecutive applications each. Default 0: the applications are in no wave. */
  readonly applicationsPerWave?: number;
}

export interface Fleet {
  readonly spec: Required<FleetSpec>;
  /** In listing order: the listed servers, then the archived ones. */
  readonly sourceServers: ApiSourceServer[];
  readonly nodes: ApiInstanceInformation[];
  /** The EC2 instances behind the replicatorIds. */
  readonly replicationServers: FakeInstance[];
  readonly stalledIds: readonly string[];
  /** The MGN applications and waves the listed servers are in (empty unless the spec asks for them). */
  readonly applications: ApiApplication[];
  readonly waves: ApiWave[];
}

/** The agent playbook's host documents (lambdas/core/playbook.ts, AGENT_NOT_SEEN). */
export const AGENT_PLAYBOOK_DOCUMENTS = 3;
export const DESCRIBE_SOURCE_SERVERS_PAGE = 1000;
export const INSTANCE_INFORMATION_PAGE = 50;
export const INSTANCES_PER_COMMAND = 50;
export const INVOCATIONS_PER_PAGE = 50;
export const INSTANCE_IDS_PER_DESCRIBE = 200;
/** The claim before acting, the command IDs as soon as SSM accepts them, the final entry (design section 2). */
export const LEDGER_WRITES_PER_TREATMENT = 3;

/**
 * The calls one stage's ledger writes take (lambdas/adapters/dynamodb-remediation-ledger.ts): a lone write is a
 * PutItem, more go out as TransactWriteItems of at most 100 writes each.
 */
export function ledgerWriteCalls(writes: number): { readonly putItems: number; readonly transactions: number } {
  if (writes < 2) return { putItems: writes, transactions: 0 };
  return { putItems: 0, transactions: Math.ceil(writes / MAX_WRITES_PER_TRANSACTION) };
}

const hex17 = (n: number): string => n.toString(16).padStart(17, '0');
/** 10.a.b.c from a base and a 1-based index (at most 65,535 per base). */
const ip = (base: number, n: number): string => `10.${base + (n >> 16)}.${(n >> 8) & 255}.${n & 255}`;
const hostname = (index: number): string => `srv-${String(index).padStart(5, '0')}`;

export const sourceServerId = (index: number): string => anApiSourceServerId(index + 1);
export const nodeIdOf = (index: number): string => `mi-${hex17(index + 1)}`;
export const replicationServerIdOf = (replicator: number): string => `i-${hex17(0xe0000000 + replicator)}`;

const INITIATION_STEPS = [
  'WAIT',
  'CREATE_SECURITY_GROUP',
  'LAUNCH_REPLICATION_SERVER',
  'BOOT_REPLICATION_SERVER',
  'AUTHENTICATE_WITH_SERVICE',
  'DOWNLOAD_REPLICATION_SOFTWARE',
  'CREATE_STAGING_DISKS',
  'ATTACH_STAGING_DISKS',
  'PAIR_REPLICATION_SERVER_WITH_AGENT',
  'CONNECT_AGENT_TO_REPLICATION_SERVER',
  'START_DATA_TRANSFER',
].map((name) => ({ name, status: 'SUCCEEDED' }));

/** The indexes of the stalled servers: evenly spread over the fleet, or the first ones. */
export function stalledIndexes(servers: number, stalled: number, layout: 'spread' | 'block' = 'spread'): number[] {
  return Array.from({ length: stalled }, (_, k) =>
    layout === 'block' ? k : Math.floor(((k + 0.5) * servers) / stalled),
  );
}

/** Non-affected variety: mostly continuous replication, some cut over, some in initial sync, some in test. */
function healthyOverrides(index: number): DeepPartial<ApiSourceServer> {
  switch (index % 20) {
    case 3:
    case 13:
      return {
        lifeCycle: { state: 'CUTOVER' },
        dataReplicationInfo: { dataReplicationState: 'DISCONNECTED', lagDuration: undefined },
      };
    case 7:
      return {
        lifeCycle: { state: 'NOT_READY' },
        dataReplicationInfo: { dataReplicationState: 'INITIAL_SYNC', etaDateTime: '2026-11-26T12:00:00.000Z' },
      };
    case 11:
      return { lifeCycle: { state: 'TESTING' } };
    case 17:
      return { lifeCycle: { state: 'READY_FOR_CUTOVER' } };
    default:
      return {};
  }
}

function healthy(common: DeepPartial<ApiSourceServer>, extra: DeepPartial<ApiSourceServer>): ApiSourceServer {
  return anApiSourceServer({
    ...common,
    ...extra,
    dataReplicationInfo: { ...common.dataReplicationInfo, ...extra.dataReplicationInfo },
  });
}

export function generateFleet(input: FleetSpec): Fleet {
  const spec: Required<FleetSpec> = {
    nodes: input.servers,
    archived: 0,
    serversPerReplicationServer: 15,
    stalledLayout: 'spread',
    stalledErrorCodes: ['AGENT_NOT_SEEN'],
    serversPerApplication: 0,
    applicationsPerWave: 0,
    ...input,
  };
  if (spec.stalledErrorCodes.length === 0) throw new RangeError('stalledErrorCodes: at least one code');
  if (!Number.isInteger(spec.servers) || spec.servers < 0 || spec.servers > 60_000)
    throw new RangeError(`servers: 0-60000, got ${spec.servers}`);
  if (!Number.isInteger(spec.stalled) || spec.stalled < 0 || spec.stalled > spec.servers)
    throw new RangeError(`stalled: 0-${spec.servers}, got ${spec.stalled}`);
  if (spec.nodes < spec.servers)
    throw new RangeError(
      `nodes (${spec.nodes}) must be at least servers (${spec.servers}): every source server has a host`,
    );

  if (!Number.isInteger(spec.serversPerReplicationServer) || spec.serversPerReplicationServer < 1)
    throw new RangeError('serversPerReplicationServer: a whole number ≥ 1');
  const codes = spec.stalledErrorCodes;
  const errorCodes = new Map(
    stalledIndexes(spec.servers, spec.stalled, spec.stalledLayout).map((index, k) => [index, codes[k % codes.length]]),
  );
  const stalled = new Set(errorCodes.keys());
  const stalledServer = (common: DeepPartial<ApiSourceServer>, error: string): ApiSourceServer =>
    error === 'AGENT_NOT_SEEN'
      ? aStalledApiSourceServer(common)
      : aStalledApiSourceServer({
          ...common,
          dataReplicationInfo: {
            ...common.dataReplicationInfo,
            dataReplicationError: { error, rawError: `${error} reported by the benchmark fleet` },
          },
        });
  if (
    !Number.isInteger(spec.serversPerApplication) ||
    spec.serversPerApplication < 0 ||
    spec.serversPerApplication > 200
  )
    throw new RangeError('serversPerApplication: 0 (none) to 200, the most servers an MGN application holds');
  if (!Number.isInteger(spec.applicationsPerWave) || spec.applicationsPerWave < 0)
    throw new RangeError('applicationsPerWave: a whole number ≥ 0');
  const { applications, waves } = migrationTerms(spec);
  const applicationOf = (index: number): string | undefined =>
    spec.serversPerApplication > 0 ? anApiApplicationId(Math.floor(index / spec.serversPerApplication) + 1) : undefined;
  const replicators = new Map<number, FakeInstance>();
  const sourceServers: ApiSourceServer[] = [];
  for (let index = 0; index < spec.servers + spec.archived; index++) {
    const archived = index >= spec.servers;
    const replicator = Math.floor(index / spec.serversPerReplicationServer);
    const replicatorId = replicationServerIdOf(replicator);
    if (!archived && !replicators.has(replicator))
      replicators.set(replicator, { instanceId: replicatorId, privateIpAddress: ip(250, replicator + 1) });
    const name = hostname(index);
    const common = {
      sourceServerID: sourceServerId(index),
      isArchived: archived,
      applicationID: archived ? undefined : applicationOf(index),
      dataReplicationInfo: {
        replicatorId,
        dataReplicationInitiation: { startDateTime: '2026-11-01T09:00:05.000Z', steps: INITIATION_STEPS },
      },
      sourceProperties: {
        identificationHints: {
          hostname: name,
          fqdn: `${name}.corp.example.com`,
          vmWareUuid: `4213${hex17(index).slice(-12)}`,
        },
        networkInterfaces: [
          {
            macAddress: `02:42:ac:${hex17(index)
              .slice(-6)
              .replace(/(..)(?!$)/g, '$1:')}`,
            ips: [ip(20, index + 1)],
            isPrimary: true,
          },
        ],
      },
    };
    sourceServers.push(
      archived
        ? anApiSourceServer({
            ...common,
            lifeCycle: { state: 'CUTOVER' },
            dataReplicationInfo: { ...common.dataReplicationInfo, dataReplicationState: 'DISCONNECTED' },
          })
        : stalled.has(index)
          ? stalledServer(common, errorCodes.get(index) as string)
          : healthy(common, healthyOverrides(index)),
    );
  }

  const nodes: ApiInstanceInformation[] = [];
  for (let index = 0; index < spec.nodes; index++) {
    const own = index < spec.servers;
    nodes.push(
      anInstanceInformation({
        InstanceId: nodeIdOf(index),
        ComputerName: own
          ? `${hostname(index)}.corp.example.com`
          : `other-${String(index).padStart(5, '0')}.corp.example.com`,
        IPAddress: own ? ip(20, index + 1) : ip(200, index + 1),
      }),
    );
  }

  return {
    spec,
    sourceServers,
    nodes,
    replicationServers: [...replicators.values()],
    stalledIds: [...stalled].sort((a, b) => a - b).map(sourceServerId),
    applications,
    waves,
  };
}

/** Applications of `serversPerApplication` consecutive listed servers, in waves of `applicationsPerWave`. */
function migrationTerms(spec: Required<FleetSpec>): { applications: ApiApplication[]; waves: ApiWave[] } {
  if (spec.serversPerApplication === 0) return { applications: [], waves: [] };
  const count = Math.ceil(spec.servers / spec.serversPerApplication);
  const waveOf = (application: number): number | undefined =>
    spec.applicationsPerWave > 0 ? Math.floor(application / spec.applicationsPerWave) + 1 : undefined;
  const applications = Array.from({ length: count }, (_, application) => {
    const wave = waveOf(application);
    return anApiApplication(application + 1, {
      name: `app-${String(application + 1).padStart(3, '0')}`,
      ...(wave !== undefined && { waveID: anApiWaveId(wave) }),
    });
  });
  const waveCount = spec.applicationsPerWave > 0 ? Math.ceil(count / spec.applicationsPerWave) : 0;
  return { applications, waves: Array.from({ length: waveCount }, (_, wave) => anApiWave(wave + 1)) };
}

export interface MinimumCall {
  /** `<service>:<Operation>`, as the endpoints count them. */
  readonly operation: string;
  readonly minimum: number;
  /** Counts that are also right (a lookup the handler may or may not make). */
  readonly alsoAccepted?: readonly number[];
  readonly basis: string;
}

const ceilDiv = (a: number, b: number): number => Math.ceil(a / b);

/**
 * The fewest calls a run over this fleet needs (first run, empty ledger, hosts that answer at once), from the
 * fleet alone and the API limits: the list in docs/design.md section 12 plus the ledger.
 */
export function minimumCalls(fleet: Fleet): MinimumCall[] {
  const { servers, stalled, nodes } = fleet.spec;
  const calls: MinimumCall[] = [
    {
      operation: 'mgn:DescribeSourceServers',
      minimum: Math.max(1, ceilDiv(servers, DESCRIBE_SOURCE_SERVERS_PAGE)),
      basis: `⌈${servers}/${DESCRIBE_SOURCE_SERVERS_PAGE}⌉ pages (isArchived=false)`,
    },
    { operation: 'dynamodb:Scan', minimum: 1, basis: 'the ledger, one page (empty on a first run)' },
  ];
  if (stalled === 0) return calls;
  const commands = AGENT_PLAYBOOK_DOCUMENTS * ceilDiv(stalled, INSTANCES_PER_COMMAND);
  const stalledIndexesList = stalledIndexes(servers, stalled, fleet.spec.stalledLayout);
  const replicators = new Set(
    stalledIndexesList.map((index) => Math.floor(index / fleet.spec.serversPerReplicationServer)),
  ).size;
  calls.push(
    {
      operation: 'ssm:DescribeInstanceInformation',
      minimum: ceilDiv(nodes, INSTANCE_INFORMATION_PAGE),
      basis: `⌈${nodes}/${INSTANCE_INFORMATION_PAGE}⌉: the whole inventory (hosts found by name)`,
    },
    {
      operation: 'ssm:SendCommand',
      minimum: commands,
      basis: `${AGENT_PLAYBOOK_DOCUMENTS} documents × ⌈${stalled}/${INSTANCES_PER_COMMAND}⌉`,
    },
    {
      operation: 'ssm:ListCommandInvocations',
      minimum: commands,
      basis: `one page (≤ ${INVOCATIONS_PER_PAGE}) per command, hosts answer at once`,
    },
    { operation: 'sns:Publish', minimum: 1, basis: 'one digest' },
    {
      operation: 'dynamodb:TransactWriteItems',
      minimum: LEDGER_WRITES_PER_TREATMENT * ledgerWriteCalls(stalled).transactions,
      basis: `${LEDGER_WRITES_PER_TREATMENT} stages (claims, the accepted command IDs, the final entries) × ⌈${stalled} writes/${MAX_WRITES_PER_TRANSACTION}⌉ when more than one`,
    },
    {
      operation: 'dynamodb:PutItem',
      minimum: LEDGER_WRITES_PER_TREATMENT * ledgerWriteCalls(stalled).putItems + 1,
      basis: 'the inventory for event runs (and each stage of a lone treated server)',
    },
    {
      operation: 'ec2:DescribeInstances',
      minimum: 0,
      alsoAccepted: [ceilDiv(replicators, INSTANCE_IDS_PER_DESCRIBE)],
      basis: `0, or ⌈${replicators} replication servers/${INSTANCE_IDS_PER_DESCRIBE}⌉ once the handler looks up their IPs`,
    },
  );
  return calls;
}

/**
 * The DescribeSourceServers page (1-based) holding the first stalled server: from it, a run knows it will list the
 * SSM inventory and starts it (lambdas/core/run/early-inventory.ts), when the mass-stall rule is off. With the rule
 * on, a first run knows only after MGN's last page (the rule could hold every agent restart): undefined.
 */
export function inventoryNeedPage(fleet: Fleet, massStallThreshold: number): number | undefined {
  const { servers, stalled, stalledLayout } = fleet.spec;
  const first = stalledIndexes(servers, stalled, stalledLayout)[0];
  if (first === undefined || massStallThreshold > 0) return undefined;
  return Math.floor(first / DESCRIBE_SOURCE_SERVERS_PAGE) + 1;
}
