// MGN through its API: list source servers, applications and waves, retry data replication, read replication
// settings. For a hub, in a member account by MGN's global view: every call names the account (`accountID`,
// docs/design.md section 13).
// Deliberately absent: StopReplication, DisconnectFromService, FinalizeCutover, MarkAsArchived and anything
// else that deletes replicated data or ends a migration; the doctor only repairs.
import {
  DescribeSourceServersCommand,
  GetReplicationConfigurationCommand,
  ListApplicationsCommand,
  ListWavesCommand,
  RetryDataReplicationCommand,
  type Application as MgnApplication,
  type DataReplicationInfo,
  type DescribeSourceServersRequestFilters,
  type ListApplicationsRequestFilters,
  type MgnClient,
  type SourceServer as MgnSourceServer,
  type Wave as MgnWave,
} from '@aws-sdk/client-mgn';
import type { MigrationApplication, MigrationWave, ReplicationSettings, SourceServer } from '../core/model';
import { clip, plainHostText } from '../core/text';
import type { SourceServerFilter, SourceServerRepository } from '../core/ports';
import { chunk, collectPages, unique } from './paging';

/**
 * `replicatorId` is in the current MGN model but not in client-mgn 3.523 (the only published version here).
 * The 3.523 deserializer passes `items` through as plain JSON, so the field does arrive at runtime.
 */
type DataReplicationInfoWithReplicator = DataReplicationInfo & { readonly replicatorId?: string };

/**
 * Limits of DescribeSourceServers, ListApplications and ListWaves (API model): `maxResults` 1–1000; the ID
 * filters `sourceServerIDs`, `applicationIDs` and `waveIDs` 0–200 each.
 */
const PAGE_SIZE = 1000;
const IDS_PER_REQUEST = 200;
/** ApplicationName and WaveName: 1–256 characters in the API model. */
const MAX_NAME_LENGTH = 256;

/** A filter's batches of IDs; `[undefined]` (one unfiltered request) when the filter is absent. */
const batchesOf = (ids: readonly string[] | undefined): (string[] | undefined)[] =>
  ids === undefined ? [undefined] : chunk(unique(ids), IDS_PER_REQUEST);

export interface MgnSourceServerRepositoryOptions {
  /**
   * A member account, from the hub (MGN global view): sent as `accountID` on every call, all of which accept it in
   * the API model. Absent: the caller's own account.
   */
  readonly accountID?: string;
}

export class MgnSourceServerRepository implements SourceServerRepository {
  /** `{ accountID }` or nothing, spread into every request. */
  private readonly account: { readonly accountID?: string };

  constructor(
    private readonly mgn: MgnClient,
    options: MgnSourceServerRepositoryOptions = {},
  ) {
    this.account = options.accountID === undefined ? {} : { accountID: options.accountID };
  }

  async listSourceServers(
    filter: SourceServerFilter = {},
    onPage?: (servers: readonly SourceServer[]) => void,
  ): Promise<SourceServer[]> {
    // An empty ID list would list every server: "none of these" means no call at all (chunk yields no batch).
    // A server is in at most one application, so no server comes back from two batches.
    const servers: SourceServer[] = [];
    for (const sourceServerIDs of batchesOf(filter.sourceServerIds)) {
      for (const applicationIDs of batchesOf(filter.applicationIds)) {
        servers.push(
          ...(await this.describe(
            {
              isArchived: false,
              ...(sourceServerIDs && { sourceServerIDs }),
              ...(applicationIDs && { applicationIDs }),
            },
            onPage,
          )),
        );
      }
    }
    return servers;
  }

  async listApplications(filter: { readonly waveIds?: readonly string[] } = {}): Promise<MigrationApplication[]> {
    const applications: MigrationApplication[] = [];
    for (const waveIDs of batchesOf(filter.waveIds)) {
      applications.push(...(await this.listApplicationPages({ isArchived: false, ...(waveIDs && { waveIDs }) })));
    }
    return applications;
  }

  listWaves(): Promise<MigrationWave[]> {
    return collectPages(async (nextToken: string | undefined) => {
      const page = await this.mgn.send(
        new ListWavesCommand({ ...this.account, filters: { isArchived: false }, maxResults: PAGE_SIZE, nextToken }),
      );
      return { items: (page.items ?? []).flatMap((item) => toMigrationWave(item) ?? []), next: page.nextToken };
    });
  }

  async retryDataReplication(sourceServerId: string): Promise<void> {
    await this.mgn.send(new RetryDataReplicationCommand({ ...this.account, sourceServerID: sourceServerId }));
  }

  async getReplicationSettings(sourceServerId: string): Promise<ReplicationSettings> {
    const configuration = await this.mgn.send(
      new GetReplicationConfigurationCommand({ ...this.account, sourceServerID: sourceServerId }),
    );
    return {
      bandwidthThrottling: configuration.bandwidthThrottling,
      createPublicIP: configuration.createPublicIP,
      dataPlaneRouting: configuration.dataPlaneRouting,
      useDedicatedReplicationServer: configuration.useDedicatedReplicationServer,
      stagingAreaSubnetId: configuration.stagingAreaSubnetId,
    };
  }

  private listApplicationPages(filters: ListApplicationsRequestFilters): Promise<MigrationApplication[]> {
    return collectPages(async (nextToken: string | undefined) => {
      const page = await this.mgn.send(
        new ListApplicationsCommand({ ...this.account, filters, maxResults: PAGE_SIZE, nextToken }),
      );
      return { items: (page.items ?? []).flatMap((item) => toMigrationApplication(item) ?? []), next: page.nextToken };
    });
  }

  private async describe(
    filters: DescribeSourceServersRequestFilters,
    onPage: ((servers: readonly SourceServer[]) => void) | undefined,
  ): Promise<SourceServer[]> {
    // Each page is flattened as it arrives, so the raw API items of 4,000 servers are never all held at once.
    return collectPages(async (nextToken: string | undefined) => {
      const page = await this.mgn.send(
        new DescribeSourceServersCommand({ ...this.account, filters, maxResults: PAGE_SIZE, nextToken }),
      );
      const items = (page.items ?? []).flatMap((item) => toSourceServer(item) ?? []);
      onPage?.(items);
      return { items, next: page.nextToken };
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
    firstByteDateTime: server.lifeCycle?.firstByteDateTime,
    elapsedReplicationDuration: server.lifeCycle?.elapsedReplicationDuration,
    applicationId: server.applicationID,
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

/**
 * Names are typed by people in the MGN console: plain text for the digest, the ID when there is none. Archived
 * items are left out even if MGN's filter ever let one through.
 */
export function toMigrationApplication(application: MgnApplication): MigrationApplication | undefined {
  if (!application.applicationID || application.isArchived === true) return undefined;
  return {
    applicationId: application.applicationID,
    name: clip(application.name ?? '', MAX_NAME_LENGTH) || application.applicationID,
    ...(application.waveID && { waveId: application.waveID }),
  };
}

export function toMigrationWave(wave: MgnWave): MigrationWave | undefined {
  if (!wave.waveID || wave.isArchived === true) return undefined;
  return { waveId: wave.waveID, name: clip(wave.name ?? '', MAX_NAME_LENGTH) || wave.waveID };
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
