// What the stack's SSM documents print on a simulated host, line for line in the formats of
// lib/ssm-documents/*.yaml (the `MGN_DOCTOR check=... key=value` summary first, human detail after), joined
// per step the way the SSM adapter joins ListCommandInvocations plugin outputs, skipped step included.
import type { DocumentRole, PlatformType } from '../../lambdas/core/model';
import { findOwnValue } from '../../lambdas/core/command-parameters';

/** A host as the simulation knows it: enough to answer the three documents. */
export interface SimulatedHost {
  readonly instanceId: string;
  readonly platform: 'Linux' | 'Windows';
  /** Whether the AWS Replication Agent service runs now. */
  agentRunning: boolean;
  /** The agent stops again right after a restart (here: no room for its cache on a full disk). */
  readonly agentStopsAfterRestart?: boolean;
  readonly agentVersion: string;
  /** Linux: free MiB on / and /tmp; Windows: free MiB on C: (and its size). */
  readonly rootFreeMiB: number;
  readonly tmpFreeMiB?: number;
  readonly diskSizeMiB: number;
  /** Targets (`host:port`) this host cannot reach. */
  readonly unreachable?: readonly string[];
}

export interface HostAnswer {
  /** The document's exit code: 0 → Success, anything else → Failed. */
  readonly exitCode: number;
  readonly output: string;
}

const STEP_NAMES: Readonly<Record<DocumentRole, string>> = {
  RestartReplicationAgent: 'restartAgent',
  CheckDiskSpace: 'checkDiskSpace',
  CheckConnectivity: 'checkConnectivity',
};

const skippedStep = (document: DocumentRole, platform: PlatformType): string =>
  `Step execution skipped due to unsatisfied preconditions: '"StringEquals": [platformType, ${platform}]'. Step name: ${STEP_NAMES[document]}${platform}`;

/** Plugin outputs in document order (Linux step first), as the adapter joins them. */
function joinSteps(document: DocumentRole, platform: 'Linux' | 'Windows', ownLines: readonly string[]): string {
  const eol = platform === 'Windows' ? '\r\n' : '\n';
  const own = `${ownLines.join(eol)}${eol}`;
  return platform === 'Linux'
    ? `${own}\n${skippedStep(document, 'Windows')}`
    : `${skippedStep(document, 'Linux')}\n${own}`;
}

function restartAgent(host: SimulatedHost, at: Date): HostAnswer {
  host.agentRunning = !host.agentStopsAfterRestart;
  const stamp = (seconds: number): string =>
    new Date(at.getTime() - seconds * 1000).toISOString().replace('T', ' ').slice(0, 19);
  const log = host.agentRunning
    ? [
        `${stamp(14)} INFO Agent started, version ${host.agentVersion}`,
        `${stamp(9)} INFO Connected to the replication server`,
        `${stamp(3)} INFO Replication resumed`,
      ]
    : [
        `${stamp(14)} INFO Agent started, version ${host.agentVersion}`,
        `${stamp(11)} ERROR Cannot write the replication cache: There is not enough space on the disk.`,
        `${stamp(10)} INFO Agent stopping`,
      ];
  const status = host.agentRunning ? 'RUNNING' : 'NOT_RUNNING';
  if (host.platform === 'Linux') {
    return {
      exitCode: host.agentRunning ? 0 : 1,
      output: joinSteps('RestartReplicationAgent', 'Linux', [
        `MGN_DOCTOR check=agent status=${status} service=aws-replication-agent active_state=${host.agentRunning ? 'active' : 'failed'} version=${host.agentVersion} restart=ok`,
        '--- last 20 lines of /var/lib/aws-replication-agent/agent.log.0 ---',
        ...log,
      ]),
    };
  }
  return {
    exitCode: host.agentRunning ? 0 : 1,
    output: joinSteps('RestartReplicationAgent', 'Windows', [
      `MGN_DOCTOR check=agent status=${status} service=AwsReplicationService active_state=${host.agentRunning ? 'Running' : 'Stopped'} version=${host.agentVersion} restart=ok`,
      '--- last 20 lines of C:\\Program Files (x86)\\AWS Replication Agent\\agent.log.0 ---',
      ...log,
    ]),
  };
}

