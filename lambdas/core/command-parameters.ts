// The parameters one SendCommand batch carries: the request's shared ones, plus each per-host value as
// `nodeId=value,…` for the batch's own hosts (each host picks its entry by the node ID the SSM Agent gives it).
import type { CommandRequest } from './model';

export function parametersForBatch(request: CommandRequest, instanceIds: readonly string[]): Record<string, string[]> {
  const shared = Object.fromEntries(Object.entries(request.parameters).map(([name, values]) => [name, [...values]]));
  const perHost = Object.entries(request.instanceParameters ?? {}).map(([name, byInstance]) => [
    name,
    [instanceIds.flatMap((id) => (byInstance[id] ? [`${id}=${byInstance[id]}`] : [])).join(',')],
  ]);
  return { ...shared, ...Object.fromEntries(perHost) };
}

/** What a host finds for itself in a `nodeId=value,…` parameter, as the documents' scripts do. */
export function findOwnValue(mapping: string | undefined, instanceId: string): string | undefined {
  for (const entry of (mapping ?? '').split(',')) {
    const [id, value] = entry.split('=');
    if (id === instanceId && value) return value;
  }
  return undefined;
}
