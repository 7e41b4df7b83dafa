// The doctor's view of MGN and SSM: AWS's own spellings, and room for values AWS adds later
// (`(string & {})` keeps autocompletion for the known ones while accepting any string).
export type Unknown = string & {};

export type DataReplicationState =
  | 'STOPPED'
  | 'INITIATING'
  | 'INITIAL_SYNC'
  | 'BACKLOG'
  | 'CREATING_SNAPSHOT'
  | 'CONTINUOUS'
  | 'PAUSED'
  | 'RESCAN'
  | 'STALLED'
  | 'DISCONNECTED'
  | 'PENDING_SNAPSHOT_SHIPPING'
  | 'SHIPPING_SNAPSHOT'
  | Unknown;

export type LifeCycleState =
  | 'STOPPED'
  | 'NOT_READY'
  | 'READY_FOR_TEST'
  | 'TESTING'
  | 'READY_FOR_CUTOVER'
  | 'CUTTING_OVER'
  | 'CUTOVER'
  | 'DISCONNECTED'
  | 'DISCOVERED'
  | 'PENDING_INSTALLATION'
  | Unknown;

export type ReplicationType = 'AGENT_BASED' | 'SNAPSHOT_SHIPPING' | Unknown;

export type DataReplicationErrorCode =
  | 'AGENT_NOT_SEEN'
  | 'SNAPSHOTS_FAILURE'
  | 'NOT_CONVERGING'
  | 'UNSTABLE_NETWORK'
  | 'FAILED_TO_CREATE_SECURITY_GROUP'
  | 'FAILED_TO_LAUNCH_REPLICATION_SERVER'
  | 'FAILED_TO_BOOT_REPLICATION_SERVER'
  | 'FAILED_TO_AUTHENTICATE_WITH_SERVICE'
  | 'FAILED_TO_DOWNLOAD_REPLICATION_SOFTWARE'
  | 'FAILED_TO_CREATE_STAGING_DISKS'
  | 'FAILED_TO_ATTACH_STAGING_DISKS'
  | 'FAILED_TO_PAIR_REPLICATION_SERVER_WITH_AGENT'
  | 'FAILED_TO_CONNECT_AGENT_TO_REPLICATION_SERVER'
  | 'FAILED_TO_START_DATA_TRANSFER'
  | 'UNSUPPORTED_VM_CONFIGURATION'
  | 'LAST_SNAPSHOT_JOB_FAILED'
  | 'FAILED_TO_SETUP_FSX_PROXY'
  | 'FAILED_TO_CREATE_FSX_SNAPSHOT'
  | Unknown;

/** A source server as the doctor needs it; the MGN adapter flattens the API shape into this. */
export interface SourceServer {
  readonly sourceServerId: string;
  readonly arn?: string;
  readonly isArchived: boolean;
  readonly replicationType?: ReplicationType;
  readonly lifeCycleState?: LifeCycleState;
  readonly lastSeenByServiceDateTime?: string;
  /** When the first replicated byte arrived (ISO-8601). */
  readonly firstByteDateTime?: string;
  /** ISO-8601 duration of replication so far, e.g. `P24DT23H`: what MGN's free replication hours count. */
  readonly elapsedReplicationDuration?: string;
  /** The MGN application (`app-…`) the server belongs to, if the migration uses applications. */
  readonly applicationId?: string;
  readonly dataReplicationState?: DataReplicationState;
  readonly errorCode?: DataReplicationErrorCode;
  readonly rawError?: string;
  /** ISO-8601 duration, e.g. `PT1H30M`. */
  readonly lagDuration?: string;
  readonly etaDateTime?: string;
  /** EC2 instance ID of the replication server. */
  readonly replicatorId?: string;
  readonly backloggedStorageBytes?: number;
  readonly hostname?: string;
  readonly fqdn?: string;
  readonly awsInstanceId?: string;
  readonly osFullString?: string;
  readonly ips: readonly string[];
  /** Sensitive in the MGN model: read single keys, never log the map. */
  readonly tags: Readonly<Record<string, string>>;
}

/** An MGN application: a group of source servers migrated together, in at most one wave. */
export interface MigrationApplication {
  readonly applicationId: string;
  readonly name: string;
  readonly waveId?: string;
}

