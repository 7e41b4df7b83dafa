// Design section 2: one run = list → classify → plan → resolve → act → collect → verify → report.
// A failure on one server or one command becomes that server's outcome; only systemic failures (MGN
// unreachable, the ledger unreadable, SNS refusing the digest) fail the run, so Lambda's retry and DLQ apply.
import { classifyServer } from './classify';
import { collectResults, invocationKey, type ExpectedCommand } from './collect-results';
import { errorText, mapWithConcurrency } from './concurrency';
import { decideStep, type Blocker, type Step } from './decide';
import { composeDigest, summarizeInvocationOutput } from './digest';
import {
  appendTreatment,
  closeEntry,
  hasNews,
  isRelapse,
  isRunning,
  lastTreatment,
  markNotified,
  openEntry,
  pendingCommands,
  replaceLastTreatment,
  type CommandRecord,
  type LedgerEntry,
  type ServiceActionRecord,
  type Treatment,
} from './ledger';
import type { Playbook } from './playbook';
import { findNodeIdHint, indexNodes, needsFullInventory, resolveTarget, type NodeIndex } from './resolve-target';
import {
  countConditions,
  type News,
  type RunReport,
  type ServerAction,
  type ServerReport,
  type Trigger,
} from './report';
import type {
  Classification,
  DocumentRole,
  InvocationResult,
  ReplicationSettings,
  SourceServer,
  TargetResolution,
} from './model';
import type {
  Clock,
  CommandRunner,
  Log,
  ManagedNodeDirectory,
  OutcomePublisher,
  RemediationLedger,
  ReplicationServerLocator,
  ServiceRoleChecker,
  SourceServerRepository,
} from './ports';
import type { DoctorSettings } from '../shared/settings';

export interface DoctorDependencies {
  readonly servers: SourceServerRepository;
  readonly nodes: ManagedNodeDirectory;
  readonly commands: CommandRunner;
  readonly publisher: OutcomePublisher;
  readonly ledger: RemediationLedger;
  readonly replicationServers?: ReplicationServerLocator;
  readonly serviceRoles?: ServiceRoleChecker;
  readonly clock: Clock;
  readonly log: Log;
}

export interface RunRequest {
  readonly runId: string;
  readonly trigger: Trigger;
  /** An event run looks at these servers only. */
  readonly sourceServerIds?: readonly string[];
}

export interface RunEnvironment {
  readonly region: string;
  readonly accountId: string;
}

/** Independent calls to one service overlap, but never more than this many at once. */
const CALL_CONCURRENCY = 8;
/** Ledger writes are small, independent and on-demand capacity: more of them may overlap. */
const LEDGER_WRITE_CONCURRENCY = 50;
const TOOL = 'mgn-replication-doctor';

/** Time a run may still spend after its result wait (sending, recording, publishing) before its claims lapse. */
const CLAIM_MARGIN_SECONDS = 120;

/**
 * An event run acts at once and does not wait: during a mass stall many events queue behind reserved
 * concurrency 1, and the next scheduled run collects their results anyway.
 */
const waitSecondsFor = (request: RunRequest, settings: DoctorSettings): number =>
  request.trigger === 'event' ? 0 : settings.resultWaitSeconds;

/** One server's state while the run works on it. */
interface Work {
  readonly server: SourceServer;
  readonly classification: Classification;
  step: Step;
  action: ServerAction;
  detail: string;
  entry?: LedgerEntry;
  blocker?: Blocker;
  target?: TargetResolution;
  hostDocuments: readonly DocumentRole[];
  serviceAction?: 'RetryDataReplication';
  replicationSettings?: ReplicationSettings;
  news?: News;
}

const playbookOf = (step: Step): Playbook | undefined => ('playbook' in step ? step.playbook : undefined);

/** The entry that follows this server now: the open one updated, or a fresh one (reusing a closed item's version). */
function followEntry(entry: LedgerEntry | undefined, work: Work, now: Date): LedgerEntry {
  const { server, classification } = work;
  if (entry === undefined || entry.status === 'CLOSED') {
    const fresh: LedgerEntry = { ...openEntry(server, classification.condition, now), version: entry?.version ?? 0 };
    return entry && isRelapse(entry, now)
      ? { ...fresh, attempts: entry.attempts, lastAttemptAt: entry.lastAttemptAt, treatments: entry.treatments }
      : fresh;
  }
  // The blocker and advice describe the last REPORT; any other step replaces them (REPORT sets them again).
  return {
    ...entry,
    condition: classification.condition,
    errorCode: server.errorCode,
    hostname: server.hostname ?? server.fqdn ?? entry.hostname,
    blocker: undefined,
    advice: undefined,
  };
}

