// docs/design.md section 4: what to do about a stalled or disconnected server, keyed on the error MGN reports.
// A restart is the answer to an agent that went quiet, never to a KMS key policy.
import type { Condition, DataReplicationErrorCode, DocumentRole, ServiceAction } from './model';

export type PlaybookFamily = 'agent' | 'network' | 'converging' | 'service' | 'disconnected' | 'unknown';

export interface Playbook {
  readonly family: PlaybookFamily;
  readonly hostDocuments: readonly DocumentRole[];
  /** Offered only when the operator enabled `retryServiceSideErrors`. */
  readonly serviceAction?: ServiceAction;
  /** Show bandwidth throttling and private-IP settings next to the advice. */
  readonly reportReplicationSettings: boolean;
  /** Look up each host's replication server, so CheckConnectivity probes its TCP 1500 too. */
  readonly needsReplicationServerIps: boolean;
  /** Check once per run that MGN's own IAM service roles exist (a service-side error may be their absence). */
  readonly checksServiceRoles: boolean;
  readonly guidance: string;
}

const AGENT_GUIDANCE =
  'MGN has not heard from the AWS Replication Agent. Check that the agent service is running ' +
  '(Linux: systemctl status aws-replication-agent; Windows: Get-Service AwsReplicationService) and that the host ' +
  'reaches mgn.<region>.amazonaws.com on TCP 443 (proxy, firewall, DNS).';

const NETWORK_GUIDANCE =
  'The agent cannot keep a connection to its replication server. Check the network path: TCP 1500 from the host ' +
  'to the staging subnet, TCP 443 to MGN and S3, firewalls, VPN or Direct Connect, and whether the replication ' +
  'settings use a private IP that the host can route to. Bandwidth throttling slows but does not stop replication.';

const CONVERGING_GUIDANCE =
  'The host writes faster than replication sends. Compare the write rate with the available bandwidth ' +
  '(and any bandwidth throttling in the replication settings), check host CPU/RAM/IO load, and consider a ' +
  "faster staging disk type in the server's replication settings.";

const DISCONNECTED_GUIDANCE =
  'Data replication is disconnected while the migration is not finished. The doctor restarts the agent and ' +
  'checks disk space; if replication does not resume, the agent may need to be reinstalled (for example after ' +
  'a kernel or OS upgrade, a new volume, or a changed MAC address).';

const SERVICE_GUIDANCE: Readonly<Record<string, string>> = {
  SNAPSHOTS_FAILURE:
    'MGN cannot take consistent EBS snapshots. Look in CloudTrail for failed CreateSnapshot calls, and check ' +
    'the MGN service roles, service control policies, and EBS API throttling.',
  FAILED_TO_CREATE_SECURITY_GROUP:
    'MGN could not create the replication server security group. Check the MGN service roles and the ' +
    'replication settings (staging subnet, security groups), and any SCP that denies ec2:CreateSecurityGroup.',
  FAILED_TO_LAUNCH_REPLICATION_SERVER:
    'MGN could not launch a replication server. Check the staging subnet (free IPs, AZ capacity), the replication ' +
    'server instance type, EC2 quotas, and the MGN service roles.',
  FAILED_TO_BOOT_REPLICATION_SERVER:
    "The replication server did not boot. Check the staging subnet's routes and DNS, and the instance's system log " +
    'in the EC2 console.',
  FAILED_TO_AUTHENTICATE_WITH_SERVICE:
    "The replication server cannot reach MGN on TCP 443 from the staging subnet. Check the subnet's route to the " +
    'MGN endpoint (NAT, internet gateway or VPC endpoints) and outbound security group rules.',
  FAILED_TO_DOWNLOAD_REPLICATION_SOFTWARE:
    "The replication server could not download its software from S3. Check the staging subnet's route to S3 " +
    '(gateway endpoint or NAT) and any S3 bucket policy or SCP in the way.',
  FAILED_TO_CREATE_STAGING_DISKS:
    'MGN could not create staging EBS volumes; this is usually the EBS encryption KMS key. Check CloudTrail for ' +
    'failed CreateVolume calls and that the key policy lets MGN use the key.',
  FAILED_TO_ATTACH_STAGING_DISKS:
    'MGN could not attach staging volumes to the replication server. Check CloudTrail for AttachVolume errors, ' +
    'the KMS key policy, and EBS volume quotas.',
  FAILED_TO_START_DATA_TRANSFER:
    'The replication server could not start the data transfer. Check connectivity between the staging subnet ' +
    'and MGN, and the replication server in the EC2 console.',
  UNSUPPORTED_VM_CONFIGURATION:
    "MGN does not support this source machine's configuration (for example a volume under 1 MiB). Check the " +
    'disks and the MGN supported operating systems, then reinstall the agent excluding unsupported disks.',
  LAST_SNAPSHOT_JOB_FAILED:
    'The last snapshot job failed. Check the job log in the MGN console, CloudTrail for EBS errors, and the ' +
    'MGN service roles and KMS key policy.',
  FAILED_TO_SETUP_FSX_PROXY:
    'MGN could not set up the FSx proxy. Check the FSx file system, its security groups and the staging subnet.',
  FAILED_TO_CREATE_FSX_SNAPSHOT:
    "MGN could not snapshot the FSx file system. Check the FSx file system's state and the MGN service roles.",
};

