// A hub's account run does not publish: its report is held in the ledger table until the program digest tells
// every account's news in one publish (docs/design.md section 7, "Delivery"). The run saves its entries as told
// before the hold, exactly as before a publish, and the held report carries what putting them back needs.
// What is held is what the program digest can show: servers it would name in one line keep only that line's
// facts, so a held report of thousands of servers stays within a DynamoDB item.
import { DETAIL_ALL_UP_TO, type DigestInput } from '../digest';
import { sectionOf } from '../digest-groups';
import { lastTreatment, type LedgerEntry } from '../ledger';
import type { SourceServer } from '../model';
import type { ChannelDelivery, OutcomeReport, ToldNews } from '../outcome-report';
import type { OutcomePublisher } from '../ports';
import type { ServerReport } from '../report';
import { clip } from '../text';
import type { HeldReportStore } from './ports';

export interface HeldReport {
  /** The program run (the state machine's execution name). */
  readonly runId: string;
  readonly account: string;
  /** The account run's facts as the program digest renders them (holdableFacts). */
  readonly facts: DigestInput;
  /** Servers left out of `facts` to fit the item (trimHeldReport): counted in the digest, never named. */
  readonly omitted: number;
  /** What the run saved as told: put back if the program digest is not published. */
  readonly told: ToldNews;
  /** A failed publish of the program digest put the marks back: the next attempt saves them as told again. */
  readonly putBack?: boolean;
}

/** Servers in sections that need a person keep their full block (the digest details them, within a bound). */
const FULL_BLOCKS_MAX = 20;

/** The facts without what no digest line shows: tags always, and the details of servers named in one line. */
export function holdableFacts(facts: DigestInput): DigestInput {
  const few = facts.news.length <= DETAIL_ALL_UP_TO;
  let full = 0;
  const news = facts.news.map((report) => {
    const person = sectionOf(report) === 'ESCALATED' || sectionOf(report) === 'PERSON';
    return few || (person && full++ < FULL_BLOCKS_MAX) ? withoutTags(report) : slimReport(report);
  });
  return { ...facts, news, unresolved: facts.unresolved.map(slimReport) };
}

/** The held report with only the first `keep` servers (news first), the others counted in `omitted`. */
export function trimHeldReport(held: HeldReport, keep: number): HeldReport {
  const { news, unresolved } = held.facts;
  const kept = { news: news.slice(0, keep), unresolved: unresolved.slice(0, Math.max(0, keep - news.length)) };
  const dropped = news.length + unresolved.length - kept.news.length - kept.unresolved.length;
  return { ...held, facts: { ...held.facts, ...kept }, omitted: held.omitted + dropped };
}

const withoutTags = (report: ServerReport): ServerReport => ({ ...report, server: { ...report.server, tags: {} } });

/** What a one-line mention, its group's title and advice, the headline and the chat rendering read. */
function slimReport(report: ServerReport): ServerReport {
  const { server, entry } = report;
  const slimServer: SourceServer = {
    sourceServerId: server.sourceServerId,
    arn: server.arn,
    isArchived: server.isArchived,
    replicationType: server.replicationType,
    lifeCycleState: server.lifeCycleState,
    dataReplicationState: server.dataReplicationState,
    errorCode: server.errorCode,
    hostname: server.hostname,
    ...(server.hostname === undefined && { fqdn: server.fqdn }),
    applicationId: server.applicationId,
    ips: [],
    tags: {},
  };
  return {
    server: slimServer,
    classification: report.classification,
    action: report.action,
    detail: clip(report.detail, 200),
    blocker: report.blocker,
    playbook: report.playbook,
    news: report.news,
    label: report.label,
    terms: report.terms,
    ...(entry && { entry: slimEntry(entry) }),
  };
}

/** The entry's status and last treatment's outcomes: what sorts a server into its section and group. */
function slimEntry(entry: LedgerEntry): LedgerEntry {
  const last = lastTreatment(entry);
  return {
    sourceServerId: entry.sourceServerId,
    version: entry.version,
    status: entry.status,
    condition: entry.condition,
    errorCode: entry.errorCode,
    since: entry.since,
    attempts: entry.attempts,
    treatments: last
      ? [
          {
            at: last.at,
            runId: last.runId,
            commands: last.commands.map((command) => ({
              ...command,
              summary: undefined,
              statusDetails: undefined,
            })),
            serviceAction: last.serviceAction && { ...last.serviceAction, detail: undefined },
            sendErrors: last.sendErrors?.map(() => ''),
          },
        ]
      : [],
  };
}

/**
 * The publisher of a hub's account run: holds the report for the program digest instead of publishing it. The
 * run counts its news as told only once the program digest is published (`held`), so deliverNews saves nothing
 * else and the free-period marks wait in the held report.
 */
export class HeldReportPublisher implements OutcomePublisher {
  /** Whether the run handed over a report (a run without news holds none). */
  held = false;

  constructor(
    private readonly store: HeldReportStore,
    private readonly runId: string,
    private readonly account: string,
  ) {}

  async publish(report: OutcomeReport, told: ToldNews = { marks: [] }): Promise<ChannelDelivery> {
    await this.store.holdReport({
      runId: this.runId,
      account: this.account,
      facts: holdableFacts(report.facts),
      omitted: 0,
      told,
    });
    this.held = true;
    return { channel: 'HeldReport', delivered: 1, failures: [], held: true };
  }
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * A held report as stored (JSON), with its dates revived; a report of another run or account, or not of this
 * shape, is an error naming where it was found.
 */
export function reviveHeldReport(
  value: unknown,
  where: string,
  expected: { runId: string; account: string },
): HeldReport {
  const facts = isRecord(value) && isRecord(value.facts) ? value.facts : undefined;
  const told = isRecord(value) && isRecord(value.told) ? value.told : undefined;
  const now = typeof facts?.now === 'string' ? new Date(facts.now) : undefined;
  if (
    !isRecord(value) ||
    value.runId !== expected.runId ||
    value.account !== expected.account ||
    !facts ||
    !now ||
    Number.isNaN(now.getTime()) ||
    !Array.isArray(facts.news) ||
    !Array.isArray(facts.unresolved) ||
    !Array.isArray(told?.marks)
  )
    throw new Error(`${where} is not a held report of run ${expected.runId} and account ${expected.account}`);
  return {
    ...(value as unknown as HeldReport),
    facts: { ...(facts as unknown as DigestInput), now },
    omitted: typeof value.omitted === 'number' ? value.omitted : 0,
  };
}
