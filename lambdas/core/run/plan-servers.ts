// Stage 2: for every listed server, what MGN says (classify), what the ledger allows (decide), which host the
// commands would go to (resolve), and the words for it (describe). Only the host lookup does I/O.
import { classifyServer } from '../classify';
import { decideStep, type Step } from '../decide';
import type { LedgerEntry } from '../ledger';
import type { ManagedNode, SourceServer } from '../model';
import { candidatesFromCache, confirmCandidates, toCachedInventory } from '../node-inventory-cache';
import type { Trigger } from '../report';
import { findNodeIdHint, indexNodes, needsFullInventory, resolveTarget, type NodeIndex } from '../resolve-target';
import { errorText } from '../concurrency';
import type { DoctorSettings } from '../../shared/settings';
import type { DoctorDependencies } from './dependencies';
import { describeStep } from './describe-step';
import { playbookOf, type ServerPlan } from './server-plan';
import { decideSampleRule, mayHoldRestarts, type SampleRule } from '../mass-stall';

/** How the run came: an event run may use the SSM inventory a scheduled run listed, which saves it. */
export interface PlanContext {
  readonly trigger: Trigger;
  readonly now: Date;
  readonly dryRun: boolean;
  /** The whole SSM inventory, when the run started listing it before MGN's last page (showsInventoryNeed). */
  readonly nodeListing?: Promise<ManagedNode[]>;
}

export async function planServers(
  servers: readonly SourceServer[],
  entries: ReadonlyMap<string, LedgerEntry>,
  settings: DoctorSettings,
  context: PlanContext,
  deps: DoctorDependencies,
): Promise<ServerPlan[]> {
  const { now, dryRun } = context;
  const decided = servers.map((server) => decideServer(server, entries.get(server.sourceServerId), settings, now));
  const recoveredNow = decided.some(({ step }) => step.kind === 'CLOSE' && step.reason === 'RECOVERED');
  const newlyAffected = countNewlyAffected(decided, entries);
  const rule = decideSampleRule(entries.values(), newlyAffected, recoveredNow, settings.massStallThreshold, now);
  if (rule.holding) deps.log.warn('Mass stall: agent restarts beyond the sample are held', { servers: rule.size });
  const resolved = await resolveTargets(holdBeyondSample(decided, entries, rule), settings, context, deps);
  return resolved.map((plan) => describeStep(plan, entries.get(plan.server.sourceServerId), now, dryRun));
}

/**
 * Whether these servers, read before MGN's last page, already show that the run will list the whole SSM
 * inventory: one of them will be treated on a host found by name whatever the other pages hold. The mass-stall
 * rule may still hold an agent restart, so a server it could hold does not count; event runs try the cached
 * inventory first (docs/design.md section 5), so they never list early. Lets a run list the inventory while MGN
 * is still being listed (docs/design.md section 2).
 */
export function showsInventoryNeed(
  servers: readonly SourceServer[],
  entries: ReadonlyMap<string, LedgerEntry>,
  settings: DoctorSettings,
  context: PlanContext,
): boolean {
  if (context.trigger === 'event') return false;
  const mayHold = mayHoldRestarts(entries.values(), settings.massStallThreshold, context.now);
  return servers.some((server) => {
    const entry = entries.get(server.sourceServerId);
    const { step } = decideServer(server, entry, settings, context.now);
    const held = mayHold && isHoldable(step) && !isInSample(entry);
    return needsHost(step) && !held && needsFullInventory([server], settings.nodeIdTagKey);
  });
}

/** What MGN says about one server (classify) and what the ledger allows (decide), before holds and hosts. */
function decideServer(
  server: SourceServer,
  entry: LedgerEntry | undefined,
  settings: DoctorSettings,
  now: Date,
): ServerPlan {
  const classification = classifyServer(server, settings);
  const step = decideStep(server, classification, entry, settings, now);
  return { server, classification, step, action: 'NONE', detail: classification.reason, hostDocuments: [] };
}

const AFFECTED: ReadonlySet<string> = new Set(['STALLED', 'DISCONNECTED']);

function countNewlyAffected(plans: readonly ServerPlan[], entries: ReadonlyMap<string, LedgerEntry>): number {
  return plans.filter((plan) => {
    const entry = entries.get(plan.server.sourceServerId);
    return AFFECTED.has(plan.classification.condition) && (entry === undefined || entry.status === 'CLOSED');
  }).length;
}

