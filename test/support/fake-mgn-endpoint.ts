// A small AWS Application Migration Service (MGN) endpoint of the project's own: moto has no MGN. It speaks the
// real wire protocol (rest-json, every operation `POST /<Operation>`) so the real @aws-sdk/client-mgn can talk to
// it through AWS_ENDPOINT_URL_MGN, and it validates requests and shapes replies after the MGN API model
// (botocore data/mgn/2020-02-26/service-2.json; summary in /work/shared/reference/mgn-domain.md §1):
//
// - DescribeSourceServers: maxResults 1–1000, nextToken ≤ 2048 (opaque; only tokens this endpoint issued, for
//   the same filters), filters.sourceServerIDs ≤ 200 of `s-[0-9a-zA-Z]{17}`, isArchived boolean,
//   replicationTypes ≤ 2, lifeCycleStates ≤ 10, applicationIDs ≤ 200, accountID 12 digits. Replies
//   `{ items, nextToken? }` with items in the API's SourceServer shape.
// - RetryDataReplication: 200 with the source server when it is STALLED, else 400 ValidationException;
//   404 ResourceNotFoundException for an unknown ID.
// - GetReplicationConfiguration: a realistic ReplicationConfiguration (overridable per server).
// - ListApplications / ListWaves: maxResults 1–1000, nextToken and accountID as above; filters.applicationIDs ≤ 200
//   of `app-[0-9a-zA-Z]{17}`, filters.waveIDs ≤ 200 of `wave-[0-9a-zA-Z]{17}`, isArchived boolean. Replies
//   `{ items, nextToken? }` with items in the API's Application and Wave shapes.
// - Global view (a hub, docs/design.md section 13): the fleet above is the caller's own account (`ownAccount`);
//   each account of `memberAccounts` has a fleet of its own, which a request naming it in `accountID` sees. A
//   request naming an account that is neither gets 403 AccessDeniedException; `failAccount` makes every request
//   naming an account fail (UninitializedAccountException, AccessDeniedException …).
// - ListManagedAccounts: maxResults 1–1000 and nextToken as above; the own account, then the members, as
//   `{ accountId }` items (the API reference does not say whether the caller's own account is listed: it is here,
//   so callers must cope with it).
// - Anything else: 404 UnknownOperationException. Errors carry `x-amzn-ErrorType` and a JSON body
//   (`message`, `code`, and for ValidationException `reason` and `fieldList`).
//
// Built for reuse by the benchmark too: per-request latency, per-operation call counters, fault injection, and
// every request recorded (operation + parsed body).
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import { closeServer, listenOnLoopback } from './local-http';
import { type Latency, latencyOf, waitOutLatency } from './simulated-latency';

// ---------------------------------------------------------------------------------------------------------------
// API shapes (the JSON on the wire; every field optional in the model, the common ones are always present here)

export interface ApiReplicatedDisk {
  deviceName?: string;
  totalStorageBytes?: number;
  replicatedStorageBytes?: number;
  rescannedStorageBytes?: number;
  backloggedStorageBytes?: number;
}

export interface ApiDataReplicationInfo {
  lagDuration?: string;
  etaDateTime?: string;
  replicatedDisks?: ApiReplicatedDisk[];
  dataReplicationState?: string;
  dataReplicationInitiation?: {
    startDateTime?: string;
    nextAttemptDateTime?: string;
    steps?: { name?: string; status?: string }[];
  };
  dataReplicationError?: { error?: string; rawError?: string };
  lastSnapshotDateTime?: string;
  replicatorId?: string;
}

export interface ApiLifeCycle {
  addedToServiceDateTime?: string;
  firstByteDateTime?: string;
  elapsedReplicationDuration?: string;
  lastSeenByServiceDateTime?: string;
  state?: string;
  lastTest?: Record<string, unknown>;
  lastCutover?: Record<string, unknown>;
}

export interface ApiSourceProperties {
  lastUpdatedDateTime?: string;
  recommendedInstanceType?: string;
  identificationHints?: {
    fqdn?: string;
    hostname?: string;
    vmWareUuid?: string;
    awsInstanceID?: string;
    vmPath?: string;
  };
  networkInterfaces?: { macAddress?: string; ips?: string[]; isPrimary?: boolean }[];
  disks?: { deviceName?: string; bytes?: number }[];
  cpus?: { cores?: number; modelName?: string }[];
  ramBytes?: number;
  os?: { fullString?: string };
}

export interface ApiSourceServer {
  sourceServerID: string;
  arn?: string;
  isArchived?: boolean;
  tags?: Record<string, string>;
  launchedInstance?: { ec2InstanceID?: string; jobID?: string; firstBoot?: string };
  dataReplicationInfo?: ApiDataReplicationInfo;
  lifeCycle?: ApiLifeCycle;
  sourceProperties?: ApiSourceProperties;
  replicationType?: string;
  vcenterClientID?: string;
  applicationID?: string;
  userProvidedID?: string;
  fqdnForActionFramework?: string;
}