/** An MGN wave: applications planned to move together. */
export interface MigrationWave {
  readonly waveId: string;
  readonly name: string;
}

export type Condition = 'IGNORED' | 'STALLED' | 'DISCONNECTED' | 'LAGGING' | 'PROGRESSING' | 'HEALTHY' | 'UNKNOWN';

export interface Classification {
  readonly condition: Condition;
  /** Why, in words for the digest and the log. */
  readonly reason: string;
  /** Agentless (SNAPSHOT_SHIPPING) servers have no agent to act on. */
  readonly agentless: boolean;
}

export type PingStatus = 'Online' | 'ConnectionLost' | 'Inactive' | Unknown;
export type PlatformType = 'Linux' | 'Windows' | 'MacOS' | Unknown;

/** An SSM managed node (EC2 instance `i-…` or hybrid node `mi-…`). */
export interface ManagedNode {
  readonly instanceId: string;
  readonly pingStatus: PingStatus;
  readonly platformType?: PlatformType;
  readonly computerName?: string;
  readonly ipAddress?: string;
  readonly lastPingDateTime?: string;
}

export type TargetResolution =
  | { readonly status: 'RESOLVED'; readonly node: ManagedNode; readonly matchedBy: MatchSource }
  | { readonly status: 'OFFLINE'; readonly node: ManagedNode; readonly matchedBy: MatchSource; readonly advice: string }
  | { readonly status: 'UNMANAGED'; readonly advice: string }
  | { readonly status: 'AMBIGUOUS'; readonly candidates: readonly string[]; readonly advice: string }
  | { readonly status: 'MISMATCH'; readonly candidates: readonly string[]; readonly advice: string };

export type MatchSource = 'tag' | 'awsInstanceId' | 'hostname' | 'ip';

/** The stack's SSM Command documents, by role; their deployed names come from the environment. */
export type DocumentRole = 'RestartReplicationAgent' | 'CheckDiskSpace' | 'CheckConnectivity';

export type ServiceAction = 'RetryDataReplication';

/** SSM invocation statuses (ListCommandInvocations), plus any later addition. */
export type InvocationStatus =
  | 'Pending'
  | 'InProgress'
  | 'Delayed'
  | 'Success'
  | 'Cancelled'
  | 'TimedOut'
  | 'Failed'
  | 'Cancelling'
  | Unknown;

export interface InvocationResult {
  readonly commandId: string;
  readonly instanceId: string;
  readonly status: InvocationStatus;
  readonly statusDetails?: string;
  readonly responseCode?: number;
  /** Plugin outputs joined; SSM keeps at most 2,500 characters per plugin here. */
  readonly output: string;
}

export interface CommandRequest {
  readonly document: DocumentRole;
  readonly instanceIds: readonly string[];
  readonly parameters: Readonly<Record<string, readonly string[]>>;
  /**
   * Values that differ per host: parameter name → node ID → value. Each SendCommand batch carries, for its own
   * hosts, `nodeId=value,…`, and each host picks its entry by the node ID the SSM Agent gives it.
   */
  readonly instanceParameters?: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /** At most 100 characters (SendCommand). */
  readonly comment: string;
}

/**
 * Why SSM refused a node itself rather than a whole request: the node is not valid for the account (deregistered,
 * or not a managed node), or IAM does not let the doctor send to it (the `requireNodeTag` guard).
 */
export type CommandRefusal = 'REFUSED' | 'NOT_OPTED_IN';

/** One SendCommand call's outcome: a command ID, or the error that kept these instances from getting one. */
export type CommandBatchResult =
  | { readonly instanceIds: readonly string[]; readonly commandId: string }
  | { readonly instanceIds: readonly string[]; readonly error: string; readonly refusal?: CommandRefusal };

export interface ReplicationSettings {
  readonly bandwidthThrottling?: number;
  readonly createPublicIP?: boolean;
  readonly dataPlaneRouting?: string;
  readonly useDedicatedReplicationServer?: boolean;
  readonly stagingAreaSubnetId?: string;
}

export interface Digest {
  /** Under 100 characters, no line breaks. */
  readonly subject: string;
  /** Full text for e-mail and the default protocol; under 256 KB. */
  readonly text: string;
  /** One line of at most 140 characters. */
  readonly sms: string;
}
