// MGN through its API: list source servers, retry data replication, read replication settings.
// Deliberately absent: StopReplication, DisconnectFromService, FinalizeCutover, MarkAsArchived and anything
// else that deletes replicated data or ends a migration; the doctor only repairs.
import {
  DescribeSourceServersCommand,
  GetReplicationConfigurationCommand,
  RetryDataReplicationCommand,
  type DataReplicationInfo,
  type DescribeSourceServersRequestFilters,
  type MgnClient,
  type SourceServer as MgnSourceServer,
} from '@aws-sdk/client-mgn';
import type { ReplicationSettings, SourceServer } from '../core/model';
import { plainHostText } from '../core/text';
import type { SourceServerRepository } from '../core/ports';
import { chunk, collectPages, unique } from './paging';

/**
 * `replicatorId` is in the current MGN model but not in client-mgn 3.523 (the only published version here).
 * The 3.523 deserializer passes `items` through as plain JSON, so the field does arrive at runtime.
 */
type DataReplicationInfoWithReplicator = DataReplicationInfo & { readonly replicatorId?: string };

/** DescribeSourceServers limits (API model): `maxResults` 1–1000, `filters.sourceServerIDs` 0–200. */
const PAGE_SIZE = 1000;
const IDS_PER_REQUEST = 200;

export class MgnSourceServerRepository implements SourceServerRepository {
  constructor(private readonly mgn: MgnClient) {}

  async listSourceServers(filter?: { readonly sourceServerIds?: readonly string[] }): Promise<SourceServer[]> {
    const ids = filter?.sourceServerIds;
    if (ids === undefined) return this.describe({ isArchived: false });
    // An empty ID filter would list every server: "none of these" means no call at all.
    const servers: SourceServer[] = [];
    for (const batch of chunk(unique(ids), IDS_PER_REQUEST)) {
      servers.push(...(await this.describe({ isArchived: false, sourceServerIDs: batch })));
    }
    return servers;
  }

  async retryDataReplication(sourceServerId: string): Promise<void> {
    await this.mgn.send(new RetryDataReplicationCommand({ sourceServerID: sourceServerId }));
  }

  async getReplicationSettings(sourceServerId: string): Promise<ReplicationSettings> {
    const configuration = await this.mgn.send(
      new GetReplicationConfigurationCommand({ sourceServerID: sourceServerId }),
    );
    return {
      bandwidthThrottling: configuration.bandwidthThrottling,
      createPublicIP: configuration.createPublicIP,
      dataPlaneRouting: configuration.dataPlaneRouting,
      useDedicatedReplicationServer: configuration.useDedicatedReplicationServer,
      stagingAreaSubnetId: configuration.stagingAreaSubnetId,
    };
  }

  private async describe(filters: DescribeSourceServersRequestFilters): Promise<SourceServer[]> {
    // Each page is flattened as it arrives, so the raw API items of 4,000 servers are never all held at once.
    return collectPages(async (nextToken: string | undefined) => {
      const page = await this.mgn.send(new DescribeSourceServersCommand({ filters, maxResults: PAGE_SIZE, nextToken }));
      return { items: (page.items ?? []).flatMap((item) => toSourceServer(item) ?? []), next: page.nextToken };
    });
  }
}

/**
 * Flattens the API shape. Every field is optional in the MGN model, so missing ones stay undefined, and enum
 * values pass through as strings (MGN adds values before the docs list them).
 */
export function toSourceServer(server: MgnSourceServer): SourceServer | undefined {
  // An item without an ID cannot be acted on or followed; MGN always sends one.
  if (!server.sourceServerID) return undefined;
  const replication: DataReplicationInfoWithReplicator | undefined = server.dataReplicationInfo;
  const hints = server.sourceProperties?.identificationHints;
  return {
    sourceServerId: server.sourceServerID,
    arn: server.arn,
    isArchived: server.isArchived ?? false,
    replicationType: server.replicationType,
    lifeCycleState: server.lifeCycle?.state,
    lastSeenByServiceDateTime: server.lifeCycle?.lastSeenByServiceDateTime,
    dataReplicationState: replication?.dataReplicationState,
    errorCode: replication?.dataReplicationError?.error,
    rawError: replication?.dataReplicationError?.rawError,
    lagDuration: replication?.lagDuration,
    etaDateTime: replication?.etaDateTime,
    replicatorId: replication?.replicatorId,
    backloggedStorageBytes: sumBacklog(replication?.replicatedDisks),
    // The agent reports these about its own host: plain text only, so they cannot forge lines in a digest.
    hostname: plainHostText(hints?.hostname),
    fqdn: plainHostText(hints?.fqdn),
    awsInstanceId: hints?.awsInstanceID,
    osFullString: plainHostText(server.sourceProperties?.os?.fullString),
    ips: networkIps(server.sourceProperties?.networkInterfaces),
    tags: { ...server.tags },
  };
}

/** Undefined unless at least one disk reports its backlog: "no data" must not read as "no backlog". */
function sumBacklog(disks: readonly { backloggedStorageBytes?: number }[] | undefined): number | undefined {
  const reported = (disks ?? []).flatMap((disk) =>
    disk.backloggedStorageBytes === undefined ? [] : [disk.backloggedStorageBytes],
  );
  return reported.length === 0 ? undefined : reported.reduce((total, bytes) => total + bytes, 0);
}

/** Every NIC's addresses, the primary NIC's first (host matching prefers them). */
function networkIps(nics: readonly { ips?: string[]; isPrimary?: boolean }[] | undefined): string[] {
  const ordered = [...(nics ?? [])].sort((a, b) => Number(b.isPrimary === true) - Number(a.isPrimary === true));
  return unique(ordered.flatMap((nic) => nic.ips ?? []));
}
