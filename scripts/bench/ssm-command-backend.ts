// What the SSM front (test/support/fake-ssm-endpoint.ts) forwards to, in place of moto: the benchmark needs no
// Python. The front answers DescribeInstanceInformation and ListCommandInvocations itself and forwards the rest;
// this backend answers SendCommand (awsJson1.1) the way SSM does, with SSM's checks on what the doctor sends
// (known document, at most 50 known instances, comment ≤ 100, MaxConcurrency/MaxErrors/TimeoutSeconds forms,
// log group name), and refuses every other operation. The front reads the command ID from its reply and
// remembers the command, so ListCommandInvocations then lists its invocations.
// No latency here: the front already waits before forwarding.
import { randomUUID } from 'node:crypto';
import { LocalEndpoint, type EndpointReply, type RequestInfo } from './local-endpoint';

const JSON_TYPE = { 'content-type': 'application/x-amz-json-1.1' } as const;
const MAX_CONCURRENCY = /^([1-9][0-9]*|[1-9][0-9]%|[1-9]%|100%)$/;
const MAX_ERRORS = /^([1-9][0-9]*|[0]|[1-9][0-9]%|[0-9]%|100%)$/;
const LOG_GROUP = /^[.\-_/#A-Za-z0-9]{1,512}$/;

export interface SsmCommandBackendOptions {
  /** Documents SendCommand accepts, by name. */
  readonly documentNames: readonly string[];
  /** Managed nodes SSM knows (anything else is an InvalidInstanceId). */
  readonly knownInstanceIds: () => ReadonlySet<string>;
  readonly accountId?: string;
  readonly region?: string;
}

const error = (type: string, message: string, status = 400): EndpointReply => ({
  status,
  headers: JSON_TYPE,
  body: JSON.stringify({ __type: type, message }),
});

export class SsmCommandBackend extends LocalEndpoint {
  private readonly documents: ReadonlySet<string>;
  /** Called as each SendCommand arrives, before it is answered (the bench counts the calls that came first). */
  onSendCommand?: () => void;

  private constructor(private readonly options: SsmCommandBackendOptions) {
    super(0);
    this.documents = new Set(options.documentNames);
  }

  static start(options: SsmCommandBackendOptions): Promise<SsmCommandBackend> {
    return new SsmCommandBackend(options).start();
  }

  protected operationOf(request: RequestInfo): string {
    return String(request.headers['x-amz-target'] ?? '').replace(/^AmazonSSM\./, '') || 'Unknown';
  }

  protected answer(operation: string, request: RequestInfo): EndpointReply {
    if (operation !== 'SendCommand')
      return error('UnknownOperationException', `bench SSM backend: ${operation} is not implemented`);
    this.onSendCommand?.();
    let input: Record<string, unknown>;
    try {
      input = JSON.parse(request.body) as Record<string, unknown>;
    } catch {
      return error('SerializationException', 'Could not parse the request body');
    }
    const problems: string[] = [];
    const {
      DocumentName,
      InstanceIds = [],
      Comment,
      MaxConcurrency,
      MaxErrors,
      TimeoutSeconds,
      Parameters = {},
      CloudWatchOutputConfig,
    } = input;
    if (typeof DocumentName !== 'string')
      problems.push("Value null at 'documentName' failed to satisfy constraint: Member must not be null");
    if (!Array.isArray(InstanceIds) || InstanceIds.length > 50)
      problems.push(
        "Value at 'instanceIds' failed to satisfy constraint: Member must have length less than or equal to 50",
      );
    if (Comment !== undefined && (typeof Comment !== 'string' || Comment.length > 100))
      problems.push(
        "Value at 'comment' failed to satisfy constraint: Member must have length less than or equal to 100",
      );
    if (MaxConcurrency !== undefined && !MAX_CONCURRENCY.test(String(MaxConcurrency)))
      problems.push(`Value '${String(MaxConcurrency)}' at 'maxConcurrency' failed to satisfy constraint`);
    if (MaxErrors !== undefined && !MAX_ERRORS.test(String(MaxErrors)))
      problems.push(`Value '${String(MaxErrors)}' at 'maxErrors' failed to satisfy constraint`);
    if (
      TimeoutSeconds !== undefined &&
      (!Number.isInteger(TimeoutSeconds) || (TimeoutSeconds as number) < 30 || (TimeoutSeconds as number) > 2_592_000)
    ) {
      problems.push(`Value '${String(TimeoutSeconds)}' at 'timeoutSeconds' failed to satisfy constraint`);
    }
    const logGroup = (CloudWatchOutputConfig as { CloudWatchLogGroupName?: unknown } | undefined)
      ?.CloudWatchLogGroupName;
    if (logGroup !== undefined && !LOG_GROUP.test(String(logGroup)))
      problems.push("Value at 'cloudWatchOutputConfig.cloudWatchLogGroupName' failed to satisfy constraint");
    const parametersValid =
      typeof Parameters === 'object' &&
      Parameters !== null &&
      Object.values(Parameters).every(
        (values) => Array.isArray(values) && values.every((value) => typeof value === 'string'),
      );
    if (!parametersValid)
      problems.push("Value at 'parameters' failed to satisfy constraint: Member must be a map of string lists");
    if (problems.length > 0)
      return error(
        'ValidationException',
        `${problems.length} validation error${problems.length === 1 ? '' : 's'} detected: ${problems.join('; ')}`,
      );

    if (!this.documents.has(DocumentName as string))
      return error('InvalidDocument', `Document with name ${String(DocumentName)} does not exist.`);
    const ids = (InstanceIds as unknown[]).map(String);
    if (ids.length === 0) return error('ValidationException', 'InstanceIds or Targets must be specified');
    const known = this.options.knownInstanceIds();
    const unknown = ids.filter((id) => !known.has(id));
    if (unknown.length > 0)
      return error(
        'InvalidInstanceId',
        `Instances [[${unknown.join(', ')}]] not in a valid state for account ${this.options.accountId ?? '111122223333'}`,
      );

    const now = Date.now() / 1000;
    const timeout = (TimeoutSeconds as number | undefined) ?? 3600;
    return {
      status: 200,
      headers: JSON_TYPE,
      body: JSON.stringify({
        Command: {
          CommandId: randomUUID(),
          DocumentName,
          DocumentVersion: '$DEFAULT',
          Comment: Comment ?? '',
          ExpiresAfter: now + timeout + 3600,
          Parameters,
          InstanceIds: ids,
          Targets: [],
          RequestedDateTime: now,
          Status: 'Pending',
          StatusDetails: 'Pending',
          OutputS3Region: this.options.region ?? 'us-east-1',
          OutputS3BucketName: '',
          OutputS3KeyPrefix: '',
          MaxConcurrency: MaxConcurrency ?? '50',
          MaxErrors: MaxErrors ?? '0',
          TargetCount: ids.length,
          CompletedCount: 0,
          ErrorCount: 0,
          DeliveryTimedOutCount: 0,
          ServiceRole: '',
          NotificationConfig: { NotificationArn: '', NotificationEvents: [], NotificationType: '' },
          CloudWatchOutputConfig: CloudWatchOutputConfig ?? {
            CloudWatchOutputEnabled: false,
            CloudWatchLogGroupName: '',
          },
          TimeoutSeconds: timeout,
          TriggeredAlarms: [],
        },
      }),
    };
  }
}

export function startSsmCommandBackend(options: SsmCommandBackendOptions): Promise<SsmCommandBackend> {
  return SsmCommandBackend.start(options);
}
