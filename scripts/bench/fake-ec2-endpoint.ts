// EC2 for the benchmark: DescribeInstances by InstanceId (ec2Query: form-encoded `InstanceId.N`, XML reply), for
// the replication servers MGN names as `replicatorId`. As EC2 does: an unknown ID fails the whole request with
// InvalidInstanceID.NotFound naming the missing IDs, MaxResults cannot be combined with InstanceIds, and
// without InstanceIds every instance is listed (paged by MaxResults 5-1000 and NextToken).
import { randomUUID } from 'node:crypto';
import {
  ec2QueryError,
  escapeXml,
  listParameter,
  QueryProtocolEndpoint,
  parseForm,
  type EndpointReply,
  type Latency,
  type RequestInfo,
} from './local-endpoint';

const NAMESPACE = 'http://ec2.amazonaws.com/doc/2016-11-15/';
const INSTANCE_ID = /^i-[0-9a-f]{8}([0-9a-f]{9})?$/;

export interface FakeInstance {
  readonly instanceId: string;
  readonly privateIpAddress: string;
  readonly state?: 'running' | 'stopped' | 'terminated';
}

export interface FakeEc2Options {
  readonly instances?: readonly FakeInstance[];
  readonly latencyMs?: Latency;
  readonly ownerId?: string;
}

function instanceXml(instance: FakeInstance): string {
  const state = instance.state ?? 'running';
  const code = { running: 16, stopped: 80, terminated: 48 }[state];
  return (
    `<item><instanceId>${escapeXml(instance.instanceId)}</instanceId><imageId>ami-0abcdef1234567890</imageId>` +
    `<instanceState><code>${code}</code><name>${state}</name></instanceState>` +
    `<privateDnsName>ip-${instance.privateIpAddress.replace(/\./g, '-')}.ec2.internal</privateDnsName>` +
    `<instanceType>t3.small</instanceType><launchTime>2026-11-01T09:05:00.000Z</launchTime>` +
    `<subnetId>subnet-0a1b2c3d4e5f60718</subnetId><vpcId>vpc-0a1b2c3d4e5f60718</vpcId>` +
    (state === 'terminated' ? '' : `<privateIpAddress>${escapeXml(instance.privateIpAddress)}</privateIpAddress>`) +
    `<architecture>x86_64</architecture><rootDeviceType>ebs</rootDeviceType>` +
    `<tagSet><item><key>AWSApplicationMigrationServiceManaged</key><value>mgn.amazonaws.com</value></item></tagSet></item>`
  );
}

export class FakeEc2Endpoint extends QueryProtocolEndpoint {
  readonly instances: Map<string, FakeInstance>;
  private readonly ownerId: string;

  private constructor(options: FakeEc2Options) {
    super(options.latencyMs);
    this.instances = new Map((options.instances ?? []).map((instance) => [instance.instanceId, instance]));
    this.ownerId = options.ownerId ?? '111122223333';
  }

  static start(options: FakeEc2Options = {}): Promise<FakeEc2Endpoint> {
    return new FakeEc2Endpoint(options).start();
  }

  protected answer(operation: string, request: RequestInfo): EndpointReply {
    if (operation !== 'DescribeInstances')
      return ec2QueryError(400, 'InvalidAction', `The action ${operation} is not valid for this web service.`);
    const form = parseForm(request.body);
    const ids = listParameter(form, 'InstanceId');
    const maxResults = form.get('MaxResults');
    if (ids.length > 0 && maxResults !== undefined) {
      return ec2QueryError(
        400,
        'InvalidParameterCombination',
        'The parameter instancesSet cannot be used with the parameter maxResults',
      );
    }
    const malformed = ids.filter((id) => !INSTANCE_ID.test(id));
    if (malformed.length > 0) return ec2QueryError(400, 'InvalidInstanceID.Malformed', `Invalid id: "${malformed[0]}"`);

    let selected: FakeInstance[];
    let nextToken: string | undefined;
    if (ids.length > 0) {
      const missing = ids.filter((id) => !this.instances.has(id));
      if (missing.length === 1)
        return ec2QueryError(400, 'InvalidInstanceID.NotFound', `The instance ID '${missing[0]}' does not exist`);
      if (missing.length > 1)
        return ec2QueryError(
          400,
          'InvalidInstanceID.NotFound',
          `The instance IDs '${missing.join(', ')}' do not exist`,
        );
      selected = [...new Set(ids)].map((id) => this.instances.get(id) as FakeInstance);
    } else {
      const size = maxResults === undefined ? 1000 : Number(maxResults);
      if (!Number.isInteger(size) || size < 5 || size > 1000)
        return ec2QueryError(
          400,
          'InvalidParameterValue',
          `Value (${maxResults}) for parameter maxResults is invalid. Expecting a value between 5 and 1000.`,
        );
      const offset = form.has('NextToken')
        ? Number(Buffer.from(form.get('NextToken') as string, 'base64').toString('utf8'))
        : 0;
      if (!Number.isInteger(offset) || offset < 0)
        return ec2QueryError(400, 'InvalidParameterValue', 'Invalid value for nextToken');
      const all = [...this.instances.values()];
      selected = all.slice(offset, offset + size);
      if (offset + size < all.length) nextToken = Buffer.from(String(offset + size), 'utf8').toString('base64');
    }
    const reservations = selected
      .map(
        (instance) =>
          `<item><reservationId>r-${instance.instanceId.slice(2)}</reservationId><ownerId>${this.ownerId}</ownerId>` +
          `<groupSet/><instancesSet>${instanceXml(instance)}</instancesSet></item>`,
      )
      .join('');
    return {
      status: 200,
      headers: { 'content-type': 'text/xml' },
      body:
        `<DescribeInstancesResponse xmlns="${NAMESPACE}"><requestId>${randomUUID()}</requestId>` +
        `<reservationSet>${reservations}</reservationSet>${nextToken ? `<nextToken>${nextToken}</nextToken>` : ''}</DescribeInstancesResponse>`,
    };
  }
}

export function startFakeEc2Endpoint(options: FakeEc2Options = {}): Promise<FakeEc2Endpoint> {
  return FakeEc2Endpoint.start(options);
}