const NETWORK_CODES: ReadonlySet<string> = new Set([
  'UNSTABLE_NETWORK',
  'FAILED_TO_CONNECT_AGENT_TO_REPLICATION_SERVER',
  'FAILED_TO_PAIR_REPLICATION_SERVER_WITH_AGENT',
]);

/** The playbook for a server the doctor may treat; undefined for conditions it only reports. */
export function choosePlaybook(
  condition: Condition,
  errorCode: DataReplicationErrorCode | undefined,
): Playbook | undefined {
  if (condition === 'DISCONNECTED') {
    return {
      family: 'disconnected',
      needsReplicationServerIps: false,
      checksServiceRoles: false,
      hostDocuments: ['RestartReplicationAgent', 'CheckDiskSpace'],
      reportReplicationSettings: false,
      guidance: DISCONNECTED_GUIDANCE,
    };
  }
  if (condition !== 'STALLED') return undefined;

  if (errorCode === undefined || errorCode === 'AGENT_NOT_SEEN') {
    return {
      family: 'agent',
      needsReplicationServerIps: false,
      checksServiceRoles: false,
      hostDocuments: ['RestartReplicationAgent', 'CheckDiskSpace', 'CheckConnectivity'],
      reportReplicationSettings: false,
      guidance: AGENT_GUIDANCE,
    };
  }
  if (NETWORK_CODES.has(errorCode)) {
    return {
      family: 'network',
      needsReplicationServerIps: true,
      checksServiceRoles: false,
      hostDocuments: ['CheckConnectivity', 'RestartReplicationAgent'],
      reportReplicationSettings: true,
      guidance: NETWORK_GUIDANCE,
    };
  }
  if (errorCode === 'NOT_CONVERGING') {
    return {
      family: 'converging',
      needsReplicationServerIps: false,
      checksServiceRoles: false,
      hostDocuments: ['CheckDiskSpace'],
      reportReplicationSettings: true,
      guidance: CONVERGING_GUIDANCE,
    };
  }
  const serviceGuidance = SERVICE_GUIDANCE[errorCode];
  if (serviceGuidance !== undefined) {
    return {
      family: 'service',
      needsReplicationServerIps: false,
      checksServiceRoles: true,
      hostDocuments: [],
      serviceAction: 'RetryDataReplication',
      reportReplicationSettings: false,
      guidance: `${serviceGuidance} The host is not the problem, so the doctor runs nothing on it.`,
    };
  }
  return {
    family: 'unknown',
    needsReplicationServerIps: false,
    checksServiceRoles: false,
    hostDocuments: ['RestartReplicationAgent', 'CheckDiskSpace'],
    reportReplicationSettings: false,
    guidance:
      `MGN reports ${errorCode}, a code this version of the doctor does not know. It restarts the agent and checks ` +
      'disk space as a safe default; read the raw error below and the agent log on the host.',
  };
}

/** Every error code the playbook knows, for documentation and tests. */
export const KNOWN_ERROR_CODES: readonly string[] = [
  'AGENT_NOT_SEEN',
  ...NETWORK_CODES,
  'NOT_CONVERGING',
  ...Object.keys(SERVICE_GUIDANCE),
];
