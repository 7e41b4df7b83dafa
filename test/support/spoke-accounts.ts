// A hub's way into member accounts over HTTP, for integration tests (docs/design.md section 13):
//
// - StsFront: STS on 127.0.0.1 in front of moto. AssumeRole goes to moto, which issues credentials for any role (it
//   enforces no IAM), and the access key it issued is remembered with the role's account; for an account set to
//   deny, AssumeRole gets STS's own AccessDenied (awsQuery, HTTP 403) and never reaches moto, as when the spoke
//   stack is missing or trusts another hub.
// - AccountRouter: one address for a service whose fakes are per account (the SSM front): each request goes to
//   the fake of the account whose access key signed it (SigV4 `Credential=<key>/…`), as AWS would route it.
import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { serveHttp, type ServedHttp } from './local-http';
import { forwardRequest, headerValue, operationOf, type Reply } from './throttling-proxy';

/** The organization of the hub's integration tests: the hub, two members, and one whose spoke role refuses it. */
export const HUB = '111122223333';
export const ALPHA = '222233334444';
export const BRAVO = '555566667777';
export const DENYING = '888899990000';
/** The spoke's documents as its stack names them, in every member account. */
export const SPOKE_DOCUMENTS = {
  RestartReplicationAgent: 'MgnReplicationDoctorSpoke-RestartReplicationAgent-1',
  CheckDiskSpace: 'MgnReplicationDoctorSpoke-CheckDiskSpace-1',
  CheckConnectivity: 'MgnReplicationDoctorSpoke-CheckConnectivity-1',
} as const;

export const STS_XML_NAMESPACE = 'https://sts.amazonaws.com/doc/2011-06-15/';

/** The access key ID a SigV4 request was signed with. */
export function accessKeyOf(headers: IncomingHttpHeaders): string | undefined {
  return /Credential=([^/,\s]+)\//.exec(headerValue(headers, 'authorization') ?? '')?.[1];
}

/** `arn:<partition>:iam::<account>:role/<name>` → account. */
const accountOfRoleArn = (arn: string): string | undefined => /^arn:[\w-]+:iam::(\d{12}):role\//.exec(arn)?.[1];

export interface AssumeRoleRecord {
  readonly roleArn: string;
  readonly sessionName: string;
  readonly account: string | undefined;
  readonly denied: boolean;
}

export interface StsFrontOptions {
  /** moto's base URL. */
  readonly target: string;
  /** The account of the access key the hub itself signs with (moto's `test` key by default). */
  readonly ownAccount: string;
  readonly ownAccessKeyId?: string;
  /** Accounts whose spoke role the hub may not assume. */
  readonly deniedAccounts?: readonly string[];
}

export class StsFront {
  readonly assumeRoleRequests: AssumeRoleRecord[] = [];
  private readonly keys = new Map<string, string>();
  private readonly denied: Set<string>;
  private served: ServedHttp | undefined;

  private constructor(private readonly options: StsFrontOptions) {
    this.denied = new Set(options.deniedAccounts ?? []);
    this.keys.set(options.ownAccessKeyId ?? 'test', options.ownAccount);
  }

  static async start(options: StsFrontOptions): Promise<StsFront> {
    const front = new StsFront(options);
    front.served = await serveHttp(
      (method, path, headers, raw) => front.handle(method, path, headers, raw),
      'sts-front',
    );
    return front;
  }

  get url(): string {
    return this.served?.url ?? '';
  }

  /** The account an access key acts in: the hub's own key's, or the role's of an AssumeRole that issued it. */
  accountOf(accessKeyId: string | undefined): string | undefined {
    return accessKeyId === undefined ? undefined : this.keys.get(accessKeyId);
  }

  close(): Promise<void> {
    return this.served?.close() ?? Promise.resolve();
  }

  private async handle(method: string, path: string, headers: IncomingHttpHeaders, raw: Buffer): Promise<Reply> {
    const body = raw.toString('utf8');
    if (operationOf(path, headers, body) !== 'AssumeRole')
      return forwardRequest(this.options.target, method, path, headers, raw);
    const form = new URLSearchParams(body);
    const roleArn = form.get('RoleArn') ?? '';
    const account = accountOfRoleArn(roleArn);
    const denied = account !== undefined && this.denied.has(account);
    this.assumeRoleRequests.push({ roleArn, sessionName: form.get('RoleSessionName') ?? '', account, denied });
    if (denied) return accessDenied(this.accountOf(accessKeyOf(headers)) ?? 'unknown', roleArn);
    const reply = await forwardRequest(this.options.target, method, path, headers, raw);
    const issued = /<AccessKeyId>([^<]+)<\/AccessKeyId>/.exec(reply.body.toString())?.[1];
    if (reply.status === 200 && issued !== undefined && account !== undefined) this.keys.set(issued, account);
    return reply;
  }
}

/** STS's refusal when the role's trust policy does not name the caller (or the role does not exist). */
function accessDenied(callerAccount: string, roleArn: string): Reply {
  const requestId = randomUUID();
  const message = `User: arn:aws:sts::${callerAccount}:assumed-role/MgnReplicationDoctorHub/doctor is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`;
  return {
    status: 403,
    headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId },
    body:
      `<ErrorResponse xmlns="${STS_XML_NAMESPACE}"><Error><Type>Sender</Type><Code>AccessDenied</Code>` +
      `<Message>${message}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`,
  };
}

export interface RoutedRequest {
  readonly account: string | undefined;
  readonly operation: string;
}

export class AccountRouter {
  readonly requests: RoutedRequest[] = [];
  private served: ServedHttp | undefined;

  private constructor(
    private readonly targets: Readonly<Record<string, string>>,
    private readonly accountOf: (accessKeyId: string | undefined) => string | undefined,
  ) {}

  /** `targets`: each account's base URL; `accountOf`: the account an access key acts in (StsFront knows). */
  static async start(
    targets: Readonly<Record<string, string>>,
    accountOf: (accessKeyId: string | undefined) => string | undefined,
  ): Promise<AccountRouter> {
    const router = new AccountRouter(targets, accountOf);
    router.served = await serveHttp(
      (method, path, headers, raw) => router.handle(method, path, headers, raw),
      'account-router',
    );
    return router;
  }

  get url(): string {
    return this.served?.url ?? '';
  }

  /** The operations each account received, in order. */
  operationsOf(account: string): string[] {
    return this.requests.filter((request) => request.account === account).map((request) => request.operation);
  }

  close(): Promise<void> {
    return this.served?.close() ?? Promise.resolve();
  }

  private handle(method: string, path: string, headers: IncomingHttpHeaders, raw: Buffer): Promise<Reply> {
    const account = this.accountOf(accessKeyOf(headers));
    this.requests.push({ account, operation: operationOf(path, headers, raw.toString('utf8')) });
    const target = account === undefined ? undefined : this.targets[account];
    if (target === undefined)
      return Promise.resolve({
        status: 400,
        headers: { 'content-type': 'application/x-amz-json-1.1' },
        body: JSON.stringify({ __type: 'UnrecognizedClientException', message: 'The security token is invalid.' }),
      });
    return forwardRequest(target, method, path, headers, raw);
  }
}
