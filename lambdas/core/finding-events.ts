// The event rendering of a run's report (docs/design.md section 7, "Events"): one EventBridge event per piece of
// news, on the account's default bus, for rules that route findings to ticketing and paging tools. The detail is
// flat JSON in AWS's own spellings; text from hosts is made plain and bounded, so no event nears PutEvents' limit.
import { outcomeOf, sectionOf } from './digest-groups';
import type { OutcomeReport } from './outcome-report';
import { lastTreatment } from './ledger';
import type { ServerReport } from './report';
import { clip, plainHostText } from './text';
import { sourceServerArn } from './ops-items';

export const FINDING_SOURCE = 'mgn-replication-doctor';
export const FINDING_DETAIL_TYPE = 'MGN Replication Doctor Finding';

export interface FindingDetail {
  readonly runId: string;
  readonly trigger: string;
  readonly dryRun: boolean;
  readonly sourceServerId: string;
  readonly hostname?: string;
  readonly condition: string;
  readonly errorCode?: string;
  /** Why it is news: NEW, OUTCOME, ESCALATED, RECOVERED, … */
  readonly news: string;
  readonly action: string;
  readonly outcome: string;
  /** Treatments so far. */
  readonly attempt: number;
  readonly commands: readonly { commandId: string; document: string; instanceId: string; status: string }[];
  readonly serviceAction?: { action: string; outcome: string };
  readonly needsPerson: boolean;
}

export interface FindingEvent {
  readonly source: typeof FINDING_SOURCE;
  readonly detailType: typeof FINDING_DETAIL_TYPE;
  readonly time: Date;
  /** The source server's ARN. */
  readonly resources: readonly string[];
  readonly detail: FindingDetail;
}

/** One event per server with news, in the digest's order. */
export function renderFindingEvents(report: OutcomeReport): FindingEvent[] {
  const { facts } = report;
  return facts.news.map((server) => ({
    source: FINDING_SOURCE,
    detailType: FINDING_DETAIL_TYPE,
    time: facts.now,
    resources: [server.server.arn ?? sourceServerArn(facts.region, facts.accountId, server.server.sourceServerId)],
    detail: describeFinding(server, facts),
  }));
}

function describeFinding(report: ServerReport, run: OutcomeReport['facts']): FindingDetail {
  const { server, classification, entry } = report;
  const last = entry && lastTreatment(entry);
  const section = sectionOf(report);
  return {
    runId: run.runId,
    trigger: run.trigger,
    dryRun: run.dryRun,
    sourceServerId: server.sourceServerId,
    hostname: plainHostText(server.hostname ?? server.fqdn),
    condition:
      report.news === 'RECOVERED' || report.news === 'CLEARED'
        ? (entry?.condition ?? classification.condition)
        : classification.condition,
    errorCode: server.errorCode === undefined ? undefined : clip(server.errorCode, 64),
    news: report.news ?? 'NONE',
    action: report.action,
    outcome: clip(outcomeOf(report), 300),
    attempt: entry?.attempts ?? 0,
    commands: (last?.commands ?? []).map(({ commandId, document, instanceId, status }) => ({
      commandId,
      document,
      instanceId,
      status,
    })),
    serviceAction: last?.serviceAction && { action: last.serviceAction.action, outcome: last.serviceAction.outcome },
    needsPerson: section === 'ESCALATED' || section === 'PERSON',
  };
}