function checkDiskSpace(host: SimulatedHost, parameters: Readonly<Record<string, readonly string[]>>): HostAnswer {
  // The documents' defaults when the doctor sends no value.
  const rootMin = Number(parameters.minFreeRootMiB?.[0] ?? 2048);
  const tmpMin = Number(parameters.minFreeTmpMiB?.[0] ?? 500);
  if (host.platform === 'Windows') {
    const status = host.rootFreeMiB < rootMin ? 'LOW' : 'OK';
    return {
      exitCode: status === 'OK' ? 0 : 1,
      output: joinSteps('CheckDiskSpace', 'Windows', [
        `MGN_DOCTOR check=disk status=${status} drive=C: root_free_mib=${host.rootFreeMiB} root_min_mib=${rootMin}`,
        `--- C: ${host.rootFreeMiB} MiB free of ${host.diskSizeMiB} MiB ---`,
      ]),
    };
  }
  const tmpFree = host.tmpFreeMiB ?? host.rootFreeMiB;
  const status = host.rootFreeMiB < rootMin || tmpFree < tmpMin ? 'LOW' : 'OK';
  const gib = (mib: number): string => `${Math.round(mib / 1024)}G`;
  const used = host.diskSizeMiB - host.rootFreeMiB;
  return {
    exitCode: status === 'OK' ? 0 : 1,
    output: joinSteps('CheckDiskSpace', 'Linux', [
      `MGN_DOCTOR check=disk status=${status} root_free_mib=${host.rootFreeMiB} root_min_mib=${rootMin} tmp_free_mib=${tmpFree} tmp_min_mib=${tmpMin} tmp_noexec=no`,
      '--- df -Ph / /tmp ---',
      'Filesystem                 Size  Used Avail Use% Mounted on',
      `/dev/mapper/rootvg-rootlv   ${gib(host.diskSizeMiB)}   ${gib(used)}   ${gib(host.rootFreeMiB)}  ${Math.round((used / host.diskSizeMiB) * 100)}% /`,
      `/dev/mapper/rootvg-rootlv   ${gib(host.diskSizeMiB)}   ${gib(used)}   ${gib(host.rootFreeMiB)}  ${Math.round((used / host.diskSizeMiB) * 100)}% /`,
    ]),
  };
}

function checkConnectivity(host: SimulatedHost, parameters: Readonly<Record<string, readonly string[]>>): HostAnswer {
  const region = parameters.region?.[0] ?? 'us-east-1';
  const replicationIp = findOwnValue(parameters.replicationServerIps?.[0], host.instanceId) ?? '';
  const buckets = [
    'aws-mgn-clients',
    'aws-mgn-clients-hashes',
    'aws-mgn-internal',
    'aws-mgn-internal-hashes',
    'aws-application-migration-service',
    'aws-application-migration-service-hashes',
  ];
  const targets = [
    `mgn.${region}.amazonaws.com:443`,
    ...buckets.map((bucket) => `${bucket}-${region}.s3.${region}.amazonaws.com:443`),
    ...(replicationIp ? [`${replicationIp}:1500`] : []),
  ];
  const lines = targets.map((target) => {
    const result = host.unreachable?.includes(target)
      ? target.endsWith(':1500')
        ? 'timed_out'
        : 'tls_failed'
      : 'reachable';
    return `MGN_DOCTOR check=connectivity target=${target} result=${result} probe=${target.endsWith(':1500') ? 'tcp' : 'tls'}`;
  });
  const failed = lines.filter((line) => !line.includes('result=reachable')).length;
  return {
    exitCode: failed === 0 ? 0 : 1,
    output: joinSteps('CheckConnectivity', host.platform, [
      `MGN_DOCTOR check=connectivity status=${failed === 0 ? 'OK' : 'FAILED'} reachable=${targets.length - failed} failed=${failed}`,
      ...lines,
    ]),
  };
}

/** Runs one of the stack's documents on the simulated host (a restart changes the host's state). */
export function answerDocument(
  host: SimulatedHost,
  document: DocumentRole,
  parameters: Readonly<Record<string, readonly string[]>>,
  at: Date,
): HostAnswer {
  switch (document) {
    case 'RestartReplicationAgent':
      return restartAgent(host, at);
    case 'CheckDiskSpace':
      return checkDiskSpace(host, parameters);
    case 'CheckConnectivity':
      return checkConnectivity(host, parameters);
  }
}