function describeDocuments(documents: readonly DocumentRole[], serviceAction: string | undefined): string {
  return [...documents, ...(serviceAction ? [serviceAction] : [])].join(', ');
}

export async function runDoctor(
  request: RunRequest,
  settings: DoctorSettings,
  environment: RunEnvironment,
  deps: DoctorDependencies,
): Promise<RunReport> {
  const { clock, log } = deps;
  const startedAt = clock.now();
  const now = startedAt;
  const dryRun = settings.dryRun || request.trigger === 'preview';

  const [servers, entries] = await Promise.all([
    deps.servers.listSourceServers(request.sourceServerIds ? { sourceServerIds: request.sourceServerIds } : undefined),
    deps.ledger.loadEntries(),
  ]);
  const stored = new Map(entries.map((entry) => [entry.sourceServerId, entry]));
  const inScope = (sourceServerId: string): boolean =>
    !request.sourceServerIds || request.sourceServerIds.includes(sourceServerId);

  // Results that earlier runs left pending are collected first: they decide what happens next.
  const current = new Map([...stored].filter(([id]) => inScope(id)));
  await collectEarlierResults(current, deps);

  const works: Work[] = servers.map((server) => {
    const classification = classifyServer(server, settings);
    const step = decideStep(server, classification, current.get(server.sourceServerId), settings, now);
    return { server, classification, step, action: 'NONE', detail: classification.reason, hostDocuments: [] };
  });

  await resolveTargets(works, settings, deps);
  for (const work of works) applyStep(work, current.get(work.server.sourceServerId), now, dryRun);

  const treated = works.filter((work) => work.step.kind === 'TREAT');
  let commandsSent = 0;
  if (!dryRun && treated.length > 0) {
    // A claim stays in flight for at most as long as this run can last (the Lambda timeout is derived likewise).
    const claimed = await claimServers(
      treated,
      request.runId,
      now,
      waitSecondsFor(request, settings) + CLAIM_MARGIN_SECONDS,
      deps,
    );
    commandsSent = await treatServers(claimed, request, settings, environment, startedAt, deps);
  }

  // Entries of servers MGN no longer lists (archived or deleted) are closed without a word.
  const listed = new Set(servers.map((server) => server.sourceServerId));
  const vanished = request.sourceServerIds
    ? []
    : [...current.values()]
        .filter((entry) => entry.status !== 'CLOSED' && !listed.has(entry.sourceServerId))
        .map((entry) => closeEntry(entry, 'NOT_LISTED', now, { silent: true }));

  const missingServiceRoles = await checkServiceRoles(works, deps);
  const followed = works.filter((work) => work.entry !== undefined);
  assignNews(followed, stored, settings, now);
  const news = followed.filter((work) => work.news !== undefined);
  const unresolved = followed.filter((work) => work.news === undefined && work.entry?.status !== 'CLOSED');
  const reports = works.filter((work) => work.entry !== undefined || work.action !== 'NONE').map(toReport);
  const counts = countConditions(works);

  let published = false;
  let subject: string | undefined;
  let publishError: unknown;
  if (news.length > 0) {
    const digest = composeDigest({
      ...environment,
      runId: request.runId,
      trigger: request.trigger,
      dryRun,
      now,
      counts,
      news: order(news).map(toReport),
      unresolved: unresolved.map(toReport),
      missingServiceRoles,
    });
    subject = digest.subject;
    if (request.trigger !== 'preview') {
      try {
        await deps.publisher.publish(digest);
        published = true;
        for (const work of [...news, ...unresolved]) if (work.entry) work.entry = markNotified(work.entry, now);
      } catch (error) {
        publishError = error;
      }
    }
  }

  if (!dryRun) await saveEntries([...followed.map((work) => work.entry as LedgerEntry), ...vanished], stored, deps);
  for (const report of reports) logServer(log, report);

  if (publishError !== undefined) {
    // The ledger keeps the undelivered news (not marked notified), so the next run sends it again.
    log.error('Could not publish the digest; the next run will send its news again', {
      error: errorText(publishError),
    });
    throw publishError;
  }
  return {
    runId: request.runId,
    trigger: request.trigger,
    dryRun,
    startedAt: startedAt.toISOString(),
    finishedAt: clock.now().toISOString(),
    counts,
    servers: reports,
    commandsSent,
    published,
    subject,
    missingServiceRoles,
  };
}

