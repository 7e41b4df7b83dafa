// docs/design.md section 7: one digest per run with news. The e-mail lists each server with what was seen, done and
// advised; the SMS is one line; neither ever exceeds SNS's limits, whatever MGN or the hosts return.
import { formatMinutes, minutesBetween, parseDurationMinutes } from './durations';
import { lastTreatment, type LedgerEntry, type Treatment } from './ledger';
import type { Condition, Digest } from './model';
import type { News, ServerReport, Trigger } from './report';
import { groupNews, restartFailed, SECTION_TITLES, sectionOf } from './digest-groups';
import { groupByMigrationTerms, groupByWave, labelMigrationTerms, type TermsGroup } from './migration-terms';
import { clip } from './text';

export { clip } from './text';
import { consoleOrigin, runCommandHistoryUrl } from '../shared/console-links';

export const SUBJECT_MAX = 99;
export const SMS_MAX = 140;
/**
 * The text goes out twice (`default` and `email`) inside one JSON message of at most 256 KB, and JSON escaping
 * can grow it, so each copy is kept under 120 KB once escaped.
 */
export const TEXT_MAX_BYTES = 120_000;
export const RAW_ERROR_MAX = 500;

export interface DigestInput {
  readonly region: string;
  readonly accountId: string;
  readonly runId: string;
  readonly trigger: Trigger;
  readonly dryRun: boolean;
  readonly now: Date;
  readonly counts: Readonly<Record<Condition, number>>;
  /** Servers with news, in the order they should appear. */
  readonly news: readonly ServerReport[];
  /** Servers still followed without news, listed briefly. */
  readonly unresolved: readonly ServerReport[];
  /** MGN service roles that do not exist (checked when a service-side error appears). */
  readonly missingServiceRoles?: readonly string[];
  /** Causes many servers share (a mass stall), each one line of evidence, shown first. */
  readonly findings?: readonly string[];
  /** Named where the digest cannot list every server. */
  readonly ledgerTableName?: string;
  /** Free replication period notices: one line per wave (`describeFreePeriodNotices`). */
  readonly freePeriod?: {
    readonly lines: readonly string[];
    readonly servers: number;
  };
}

export const mgnServerUrl = (region: string, sourceServerId: string): string =>
  `${consoleOrigin(region)}/mgn/home?region=${region}#/sourceServers/${sourceServerId}`;
export const runCommandUrl = (region: string, commandId: string): string =>
  `${consoleOrigin(region)}/systems-manager/run-command/${commandId}?region=${region}`;

export const escapedBytes = (text: string): number => Buffer.byteLength(JSON.stringify(text), 'utf8') - 2;

const ALL_CLEAR = 'all clear';

function headline(input: DigestInput): string[] {
  const { counts, news } = input;
  const tally = (kinds: readonly News[]): number =>
    news.filter((report) => report.news && kinds.includes(report.news)).length;
  const parts = [
    counts.STALLED ? `${counts.STALLED} stalled` : '',
    counts.DISCONNECTED ? `${counts.DISCONNECTED} disconnected` : '',
    tally(['RECOVERED']) ? `${tally(['RECOVERED'])} recovered` : '',
    tally(['ESCALATED']) ? `${tally(['ESCALATED'])} escalated` : '',
    counts.LAGGING ? `${counts.LAGGING} lagging` : '',
    counts.UNKNOWN ? `${counts.UNKNOWN} unknown` : '',
  ].filter(Boolean);
  return parts.length > 0 ? parts : [ALL_CLEAR];
}

/** Past this many stalled servers, the subject and SMS name the largest error: a cluster has one cause. */
const CLUSTER_SIZE = 5;

/** `150 stalled (143 AGENT_NOT_SEEN)`: the largest error of a cluster of stalled servers, and what failed. */
function headlineWithCauses(input: DigestInput, parts: readonly string[]): string[] {
  const codes = new Map<string, number>();
  for (const report of input.news) {
    if (report.classification.condition !== 'STALLED' || !report.server.errorCode) continue;
    codes.set(report.server.errorCode, (codes.get(report.server.errorCode) ?? 0) + 1);
  }
  const [code, count] = [...codes].sort((a, b) => b[1] - a[1])[0] ?? [];
  const stalled = input.counts.STALLED;
  const withCode = parts.map((part) =>
    code && stalled >= CLUSTER_SIZE && part === `${stalled} stalled` ? `${part} (${count} ${code})` : part,
  );
  const failedRestarts = input.news.filter(restartFailed).length;
  const tail = failedRestarts ? ` — ${failedRestarts} restart${failedRestarts > 1 ? 's' : ''} failed` : '';
  return tail ? [...withCode.slice(0, -1), `${withCode.at(-1)}${tail}`] : withCode;
}

