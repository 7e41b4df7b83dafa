// One run of the doctor, as the list of its stages (docs/design.md section 2). Each stage takes immutable
// values and returns new ones; a failure on one server or one command becomes that server's outcome, and only
// systemic failures (MGN unreachable, the ledger unreadable, SNS refusing the digest) fail the run, so that
// Lambda's retry and the DLQ apply.
import { errorText } from '../concurrency';
import { findCommonCauses } from '../common-cause';
import { composeDigest, type DigestInput } from '../digest';
import {
  describeFreePeriodNotices,
  groupFreePeriodNotices,
  type FreePeriodNotice,
  type FreePeriodReview,
} from '../free-period';
import { closeEntry, type LedgerEntry } from '../ledger';
import { indexMigrationTerms, type MigrationTermsIndex } from '../migration-terms';
import type { SourceServer } from '../model';
import type { OutcomeReport } from '../outcome-report';
import { countConditions, type RunReport } from '../report';
import type { DoctorSettings } from '../../shared/settings';
import { assignNews, orderByNews } from './assign-news';
import { collectEarlierResults } from './collect-earlier-results';
import type { DoctorDependencies, RunEnvironment, RunRequest } from './dependencies';
import { deliverNews } from './deliver-news';
import { watchInventoryNeed } from './early-inventory';
import { marksAwaitingPublish, reviewRunFreePeriods, saveRunFreePeriodMarks } from './free-period-notices';
import { planServers, type PlanContext } from './plan-servers';
import { labelReport, readMigrationTerms } from './read-migration-terms';
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

  const context = { trigger: request.trigger, now, dryRun };
  const { servers, stored, current, nodeListing } = await readFleet(request, settings, context, deps);
  const planned = await planServers(servers, current, settings, { ...context, nodeListing }, deps);
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
  const run = { request, environment, dryRun, now, counts, news, unresolved, missingServiceRoles };
  const {
    report: outcome,
    coalesced,
    terms,
    freePeriod,
  } = await prepareDigest(run, { servers, stored }, settings, deps);
  const byId = new Map(followed.map((plan) => [plan.server.sourceServerId, plan]));
  const reports = treated.plans
    .map((plan) => byId.get(plan.server.sourceServerId) ?? plan)
    .filter((plan) => plan.entry !== undefined || plan.action !== 'NONE')
    .map((plan) => labelReport(toReport(plan), terms));
  const { published, channelFailures } = await deliverNews(
    {
      entries: [...followed.map((plan) => plan.entry as LedgerEntry), ...closeVanished(current, servers, request, now)],
      told: new Set([...news, ...unresolved].map((plan) => plan.server.sourceServerId)),
      report: request.trigger === 'preview' || coalesced ? undefined : outcome,
      writeLedger: !dryRun,
      now,
      freePeriodMarks: marksAwaitingPublish(freePeriod?.review, !dryRun),
    },
    stored,
    deps,
  ).finally(() => {
    for (const report of reports) logServer(deps.log, report, request.runId);
  });
  await saveRunFreePeriodMarks(freePeriod?.review, { published, writeLedger: !dryRun }, deps);

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
    channelFailures,
    subject: outcome?.digest.subject,
    missingServiceRoles,
    coalesced,
    ...(freePeriod?.lines.length && { freePeriod: freePeriod.lines }),
  };
}

interface PreparedDigest {
  /** Undefined when there is nothing to tell. */
  readonly report?: OutcomeReport;
  readonly coalesced: boolean;
  readonly terms?: MigrationTermsIndex;
  readonly freePeriod?: { readonly review: FreePeriodReview; readonly lines: string[] };
}

/**
 * The digest of the news and the free-period notices. Applications and waves are read only for a digest that
 * goes out, never for news an event run leaves to the next digest.
 */
