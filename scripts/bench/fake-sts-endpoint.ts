// STS for the benchmark's program scenario (docs/design.md section 13): AssumeRole (awsQuery: form-encoded request,
// XML reply) into a member account's spoke role. Each call issues new credentials whose access key is remembered
// with the role's account, so the SSM router can send a spoke's calls to that account's endpoint, as AWS would. A
// role in an account set to deny gets STS's AccessDenied (403), as when the spoke stack is missing.
import { randomBytes } from 'node:crypto';
import {
  awsQueryError,
  awsQueryResult,
  escapeXml,
  QueryProtocolEndpoint,
  parseForm,
  type EndpointReply,
  type Latency,
  type RequestInfo,
} from './local-endpoint';

const NAMESPACE = 'https://sts.amazonaws.com/doc/2011-06-15/';
const ROLE_ARN = /^arn:[\w-]+:iam::(\d{12}):role\/[\w+=,.@/-]{1,512}$/;
const SESSION_NAME = /^[\w+=,.@-]{2,64}$/;
const SESSION_SECONDS = 3600;

export interface FakeStsOptions {
  /** The account of the key the hub signs with (`AWS_ACCESS_KEY_ID`, `test` in the bench). */
  readonly ownAccount: string;
  readonly ownAccessKeyId?: string;
  readonly deniedAccounts?: readonly string[];
  readonly latencyMs?: Latency;
  /** The time credentials are issued at (their expiry is an hour later). */
  readonly now?: () => Date;
}

export class FakeStsEndpoint extends QueryProtocolEndpoint {
  /** Accounts whose spoke role the hub may not assume; edit between runs. */
  readonly denied: Set<string>;
  private readonly keys = new Map<string, string>();
  private readonly now: () => Date;

  private constructor(private readonly options: FakeStsOptions) {
    super(options.latencyMs);
    this.denied = new Set(options.deniedAccounts ?? []);
    this.keys.set(options.ownAccessKeyId ?? 'test', options.ownAccount);
    this.now = options.now ?? (() => new Date());
  }

  static start(options: FakeStsOptions): Promise<FakeStsEndpoint> {
    return new FakeStsEndpoint(options).start();
  }

  /** The account an access key acts in: the hub's own key's, or the account of the role it was issued for. */
  accountOf(accessKeyId: string | undefined): string | undefined {
    return accessKeyId === undefined ? undefined : this.keys.get(accessKeyId);
  }

  protected answer(operation: string, request: RequestInfo): EndpointReply {
    if (operation !== 'AssumeRole')
      return awsQueryError(
        400,
        'InvalidAction',
        `Could not find operation ${operation} for version 2011-06-15`,
        NAMESPACE,
      );
    const form = parseForm(request.body);
    const roleArn = form.get('RoleArn') ?? '';
    const sessionName = form.get('RoleSessionName') ?? '';
    const account = ROLE_ARN.exec(roleArn)?.[1];
    if (account === undefined || !SESSION_NAME.test(sessionName))
      return awsQueryError(
        400,
        'ValidationError',
        `1 validation error detected: ${account === undefined ? `Value '${roleArn}' at 'roleArn'` : `Value '${sessionName}' at 'roleSessionName'`} failed to satisfy constraint`,
        NAMESPACE,
      );
    if (this.denied.has(account))
      return awsQueryError(
        403,
        'AccessDenied',
        `User: arn:aws:sts::${this.options.ownAccount}:assumed-role/MgnReplicationDoctorHub/doctor is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`,
        NAMESPACE,
      );
    const accessKeyId = `ASIA${randomBytes(8).toString('hex').toUpperCase()}`;
    this.keys.set(accessKeyId, account);
    const expiration = new Date(this.now().getTime() + SESSION_SECONDS * 1000).toISOString();
    const roleName = roleArn.slice(roleArn.lastIndexOf('/') + 1);
    return awsQueryResult(
      'AssumeRole',
      NAMESPACE,
      `<Credentials><AccessKeyId>${accessKeyId}</AccessKeyId><SecretAccessKey>${randomBytes(20).toString('base64')}</SecretAccessKey>` +
        `<SessionToken>${randomBytes(32).toString('base64')}</SessionToken><Expiration>${expiration}</Expiration></Credentials>` +
        `<AssumedRoleUser><AssumedRoleId>AROA${account}:${escapeXml(sessionName)}</AssumedRoleId>` +
        `<Arn>arn:aws:sts::${account}:assumed-role/${escapeXml(roleName)}/${escapeXml(sessionName)}</Arn></AssumedRoleUser>`,
    );
  }
}

export function startFakeStsEndpoint(options: FakeStsOptions): Promise<FakeStsEndpoint> {
  return FakeStsEndpoint.start(options);
}