function composeSubject(input: DigestInput, parts: readonly string[]): string {
  const prefix = `${input.dryRun ? '[dry run] ' : ''}MGN ${input.region}: `;
  const suffix = ` (${input.accountId})`;
  return clip(`${prefix}${clip(parts.join(', '), SUBJECT_MAX - prefix.length - suffix.length)}${suffix}`, SUBJECT_MAX);
}

function composeSms(input: DigestInput, parts: readonly string[]): string {
  const prefix = `${input.dryRun ? '[dry run] ' : ''}MGN ${input.region} ${input.accountId}: `;
  return clip(`${prefix}${parts.join(', ')}. Details by e-mail.`, SMS_MAX);
}

function describeTreatment(treatment: Treatment, region: string): string[] {
  const lines = [`  Done ${treatment.at}:`];
  for (const command of treatment.commands) {
    const output = command.summary ? ` ${command.summary}` : '';
    lines.push(
      `    ${command.document} on ${command.instanceId}: ${command.status}${command.statusDetails && command.statusDetails !== command.status ? ` (${command.statusDetails})` : ''}.${output}`,
    );
    lines.push(`      ${runCommandUrl(region, command.commandId)}`);
  }
  for (const error of treatment.sendErrors ?? []) lines.push(`    Not sent: ${clip(error, 300)}`);
  if (treatment.serviceAction) {
    const { action, outcome, detail } = treatment.serviceAction;
    lines.push(`    ${action}: ${outcome}${detail ? ` (${clip(detail, 300)})` : ''}`);
  }
  return lines;
}

function describeHistory(entry: LedgerEntry): string {
  return entry.treatments
    .map((treatment, index) => {
      const results = treatment.commands.map((command) => `${command.document} ${command.status}`);
      if (treatment.serviceAction) results.push(`${treatment.serviceAction.action} ${treatment.serviceAction.outcome}`);
      return `#${index + 1} ${treatment.at}: ${results.join(', ') || 'nothing sent'}`;
    })
    .join('; ');
}

