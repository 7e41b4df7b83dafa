// docs/design.md section 5: which SSM managed node is this MGN source server? An operator's tag wins, then the EC2
// instance ID MGN saw, then a hostname/FQDN or IP match against the SSM inventory. Two candidates are
// reported, never guessed.
import type { ManagedNode, MatchSource, SourceServer, TargetResolution } from './model';

const NODE_ID = /^(i-[0-9a-f]{8}(?:[0-9a-f]{9})?|mi-[0-9a-f]{17})$/;
const SUPPORTED_PLATFORMS: ReadonlySet<string> = new Set(['Linux', 'Windows']);

export interface NodeIdHint {
  readonly instanceId: string;
  readonly matchedBy: Extract<MatchSource, 'tag' | 'awsInstanceId'>;
}

/** The node ID known without the inventory: the operator's tag, else the EC2 instance ID MGN reports. */
export function findNodeIdHint(
  server: SourceServer,
  nodeIdTagKey: string,
): NodeIdHint | { readonly invalidTag: string } | undefined {
  const tagged = server.tags[nodeIdTagKey]?.trim();
  if (tagged !== undefined && tagged !== '') {
    return NODE_ID.test(tagged) ? { instanceId: tagged, matchedBy: 'tag' } : { invalidTag: tagged };
  }
  if (server.awsInstanceId && NODE_ID.test(server.awsInstanceId))
    return { instanceId: server.awsInstanceId, matchedBy: 'awsInstanceId' };
  return undefined;
}

/** True when some server can only be found by name or IP, so the whole inventory must be listed. */
export function needsFullInventory(servers: readonly SourceServer[], nodeIdTagKey: string): boolean {
  return servers.some((server) => findNodeIdHint(server, nodeIdTagKey) === undefined);
}

function normalizeName(name: string | undefined): string | undefined {
  const normalized = name?.trim().toLowerCase().replace(/\.$/, '');
  return normalized ? normalized : undefined;
}

const shortName = (name: string): string => name.split('.')[0] ?? name;
const isQualified = (name: string): boolean => name.includes('.');

function addTo<K>(index: Map<K, ManagedNode[]>, key: K | undefined, node: ManagedNode): void {
  if (key === undefined) return;
  const nodes = index.get(key);
  if (nodes) nodes.push(node);
  else index.set(key, [node]);
}

export interface NodeIndex {
  readonly byId: ReadonlyMap<string, ManagedNode>;
  readonly byName: ReadonlyMap<string, ManagedNode[]>;
  readonly byShortName: ReadonlyMap<string, ManagedNode[]>;
  readonly byIp: ReadonlyMap<string, ManagedNode[]>;
}

/** Indexes the inventory once per run, so matching 150 servers against 4,000 nodes stays linear. */
export function indexNodes(nodes: readonly ManagedNode[]): NodeIndex {
  const byId = new Map<string, ManagedNode>();
  const byName = new Map<string, ManagedNode[]>();
  const byShortName = new Map<string, ManagedNode[]>();
  const byIp = new Map<string, ManagedNode[]>();
  for (const node of nodes) {
    byId.set(node.instanceId, node);
    const name = normalizeName(node.computerName);
    addTo(byName, name, node);
    addTo(byShortName, name && shortName(name), node);
    addTo(byIp, node.ipAddress?.trim(), node);
  }
  return { byId, byName, byShortName, byIp };
}

function unique(nodes: Iterable<ManagedNode>): ManagedNode[] {
  return [...new Map([...nodes].map((node) => [node.instanceId, node])).values()];
}

function matchByName(server: SourceServer, index: NodeIndex): ManagedNode[] {
  const names = [normalizeName(server.hostname), normalizeName(server.fqdn)].filter((name): name is string => !!name);
  const exact = unique(names.flatMap((name) => index.byName.get(name) ?? []));
  if (exact.length > 0) return exact;
  // `web01` matches `web01.corp.example.com` and the other way round, but two different domains never match:
  // once MGN knows the server's domain, only a node registered under a bare name can match its short name.
  const knowsDomain = names.some(isQualified);
  return unique(
    names.flatMap((name) =>
      (index.byShortName.get(shortName(name)) ?? []).filter(
        (node) => !knowsDomain || !isQualified(normalizeName(node.computerName) ?? ''),
      ),
    ),
  );
}