/** Once per run, and only when a service-side error is present: are MGN's own IAM roles there? */
async function checkServiceRoles(works: readonly Work[], deps: DoctorDependencies): Promise<string[] | undefined> {
  const serviceSide = works.some((work) => playbookOf(work.step)?.family === 'service');
  if (!serviceSide || !deps.serviceRoles) return undefined;
  try {
    return await deps.serviceRoles.findMissingRoles();
  } catch (error) {
    deps.log.warn('Could not check the MGN service roles', { error: errorText(error) });
    return undefined;
  }
}

async function collectEarlierResults(entries: Map<string, LedgerEntry>, deps: DoctorDependencies): Promise<void> {
  const expected = new Map<string, Set<string>>();
  for (const entry of entries.values()) {
    // A closed entry's results no longer decide anything; don't poll them until the TTL removes it.
    if (entry.status === 'CLOSED') continue;
    for (const command of pendingCommands(entry)) {
      const instances = expected.get(command.commandId) ?? new Set<string>();
      expected.set(command.commandId, instances.add(command.instanceId));
    }
  }
  if (expected.size === 0) return;
  const commands = [...expected].map(([commandId, instanceIds]) => ({ commandId, instanceIds: [...instanceIds] }));
  // One look, no waiting: these were sent by an earlier run.
  const results = await collectResults(commands, new Date(0), deps.commands, deps.clock, deps.log);
  const now = deps.clock.now();
  for (const [id, entry] of entries) {
    const last = lastTreatment(entry);
    if (last && entry.status !== 'CLOSED' && pendingCommands(entry).length > 0) {
      entries.set(id, replaceLastTreatment(entry, expireStale(withResults(last, results), now)));
    }
  }
}

/** SSM forgets commands eventually; one that never reported within this long will not, so stop waiting for it. */
const STALE_PENDING_MS = 3 * 3_600_000;

function expireStale(treatment: Treatment, now: Date): Treatment {
  return {
    ...treatment,
    commands: treatment.commands.map((command) =>
      isRunning(command.status) && now.getTime() - new Date(command.requestedAt).getTime() > STALE_PENDING_MS
        ? { ...command, status: 'TimedOut', statusDetails: 'No result from SSM within 3 hours' }
        : command,
    ),
  };
}

function withResults(treatment: Treatment, results: ReadonlyMap<string, InvocationResult>): Treatment {
  return {
    ...treatment,
    commands: treatment.commands.map((command): CommandRecord => {
      const result = results.get(invocationKey(command.commandId, command.instanceId));
      if (!result) return command;
      return {
        ...command,
        status: result.status,
        statusDetails: result.statusDetails,
        responseCode: result.responseCode,
        summary: isRunning(result.status)
          ? command.summary
          : summarizeInvocationOutput(command.document, result.output),
      };
    }),
  };
}

async function resolveTargets(works: Work[], settings: DoctorSettings, deps: DoctorDependencies): Promise<void> {
  for (const work of works) {
    if (work.step.kind === 'TREAT') work.serviceAction = work.step.playbook.serviceAction;
  }
  const needHosts = works.filter((work) => work.step.kind === 'TREAT' && work.step.playbook.hostDocuments.length > 0);
  if (needHosts.length === 0) return;
  const sources = needHosts.map((work) => work.server);
  let index: NodeIndex;
  if (needsFullInventory(sources, settings.nodeIdTagKey)) {
    index = indexNodes(await deps.nodes.listNodes());
  } else {
    const ids = sources.flatMap((server) => {
      const hint = findNodeIdHint(server, settings.nodeIdTagKey);
      return hint && 'instanceId' in hint ? [hint.instanceId] : [];
    });
    index = indexNodes(await deps.nodes.describeNodes([...new Set(ids)]));
  }
  for (const work of needHosts) {
    const step = work.step as Extract<Step, { kind: 'TREAT' }>;
    work.target = resolveTarget(work.server, index, settings.nodeIdTagKey);
    if (work.target.status === 'RESOLVED') {
      work.hostDocuments = step.playbook.hostDocuments;
    } else if (!step.playbook.serviceAction) {
      // Nothing the doctor can do without a host: follow and report, with what a person can do.
      work.step = { kind: 'REPORT', blocker: work.target.status, playbook: step.playbook };
    }
  }
}