/** One server's block in the e-mail. */
export function describeServer(
  report: ServerReport,
  region: string,
  now: Date,
  options: { readonly advice: boolean } = { advice: true },
): string {
  const { server, classification, entry, target, playbook } = report;
  const name = server.hostname ?? server.fqdn ?? 'unknown host';
  const lines = [
    `[${report.news === 'REMINDER' ? classification.condition : (report.news ?? classification.condition)}] ${server.sourceServerId} ${name}${server.osFullString ? ` (${clip(server.osFullString, 80)})` : ''}${report.label ? ` · ${report.label}` : ''}`,
  ];
  lines.push(
    `  Lifecycle ${server.lifeCycleState ?? 'unknown'}, replication ${server.dataReplicationState ?? 'unknown'}` +
      `${server.errorCode ? `, error ${server.errorCode}` : ''}${server.replicationType === 'SNAPSHOT_SHIPPING' ? ', agentless' : ''}`,
  );
  const lag = parseDurationMinutes(server.lagDuration);
  const facts = [
    lag !== undefined ? `lag ${formatMinutes(lag)}` : '',
    server.backloggedStorageBytes ? `backlog ${(server.backloggedStorageBytes / 1_048_576).toFixed(0)} MiB` : '',
    server.etaDateTime ? `ETA ${server.etaDateTime}` : '',
    server.lastSeenByServiceDateTime ? `last seen by MGN ${server.lastSeenByServiceDateTime}` : '',
    entry ? `followed since ${entry.since} (${formatMinutes(minutesBetween(entry.since, now))})` : '',
    entry && entry.attempts > 0 ? `treatments ${entry.attempts}` : '',
  ].filter(Boolean);
  if (facts.length > 0) lines.push(`  ${facts.join(', ')}`);
  if (server.rawError) lines.push(`  MGN says: ${clip(server.rawError, RAW_ERROR_MAX)}`);
  lines.push(`  Doctor: ${report.detail}`);
  if (target) {
    if (target.status === 'RESOLVED' || target.status === 'OFFLINE') {
      lines.push(
        `  SSM node: ${target.node.instanceId} (${target.node.platformType ?? 'unknown platform'}, ${target.node.pingStatus}, matched by ${target.matchedBy})`,
      );
    }
    if (target.status !== 'RESOLVED') lines.push(`  SSM node: ${target.status}. ${target.advice}`);
    if (target.status === 'AMBIGUOUS') lines.push(`  Candidates: ${target.candidates.join(', ')}`);
  } else if (entry?.advice) {
    lines.push(`  ${entry.advice}`);
  }
  if (options.advice && playbook && report.news !== 'RECOVERED' && report.news !== 'CLEARED')
    lines.push(`  Advice: ${playbook.guidance}`);
  if (report.replicationSettings) {
    const settings = report.replicationSettings;
    lines.push(
      `  Replication settings: bandwidth throttling ${settings.bandwidthThrottling ? `${settings.bandwidthThrottling} Mbps` : 'off'}, ` +
        `data routing ${settings.dataPlaneRouting ?? 'unknown'}, public IP ${settings.createPublicIP === undefined ? 'unknown' : settings.createPublicIP ? 'yes' : 'no'}` +
        `${settings.stagingAreaSubnetId ? `, staging subnet ${settings.stagingAreaSubnetId}` : ''}`,
    );
  }
  const last = entry && lastTreatment(entry);
  if (last && report.news !== 'REMINDER') lines.push(...describeTreatment(last, region));
  if (entry && (report.news === 'ESCALATED' || report.news === 'RECOVERED') && entry.treatments.length > 0) {
    lines.push(`  History: ${describeHistory(entry)}`);
  }
  lines.push(`  MGN console: ${mgnServerUrl(region, server.sourceServerId)}`);
  return lines.join('\n');
}

/** Past this many servers with news, only those that need a person get their full block (the rest one line). */
export const DETAIL_ALL_UP_TO = 10;
/** Room for full blocks of servers that need a person, before they too get one line each. */
const DETAIL_MAX_BYTES = 12_000;

/** How much of the text the servers' blocks may take (escaped bytes). */
export interface DigestBounds {
  /** The whole text; what does not fit is summed up in one line. */
  readonly textBytes: number;
  /** Full blocks of servers that need a person, past DETAIL_ALL_UP_TO servers with news. */
  readonly detailBytes: number;
  /** Full blocks of every server, up to DETAIL_ALL_UP_TO servers with news. */
  readonly fewDetailBytes: number;
}

/** One account's digest: the SNS message's room for its text, every server in full when there are few. */
export const DIGEST_BOUNDS: DigestBounds = {
  textBytes: TEXT_MAX_BYTES - 600,
  detailBytes: DETAIL_MAX_BYTES,
  fewDetailBytes: Number.POSITIVE_INFINITY,
};

/**
 * One line per server: ID, hostname and its wave and application, unless the heading above the line names them
 * (news grouped by wave and application: 1,000 lines stay within 64 KB).
 */
function describeServerBriefly(report: ServerReport, underTermsHeading = false): string {
  const { server } = report;
  const name = server.hostname ?? server.fqdn ?? '';
  const label = report.label && !underTermsHeading ? ` · ${report.label}` : '';
  return `  ${server.sourceServerId} ${name}${label}`.trimEnd();
}

export const DRY_RUN_LINE =
  'DRY RUN: nothing was sent to any host and nothing was changed; this is what the doctor would do.';

function composeHeader(input: DigestInput): string[] {
  return [
    `MGN replication doctor: ${input.region}, account ${input.accountId}, ${input.now.toISOString()} (${input.trigger} run ${input.runId})`,
    input.dryRun ? DRY_RUN_LINE : '',
    describeFleet(input.counts),
    `Run Command history: ${runCommandHistoryUrl(input.region)}`,
    ...describeAccountFindings(input),
  ].filter(Boolean);
}

