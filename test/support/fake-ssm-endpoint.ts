// An SSM front for integration tests: moto implements SendCommand, ListCommands and GetCommandInvocation, but
// answers DescribeInstanceInformation and ListCommandInvocations with HTTP 500 (toolchain.md §5). This front, on
// 127.0.0.1, answers those two itself and forwards every other SSM request to moto unchanged (same method,
// path, headers and body; moto ignores SigV4 signatures), piping moto's reply back.
//
// - DescribeInstanceInformation: from `nodes` (API shape), honouring Filters / InstanceInformationFilterList
//   (InstanceIds, PingStatus, PlatformTypes, ResourceType), MaxResults 5–50 and NextToken.
// - ListCommandInvocations: from the SendCommand calls it forwarded (CommandId from moto's reply, InstanceIds,
//   DocumentName, Parameters, Comment from the request): one invocation per instance, with the outcome
//   configured per document (default: Success, exit code 0, empty output), CommandPlugins only with Details.
//   An outcome may stay InProgress for a number of listings first (`pendingListings`).
// - GetCommandInvocation for those commands, from the same outcomes (moto's own always says Success).
// - CreateOpsItem, DescribeOpsItems, UpdateOpsItem: OpsCenter in memory (fake-ops-center.ts); moto has none.
//
// Wire protocol: awsJson1.1 (`X-Amz-Target: AmazonSSM.<Operation>`, content type application/x-amz-json-1.1),
// timestamps as epoch seconds; shapes after botocore data/ssm/2014-11-06/service-2.json.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import { closeServer, listenOnLoopback } from './local-http';
import { forwardRequest } from './throttling-proxy';
import { type Latency, latencyOf, waitOutLatency } from './simulated-latency';
import { FakeOpsCenter, OpsCenterError } from './fake-ops-center';

// ---------------------------------------------------------------------------------------------------------------
// Shapes and builders

/** InstanceInformation as DescribeInstanceInformation returns it (dates in epoch seconds). */
export interface ApiInstanceInformation {
  InstanceId: string;
  PingStatus?: 'Online' | 'ConnectionLost' | 'Inactive' | (string & {});
  LastPingDateTime?: number;
  AgentVersion?: string;
  IsLatestVersion?: boolean;
  PlatformType?: 'Linux' | 'Windows' | 'MacOS' | (string & {});
  PlatformName?: string;
  PlatformVersion?: string;
  ActivationId?: string;
  IamRole?: string;
  RegistrationDate?: number;
  ResourceType?: 'ManagedInstance' | 'EC2Instance' | (string & {});
  Name?: string;
  IPAddress?: string;
  ComputerName?: string;
  AssociationStatus?: string;
  LastAssociationExecutionDate?: number;
  LastSuccessfulAssociationExecutionDate?: number;
  AssociationOverview?: { DetailedStatus?: string; InstanceAssociationStatusAggregatedCount?: Record<string, number> };
  SourceId?: string;
  SourceType?: string;
}

let sequence = 0;

/** `mi-` + 17 hex digits (a hybrid-activation node), unique per process (or from `n`). */
export function aManagedNodeId(n = ++sequence): string {
  return `mi-${n.toString(16).padStart(17, '0')}`;
}

const epochSeconds = (iso: string): number => Date.parse(iso) / 1000;

/**
 * A hybrid managed node (`mi-…`, registered with an activation), Online, Linux. For an EC2 instance pass
 * `InstanceId: 'i-…'` and `ResourceType: 'EC2Instance'` (SourceType follows).
 */