/** Turns the decided step into the entry to keep and the words to report. */
function applyStep(work: Work, entry: LedgerEntry | undefined, now: Date, dryRun: boolean): void {
  const { step } = work;
  switch (step.kind) {
    case 'NONE':
      // A closure whose news a failed publish did not deliver (recovered, cleared) is sent by this run.
      if (entry?.status === 'CLOSED' && hasNews(entry)) {
        work.entry = entry;
        work.action = entry.closedReason === 'RECOVERED' ? 'RECOVERED' : 'CLEARED';
        work.detail = `${entry.closedReason === 'RECOVERED' ? 'recovered' : 'cleared'} at ${entry.closedAt} (news not delivered then)`;
      }
      return;
    case 'IN_FLIGHT':
      work.action = 'SKIPPED_OVERLAP';
      work.detail = 'another run is treating this server right now; left to it';
      return;
    case 'CLOSE': {
      if (!entry) return;
      work.entry = closeEntry(entry, step.reason === 'INTENTIONAL' ? work.classification.reason : step.reason, now, {
        silent: step.silent,
      });
      work.action = step.reason === 'INTENTIONAL' ? 'LEFT_ALONE' : step.reason;
      work.detail =
        step.reason === 'RECOVERED'
          ? `recovered (${work.classification.reason}) after ${entry.attempts} treatment(s): ${describeDocuments(lastTreatment(entry)?.commands.map((command) => command.document) ?? [], lastTreatment(entry)?.serviceAction?.action)}`
          : step.reason === 'CLEARED'
            ? `no longer ${entry.condition}: ${work.classification.reason}`
            : `no longer followed: ${work.classification.reason}`;
      return;
    }
    case 'REPORT': {
      const advice = work.target && work.target.status !== 'RESOLVED' ? work.target.advice : undefined;
      work.entry = { ...followEntry(entry, work, now), blocker: step.blocker, advice };
      work.blocker = step.blocker;
      work.action = 'REPORTED';
      work.detail = {
        REPORT_ONLY: `reported only (${work.classification.condition} is not remediated by configuration or by design)`,
        AGENTLESS: 'agentless replication: there is no agent to act on',
        SERVICE_RETRY_DISABLED:
          'the host is not the problem; RetryDataReplication is off (retryServiceSideErrors=false)',
        UNMANAGED: 'no SSM managed node found for this host; nothing was run',
        OFFLINE: 'the SSM node is not online; nothing was run',
        AMBIGUOUS: 'more than one SSM node matches; nothing was run',
      }[step.blocker];
      return;
    }
    case 'WAIT': {
      work.entry = followEntry(entry, work, now);
      work.action = step.why === 'COOLDOWN' ? 'COOLDOWN' : 'WAITING_FOR_RESULTS';
      work.detail =
        step.why === 'COOLDOWN'
          ? `treated at ${work.entry.lastAttemptAt}; next treatment not before ${step.until} (cooldown)`
          : 'results of the last treatment are still pending';
      return;
    }
    case 'ESCALATE': {
      const followed = followEntry(entry, work, now);
      work.entry = { ...followed, status: 'ESCALATED' };
      work.action = dryRun ? 'WOULD_ESCALATE' : 'ESCALATED';
      work.detail = `still ${work.classification.condition} after ${followed.attempts} treatment(s); no more automatic actions until it recovers`;
      return;
    }
    case 'ESCALATED': {
      work.entry = followEntry(entry, work, now);
      work.action = 'ESCALATED_EARLIER';
      work.detail = 'escalated earlier; waiting for a person';
      return;
    }
    case 'TREAT': {
      work.entry = followEntry(entry, work, now);
      const what = describeDocuments(work.hostDocuments, work.serviceAction);
      const where = work.target?.status === 'RESOLVED' ? ` on ${work.target.node.instanceId}` : '';
      work.action = dryRun ? 'WOULD_TREAT' : 'TREATED';
      work.detail = `${dryRun ? 'would run' : 'ran'} ${what}${where} (treatment ${work.entry.attempts + 1})`;
      return;
    }
  }
}