export type ApiReplicationConfiguration = Record<string, unknown> & { sourceServerID: string };

export interface ApiApplication {
  applicationID: string;
  arn?: string;
  name?: string;
  description?: string;
  isArchived?: boolean;
  applicationAggregatedStatus?: {
    lastUpdateDateTime?: string;
    healthStatus?: string;
    progressStatus?: string;
    totalSourceServers?: number;
  };
  creationDateTime?: string;
  lastModifiedDateTime?: string;
  tags?: Record<string, string>;
  waveID?: string;
}

export interface ApiWave {
  waveID: string;
  arn?: string;
  name?: string;
  description?: string;
  isArchived?: boolean;
  waveAggregatedStatus?: {
    lastUpdateDateTime?: string;
    replicationStartedDateTime?: string;
    healthStatus?: string;
    progressStatus?: string;
    totalApplications?: number;
  };
  creationDateTime?: string;
  lastModifiedDateTime?: string;
  tags?: Record<string, string>;
}

/** Partial at every level; arrays and scalars replace, objects merge, an explicit `undefined` removes. */
export type DeepPartial<T> = { [K in keyof T]?: DeepPartialValue<T[K]> };
type DeepPartialValue<V> = V extends readonly (infer U)[] ? U[] : V extends object ? DeepPartial<V> : V;

// ---------------------------------------------------------------------------------------------------------------
// Builders

export const MGN_ACCOUNT_ID = '111122223333';
export const MGN_REGION = 'us-east-1';

const SOURCE_SERVER_ID = /^s-[0-9a-zA-Z]{17}$/;
const APPLICATION_ID = /^app-[0-9a-zA-Z]{17}$/;
const WAVE_ID = /^wave-[0-9a-zA-Z]{17}$/;
const ACCOUNT_ID = /^[0-9]{12}$/;
const REPLICATION_TYPES = ['AGENT_BASED', 'SNAPSHOT_SHIPPING'];
const LIFE_CYCLE_STATES = [
  'STOPPED',
  'NOT_READY',
  'READY_FOR_TEST',
  'TESTING',
  'READY_FOR_CUTOVER',
  'CUTTING_OVER',
  'CUTOVER',
  'DISCONNECTED',
  'DISCOVERED',
  'PENDING_INSTALLATION',
];

let sequence = 0;

/** `s-` + 17 lower-case hex digits, unique per process (or from `n`). */
export function anApiSourceServerId(n = ++sequence): string {
  return `s-${n.toString(16).padStart(17, '0')}`;
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function deepMerge<T>(base: T, overrides: unknown): T {
  if (!isPlainObject(base) || !isPlainObject(overrides)) return base;
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(overrides)) {
    if (value === undefined) delete merged[key];
    else merged[key] = isPlainObject(value) && isPlainObject(merged[key]) ? deepMerge(merged[key], value) : value;
  }
  return merged as T;
}

/**
 * A source server in the API shape: by default an agent-based Linux server in continuous replication
 * (READY_FOR_TEST, lag PT0S), named after the last digits of its ID. Overrides merge deeply.
 */
export function anApiSourceServer(overrides: DeepPartial<ApiSourceServer> = {}): ApiSourceServer {
  const id = overrides.sourceServerID ?? anApiSourceServerId();
  const short = id.slice(-4);
  const hostname = `host-${short}`;
  const base: ApiSourceServer = {
    sourceServerID: id,
    arn: `arn:aws:mgn:${MGN_REGION}:${MGN_ACCOUNT_ID}:source-server/${id}`,
    isArchived: false,
    tags: {},
    replicationType: 'AGENT_BASED',
    lifeCycle: {
      addedToServiceDateTime: '2026-11-01T09:00:00.000Z',
      firstByteDateTime: '2026-11-01T09:12:31.000Z',
      elapsedReplicationDuration: 'P24DT23H',
      lastSeenByServiceDateTime: '2026-11-26T07:59:12.000Z',
      state: 'READY_FOR_TEST',
    },
    dataReplicationInfo: {
      dataReplicationState: 'CONTINUOUS',
      lagDuration: 'PT0S',
      lastSnapshotDateTime: '2026-11-26T07:50:00.000Z',
      replicatorId: `i-${id.slice(2)}`,
      replicatedDisks: [
        {
          deviceName: '/dev/sda',
          totalStorageBytes: 32_212_254_720,
          replicatedStorageBytes: 32_212_254_720,
          rescannedStorageBytes: 0,
          backloggedStorageBytes: 0,
        },
      ],
    },
    sourceProperties: {
      lastUpdatedDateTime: '2026-11-26T07:00:00.000Z',
      recommendedInstanceType: 't3.medium',
      identificationHints: { hostname, fqdn: `${hostname}.corp.example.com` },
      networkInterfaces: [{ macAddress: '02:42:ac:11:00:02', ips: ['10.20.0.10'], isPrimary: true }],
      disks: [{ deviceName: '/dev/sda', bytes: 32_212_254_720 }],
      cpus: [{ cores: 2, modelName: 'Intel(R) Xeon(R) CPU E5-2686 v4 @ 2.30GHz' }],
      ramBytes: 4_294_967_296,
      os: { fullString: 'Ubuntu 22.04.4 LTS' },
    },
  };
  return deepMerge(base, overrides);
}

