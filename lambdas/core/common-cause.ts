// When many servers stall with the same error, the digest says so first, as one finding with its evidence,
// instead of 150 separate stories. Pure: reads the run's reports (what MGN said, what the checks found).
import { lastTreatment } from './ledger';
import type { ServerReport } from './report';

/** Fewer stalled servers than this are separate stories, not a cluster. */
export const COMMON_CAUSE_MIN_SERVERS = 5;

const TARGET_RESULT = /(\S+):(\d+) (\w+)/g;
/** Results that say nothing against the endpoint (the host's runtime, not the path). */
const NOT_A_PATH_FAILURE: ReadonlySet<string> = new Set(['reachable', 'tls_unverified', 'tls_unsupported']);

/** Hosts whose connectivity check found a port they could not reach, by port. */
function failingPorts(reports: readonly ServerReport[]): Map<string, number> {
  const byPort = new Map<string, number>();
  for (const report of reports) {
    const check = report.entry && lastTreatment(report.entry)?.commands.find((c) => c.document === 'CheckConnectivity');
    const ports = new Set<string>();
    for (const [, , port, result] of (check?.summary ?? '').matchAll(TARGET_RESULT)) {
      if (port && result && !NOT_A_PATH_FAILURE.has(result)) ports.add(port);
    }
    for (const port of ports) byPort.set(port, (byPort.get(port) ?? 0) + 1);
  }
  return byPort;
}

function mostCommon<T>(values: readonly T[]): [T, number] | undefined {
  const counts = new Map<T, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1])[0];
}

const PORT_NAMES: Readonly<Record<string, string>> = {
  '1500': 'TCP 1500 to the replication servers',
  '443': 'TCP 443 to MGN or S3',
};

/** One line per likely common cause; empty when the stalls do not look like one cluster. */
export function findCommonCauses(reports: readonly ServerReport[], heldRestarts = 0): string[] {
  const stalled = reports.filter((report) => report.classification.condition === 'STALLED');
  if (stalled.length < COMMON_CAUSE_MIN_SERVERS) return [];
  const [code, count] = mostCommon(stalled.map((report) => report.server.errorCode ?? 'no error code')) ?? [];
  if (!code || !count || count * 2 < stalled.length) return [];
  const cluster = stalled.filter((report) => (report.server.errorCode ?? 'no error code') === code);
  const subnets = cluster.flatMap((report) => report.replicationSettings?.stagingAreaSubnetId ?? []);
  const [subnet, onSubnet] = mostCommon(subnets) ?? [];
  const evidence = [...failingPorts(cluster)]
    .sort((a, b) => b[1] - a[1])
    .map(([port, hosts]) => `connectivity checks from ${hosts} host(s) fail on ${PORT_NAMES[port] ?? `TCP ${port}`}`);
  if (heldRestarts > 0) evidence.push(`agent restarts held on ${heldRestarts} server(s) while a sample is treated`);
  const shared = subnet && onSubnet && onSubnet * 2 >= count ? ` and share staging subnet ${subnet}` : '';
  return [
    `${count} of ${stalled.length} stalled servers report ${code}${shared}${evidence.length ? `; ${evidence.join('; ')}` : ''}.`,
  ];
}