/** In a mass stall, servers beyond the sample wait with their agent restart (the sample keeps its treatment). */
function holdBeyondSample(
  plans: readonly ServerPlan[],
  entries: ReadonlyMap<string, LedgerEntry>,
  rule: SampleRule,
): ServerPlan[] {
  if (!rule.holding) return [...plans];
  const candidates = plans
    .filter(({ step, server }) => isHoldable(step) && !isInSample(entries.get(server.sourceServerId)))
    .map((plan) => plan.server.sourceServerId)
    .sort();
  const held = new Set(candidates.slice(rule.openSlots));
  return plans.map((plan) =>
    held.has(plan.server.sourceServerId)
      ? { ...plan, step: { kind: 'REPORT', blocker: 'HELD', playbook: playbookOf(plan.step) } }
      : plan,
  );
}

/** An agent restart without a service action: what the mass-stall rule holds beyond its sample. */
const isHoldable = (step: Step): boolean =>
  step.kind === 'TREAT' &&
  !step.playbook.serviceAction &&
  step.playbook.hostDocuments.includes('RestartReplicationAgent');

/** A server the sample already holds (treated in this mass stall) keeps its treatment. */
const isInSample = (entry: LedgerEntry | undefined): boolean =>
  entry !== undefined && entry.status !== 'CLOSED' && entry.attempts > 0;

const needsHost = (step: Step): step is Extract<Step, { kind: 'TREAT' }> =>
  step.kind === 'TREAT' && step.playbook.hostDocuments.length > 0;

/** Finds the SSM node of every server about to be treated on its host; without one, the step becomes a report. */
async function resolveTargets(
  plans: readonly ServerPlan[],
  settings: DoctorSettings,
  context: PlanContext,
  deps: DoctorDependencies,
): Promise<ServerPlan[]> {
  const sources = plans.filter((plan) => needsHost(plan.step)).map((plan) => plan.server);
  if (sources.length === 0) return [...plans];
  const index = await loadNodeIndex(sources, settings, context, deps);
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

/**
 * The whole inventory only when a hostname or IP must be matched (an event run first tries the nodes the last
 * scheduled listing named); otherwise just the nodes named by ID.
 */
async function loadNodeIndex(
  sources: readonly SourceServer[],
  settings: DoctorSettings,
  context: PlanContext,
  deps: DoctorDependencies,
): Promise<NodeIndex> {
  if (needsFullInventory(sources, settings.nodeIdTagKey)) {
    const cached = context.trigger === 'event' ? await indexFromCache(sources, settings, context.now, deps) : undefined;
    if (cached) return cached;
    const nodes = await (context.nodeListing ?? deps.nodes.listNodes());
    if (context.trigger === 'schedule' && !context.dryRun && settings.inventoryCacheMinutes > 0)
      await saveInventory(nodes, context.now, deps);
    return indexNodes(nodes);
  }
  const ids = sources.flatMap((server) => {
    const hint = findNodeIdHint(server, settings.nodeIdTagKey);
    return hint && 'instanceId' in hint ? [hint.instanceId] : [];
  });
  return indexNodes(await deps.nodes.describeNodes([...new Set(ids)]));
}

/** One DescribeInstanceInformation for the cached candidates instead of the whole inventory, when they hold. */
async function indexFromCache(
  sources: readonly SourceServer[],
  settings: DoctorSettings,
  now: Date,
  deps: DoctorDependencies,
): Promise<NodeIndex | undefined> {
  if (!deps.nodeCache) return undefined;
  let candidates: ReturnType<typeof candidatesFromCache>;
  try {
    candidates = candidatesFromCache(sources, await deps.nodeCache.load(), {
      maxAgeMinutes: settings.inventoryCacheMinutes,
      nodeIdTagKey: settings.nodeIdTagKey,
      now,
    });
  } catch (error) {
    deps.log.warn('Could not read the cached SSM inventory; listing it', { error: errorText(error) });
    return undefined;
  }
  if (typeof candidates === 'string') {
    deps.log.info('Listing the SSM inventory', { cache: candidates });
    return undefined;
  }
  const described = await deps.nodes.describeNodes([...new Set(candidates.values())]);
  const index = confirmCandidates(sources, candidates, described, settings.nodeIdTagKey);
  if (!index) deps.log.info('Listing the SSM inventory', { cache: 'changed' });
  return index;
}

/** What the next event runs match against; a failure costs them the full listing, never this run. */
async function saveInventory(nodes: readonly ManagedNode[], now: Date, deps: DoctorDependencies): Promise<void> {
  if (!deps.nodeCache) return;
  try {
    await deps.nodeCache.save(toCachedInventory(nodes, now));
  } catch (error) {
    deps.log.warn('Could not cache the SSM inventory for event runs', { error: errorText(error) });
  }
}