/** A server whose replication stalled because MGN stopped hearing from the agent (the agent playbook). */
export function aStalledApiSourceServer(overrides: DeepPartial<ApiSourceServer> = {}): ApiSourceServer {
  return anApiSourceServer(
    deepMerge(
      {
        lifeCycle: { state: 'NOT_READY', lastSeenByServiceDateTime: '2026-11-26T06:00:00.000Z' },
        dataReplicationInfo: {
          dataReplicationState: 'STALLED',
          lagDuration: 'PT2H',
          dataReplicationError: {
            error: 'AGENT_NOT_SEEN',
            rawError: 'Agent has not been seen by the service since 2026-11-26T06:00:00Z',
          },
        },
      } as DeepPartial<ApiSourceServer>,
      overrides,
    ),
  );
}

/** `app-` + 17 lower-case hex digits. */
export const anApiApplicationId = (n: number): string => `app-${n.toString(16).padStart(17, '0')}`;
/** `wave-` + 17 lower-case hex digits. */
export const anApiWaveId = (n: number): string => `wave-${n.toString(16).padStart(17, '0')}`;

/** An application in the API shape, in no wave unless `waveID` is given. */
export function anApiApplication(n: number, overrides: DeepPartial<ApiApplication> = {}): ApiApplication {
  const id = anApiApplicationId(n);
  const base: ApiApplication = {
    applicationID: id,
    arn: `arn:aws:mgn:${MGN_REGION}:${MGN_ACCOUNT_ID}:application/${id}`,
    name: `application-${n}`,
    description: '',
    isArchived: false,
    applicationAggregatedStatus: {
      lastUpdateDateTime: '2026-11-26T07:00:00.000Z',
      healthStatus: 'HEALTHY',
      progressStatus: 'IN_PROGRESS',
      totalSourceServers: 0,
    },
    creationDateTime: '2026-10-20T09:00:00.000Z',
    lastModifiedDateTime: '2026-11-01T09:00:00.000Z',
    tags: {},
  };
  return deepMerge(base, overrides);
}

/** A wave in the API shape. */
export function anApiWave(n: number, overrides: DeepPartial<ApiWave> = {}): ApiWave {
  const id = anApiWaveId(n);
  const base: ApiWave = {
    waveID: id,
    arn: `arn:aws:mgn:${MGN_REGION}:${MGN_ACCOUNT_ID}:wave/${id}`,
    name: `Wave ${n}`,
    description: '',
    isArchived: false,
    waveAggregatedStatus: {
      lastUpdateDateTime: '2026-11-26T07:00:00.000Z',
      replicationStartedDateTime: '2026-11-01T09:12:31.000Z',
      healthStatus: 'HEALTHY',
      progressStatus: 'IN_PROGRESS',
      totalApplications: 0,
    },
    creationDateTime: '2026-10-20T09:00:00.000Z',
    lastModifiedDateTime: '2026-11-01T09:00:00.000Z',
    tags: {},
  };
  return deepMerge(base, overrides);
}