/** Records the treatment before acting, with a conditional write: of two overlapping runs, only one acts. */
async function claimServers(
  works: Work[],
  runId: string,
  now: Date,
  inFlightSeconds: number,
  deps: DoctorDependencies,
): Promise<Work[]> {
  const inFlightUntil = new Date(now.getTime() + inFlightSeconds * 1000).toISOString();
  const claimed = await mapWithConcurrency(works, LEDGER_WRITE_CONCURRENCY, async (work) => {
    const entry = work.entry as LedgerEntry;
    const claim = {
      ...appendTreatment(entry, { at: now.toISOString(), runId, commands: [], inFlightUntil }),
      version: entry.version + 1,
    };
    const result = await deps.ledger.saveEntry(claim);
    if (result === 'CONFLICT') {
      deps.log.warn('Another run is treating this server; skipping it', { sourceServerId: work.server.sourceServerId });
      work.step = { kind: 'NONE' };
      work.entry = undefined;
      work.action = 'SKIPPED_OVERLAP';
      work.detail = 'another run treated this server at the same time; skipped';
      return undefined;
    }
    work.entry = claim;
    return work;
  });
  return claimed.filter((work): work is Work => work !== undefined);
}

export function parametersFor(
  document: DocumentRole,
  settings: DoctorSettings,
  region: string,
): Record<string, string[]> {
  switch (document) {
    case 'RestartReplicationAgent':
      return {};
    case 'CheckDiskSpace':
      return { minFreeRootMiB: [String(settings.minFreeRootMiB)], minFreeTmpMiB: [String(settings.minFreeTmpMiB)] };
    case 'CheckConnectivity':
      return { region: [region] };
  }
}

/** CheckConnectivity's per-host parameter: each host's own replication server, by node ID. */
export const REPLICATION_SERVER_IPS = 'replicationServerIps';

function commentFor(runId: string, works: readonly Work[]): string {
  const counts = new Map<string, number>();
  for (const work of works) {
    const label = `${work.classification.condition}${work.server.errorCode ? ` ${work.server.errorCode}` : ''}`;
    counts.set(label, (counts.get(label) ?? 0) + 1);
  }
  const conditions = [...counts].map(([label, count]) => (count > 1 ? `${label} x${count}` : label)).join(', ');
  return `${TOOL} run ${runId}: ${conditions}`.slice(0, 100);
}

