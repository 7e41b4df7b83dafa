// One run of the doctor, as the list of its stages (docs/design.md section 2). Each stage takes immutable
// values and returns new ones; a failure on one server or one command becomes that server's outcome, and only
// systemic failures (MGN unreachable, the ledger unreadable, SNS refusing the digest) fail the run, so that
// Lambda's retry and the DLQ apply.
import { errorText } from '../concurrency';
import { findCommonCauses } from '../common-cause';
import { composeDigest } from '../digest';
import { closeEntry, type LedgerEntry } from '../ledger';
import type { Digest, SourceServer } from '../model';
import { countConditions, type RunReport } from '../report';
import type { DoctorSettings } from '../../shared/settings';
import { assignNews, orderByNews } from './assign-news';
import { collectEarlierResults } from './collect-earlier-results';
import type { DoctorDependencies, RunEnvironment, RunRequest } from './dependencies';
import { deliverNews } from './deliver-news';
import { planServers } from './plan-servers';
import { logServer, playbookOf, toReport, type ServerPlan } from './server-plan';
import { treatServers } from './treat-servers';

export type { DoctorDependencies, RunEnvironment, RunRequest } from './dependencies';

export async function runDoctor(
  request: RunRequest,
  settings: DoctorSettings,
  environment: RunEnvironment,
  deps: DoctorDependencies,
): Promise<RunReport> {
  const now = deps.clock.now();
  const dryRun = settings.dryRun || request.trigger === 'preview';

  const { servers, stored } = await readFleet(request, deps);
  const current = await collectEarlierResults(inScope(stored, request), deps);
  const planned = await planServers(servers, current, settings, { trigger: request.trigger, now, dryRun }, deps);
  const treated = dryRun
    ? { plans: planned, commandsSent: 0 }
    : await treatServers(planned, request, settings, environment, now, deps);
  const missingServiceRoles = await checkServiceRoles(treated.plans, deps);

  const followed = assignNews(
    treated.plans.filter((plan) => plan.entry !== undefined),
    stored,
    settings,
    now,
  );
  const news = orderByNews(followed.filter((plan) => plan.news !== undefined));
  const unresolved = followed.filter((plan) => plan.news === undefined && plan.entry?.status !== 'CLOSED');
  const counts = countConditions(treated.plans);
  const digest = composeRunDigest({ request, environment, dryRun, now, counts, news, unresolved, missingServiceRoles });

  // No paging storm: within the interval, an event run's news waits in the ledger for the next digest.
  const coalesced = digest !== undefined && isCoalesced(request, stored, settings, now);
  if (coalesced) deps.log.info('News recorded for the next digest (notifyIntervalMinutes)', { news: news.length });
  const byId = new Map(followed.map((plan) => [plan.server.sourceServerId, plan]));
  const reports = treated.plans
    .map((plan) => byId.get(plan.server.sourceServerId) ?? plan)
    .filter((plan) => plan.entry !== undefined || plan.action !== 'NONE')
    .map(toReport);
  const { published } = await deliverNews(
    {
      entries: [...followed.map((plan) => plan.entry as LedgerEntry), ...closeVanished(current, servers, request, now)],
      told: new Set([...news, ...unresolved].map((plan) => plan.server.sourceServerId)),
      digest: request.trigger === 'preview' || coalesced ? undefined : digest,
      writeLedger: !dryRun,
      now,
    },
    stored,
    deps,
  ).finally(() => {
    for (const report of reports) logServer(deps.log, report, request.runId);
  });

  return {
    runId: request.runId,
    trigger: request.trigger,
    dryRun,
    startedAt: now.toISOString(),
    finishedAt: deps.clock.now().toISOString(),
    counts,
    servers: reports,
    commandsSent: treated.commandsSent,
    published,
    subject: digest?.subject,
    missingServiceRoles,
    coalesced,
  };
}

/** An event run within `notifyIntervalMinutes` of the last digest leaves its news to the next one. */
function isCoalesced(
  request: RunRequest,
  stored: ReadonlyMap<string, LedgerEntry>,
  settings: DoctorSettings,
  now: Date,
): boolean {
  if (request.trigger !== 'event' || settings.notifyIntervalMinutes === 0) return false;
  const last = Math.max(0, ...[...stored.values()].map((entry) => Date.parse(entry.notifiedAt ?? '') || 0));
  return now.getTime() - last < settings.notifyIntervalMinutes * 60_000;
}

interface RunNews {
  readonly request: RunRequest;
  readonly environment: RunEnvironment;
  readonly dryRun: boolean;
  readonly now: Date;
  readonly counts: RunReport['counts'];
  readonly news: readonly ServerPlan[];
  readonly unresolved: readonly ServerPlan[];
  readonly missingServiceRoles?: readonly string[];
}

/** The digest of the run's news, with what the stalled servers share; undefined when there is no news. */
function composeRunDigest(run: RunNews): Digest | undefined {
  if (run.news.length === 0) return undefined;
  const told = [...run.news, ...run.unresolved];
  return composeDigest({
    ...run.environment,
    runId: run.request.runId,
    trigger: run.request.trigger,
    dryRun: run.dryRun,
    now: run.now,
    counts: run.counts,
    news: run.news.map(toReport),
    unresolved: run.unresolved.map(toReport),
    missingServiceRoles: run.missingServiceRoles,
    findings: findCommonCauses(told.map(toReport), told.filter((plan) => plan.blocker === 'HELD').length),
  });
}

/** The servers MGN lists and the ledger's entries, read together. An event run lists only its servers. */
async function readFleet(request: RunRequest, deps: DoctorDependencies) {
  const filter = request.sourceServerIds ? { sourceServerIds: request.sourceServerIds } : undefined;
  const [servers, entries] = await Promise.all([deps.servers.listSourceServers(filter), deps.ledger.loadEntries()]);
  return { servers, stored: new Map(entries.map((entry) => [entry.sourceServerId, entry])) };
}

function inScope(stored: ReadonlyMap<string, LedgerEntry>, request: RunRequest): Map<string, LedgerEntry> {
  const ids = request.sourceServerIds;
  return new Map([...stored].filter(([id]) => !ids || ids.includes(id)));
}

/** Entries of servers MGN no longer lists (archived or deleted) are closed without a word. */
function closeVanished(
  entries: ReadonlyMap<string, LedgerEntry>,
  servers: readonly SourceServer[],
  request: RunRequest,
  now: Date,
): LedgerEntry[] {
  if (request.sourceServerIds) return [];
  const listed = new Set(servers.map((server) => server.sourceServerId));
  return [...entries.values()]
    .filter((entry) => entry.status !== 'CLOSED' && !listed.has(entry.sourceServerId))
    .map((entry) => closeEntry(entry, 'NOT_LISTED', now, { silent: true }));
}

/** Once per run, and only when a playbook asks for it: are MGN's own IAM roles there? */
async function checkServiceRoles(
  plans: readonly ServerPlan[],
  deps: DoctorDependencies,
): Promise<string[] | undefined> {
  if (!plans.some((plan) => playbookOf(plan.step)?.checksServiceRoles) || !deps.serviceRoles) return undefined;
  try {
    return await deps.serviceRoles.findMissingRoles();
  } catch (error) {
    deps.log.warn('Could not check the MGN service roles', { error: errorText(error) });
    return undefined;
  }
}