async function prepareDigest(
  run: RunNews,
  fleet: { readonly servers: readonly SourceServer[]; readonly stored: ReadonlyMap<string, LedgerEntry> },
  settings: DoctorSettings,
  deps: DoctorDependencies,
): Promise<PreparedDigest> {
  const review = await reviewRunFreePeriods(run.request, fleet.servers, settings, run.now, deps);
  const notices = review?.notices ?? [];
  if (run.news.length === 0 && notices.length === 0)
    return { coalesced: false, ...(review && { freePeriod: { review, lines: [] } }) };
  // No paging storm: within the interval, an event run's news waits in the ledger for the next digest.
  const coalesced = isCoalesced(run.request, fleet.stored, settings, run.now);
  if (coalesced) deps.log.info('News recorded for the next digest (notifyIntervalMinutes)', { news: run.news.length });
  const told = [...run.news, ...run.unresolved].map((plan) => plan.server);
  // A preview reads MGN only as far as its filters need (scripts/check.ts); it publishes no digest to label.
  const labelled = !coalesced && run.request.trigger !== 'preview';
  const terms = labelled ? await readMigrationTerms([...told, ...notices], deps) : undefined;
  const lines = describeRunFreePeriods(notices, terms, settings);
  const report = composeRunReport({ ...run, terms }, lines.length > 0 ? { lines, servers: notices.length } : undefined);
  return { report, coalesced, terms, ...(review && { freePeriod: { review, lines } }) };
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
  readonly terms?: MigrationTermsIndex;
}

/**
 * The report of the run's news and free-period notices, with what the stalled servers share: the facts every
 * channel renders, and the e-mail/SMS rendering (docs/design.md section 7).
 */
function composeRunReport(run: RunNews, freePeriod: DigestInput['freePeriod']): OutcomeReport {
  const told = [...run.news, ...run.unresolved];
  const report = (plan: ServerPlan) => labelReport(toReport(plan), run.terms);
  const facts: DigestInput = {
    ...run.environment,
    runId: run.request.runId,
    trigger: run.request.trigger,
    dryRun: run.dryRun,
    now: run.now,
    counts: run.counts,
    news: run.news.map(report),
    unresolved: run.unresolved.map(report),
    missingServiceRoles: run.missingServiceRoles,
    findings: findCommonCauses(told.map(toReport), told.filter((plan) => plan.blocker === 'HELD').length),
    freePeriod,
  };
  return { facts, digest: composeDigest(facts) };
}

/** One line per wave (none without notices). */
function describeRunFreePeriods(
  notices: readonly FreePeriodNotice[],
  terms: MigrationTermsIndex | undefined,
  settings: DoctorSettings,
): string[] {
  if (notices.length === 0) return [];
  const groups = groupFreePeriodNotices(notices, terms ?? indexMigrationTerms([], []));
  return describeFreePeriodNotices(groups, { warningDays: settings.freePeriodWarningDays });
}

/**
 * The servers MGN lists and the ledger's entries, read together, and earlier results collected (stage 1) as soon
 * as the ledger is read. An event run lists only its servers. MGN's pages are offered to the inventory watch as
 * they arrive: the SSM inventory listing starts as soon as a page shows that the run needs it.
 */
async function readFleet(
  request: RunRequest,
  settings: DoctorSettings,
  context: PlanContext,
  deps: DoctorDependencies,
) {
  const filter = request.sourceServerIds ? { sourceServerIds: request.sourceServerIds } : undefined;
  const stored = deps.ledger
    .loadEntries()
    .then((entries) => new Map(entries.map((entry) => [entry.sourceServerId, entry])));
  const current = stored.then((entries) => collectEarlierResults(inScope(entries, request), deps));
  const inventory = watchInventoryNeed(current, settings, context, deps);
  const [servers, storedEntries, currentEntries] = await Promise.all([
    deps.servers.listSourceServers(filter, inventory.offer),
    stored,
    current,
  ]);
  const early = await inventory.listing();
  return { servers, stored: storedEntries, current: currentEntries, nodeListing: early?.nodes };
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