/** Sends every host command and service action, then collects results within the wait budget. */
async function treatServers(
  works: Work[],
  request: RunRequest,
  settings: DoctorSettings,
  environment: RunEnvironment,
  startedAt: Date,
  deps: DoctorDependencies,
): Promise<number> {
  const replicatorIps = await findReplicatorIps(works, deps);

  // One request per document (the runner splits it into batches of 50); what differs per host travels as a
  // per-instance parameter, so the number of calls does not grow with the number of replication servers.
  const groups = new Map<
    DocumentRole,
    { instanceIds: string[]; replicationServerIps: Record<string, string>; works: Work[] }
  >();
  for (const work of works) {
    if (work.target?.status !== 'RESOLVED') continue;
    const instanceId = work.target.node.instanceId;
    const replicationServerIp = replicatorIps.get(work.server.replicatorId ?? '');
    for (const document of work.hostDocuments) {
      const group = groups.get(document) ?? { instanceIds: [], replicationServerIps: {}, works: [] };
      group.instanceIds.push(instanceId);
      group.works.push(work);
      if (replicationServerIp) group.replicationServerIps[instanceId] = replicationServerIp;
      groups.set(document, group);
    }
  }
  const requests = [...groups].map(([document, group]) => ({
    works: group.works,
    command: {
      document,
      instanceIds: group.instanceIds,
      parameters: parametersFor(document, settings, environment.region),
      instanceParameters:
        document === 'CheckConnectivity' ? { [REPLICATION_SERVER_IPS]: group.replicationServerIps } : undefined,
      comment: commentFor(request.runId, group.works),
    },
  }));

  const records = new Map<Work, CommandRecord[]>();
  const sendErrors = new Map<Work, string[]>();
  const expected: ExpectedCommand[] = [];
  const requestedAt = deps.clock.now().toISOString();
  await mapWithConcurrency(requests, CALL_CONCURRENCY, async ({ command, works: members }) => {
    const batches = await deps.commands.sendCommand(command);
    for (const batch of batches) {
      if ('commandId' in batch) expected.push({ commandId: batch.commandId, instanceIds: batch.instanceIds });
      for (const work of members) {
        const instanceId = work.target?.status === 'RESOLVED' ? work.target.node.instanceId : undefined;
        if (!instanceId || !batch.instanceIds.includes(instanceId)) continue;
        if ('commandId' in batch) {
          records.set(work, [
            ...(records.get(work) ?? []),
            { commandId: batch.commandId, document: command.document, instanceId, requestedAt, status: 'Pending' },
          ]);
        } else {
          sendErrors.set(work, [...(sendErrors.get(work) ?? []), `${command.document}: ${batch.error}`]);
        }
      }
    }
  });

  const serviceActions = new Map<Work, ServiceActionRecord>();
  await mapWithConcurrency(
    works.filter((work) => work.serviceAction),
    CALL_CONCURRENCY,
    async (work) => {
      serviceActions.set(work, await retryDataReplication(work, deps));
    },
  );
  await mapWithConcurrency(
    works.filter((work) => playbookOf(work.step)?.reportReplicationSettings),
    CALL_CONCURRENCY,
    async (work) => {
      try {
        work.replicationSettings = await deps.servers.getReplicationSettings(work.server.sourceServerId);
      } catch (error) {
        deps.log.warn('Could not read replication settings', {
          sourceServerId: work.server.sourceServerId,
          error: errorText(error),
        });
      }
    },
  );

  const deadline = new Date(startedAt.getTime() + waitSecondsFor(request, settings) * 1000);
  const results =
    expected.length > 0
      ? await collectResults(expected, deadline, deps.commands, deps.clock, deps.log)
      : new Map<string, InvocationResult>();

  for (const work of works) {
    const entry = work.entry as LedgerEntry;
    const treatment = withResults(
      {
        ...(lastTreatment(entry) as Treatment),
        inFlightUntil: undefined,
        commands: records.get(work) ?? [],
        sendErrors: sendErrors.get(work),
        serviceAction: serviceActions.get(work),
      },
      results,
    );
    work.entry = replaceLastTreatment(entry, treatment);
  }
  return expected.length;
}

async function findReplicatorIps(works: readonly Work[], deps: DoctorDependencies): Promise<Map<string, string>> {
  // Port 1500 matters for network-class errors; an agent MGN has not seen is checked on 443 alone.
  const replicatorIds = works
    .filter(
      (work) =>
        playbookOf(work.step)?.family === 'network' &&
        work.hostDocuments.includes('CheckConnectivity') &&
        work.server.replicatorId,
    )
    .map((work) => work.server.replicatorId as string);
  if (replicatorIds.length === 0 || !deps.replicationServers) return new Map();
  try {
    return await deps.replicationServers.findPrivateIps([...new Set(replicatorIds)]);
  } catch (error) {
    // The check still runs against MGN and S3; only the replication-server port is left out.
    deps.log.warn('Could not look up replication servers', { error: errorText(error) });
    return new Map();
  }
}

const REFUSALS = new Set([
  'ValidationException',
  'ConflictException',
  'ResourceNotFoundException',
  'UninitializedAccountException',
]);

async function retryDataReplication(work: Work, deps: DoctorDependencies): Promise<ServiceActionRecord> {
  const at = deps.clock.now().toISOString();
  try {
    await deps.servers.retryDataReplication(work.server.sourceServerId);
    return { action: 'RetryDataReplication', at, outcome: 'SUCCEEDED' };
  } catch (error) {
    const name = error instanceof Error ? error.name : '';
    return {
      action: 'RetryDataReplication',
      at,
      outcome: REFUSALS.has(name) ? 'REFUSED' : 'FAILED',
      detail: errorText(error).slice(0, 300),
    };
  }
}

