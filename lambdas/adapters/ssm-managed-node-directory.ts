// SSM's inventory of managed nodes (EC2 `i-…` and hybrid `mi-…`), read with DescribeInstanceInformation.
import {
  DescribeInstanceInformationCommand,
  type InstanceInformation,
  type InstanceInformationStringFilter,
  type SSMClient,
} from '@aws-sdk/client-ssm';
import type { ManagedNode } from '../core/model';
import type { ManagedNodeDirectory } from '../core/ports';
import { chunk, collectPages, unique } from './paging';

/** DescribeInstanceInformation's largest page. One ID filter batch is the same size, so it is one call. */
const PAGE_SIZE = 50;

export class SsmManagedNodeDirectory implements ManagedNodeDirectory {
  constructor(private readonly ssm: SSMClient) {}

  async describeNodes(instanceIds: readonly string[]): Promise<ManagedNode[]> {
    // No IDs means no nodes; an empty filter would be rejected (or, without it, list everything).
    const nodes: ManagedNode[] = [];
    for (const batch of chunk(unique(instanceIds), PAGE_SIZE)) {
      nodes.push(...(await this.describe([{ Key: 'InstanceIds', Values: batch }])));
    }
    return nodes;
  }

  listNodes(): Promise<ManagedNode[]> {
    return this.describe(undefined);
  }

  private async describe(filters: InstanceInformationStringFilter[] | undefined): Promise<ManagedNode[]> {
    // Each page is mapped as it arrives: the raw inventory of thousands of nodes is never held at once.
    return collectPages(async (nextToken: string | undefined) => {
      const page = await this.ssm.send(
        new DescribeInstanceInformationCommand({ Filters: filters, MaxResults: PAGE_SIZE, NextToken: nextToken }),
      );
      return {
        items: (page.InstanceInformationList ?? []).flatMap((item) => toManagedNode(item) ?? []),
        next: page.NextToken,
      };
    });
  }
}

export function toManagedNode(info: InstanceInformation): ManagedNode | undefined {
  // A node without an ID cannot receive commands; SSM always sends one.
  if (!info.InstanceId) return undefined;
  return {
    instanceId: info.InstanceId,
    // Only `Online` nodes get commands, so a missing status must never read as Online.
    pingStatus: info.PingStatus ?? 'Unknown',
    platformType: info.PlatformType,
    computerName: info.ComputerName,
    ipAddress: info.IPAddress,
    lastPingDateTime: info.LastPingDateTime?.toISOString(),
  };
}