function matchByIp(server: SourceServer, index: NodeIndex): ManagedNode[] {
  return unique(server.ips.flatMap((ip) => index.byIp.get(ip.trim()) ?? []));
}

function describeCandidates(nodes: readonly ManagedNode[]): string[] {
  return nodes.map((node) => `${node.instanceId} (${node.computerName ?? 'no name'}, ${node.pingStatus})`);
}

function checkReachable(node: ManagedNode, matchedBy: MatchSource): TargetResolution {
  if (node.pingStatus !== 'Online') {
    return {
      status: 'OFFLINE',
      node,
      matchedBy,
      advice:
        `SSM node ${node.instanceId} is ${node.pingStatus}: the SSM Agent is not connected. Check that it runs and ` +
        'reaches the SSM endpoints (ssm, ssmmessages, ec2messages) on TCP 443.',
    };
  }
  if (node.platformType !== undefined && !SUPPORTED_PLATFORMS.has(node.platformType)) {
    return {
      status: 'UNMANAGED',
      advice: `SSM node ${node.instanceId} runs ${node.platformType}; the doctor's documents cover Linux and Windows only.`,
    };
  }
  return { status: 'RESOLVED', node, matchedBy };
}

export function resolveTarget(server: SourceServer, index: NodeIndex, nodeIdTagKey: string): TargetResolution {
  const hint = findNodeIdHint(server, nodeIdTagKey);
  if (hint && 'invalidTag' in hint) {
    return {
      status: 'UNMANAGED',
      advice: `Tag ${nodeIdTagKey} does not hold an SSM node ID (i-… or mi-…); fix the tag or remove it.`,
    };
  }
  // Anyone who may tag a source server could aim the documents at another node: when MGN itself saw this
  // server on a different EC2 instance, the doctor refuses rather than choose (docs/design.md section 9).
  if (hint?.matchedBy === 'tag' && server.awsInstanceId && server.awsInstanceId !== hint.instanceId) {
    return {
      status: 'MISMATCH',
      candidates: [`${hint.instanceId} (tag ${nodeIdTagKey})`, `${server.awsInstanceId} (MGN's EC2 instance ID)`],
      advice:
        `Tag ${nodeIdTagKey} names ${hint.instanceId}, but MGN reports this server as EC2 instance ` +
        `${server.awsInstanceId}. Correct or remove the tag; the doctor runs nothing until they agree.`,
    };
  }
  if (hint) {
    const node = index.byId.get(hint.instanceId);
    if (node) return checkReachable(node, hint.matchedBy);
    return {
      status: 'UNMANAGED',
      advice:
        hint.matchedBy === 'tag'
          ? `Tag ${nodeIdTagKey} names ${hint.instanceId}, which SSM does not know in this Region.`
          : `EC2 instance ${hint.instanceId} is not an SSM managed node: attach an instance profile with ` +
            'AmazonSSMManagedInstanceCore and make sure the SSM Agent runs.',
    };
  }

  for (const [matchedBy, candidates] of [
    ['hostname', matchByName(server, index)],
    ['ip', matchByIp(server, index)],
  ] as const) {
    if (candidates.length === 1 && candidates[0]) return checkReachable(candidates[0], matchedBy);
    if (candidates.length > 1) {
      return {
        status: 'AMBIGUOUS',
        candidates: describeCandidates(candidates),
        advice:
          `More than one SSM node matches by ${matchedBy}. Deregister stale nodes, or tag the source server with ` +
          `${nodeIdTagKey}=<node ID> to choose one.`,
      };
    }
  }
  return {
    status: 'UNMANAGED',
    advice:
      'No SSM managed node matches this host (hostname, FQDN or IP). Register it with a hybrid activation ' +
      `(on premises) or an instance profile (EC2), or tag the source server with ${nodeIdTagKey}=<node ID>.`,
  };
}