function assignNews(
  works: Work[],
  stored: ReadonlyMap<string, LedgerEntry>,
  settings: DoctorSettings,
  now: Date,
): void {
  for (const work of works) {
    const entry = work.entry as LedgerEntry;
    if (!hasNews(entry)) continue;
    const before = stored.get(entry.sourceServerId);
    if (entry.status === 'CLOSED') work.news = entry.closedReason === 'RECOVERED' ? 'RECOVERED' : 'CLEARED';
    // Escalated and not yet told so (also when a failed publish lost the first escalation message).
    else if (entry.status === 'ESCALATED' && !before?.notifiedFingerprint?.startsWith('ESCALATED|'))
      work.news = 'ESCALATED';
    else if (!before || before.status === 'CLOSED' || before.notifiedFingerprint === undefined) work.news = 'NEW';
    else if (work.step.kind === 'TREAT' || lastTreatment(entry) !== lastTreatment(before)) work.news = 'OUTCOME';
    else work.news = 'CHANGED';
  }
  const anyNews = works.some((work) => work.news !== undefined);
  const reminderDue = works.some(
    (work) =>
      work.entry?.status !== 'CLOSED' &&
      work.entry?.notifiedAt !== undefined &&
      now.getTime() - new Date(work.entry.notifiedAt).getTime() >= settings.reminderHours * 3_600_000,
  );
  if (!anyNews && reminderDue) {
    for (const work of works) if (work.entry?.status !== 'CLOSED') work.news = 'REMINDER';
  }
}

const NEWS_ORDER: readonly News[] = ['ESCALATED', 'NEW', 'CHANGED', 'OUTCOME', 'RECOVERED', 'CLEARED', 'REMINDER'];
const order = (works: Work[]): Work[] =>
  [...works].sort((a, b) => NEWS_ORDER.indexOf(a.news as News) - NEWS_ORDER.indexOf(b.news as News));

async function saveEntries(
  entries: readonly LedgerEntry[],
  stored: ReadonlyMap<string, LedgerEntry>,
  deps: DoctorDependencies,
): Promise<void> {
  // Only what changed is written: a followed server with nothing new costs no write.
  const changed = entries.filter((entry) => canonicalJson(entry) !== canonicalJson(stored.get(entry.sourceServerId)));
  await mapWithConcurrency(changed, LEDGER_WRITE_CONCURRENCY, async (entry) => {
    const result = await deps.ledger.saveEntry({ ...entry, version: entry.version + 1 });
    if (result === 'CONFLICT')
      deps.log.warn('Another run updated this server first; keeping its record', {
        sourceServerId: entry.sourceServerId,
      });
  });
}

/** JSON with object keys sorted: DynamoDB does not keep the order in which a map's keys were written. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, element: unknown) =>
    element !== null && typeof element === 'object' && !Array.isArray(element)
      ? Object.fromEntries(Object.entries(element).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : element,
  );
}

function toReport(work: Work): ServerReport {
  return {
    server: work.server,
    classification: work.classification,
    action: work.action,
    detail: work.detail,
    blocker: work.blocker,
    playbook: playbookOf(work.step),
    target: work.target,
    replicationSettings: work.replicationSettings,
    entry: work.entry,
    news: work.news,
  };
}

/** One structured line per server; never the tags (sensitive in the MGN model). */
function logServer(log: Log, report: ServerReport): void {
  const last = report.entry && lastTreatment(report.entry);
  log.info('server', {
    sourceServerId: report.server.sourceServerId,
    hostname: report.server.hostname ?? report.server.fqdn,
    condition: report.classification.condition,
    reason: report.classification.reason,
    lifeCycleState: report.server.lifeCycleState,
    dataReplicationState: report.server.dataReplicationState,
    errorCode: report.server.errorCode,
    action: report.action,
    detail: report.detail,
    target: report.target?.status,
    nodeId: report.target && 'node' in report.target ? report.target.node.instanceId : undefined,
    attempts: report.entry?.attempts,
    commands: last?.commands.map((command) => ({
      commandId: command.commandId,
      document: command.document,
      status: command.status,
    })),
    news: report.news,
  });
}