export function describeFleet(counts: DigestInput['counts']): string {
  const total = Object.values(counts).reduce((sum, count) => sum + count, 0);
  return (
    `Fleet: ${total} servers: ${counts.HEALTHY} healthy, ${counts.PROGRESSING} progressing, ${counts.STALLED} stalled, ` +
    `${counts.DISCONNECTED} disconnected, ${counts.LAGGING} lagging, ${counts.UNKNOWN} unknown, ${counts.IGNORED} left alone.`
  );
}

/** What the account's servers share: missing MGN roles, common causes, the news by wave (empty lines left out). */
function describeAccountFindings(input: DigestInput): string[] {
  return [
    input.missingServiceRoles?.length
      ? `MGN's IAM roles missing in this account: ${input.missingServiceRoles.join(', ')}. Re-initialise MGN in this Region (console: Settings) or create them as the MGN user guide describes.`
      : '',
    ...(input.findings ?? []).map((finding) => `Likely common cause: ${finding}`),
    describeWaves(input.news),
  ].filter(Boolean);
}

export interface Block {
  readonly text: string;
  /** The servers this block names (0 for headings). */
  readonly servers: number;
}

/** Servers in applications are grouped by wave and application; a fleet without them gets no such grouping. */
const usesTerms = (reports: readonly ServerReport[]): boolean => reports.some((report) => report.terms !== undefined);
const termsOf = (report: ServerReport) => report.terms;
const waveName = (wave: string | undefined): string => clip(wave ?? 'In no wave', 80);

/** `Servers with news by wave: Wave 1 40, Wave 2 60, In no wave 50`, when the fleet uses waves. */
function describeWaves(news: readonly ServerReport[]): string {
  if (!news.some((report) => report.terms?.waveId !== undefined)) return '';
  const counts = groupByWave(news, termsOf).map((group) => `${waveName(group.wave)} ${group.items.length}`);
  return clip(`Servers with news by wave: ${counts.join(', ')}`, 600);
}

/** The servers of one group by wave and application (docs/design.md section 7), or all together. */
function groupByTerms(reports: readonly ServerReport[], byTerms: boolean): TermsGroup<ServerReport>[] {
  return byTerms ? groupByMigrationTerms(reports, termsOf) : [{ items: reports }];
}

interface DetailBudget {
  readonly all: boolean;
  /** Escaped bytes the full blocks may take. */
  readonly max: number;
  bytes: number;
}

/** A server's full block where it needs a person (up to a bound) or the news is small; else one line. */
function describeNewsServer(report: ServerReport, section: string, input: DigestInput, budget: DetailBudget): Block {
  const needsPerson = section === 'ESCALATED' || section === 'PERSON';
  const detailed = (budget.all || needsPerson) && budget.bytes < budget.max;
  const text = detailed
    ? describeServer(report, input.region, input.now, { advice: false })
    : describeServerBriefly(report, report.terms !== undefined);
  if (detailed) budget.bytes += escapedBytes(text);
  return { text, servers: 1 };
}

/** The groups as blocks: a heading per section and group, the advice once, then each server (by wave and application). */
function composeNewsBlocks(input: DigestInput, bounds: DigestBounds): Block[] {
  const blocks: Block[] = [];
  const all = input.news.length <= DETAIL_ALL_UP_TO;
  const budget: DetailBudget = { all, max: all ? bounds.fewDetailBytes : bounds.detailBytes, bytes: 0 };
  const byTerms = usesTerms(input.news);
  let section: string | undefined;
  for (const group of groupNews(input.news)) {
    if (group.section !== section) {
      section = group.section;
      const size = input.news.filter((report) => sectionOf(report) === group.section).length;
      blocks.push({ text: `\n== ${SECTION_TITLES[group.section]} (${size}) ==`, servers: 0 });
    }
    const advice = group.reports[0]?.playbook?.guidance;
    const showAdvice = advice && group.section !== 'RECOVERED';
    blocks.push({
      text: `${group.title}: ${group.reports.length} server(s)${showAdvice ? `\n  Advice: ${advice}` : ''}`,
      servers: 0,
    });
    for (const terms of groupByTerms(group.reports, byTerms)) {
      const heading = terms.terms ? labelMigrationTerms(terms.terms) : 'In no application';
      if (byTerms) blocks.push({ text: `  -- ${heading}: ${terms.items.length} server(s)`, servers: 0 });
      for (const report of terms.items) blocks.push(describeNewsServer(report, group.section, input, budget));
    }
  }
  return blocks;
}