/** What GetReplicationConfiguration returns for a server with the account's default replication template. */
export function aReplicationConfiguration(server: ApiSourceServer): ApiReplicationConfiguration {
  return {
    sourceServerID: server.sourceServerID,
    name: server.sourceProperties?.identificationHints?.hostname ?? '',
    stagingAreaSubnetId: 'subnet-0a1b2c3d4e5f60718',
    associateDefaultSecurityGroup: true,
    replicationServersSecurityGroupsIDs: [],
    replicationServerInstanceType: 't3.small',
    useDedicatedReplicationServer: false,
    defaultLargeStagingDiskType: 'GP3',
    replicatedDisks: (server.sourceProperties?.disks ?? []).map((disk, index) => ({
      deviceName: disk.deviceName,
      isBootDisk: index === 0,
      stagingDiskType: 'AUTO',
      iops: 0,
      throughput: 0,
    })),
    ebsEncryption: 'DEFAULT',
    bandwidthThrottling: 0,
    dataPlaneRouting: 'PRIVATE_IP',
    createPublicIP: false,
    stagingAreaTags: {},
    useFipsEndpoint: false,
    internetProtocol: 'IPV4',
    storeSnapshotOnLocalZone: false,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// The endpoint

export type MgnOperation =
  | 'ListManagedAccounts'
  | 'DescribeSourceServers'
  | 'RetryDataReplication'
  | 'GetReplicationConfiguration'
  | 'ListApplications'
  | 'ListWaves';

export interface RecordedMgnRequest {
  /** The path's operation name, as sent (also for operations this endpoint does not know). */
  readonly operation: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  /** The parsed JSON body (undefined when it was not JSON). */
  readonly body: unknown;
  readonly status: number;
}

export interface MgnFault {
  readonly status: number;
  /** e.g. ThrottlingException, InternalServerException, AccessDeniedException. */
  readonly errorType: string;
  readonly message?: string;
  /** Extra JSON members, e.g. `{ retryAfterSeconds: 1 }`. */
  readonly extra?: Readonly<Record<string, unknown>>;
}

/** One account's migration. */
export interface MgnFleet {
  servers: ApiSourceServer[];
  applications: ApiApplication[];
  waves: ApiWave[];
  /** Replication configurations by source server ID; otherwise `aReplicationConfiguration(server)`. */
  readonly replicationConfigurations: Map<string, ApiReplicationConfiguration>;
}

/** A member account's fleet as given: what is left out is empty. */
export interface MgnFleetOptions {
  readonly servers?: readonly ApiSourceServer[];
  readonly applications?: readonly ApiApplication[];
  readonly waves?: readonly ApiWave[];
}

export interface FakeMgnOptions {
  /** The caller's own account (a request with no accountID, or this one): MGN_ACCOUNT_ID unless given. */
  readonly ownAccount?: string;
  /** Member accounts of the organization, each with its fleet (global view). */
  readonly memberAccounts?: Readonly<Record<string, MgnFleetOptions>>;
  readonly servers?: readonly ApiSourceServer[];
  /** The migration's applications and waves (archived ones included: the filters decide). */
  readonly applications?: readonly ApiApplication[];
  readonly waves?: readonly ApiWave[];
  /** Serve under this path prefix, e.g. '/mgn' (then point AWS_ENDPOINT_URL_MGN at `url`, which includes it). */
  readonly pathPrefix?: string;
  /** Delay before each reply, in ms: a number, or per operation. */
  readonly latencyMs?: Latency;
  /** Page size when a request has no maxResults (the model gives no default; the service's is not documented). */
  readonly defaultPageSize?: number;
  /** At most this many items a page, whatever maxResults asks: a service may return fewer, and clients must page. */
  readonly maxPageSize?: number;
}

interface Reply {
  readonly status: number;
  readonly body: unknown;
  readonly errorType?: string;
}

interface ValidationField {
  readonly name: string;
  readonly message: string;
}

class MgnError extends Error {
  constructor(
    readonly status: number,
    readonly errorType: string,
    message: string,
    readonly extra: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
  }
}

function validationError(
  reason: 'cannotParse' | 'fieldValidationFailed' | 'other' | 'unknownOperation',
  message: string,
  fieldList: readonly ValidationField[] = [],
): MgnError {
  return new MgnError(400, 'ValidationException', message, { reason, ...(fieldList.length > 0 ? { fieldList } : {}) });
}

function fieldErrors(fields: readonly ValidationField[]): MgnError {
  const count = fields.length;
  const message = `${count} validation error${count === 1 ? '' : 's'} detected: ${fields.map((field) => field.message).join('; ')}`;
  return validationError('fieldValidationFailed', message, fields);
}

const describeValue = (value: unknown): string => (typeof value === 'string' ? value : JSON.stringify(value));

const fleetOf = (options: MgnFleetOptions): MgnFleet => ({
  servers: [...(options.servers ?? [])],
  applications: [...(options.applications ?? [])],
  waves: [...(options.waves ?? [])],
  replicationConfigurations: new Map(),
});

export class FakeMgnEndpoint implements MgnFleet {
  readonly ownAccount: string;
  /** Member accounts' fleets, by account ID, in listing order; edit them between runs. */
  readonly memberAccounts: Map<string, MgnFleet>;
  /** The own account's fleet, in listing order; replace or edit it between runs. */
  servers: ApiSourceServer[];
  /** Applications and waves, in listing order; replace or edit them between runs. */
  applications: ApiApplication[];
  waves: ApiWave[];
  /** Replication configurations by source server ID; otherwise `aReplicationConfiguration(server)`. */
  readonly replicationConfigurations = new Map<string, ApiReplicationConfiguration>();
  latencyMs: Latency;
  readonly requests: RecordedMgnRequest[] = [];
  private readonly counters = new Map<string, number>();
  private readonly faults = new Map<string, MgnFault[]>();
  private readonly accountFaults = new Map<string, MgnFault>();
  private readonly defaultPageSize: number;
  private readonly maxPageSize: number;

  private constructor(
    private readonly server: ReturnType<typeof createServer>,
    readonly url: string,
    private readonly pathPrefix: string,
    options: FakeMgnOptions,
  ) {
    this.ownAccount = options.ownAccount ?? MGN_ACCOUNT_ID;
    this.memberAccounts = new Map(
      Object.entries(options.memberAccounts ?? {}).map(([account, fleet]) => [account, fleetOf(fleet)]),
    );
    this.servers = [...(options.servers ?? [])];
    this.applications = [...(options.applications ?? [])];
    this.waves = [...(options.waves ?? [])];
    this.latencyMs = options.latencyMs ?? 0;
    this.defaultPageSize = options.defaultPageSize ?? 1000;
    this.maxPageSize = options.maxPageSize ?? 1000;
  }

  static async start(options: FakeMgnOptions = {}): Promise<FakeMgnEndpoint> {
    const prefix = (options.pathPrefix ?? '').replace(/\/+$/, '');
    let endpoint: FakeMgnEndpoint | undefined;
    const server = createServer((incoming, outgoing) => {
      const chunks: Buffer[] = [];
      incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
      incoming.on('end', () => {
        void endpoint?.handle(
          incoming.method ?? '',
          incoming.url ?? '',
          incoming.headers,
          Buffer.concat(chunks).toString('utf8'),
          outgoing,
        );
      });
    });
    const url = await listenOnLoopback(server);
    endpoint = new FakeMgnEndpoint(server, `${url}${prefix}`, prefix, options);
    return endpoint;
  }

  /** How many requests an operation received (including rejected ones). */
  callCount(operation: MgnOperation | string): number {
    return this.counters.get(operation) ?? 0;
  }

  /** Recorded requests of one operation. */
  requestsFor(operation: MgnOperation | string): RecordedMgnRequest[] {
    return this.requests.filter((request) => request.operation === operation);
  }

  /** The next request of `operation` fails with `fault` (queued: call again for several). */
  failNext(operation: MgnOperation | string, fault: MgnFault): void {
    this.faults.set(operation, [...(this.faults.get(operation) ?? []), fault]);
  }

  /** Every request naming `account` in accountID fails with `fault`, until clearRecords(). */
  failAccount(account: string, fault: MgnFault): void {
    this.accountFaults.set(account, fault);
  }

  /** The accountID each recorded request of `operation` named (undefined: none). */
  accountsOf(operation: MgnOperation | string): (string | undefined)[] {
    return this.requestsFor(operation).map((request) =>
      isPlainObject(request.body) && typeof request.body.accountID === 'string' ? request.body.accountID : undefined,
    );
  }

  /** Forgets recorded requests, counters and pending faults, per operation and per account (the fleets stay). */
  clearRecords(): void {
    this.requests.length = 0;
    this.counters.clear();
    this.faults.clear();
    this.accountFaults.clear();
  }

  close(): Promise<void> {
    return closeServer(this.server);
  }

  private async handle(
    method: string,
    rawPath: string,
    headers: IncomingHttpHeaders,
    text: string,
    outgoing: ServerResponse,
  ): Promise<void> {
    const arrivedAt = performance.now();
    const path = rawPath.split('?')[0] ?? '';
    const local = this.pathPrefix && path.startsWith(`${this.pathPrefix}/`) ? path.slice(this.pathPrefix.length) : path;
    const operation = /^\/([A-Za-z]+)$/.exec(local)?.[1] ?? local;
    this.counters.set(operation, (this.counters.get(operation) ?? 0) + 1);

    let body: unknown;
    let reply: Reply;
    try {
      body = text.trim() === '' ? {} : (JSON.parse(text) as unknown);
    } catch {
      body = undefined;
    }
    try {
      reply = this.dispatch(method, operation, local, text, body);
    } catch (error) {
      reply =
        error instanceof MgnError
          ? {
              status: error.status,
              errorType: error.errorType,
              body: { message: error.message, code: error.errorType, ...error.extra },
            }
          : {
              status: 500,
              errorType: 'InternalServerException',
              body: { message: `fake-mgn-endpoint: ${String(error)}` },
            };
    }
    this.requests.push({ operation, path, headers, body, status: reply.status });

    const payload = JSON.stringify(reply.body);
    await waitOutLatency(arrivedAt, latencyOf(this.latencyMs, operation));
    outgoing.writeHead(reply.status, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(payload),
      'x-amzn-requestid': randomUUID(),
      ...(reply.errorType ? { 'x-amzn-errortype': reply.errorType } : {}),
    });
    outgoing.end(payload);
  }

  private dispatch(method: string, operation: string, path: string, text: string, body: unknown): Reply {
    const handlers: Record<MgnOperation, (input: Record<string, unknown>) => unknown> = {
      ListManagedAccounts: (input) => this.listManagedAccounts(input),
      DescribeSourceServers: (input) => this.describeSourceServers(input, this.fleetFor(input)),
      RetryDataReplication: (input) => this.retryDataReplication(input, this.fleetFor(input)),
      GetReplicationConfiguration: (input) => this.getReplicationConfiguration(input, this.fleetFor(input)),
      ListApplications: (input) => this.listApplications(input, this.fleetFor(input)),
      ListWaves: (input) => this.listWaves(input, this.fleetFor(input)),
    };
    const handler = method === 'POST' ? handlers[operation as MgnOperation] : undefined;
    if (handler === undefined) {
      throw new MgnError(
        404,
        'UnknownOperationException',
        `fake-mgn-endpoint: no operation ${method} ${path} (known: ${Object.keys(handlers).join(', ')})`,
      );
    }
    const fault = this.faults.get(operation)?.shift();
    if (fault) throw new MgnError(fault.status, fault.errorType, fault.message ?? fault.errorType, fault.extra);
    if (!isPlainObject(body))
      throw validationError('cannotParse', `Could not parse request body: ${text.slice(0, 100)}`);
    return { status: 200, body: handler(body) };
  }

  /**
   * The fleet a request acts on: the own account's without accountID (or with its own), else the member's. A
   * malformed accountID is left to the operation's validation; a valid one the caller may not act in is refused.
   */
  private fleetFor(input: Record<string, unknown>): MgnFleet {
    const { accountID } = input;
    if (typeof accountID !== 'string' || !ACCOUNT_ID.test(accountID)) return this;
    const fault = this.accountFaults.get(accountID);
    if (fault) throw new MgnError(fault.status, fault.errorType, fault.message ?? fault.errorType, fault.extra);
    if (accountID === this.ownAccount) return this;
    const fleet = this.memberAccounts.get(accountID);
    if (fleet === undefined)
      throw new MgnError(
        403,
        'AccessDeniedException',
        `Account ${accountID} is not managed by account ${this.ownAccount}`,
      );
    return fleet;
  }

  private listManagedAccounts(input: Record<string, unknown>): unknown {
    const fields = checkListRequest(input);
    if (fields.length > 0) throw fieldErrors(fields);
    const accounts = [this.ownAccount, ...this.memberAccounts.keys()].map((accountId) => ({ accountId }));
    return this.page(accounts, input, 'managed-accounts');
  }

  private describeSourceServers(input: Record<string, unknown>, fleet: MgnFleet): unknown {
    const fields = checkListRequest(input);
    const filters = input.filters ?? {};
    if (isPlainObject(filters)) {
      checkList(
        fields,
        'filters.sourceServerIDs',
        filters.sourceServerIDs,
        200,
        (id) => typeof id === 'string' && SOURCE_SERVER_ID.test(id),
        'satisfy regular expression pattern: s-[0-9a-zA-Z]{17}',
      );
      checkList(
        fields,
        'filters.applicationIDs',
        filters.applicationIDs,
        200,
        (id) => typeof id === 'string' && APPLICATION_ID.test(id),
        'satisfy regular expression pattern: app-[0-9a-zA-Z]{17}',
      );
      checkList(
        fields,
        'filters.replicationTypes',
        filters.replicationTypes,
        2,
        (type) => REPLICATION_TYPES.includes(type as string),
        `satisfy enum value set: [${REPLICATION_TYPES.join(', ')}]`,
      );
      checkList(
        fields,
        'filters.lifeCycleStates',
        filters.lifeCycleStates,
        10,
        (state) => LIFE_CYCLE_STATES.includes(state as string),
        `satisfy enum value set: [${LIFE_CYCLE_STATES.join(', ')}]`,
      );
    }
    if (fields.length > 0) throw fieldErrors(fields);
    const filter = filters as Record<string, unknown>;

    const filterKey = JSON.stringify([
      filter.sourceServerIDs ?? [],
      filter.isArchived ?? null,
      filter.replicationTypes ?? [],
      filter.lifeCycleStates ?? [],
      filter.applicationIDs ?? [],
    ]);
    const matching = fleet.servers.filter(
      (server) =>
        inList(filter.sourceServerIDs, server.sourceServerID) &&
        (filter.isArchived === undefined || (server.isArchived ?? false) === filter.isArchived) &&
        inList(filter.replicationTypes, server.replicationType) &&
        inList(filter.lifeCycleStates, server.lifeCycle?.state) &&
        inList(filter.applicationIDs, server.applicationID),
    );
    return this.page(matching, input, filterKey);
  }

  private listApplications(input: Record<string, unknown>, fleet: MgnFleet): unknown {
    const fields = checkListRequest(input);
    const filters = input.filters ?? {};
    if (isPlainObject(filters)) {
      checkList(
        fields,
        'filters.applicationIDs',
        filters.applicationIDs,
        200,
        (id) => typeof id === 'string' && APPLICATION_ID.test(id),
        'satisfy regular expression pattern: ^app-[0-9a-zA-Z]{17}$',
      );
      checkList(
        fields,
        'filters.waveIDs',
        filters.waveIDs,
        200,
        (id) => typeof id === 'string' && WAVE_ID.test(id),
        'satisfy regular expression pattern: ^wave-[0-9a-zA-Z]{17}$',
      );
    }
    if (fields.length > 0) throw fieldErrors(fields);
    const filter = filters as Record<string, unknown>;
    const filterKey = JSON.stringify([filter.applicationIDs ?? [], filter.isArchived ?? null, filter.waveIDs ?? []]);
    const matching = fleet.applications.filter(
      (application) =>
        inList(filter.applicationIDs, application.applicationID) &&
        (filter.isArchived === undefined || (application.isArchived ?? false) === filter.isArchived) &&
        inList(filter.waveIDs, application.waveID),
    );
    return this.page(matching, input, filterKey);
  }

  private listWaves(input: Record<string, unknown>, fleet: MgnFleet): unknown {
    const fields = checkListRequest(input);
    const filters = input.filters ?? {};
    if (isPlainObject(filters)) {
      checkList(
        fields,
        'filters.waveIDs',
        filters.waveIDs,
        200,
        (id) => typeof id === 'string' && WAVE_ID.test(id),
        'satisfy regular expression pattern: ^wave-[0-9a-zA-Z]{17}$',
      );
    }
    if (fields.length > 0) throw fieldErrors(fields);
    const filter = filters as Record<string, unknown>;
    const filterKey = JSON.stringify([filter.waveIDs ?? [], filter.isArchived ?? null]);
    const matching = fleet.waves.filter(
      (wave) =>
        inList(filter.waveIDs, wave.waveID) &&
        (filter.isArchived === undefined || (wave.isArchived ?? false) === filter.isArchived),
    );
    return this.page(matching, input, filterKey);
  }

  /** One page of `matching`: `maxResults` (or the default page size) from the request's token on. */
  private page<T>(matching: readonly T[], input: Record<string, unknown>, filterKey: string): unknown {
    const { maxResults, nextToken } = input;
    let offset = 0;
    if (nextToken !== undefined && nextToken !== '') {
      const decoded = decodeToken(nextToken as string);
      if (decoded === undefined || decoded.filterKey !== filterKey)
        throw validationError('other', 'Invalid pagination token');
      offset = decoded.offset;
    }
    const pageSize = Math.min((maxResults as number | undefined) ?? this.defaultPageSize, this.maxPageSize);
    const items = matching.slice(offset, offset + pageSize);
    const next =
      offset + pageSize < matching.length ? encodeToken({ offset: offset + pageSize, filterKey }) : undefined;
    return { items, ...(next === undefined ? {} : { nextToken: next }) };
  }

  private findServer(input: Record<string, unknown>, fleet: MgnFleet): ApiSourceServer {
    const { sourceServerID, accountID } = input;
    const fields: ValidationField[] = [];
    if (typeof sourceServerID !== 'string' || !SOURCE_SERVER_ID.test(sourceServerID)) {
      fields.push({
        name: 'sourceServerID',
        message:
          sourceServerID === undefined
            ? `Value null at 'sourceServerID' failed to satisfy constraint: Member must not be null`
            : `Value '${describeValue(sourceServerID)}' at 'sourceServerID' failed to satisfy constraint: Member must satisfy regular expression pattern: s-[0-9a-zA-Z]{17}`,
      });
    }
    if (accountID !== undefined && (typeof accountID !== 'string' || !ACCOUNT_ID.test(accountID))) {
      fields.push({
        name: 'accountID',
        message: `Value '${describeValue(accountID)}' at 'accountID' failed to satisfy constraint: Member must satisfy regular expression pattern: [0-9]{12}`,
      });
    }
    if (fields.length > 0) throw fieldErrors(fields);
    const server = fleet.servers.find((candidate) => candidate.sourceServerID === sourceServerID);
    if (!server) {
      throw new MgnError(404, 'ResourceNotFoundException', `Source server ${String(sourceServerID)} not found`, {
        resourceId: sourceServerID,
        resourceType: 'SOURCE_SERVER',
      });
    }
    return server;
  }

  private retryDataReplication(input: Record<string, unknown>, fleet: MgnFleet): unknown {
    const server = this.findServer(input, fleet);
    const state = server.dataReplicationInfo?.dataReplicationState;
    if (server.isArchived || state !== 'STALLED') {
      throw validationError(
        'other',
        `Cannot retry data replication for source server ${server.sourceServerID}: data replication state is ${state ?? 'unknown'}, not STALLED`,
      );
    }
    return server;
  }

  private getReplicationConfiguration(input: Record<string, unknown>, fleet: MgnFleet): unknown {
    const server = this.findServer(input, fleet);
    return fleet.replicationConfigurations.get(server.sourceServerID) ?? aReplicationConfiguration(server);
  }
}

/** Every list operation's common members: maxResults 1–1000, nextToken ≤ 2048, accountID, filters a structure. */
function checkListRequest(input: Record<string, unknown>): ValidationField[] {
  const fields: ValidationField[] = [];
  const { filters = {}, maxResults, nextToken, accountID } = input;
  if (
    maxResults !== undefined &&
    (!Number.isInteger(maxResults) || (maxResults as number) < 1 || (maxResults as number) > 1000)
  ) {
    const which =
      typeof maxResults === 'number' && maxResults > 1000 ? 'less than or equal to 1000' : 'greater than or equal to 1';
    fields.push({
      name: 'maxResults',
      message: `Value '${describeValue(maxResults)}' at 'maxResults' failed to satisfy constraint: Member must have value ${which}`,
    });
  }
  if (nextToken !== undefined && (typeof nextToken !== 'string' || nextToken.length > 2048)) {
    fields.push({
      name: 'nextToken',
      message: `Value at 'nextToken' failed to satisfy constraint: Member must have length less than or equal to 2048`,
    });
  }
  if (accountID !== undefined && (typeof accountID !== 'string' || !ACCOUNT_ID.test(accountID))) {
    fields.push({
      name: 'accountID',
      message: `Value '${describeValue(accountID)}' at 'accountID' failed to satisfy constraint: Member must satisfy regular expression pattern: [0-9]{12}`,
    });
  }
  if (!isPlainObject(filters)) {
    fields.push({
      name: 'filters',
      message: `Value at 'filters' failed to satisfy constraint: Member must be a structure`,
    });
  } else if (filters.isArchived !== undefined && typeof filters.isArchived !== 'boolean') {
    fields.push({
      name: 'filters.isArchived',
      message: `Value '${describeValue(filters.isArchived)}' at 'filters.isArchived' failed to satisfy constraint: Member must be a boolean`,
    });
  }
  return fields;
}

/** An empty or absent filter list matches everything, as in MGN. */
const inList = (list: unknown, value: unknown): boolean =>
  !Array.isArray(list) || list.length === 0 || list.includes(value);

function checkList(
  fields: ValidationField[],
  name: string,
  value: unknown,
  max: number,
  valid: (item: unknown) => boolean,
  constraint: string,
): void {
  if (value === undefined) return;
  if (!Array.isArray(value)) {
    fields.push({ name, message: `Value at '${name}' failed to satisfy constraint: Member must be a list` });
    return;
  }
  if (value.length > max) {
    fields.push({
      name,
      message: `Value at '${name}' failed to satisfy constraint: Member must have length less than or equal to ${max}`,
    });
  }
  value.forEach((item, index) => {
    if (!valid(item)) {
      fields.push({
        name: `${name}.${index + 1}`,
        message: `Value '${describeValue(item)}' at '${name}.${index + 1}.member' failed to satisfy constraint: Member must ${constraint}`,
      });
    }
  });
}

interface PageToken {
  readonly offset: number;
  readonly filterKey: string;
}

function encodeToken(token: PageToken): string {
  return Buffer.from(JSON.stringify({ v: 1, o: token.offset, f: token.filterKey }), 'utf8').toString('base64');
}

function decodeToken(text: string): PageToken | undefined {
  try {
    const parsed = JSON.parse(Buffer.from(text, 'base64').toString('utf8')) as unknown;
    if (isPlainObject(parsed) && parsed.v === 1 && Number.isInteger(parsed.o) && typeof parsed.f === 'string') {
      return { offset: parsed.o as number, filterKey: parsed.f };
    }
  } catch {
    // Not one of ours.
  }
  return undefined;
}

/** Starts the fake MGN endpoint on 127.0.0.1 (random port). */
export function startFakeMgnEndpoint(options: FakeMgnOptions = {}): Promise<FakeMgnEndpoint> {
  return FakeMgnEndpoint.start(options);
}
