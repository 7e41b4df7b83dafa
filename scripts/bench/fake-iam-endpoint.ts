// IAM for the benchmark: GetRole (awsQuery: form-encoded request, XML reply) for MGN's service roles. A role that
// is not there answers 404 NoSuchEntity, as IAM does. By default every role of MGN_SERVICE_ROLES exists.
import { MGN_SERVICE_ROLES } from '../../lambdas/shared/mgn-service-roles';
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

const NAMESPACE = 'https://iam.amazonaws.com/doc/2010-05-08/';
const ROLE_NAME = /^[\w+=,.@-]{1,64}$/;

export interface FakeRole {
  readonly name: string;
  readonly path: string;
}

export interface FakeIamOptions {
  readonly roles?: readonly FakeRole[];
  readonly accountId?: string;
  readonly latencyMs?: Latency;
}

export class FakeIamEndpoint extends QueryProtocolEndpoint {
  /** Existing roles by name; delete one to make GetRole answer NoSuchEntity. */
  readonly roles: Map<string, FakeRole>;
  private readonly accountId: string;

  private constructor(options: FakeIamOptions) {
    super(options.latencyMs);
    this.roles = new Map(
      (options.roles ?? MGN_SERVICE_ROLES).map((role) => [role.name, { name: role.name, path: role.path }]),
    );
    this.accountId = options.accountId ?? '111122223333';
  }

  static start(options: FakeIamOptions = {}): Promise<FakeIamEndpoint> {
    return new FakeIamEndpoint(options).start();
  }

  protected answer(operation: string, request: RequestInfo): EndpointReply {
    if (operation !== 'GetRole')
      return awsQueryError(
        400,
        'InvalidAction',
        `Could not find operation ${operation} for version 2010-05-08`,
        NAMESPACE,
      );
    const name = parseForm(request.body).get('RoleName') ?? '';
    if (!ROLE_NAME.test(name)) {
      return awsQueryError(
        400,
        'ValidationError',
        `1 validation error detected: Value '${name}' at 'roleName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+`,
        NAMESPACE,
      );
    }
    const role = this.roles.get(name);
    if (!role) return awsQueryError(404, 'NoSuchEntity', `The role with name ${name} cannot be found.`, NAMESPACE);
    const trust = encodeURIComponent(
      JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { Service: 'mgn.amazonaws.com' }, Action: 'sts:AssumeRole' }],
      }),
    );
    return awsQueryResult(
      'GetRole',
      NAMESPACE,
      `<Role><Path>${escapeXml(role.path)}</Path><RoleName>${escapeXml(role.name)}</RoleName><RoleId>AROA${Buffer.from(role.name).toString('hex').slice(0, 17).toUpperCase()}</RoleId>` +
        `<Arn>arn:aws:iam::${this.accountId}:role${escapeXml(role.path)}${escapeXml(role.name)}</Arn><CreateDate>2026-10-30T10:00:00Z</CreateDate>` +
        `<AssumeRolePolicyDocument>${trust}</AssumeRolePolicyDocument><MaxSessionDuration>3600</MaxSessionDuration></Role>`,
    );
  }
}

export function startFakeIamEndpoint(options: FakeIamOptions = {}): Promise<FakeIamEndpoint> {
  return FakeIamEndpoint.start(options);
}