function composeFreePeriodBlocks(input: DigestInput): Block[] {
  const notices = input.freePeriod;
  if (!notices || notices.lines.length === 0) return [];
  return [
    { text: `\n== Free replication period (${notices.servers}) ==`, servers: 0 },
    ...notices.lines.map((line) => ({ text: `  ${line}`, servers: 0 })),
  ];
}

function composeUnresolvedBlocks(input: DigestInput): Block[] {
  if (input.unresolved.length === 0) return [];
  const blocks: Block[] = [{ text: `\n== Still followed, no change (${input.unresolved.length}) ==`, servers: 0 }];
  for (const report of input.unresolved) {
    const brief = input.unresolved.length > DETAIL_ALL_UP_TO ? '' : `: ${clip(report.detail, 200)}`;
    blocks.push({ text: `${describeServerBriefly(report)} ${report.classification.condition}${brief}`, servers: 1 });
  }
  return blocks;
}

function composeBlocks(input: DigestInput, bounds: DigestBounds): Block[] {
  return [...composeNewsBlocks(input, bounds), ...composeFreePeriodBlocks(input), ...composeUnresolvedBlocks(input)];
}

/** A text cut to its bounds: how many servers it could not name, and whether anything was left out. */
export interface FittedText {
  readonly text: string;
  readonly left: number;
  readonly cut: boolean;
}

/** `head`, then each block while the text stays within `maxBytes` (escaped). */
function fitBlocks(head: string, blocks: readonly Block[], maxBytes: number): FittedText {
  let text = head;
  let used = escapedBytes(text);
  for (let index = 0; index < blocks.length; index++) {
    const block = `\n${blocks[index]?.text}`;
    const size = escapedBytes(block);
    if (used + size > maxBytes) {
      return { text, left: blocks.slice(index).reduce((sum, candidate) => sum + candidate.servers, 0), cut: true };
    }
    text += block;
    used += size;
  }
  return { text, left: 0, cut: false };
}

/** `…and 12 more servers not listed here`, or where nothing but headings was left out. */
export const describeLeftOut = (left: number): string =>
  left > 0 ? `…and ${left} more servers not listed here` : '…the rest is not shown here';

/**
 * One account's part of a hub's program digest (docs/design.md section 7): `Account 111122223333 — <headline>`,
 * its fleet and findings, then its groups as in its own digest, within `bounds`.
 */
export function composeAccountSection(input: DigestInput, bounds: DigestBounds): FittedText {
  const head = [
    `\n=== Account ${input.accountId} — ${composeHeadline(input).join(', ')} ===`,
    describeFleet(input.counts),
    ...describeAccountFindings(input),
  ].join('\n');
  return fitBlocks(head, composeBlocks(input, bounds), bounds.textBytes);
}

/** The subject's and SMS's parts: the news; free-period notices only in a digest without other news. */
export function composeHeadline(input: DigestInput): string[] {
  const parts = headlineWithCauses(input, headline(input));
  const notices = input.freePeriod?.servers ?? 0;
  if (notices === 0 || input.news.length > 0) return parts;
  const told = `${notices} free-period notice${notices === 1 ? '' : 's'}`;
  return [...parts.filter((part) => part !== ALL_CLEAR), told];
}

export function composeDigest(input: DigestInput): Digest {
  const parts = composeHeadline(input);
  const fitted = fitBlocks(
    composeHeader(input).join('\n'),
    composeBlocks(input, DIGEST_BOUNDS),
    DIGEST_BOUNDS.textBytes,
  );
  const rest = fitted.cut
    ? `\n\n${describeLeftOut(fitted.left)} (the SNS message size limit). ${whereTheRestIs(input)}`
    : '';
  return { subject: composeSubject(input, parts), text: fitted.text + rest, sms: composeSms(input, parts) };
}

/** Where a person finds every server when the digest could not name them all. */
export function whereTheRestIs(input: Pick<DigestInput, 'ledgerTableName' | 'runId'>): string {
  const table = input.ledgerTableName
    ? ` the DynamoDB table ${input.ledgerTableName} (one item per followed server), or`
    : '';
  return (
    `Every server is in${table} the doctor's log: CloudWatch Logs Insights, ` +
    `fields sourceServerId, hostname, condition, action | filter message = 'server' and runId = '${input.runId}'.`
  );
}