export function anInstanceInformation(overrides: Partial<ApiInstanceInformation> = {}): ApiInstanceInformation {
  const instanceId = overrides.InstanceId ?? aManagedNodeId();
  const ec2 =
    (overrides.ResourceType ?? (instanceId.startsWith('i-') ? 'EC2Instance' : 'ManagedInstance')) === 'EC2Instance';
  const computerName = overrides.ComputerName ?? `node-${instanceId.slice(-4)}.corp.example.com`;
  return {
    InstanceId: instanceId,
    PingStatus: 'Online',
    LastPingDateTime: epochSeconds('2026-11-26T07:58:41.123Z'),
    AgentVersion: '3.3.1142.0',
    IsLatestVersion: false,
    PlatformType: 'Linux',
    PlatformName: 'Ubuntu',
    PlatformVersion: '22.04',
    ...(ec2
      ? {}
      : {
          ActivationId: '5743558d-563b-4457-8682-d16c3EXAMPLE',
          IamRole: 'SSMServiceRole',
          RegistrationDate: epochSeconds('2026-10-30T10:15:00Z'),
        }),
    ResourceType: ec2 ? 'EC2Instance' : 'ManagedInstance',
    Name: computerName.split('.')[0],
    IPAddress: '10.20.0.99',
    ComputerName: computerName,
    AssociationStatus: 'Success',
    LastAssociationExecutionDate: epochSeconds('2026-11-26T07:30:00Z'),
    LastSuccessfulAssociationExecutionDate: epochSeconds('2026-11-26T07:30:00Z'),
    AssociationOverview: { DetailedStatus: 'Success', InstanceAssociationStatusAggregatedCount: { Success: 1 } },
    SourceId: instanceId,
    SourceType: ec2 ? 'AWS::EC2::Instance' : 'AWS::SSM::ManagedInstance',
    ...overrides,
  };
}

export type InvocationStatus =
  | 'Pending'
  | 'InProgress'
  | 'Delayed'
  | 'Success'
  | 'Cancelled'
  | 'TimedOut'
  | 'Failed'
  | 'Cancelling';
export type PluginStatus = 'Pending' | 'InProgress' | 'Success' | 'TimedOut' | 'Cancelled' | 'Failed';

export interface PluginOutcome {
  /** The step name of a schema 2.2 document (e.g. `restartAgentLinux`). */
  readonly name: string;
  readonly status?: PluginStatus;
  readonly statusDetails?: string;
  readonly responseCode?: number;
  /** Cut to 2,500 characters, as ListCommandInvocations does. */
  readonly output?: string;
}

export interface InvocationOutcome {
  /** The invocation's final status (default: Failed when a plugin failed, else Success). */
  readonly status?: InvocationStatus;
  readonly statusDetails?: string;
  readonly plugins?: readonly PluginOutcome[];
  /** Listings (ListCommandInvocations or GetCommandInvocation) that show it InProgress before the final status. */
  readonly pendingListings?: number;
}

export interface SentCommand {
  readonly commandId: string;
  readonly documentName: string;
  readonly documentVersion?: string;
  readonly instanceIds: readonly string[];
  readonly parameters: Readonly<Record<string, readonly string[]>>;
  readonly comment: string;
  readonly requestedAt: number;
  readonly cloudWatchOutputConfig?: unknown;
  readonly serviceRoleArn?: string;
  readonly notificationConfig?: unknown;
}

export type OutcomeRule = InvocationOutcome | ((command: SentCommand, instanceId: string) => InvocationOutcome);

export interface RecordedSsmRequest {
  readonly operation: string;
  readonly body: unknown;
  /** True when moto answered it. */
  readonly forwarded: boolean;
  readonly status: number;
}

export interface FakeSsmOptions {
  /** moto's base URL; every request this front does not answer itself goes there. */
  readonly motoEndpoint: string;
  readonly nodes?: readonly ApiInstanceInformation[];
  /** Delay before each reply (ms), a number or per operation. */
  readonly latencyMs?: Latency;
  readonly region?: string;
}

const DEFAULT_OUTCOME: InvocationOutcome = {
  plugins: [{ name: 'aws:runShellScript', status: 'Success', responseCode: 0, output: '' }],
};
const OUTPUT_CAP = 2_500;
const TERMINAL: ReadonlySet<string> = new Set(['Success', 'Cancelled', 'TimedOut', 'Failed']);
const JSON_CONTENT_TYPE = 'application/x-amz-json-1.1';

