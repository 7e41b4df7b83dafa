// Design section 5, the event path: an event run is for one server, yet finding a host by name or IP needs the
// whole SSM inventory (80 pages for 4,000 nodes). The last scheduled run's listing says which node each name and
// IP belonged to; the event run then asks SSM for just those nodes, and uses them only if each still carries the
// name or IP that matched. A listing older than inventoryCacheMinutes, a server with no single match in it, or a
// node that no longer matches sends the run to the full listing, as before.
import type { ManagedNode, SourceServer } from './model';
import type { CachedInventory } from './ports';
import { indexNodes, resolveTarget, type NodeIndex } from './resolve-target';

export type CacheMiss = 'disabled' | 'missing' | 'stale' | 'unmatched' | 'changed';

export function toCachedInventory(nodes: readonly ManagedNode[], now: Date): CachedInventory {
  return {
    listedAt: now.toISOString(),
    nodes: nodes.map(({ instanceId, computerName, ipAddress, platformType }) => ({
      instanceId,
      computerName,
      ipAddress,
      platformType,
    })),
  };
}

/**
 * The node each server matches in the cached inventory, or why the cache cannot be used: every server must
 * match exactly one node there. A cached node counts as Online here; SSM's own answer decides that later.
 */
export function candidatesFromCache(
  servers: readonly SourceServer[],
  cache: CachedInventory | undefined,
  options: { readonly maxAgeMinutes: number; readonly nodeIdTagKey: string; readonly now: Date },
): Map<string, string> | CacheMiss {
  if (options.maxAgeMinutes === 0) return 'disabled';
  if (cache === undefined) return 'missing';
  const ageMs = options.now.getTime() - Date.parse(cache.listedAt);
  // A listing from the future (clock skew, a bad item) is as untrustworthy as an old one.
  if (!(ageMs >= 0 && ageMs <= options.maxAgeMinutes * 60_000)) return 'stale';
  const index = indexNodes(cache.nodes.map((node) => ({ ...node, pingStatus: 'Online' })));
  const candidates = new Map<string, string>();
  for (const server of servers) {
    const target = resolveTarget(server, index, options.nodeIdTagKey);
    if (target.status !== 'RESOLVED') return 'unmatched';
    candidates.set(server.sourceServerId, target.node.instanceId);
  }
  return candidates;
}

/**
 * The index of the nodes SSM just described, if every server still resolves to the node the cache named (by
 * the same rules as against the whole inventory); undefined when one does not.
 */
export function confirmCandidates(
  servers: readonly SourceServer[],
  candidates: ReadonlyMap<string, string>,
  described: readonly ManagedNode[],
  nodeIdTagKey: string,
): NodeIndex | undefined {
  const index = indexNodes(described);
  const confirmed = servers.every((server) => {
    const target = resolveTarget(server, index, nodeIdTagKey);
    return (
      (target.status === 'RESOLVED' || target.status === 'OFFLINE') &&
      target.node.instanceId === candidates.get(server.sourceServerId)
    );
  });
  return confirmed ? index : undefined;
}
