// EC2: the private IPv4 address of each replication server (an EC2 instance MGN launches in the staging
// subnet of this account and Region), for the connectivity check's port-1500 probe.
import type { EC2Client, Reservation } from '@aws-sdk/client-ec2';
import { loadEc2Sdk } from './aws-clients';
import type { ReplicationServerLocator } from '../core/ports';
import { chunk, collectPages, unique } from './paging';

/**
 * DescribeInstances takes up to 1000 InstanceIds; 200 keeps one retry after a NotFound cheap. MaxResults cannot
 * be combined with InstanceIds, so pages are whatever EC2 returns (NextToken is still followed).
 */
const IDS_PER_REQUEST = 200;
const NOT_FOUND = 'InvalidInstanceID.NotFound';

export class Ec2ReplicationServerLocator implements ReplicationServerLocator {
  /** `ec2` builds the client on first use (see createAwsClients): most runs never need it. */
  constructor(private readonly ec2: () => EC2Client) {}

  async findPrivateIps(instanceIds: readonly string[]): Promise<Map<string, string>> {
    const ips = new Map<string, string>();
    // No IDs means no call: DescribeInstances without InstanceIds would list every instance.
    for (const batch of chunk(unique(instanceIds), IDS_PER_REQUEST)) {
      for (const [instanceId, ip] of await this.describeSkippingMissing(batch)) ips.set(instanceId, ip);
    }
    return ips;
  }

  /**
   * MGN replaces replication servers; the ID it reported may be terminated and gone. EC2 then fails the whole
   * request with InvalidInstanceID.NotFound naming the missing IDs: ask again without them. Each retry drops at
   * least one ID, so this ends; should the message name none of the batch, fall back to one ID per call.
   */
  private async describeSkippingMissing(batch: readonly string[]): Promise<Map<string, string>> {
    let remaining = [...batch];
    while (remaining.length > 0) {
      try {
        return await this.describe(remaining);
      } catch (error) {
        if (!isNotFound(error)) throw error;
        const missing = new Set(instanceIdsIn(error.message));
        const rest = remaining.filter((instanceId) => !missing.has(instanceId));
        if (rest.length === remaining.length) return this.describeOneByOne(remaining);
        remaining = rest;
      }
    }
    return new Map();
  }

  private async describeOneByOne(instanceIds: readonly string[]): Promise<Map<string, string>> {
    const ips = new Map<string, string>();
    // Sequential on purpose: a rare fallback, and EC2 throttles bursts of describe calls per account.
    for (const instanceId of instanceIds) {
      try {
        for (const [id, ip] of await this.describe([instanceId])) ips.set(id, ip);
      } catch (error) {
        if (!isNotFound(error)) throw error;
      }
    }
    return ips;
  }

  private async describe(instanceIds: readonly string[]): Promise<Map<string, string>> {
    const reservations = await collectPages(async (nextToken: string | undefined) => {
      const { DescribeInstancesCommand } = loadEc2Sdk();
      const page = await this.ec2().send(
        new DescribeInstancesCommand({ InstanceIds: [...instanceIds], NextToken: nextToken }),
      );
      return { items: page.Reservations, next: page.NextToken };
    });
    return privateIps(reservations);
  }
}

/** Instance ID → primary private IPv4 address; instances without one (terminated, IPv6-only) are left out. */
function privateIps(reservations: readonly Reservation[]): Map<string, string> {
  const ips = new Map<string, string>();
  for (const instance of reservations.flatMap((reservation) => reservation.Instances ?? [])) {
    if (instance.InstanceId && instance.PrivateIpAddress) ips.set(instance.InstanceId, instance.PrivateIpAddress);
  }
  return ips;
}

function isNotFound(error: unknown): error is Error {
  return error instanceof Error && error.name === NOT_FOUND;
}

/**
 * The IDs in "The instance ID 'i-0abc' does not exist" / "The instance IDs 'i-0abc, i-0def' do not exist".
 * Exported for tests.
 */
export function instanceIdsIn(message: string): string[] {
  return unique(message.match(/\bi-[0-9a-f]+\b/g) ?? []);
}