class SsmError extends Error {
  constructor(
    readonly errorType: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function checkMaxResults(value: unknown, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  if (!Number.isInteger(value) || (value as number) < min || (value as number) > max) {
    const bound =
      typeof value === 'number' && value > max ? `less than or equal to ${max}` : `greater than or equal to ${min}`;
    throw new SsmError(
      'ValidationException',
      `1 validation error detected: Value '${String(value)}' at 'maxResults' failed to satisfy constraint: Member must have value ${bound}`,
    );
  }
  return value as number;
}

interface Listing {
  readonly offset: number;
  readonly key: string;
}

const encodeToken = (listing: Listing): string => Buffer.from(JSON.stringify(listing), 'utf8').toString('base64');

function decodeToken(token: unknown, key: string): number {
  if (token === undefined || token === '') return 0;
  try {
    const parsed = JSON.parse(Buffer.from(String(token), 'base64').toString('utf8')) as unknown;
    if (isPlainObject(parsed) && parsed.key === key && Number.isInteger(parsed.offset)) return parsed.offset as number;
  } catch {
    // Not one of ours.
  }
  throw new SsmError('InvalidNextToken', 'The specified token is not valid.');
}

function page<T>(items: readonly T[], offset: number, size: number, key: string): { items: T[]; nextToken?: string } {
  const slice = items.slice(offset, offset + size);
  return offset + size < items.length
    ? { items: slice, nextToken: encodeToken({ offset: offset + size, key }) }
    : { items: slice };
}

export class FakeSsmEndpoint {
  /** The managed-node inventory DescribeInstanceInformation lists; replace or edit it between runs. */
  nodes: ApiInstanceInformation[];
  /** Outcome per document name; otherwise `defaultOutcome`. */
  readonly outcomes = new Map<string, OutcomeRule>();
  /** CreateOpsItem, DescribeOpsItems and UpdateOpsItem (moto has no OpsCenter). */
  readonly opsCenter = new FakeOpsCenter();
  defaultOutcome: OutcomeRule = DEFAULT_OUTCOME;
  latencyMs: Latency;
  readonly requests: RecordedSsmRequest[] = [];
  /** Commands sent through this front (in order), by command ID. */
  readonly commands = new Map<string, SentCommand>();
  private readonly listings = new Map<string, number>();
  private readonly counters = new Map<string, number>();
  private readonly region: string;

  private constructor(
    private readonly server: ReturnType<typeof createServer>,
    readonly url: string,
    private readonly motoEndpoint: string,
    options: FakeSsmOptions,
  ) {
    this.nodes = [...(options.nodes ?? [])];
    this.latencyMs = options.latencyMs ?? 0;
    this.region = options.region ?? 'us-east-1';
  }

  static async start(options: FakeSsmOptions): Promise<FakeSsmEndpoint> {
    let endpoint: FakeSsmEndpoint | undefined;
    const server = createServer((incoming, outgoing) => {
      const chunks: Buffer[] = [];
      incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
      incoming.on('end', () => {
        void endpoint?.handle(
          incoming.method ?? 'POST',
          incoming.url ?? '/',
          incoming.headers,
          Buffer.concat(chunks),
          outgoing,
        );
      });
    });
    const url = await listenOnLoopback(server);
    endpoint = new FakeSsmEndpoint(server, url, options.motoEndpoint.replace(/\/+$/, ''), options);
    return endpoint;
  }

  callCount(operation: string): number {
    return this.counters.get(operation) ?? 0;
  }

  requestsFor(operation: string): RecordedSsmRequest[] {
    return this.requests.filter((request) => request.operation === operation);
  }

  /** Forgets recorded requests, counters and the commands seen (e.g. after a moto reset). Nodes and outcomes stay. */
  clearRecords(): void {
    this.requests.length = 0;
    this.counters.clear();
    this.commands.clear();
    this.listings.clear();
  }

  close(): Promise<void> {
    return closeServer(this.server);
  }

  private async handle(
    method: string,
    path: string,
    headers: IncomingHttpHeaders,
    raw: Buffer,
    outgoing: ServerResponse,
  ): Promise<void> {
    const arrivedAt = performance.now();
    const target = String(headers['x-amz-target'] ?? '');
    const operation = target.startsWith('AmazonSSM.') ? target.slice('AmazonSSM.'.length) : target;
    this.counters.set(operation, (this.counters.get(operation) ?? 0) + 1);
    let body: unknown;
    try {
      body = raw.length === 0 ? {} : (JSON.parse(raw.toString('utf8')) as unknown);
    } catch {
      body = undefined;
    }

    const latencyMs = latencyOf(this.latencyMs, operation);
    const local = this.answerLocally(operation, body);
    if (local !== undefined) {
      this.requests.push({ operation, body, forwarded: false, status: local.status });
      const payload = JSON.stringify(local.body);
      await waitOutLatency(arrivedAt, latencyMs);
      outgoing.writeHead(local.status, {
        'content-type': JSON_CONTENT_TYPE,
        'content-length': Buffer.byteLength(payload),
        'x-amzn-requestid': randomUUID(),
      });
      outgoing.end(payload);
      return;
    }

    try {
      const reply = await forwardRequest(this.motoEndpoint, method, path, headers, raw);
      this.requests.push({ operation, body, forwarded: true, status: reply.status });
      if (operation === 'SendCommand' && reply.status === 200) this.remember(body, Buffer.from(reply.body));
      await waitOutLatency(arrivedAt, latencyMs);
      outgoing.writeHead(reply.status, { ...reply.headers, 'content-length': String(Buffer.byteLength(reply.body)) });
      outgoing.end(reply.body);
    } catch (error) {
      this.requests.push({ operation, body, forwarded: true, status: 502 });
      await waitOutLatency(arrivedAt, latencyMs);
      const payload = JSON.stringify({
        __type: 'InternalServerError',
        message: `fake-ssm-endpoint: moto did not answer: ${String(error)}`,
      });
      outgoing.writeHead(500, { 'content-type': JSON_CONTENT_TYPE, 'content-length': Buffer.byteLength(payload) });
      outgoing.end(payload);
    }
  }

  /** The reply for operations this front owns; undefined to forward. */
  private answerLocally(operation: string, body: unknown): { status: number; body: unknown } | undefined {
    const handlers: Record<string, ((input: Record<string, unknown>) => unknown) | undefined> = {
      DescribeInstanceInformation: (input) => this.describeInstanceInformation(input),
      ListCommandInvocations: (input) => this.listCommandInvocations(input),
      GetCommandInvocation: (input) => this.getCommandInvocation(input),
      CreateOpsItem: (input) => this.opsCenter.handle('CreateOpsItem', input),
      DescribeOpsItems: (input) => this.opsCenter.handle('DescribeOpsItems', input),
      UpdateOpsItem: (input) => this.opsCenter.handle('UpdateOpsItem', input),
    };
    const handler = handlers[operation];
    if (handler === undefined) return undefined;
    try {
      if (!isPlainObject(body)) throw new SsmError('SerializationException', 'Could not parse the request body');
      const reply = handler(body);
      return reply === undefined ? undefined : { status: 200, body: reply };
    } catch (error) {
      if (error instanceof SsmError)
        return { status: error.status, body: { __type: error.errorType, message: error.message } };
      if (error instanceof OpsCenterError)
        return { status: 400, body: { __type: error.errorType, message: error.message, ...error.fields } };
      return { status: 500, body: { __type: 'InternalServerError', message: `fake-ssm-endpoint: ${String(error)}` } };
    }
  }

  private remember(request: unknown, reply: Buffer): void {
    let commandId: unknown;
    try {
      commandId = (JSON.parse(reply.toString('utf8')) as { Command?: { CommandId?: unknown } }).Command?.CommandId;
    } catch {
      return;
    }
    if (typeof commandId !== 'string' || !isPlainObject(request)) return;
    const parameters = isPlainObject(request.Parameters) ? (request.Parameters as Record<string, string[]>) : {};
    this.commands.set(commandId, {
      commandId,
      documentName: String(request.DocumentName ?? ''),
      documentVersion: typeof request.DocumentVersion === 'string' ? request.DocumentVersion : undefined,
      instanceIds: Array.isArray(request.InstanceIds) ? request.InstanceIds.map(String) : [],
      parameters,
      comment: typeof request.Comment === 'string' ? request.Comment : '',
      requestedAt: Date.now() / 1000,
      cloudWatchOutputConfig: request.CloudWatchOutputConfig,
      serviceRoleArn: typeof request.ServiceRoleArn === 'string' ? request.ServiceRoleArn : undefined,
      notificationConfig: request.NotificationConfig,
    });
  }

  private describeInstanceInformation(input: Record<string, unknown>): unknown {
    const size = checkMaxResults(input.MaxResults, 5, 50) ?? 50;
    const conditions = new Map<string, string[]>();
    const addFilters = (list: unknown, keyName: string, valuesName: string): void => {
      if (list === undefined) return;
      if (!Array.isArray(list))
        throw new SsmError('ValidationException', `1 validation error detected: '${keyName}' must be a list`);
      for (const filter of list) {
        const key = isPlainObject(filter) ? filter[keyName] : undefined;
        const values = isPlainObject(filter) ? filter[valuesName] : undefined;
        if (typeof key !== 'string' || !Array.isArray(values) || values.length < 1 || values.length > 100) {
          throw new SsmError(
            'ValidationException',
            `1 validation error detected: filter ${JSON.stringify(filter)} needs a key and 1-100 values`,
          );
        }
        if (!['InstanceIds', 'PingStatus', 'PlatformTypes', 'ResourceType'].includes(key)) {
          throw new SsmError('InvalidFilterKey', `fake-ssm-endpoint: filter key ${key} is not supported`);
        }
        conditions.set(key, [...(conditions.get(key) ?? []), ...values.map(String)]);
      }
    };
    addFilters(input.Filters, 'Key', 'Values');
    addFilters(input.InstanceInformationFilterList, 'key', 'valueSet');
    const fieldOf: Record<string, keyof ApiInstanceInformation> = {
      InstanceIds: 'InstanceId',
      PingStatus: 'PingStatus',
      PlatformTypes: 'PlatformType',
      ResourceType: 'ResourceType',
    };
    const matching = this.nodes.filter((node) =>
      [...conditions].every(([key, values]) =>
        values.includes(String(node[fieldOf[key] as keyof ApiInstanceInformation])),
      ),
    );
    const listingKey = `DescribeInstanceInformation:${JSON.stringify([...conditions])}`;
    const { items, nextToken } = page(matching, decodeToken(input.NextToken, listingKey), size, listingKey);
    return { InstanceInformationList: items, ...(nextToken ? { NextToken: nextToken } : {}) };
  }

  private checkCommandId(value: unknown): string | undefined {
    if (value === undefined) return undefined;
    if (typeof value !== 'string' || value.length !== 36) {
      throw new SsmError(
        'ValidationException',
        `1 validation error detected: Value '${String(value)}' at 'commandId' failed to satisfy constraint: Member must have length 36`,
      );
    }
    return value;
  }

  private listCommandInvocations(input: Record<string, unknown>): unknown {
    const size = checkMaxResults(input.MaxResults, 1, 50) ?? 50;
    if (input.Filters !== undefined)
      throw new SsmError('ValidationException', 'fake-ssm-endpoint: Filters are not implemented');
    const commandId = this.checkCommandId(input.CommandId);
    const instanceId = input.InstanceId === undefined ? undefined : String(input.InstanceId);
    const details = input.Details === true;
    const pairs = [...this.commands.values()]
      .filter((command) => commandId === undefined || command.commandId === commandId)
      .flatMap((command) =>
        command.instanceIds
          .filter((id) => instanceId === undefined || id === instanceId)
          .map((id) => [command, id] as const),
      );
    const listingKey = `ListCommandInvocations:${commandId ?? ''}:${instanceId ?? ''}`;
    const { items, nextToken } = page(pairs, decodeToken(input.NextToken, listingKey), size, listingKey);
    return {
      CommandInvocations: items.map(([command, id]) => this.invocation(command, id, details)),
      ...(nextToken ? { NextToken: nextToken } : {}),
    };
  }

  private getCommandInvocation(input: Record<string, unknown>): unknown {
    const commandId = this.checkCommandId(input.CommandId);
    const command = commandId === undefined ? undefined : this.commands.get(commandId);
    const instanceId = String(input.InstanceId ?? '');
    // Commands this front did not see (sent straight to moto) are moto's business.
    if (command === undefined) return undefined;
    if (!command.instanceIds.includes(instanceId))
      throw new SsmError('InvocationDoesNotExist', `Command ${command.commandId} was not sent to ${instanceId}.`);
    const invocation = this.invocation(command, instanceId, true) as {
      Status: string;
      StatusDetails: string;
      CommandPlugins: Record<string, unknown>[];
    };
    const wanted =
      input.PluginName === undefined
        ? invocation.CommandPlugins[0]
        : invocation.CommandPlugins.find((plugin) => plugin.Name === input.PluginName);
    if (wanted === undefined) throw new SsmError('InvalidPluginName', 'The plugin name is not valid.');
    return {
      CommandId: command.commandId,
      InstanceId: instanceId,
      Comment: command.comment,
      DocumentName: command.documentName,
      DocumentVersion: command.documentVersion ?? '$DEFAULT',
      PluginName: wanted.Name,
      ResponseCode: wanted.ResponseCode,
      ExecutionStartDateTime: '',
      ExecutionElapsedTime: '',
      ExecutionEndDateTime: '',
      Status: invocation.Status,
      StatusDetails: invocation.StatusDetails,
      StandardOutputContent: wanted.Output,
      StandardOutputUrl: '',
      StandardErrorContent: '',
      StandardErrorUrl: '',
      CloudWatchOutputConfig: command.cloudWatchOutputConfig ?? { CloudWatchOutputEnabled: false },
    };
  }

  private outcomeOf(command: SentCommand, instanceId: string): InvocationOutcome {
    const rule = this.outcomes.get(command.documentName) ?? this.defaultOutcome;
    return typeof rule === 'function' ? rule(command, instanceId) : rule;
  }

  /** One instance's invocation as ListCommandInvocations shows it now (each call counts as one listing). */
  private invocation(command: SentCommand, instanceId: string, details: boolean): unknown {
    const outcome = this.outcomeOf(command, instanceId);
    const key = `${command.commandId}/${instanceId}`;
    const listed = (this.listings.get(key) ?? 0) + 1;
    this.listings.set(key, listed);
    const pending = listed <= (outcome.pendingListings ?? 0);
    const plugins = outcome.plugins ?? DEFAULT_OUTCOME.plugins ?? [];
    const failed = plugins.some((plugin) => plugin.status !== undefined && plugin.status !== 'Success');
    const finalStatus: InvocationStatus = outcome.status ?? (failed ? 'Failed' : 'Success');
    const status: InvocationStatus = pending ? 'InProgress' : finalStatus;
    const started = command.requestedAt + 0.5;
    return {
      CommandId: command.commandId,
      InstanceId: instanceId,
      InstanceName: '',
      Comment: command.comment,
      DocumentName: command.documentName,
      DocumentVersion: command.documentVersion ?? '$DEFAULT',
      RequestedDateTime: command.requestedAt,
      Status: status,
      StatusDetails: pending ? 'InProgress' : (outcome.statusDetails ?? finalStatus),
      TraceOutput: '',
      StandardOutputUrl: '',
      StandardErrorUrl: '',
      ...(details
        ? {
            CommandPlugins: plugins.map((plugin) => {
              const pluginStatus: PluginStatus = pending ? 'InProgress' : (plugin.status ?? 'Success');
              return {
                Name: plugin.name,
                Status: pluginStatus,
                StatusDetails: plugin.statusDetails ?? pluginStatus,
                ResponseCode: pending ? -1 : (plugin.responseCode ?? (pluginStatus === 'Success' ? 0 : 1)),
                ResponseStartDateTime: started,
                ...(TERMINAL.has(pluginStatus) ? { ResponseFinishDateTime: started + 2 } : {}),
                Output: pending ? '' : (plugin.output ?? '').slice(0, OUTPUT_CAP),
                StandardOutputUrl: '',
                StandardErrorUrl: '',
                OutputS3Region: this.region,
                OutputS3BucketName: '',
                OutputS3KeyPrefix: '',
              };
            }),
          }
        : {}),
      ServiceRole: command.serviceRoleArn ?? '',
      NotificationConfig: command.notificationConfig ?? {
        NotificationArn: '',
        NotificationEvents: [],
        NotificationType: '',
      },
      CloudWatchOutputConfig: command.cloudWatchOutputConfig ?? {
        CloudWatchOutputEnabled: false,
        CloudWatchLogGroupName: '',
      },
    };
  }
}

/** Starts the SSM front on 127.0.0.1 (random port), forwarding what it does not answer to `motoEndpoint`. */
export function startFakeSsmEndpoint(options: FakeSsmOptions): Promise<FakeSsmEndpoint> {
  return FakeSsmEndpoint.start(options);
}
