// Stage 2: for every listed server, what MGN says (classify), what the ledger allows (decide), which host the
// commands would go to (resolve), and the words for it (describe). Only the host lookup does I/O.
import { classifyServer } from '../classify';
import { decideStep, type Step } from '../decide';
import type { LedgerEntry } from '../ledger';
import type { SourceServer } from '../model';
import { findNodeIdHint, indexNodes, needsFullInventory, resolveTarget, type NodeIndex } from '../resolve-target';
import type { DoctorSettings } from '../../shared/settings';
import type { DoctorDependencies } from './dependencies';
import { describeStep } from './describe-step';
import type { ServerPlan } from './server-plan';

export async function planServers(
  servers: readonly SourceServer[],
  entries: ReadonlyMap<string, LedgerEntry>,
  settings: DoctorSettings,
  now: Date,
  dryRun: boolean,
  deps: DoctorDependencies,
): Promise<ServerPlan[]> {
  const decided = servers.map((server): ServerPlan => {
    const classification = classifyServer(server, settings);
    const step = decideStep(server, classification, entries.get(server.sourceServerId), settings, now);
    return { server, classification, step, action: 'NONE', detail: classification.reason, hostDocuments: [] };
  });
  const resolved = await resolveTargets(decided, settings, deps);
  return resolved.map((plan) => describeStep(plan, entries.get(plan.server.sourceServerId), now, dryRun));
}

const needsHost = (step: Step): step is Extract<Step, { kind: 'TREAT' }> =>
  step.kind === 'TREAT' && step.playbook.hostDocuments.length > 0;

/** Finds the SSM node of every server about to be treated on its host; without one, the step becomes a report. */
async function resolveTargets(
  plans: readonly ServerPlan[],
  settings: DoctorSettings,
  deps: DoctorDependencies,
): Promise<ServerPlan[]> {
  const sources = plans.filter((plan) => needsHost(plan.step)).map((plan) => plan.server);
  if (sources.length === 0) return [...plans];
  const index = await loadNodeIndex(sources, settings, deps);
  return plans.map((plan) => {
    const { step } = plan;
    if (!needsHost(step)) return plan;
    const target = resolveTarget(plan.server, index, settings.nodeIdTagKey);
    if (target.status === 'RESOLVED') return { ...plan, target, hostDocuments: step.playbook.hostDocuments };
    // With a service action the server is still treated (on the service side); otherwise nothing can be done
    // without a host: follow and report, with what a person can do.
    if (step.playbook.serviceAction) return { ...plan, target };
    return { ...plan, target, step: { kind: 'REPORT', blocker: target.status, playbook: step.playbook } };
  });
}

/** The whole inventory only when a hostname or IP must be matched; otherwise just the nodes named by ID. */
async function loadNodeIndex(
  sources: readonly SourceServer[],
  settings: DoctorSettings,
  deps: DoctorDependencies,
): Promise<NodeIndex> {
  if (needsFullInventory(sources, settings.nodeIdTagKey)) return indexNodes(await deps.nodes.listNodes());
  const ids = sources.flatMap((server) => {
    const hint = findNodeIdHint(server, settings.nodeIdTagKey);
    return hint && 'instanceId' in hint ? [hint.instanceId] : [];
  });
  return indexNodes(await deps.nodes.describeNodes([...new Set(ids)]));
}
