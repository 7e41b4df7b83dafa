// The OpsItem rendering of a run's report (docs/design.md section 7, "OpsCenter"): an escalated server, or a host
// the doctor cannot reach (UNMANAGED, AMBIGUOUS) for longer than `opsItemBlockedHours`, becomes one OpsItem; a
// recovery resolves it. Each carries a dedup string made of the server and the start of its episode, so a retried
// run, a second run or a reminder never opens a second one: OpsCenter answers with the open item instead.
import { outcomeOf } from './digest-groups';
import { mgnServerUrl } from './digest';
import type { OutcomeReport } from './outcome-report';
import type { ServerReport } from './report';
import { clip } from './text';
import { partitionOf } from '../shared/console-links';

/** OpsCenter's spelling: 1 is the most severe. */
export type OpsItemSeverity = '1' | '2' | '3' | '4';

export const OPS_ITEM_SOURCE = 'mgn-replication-doctor';
/** The tag every OpsItem of the doctor carries: its IAM policy lets it update only items with this tag. */
export const OPS_ITEM_TAG = { Key: 'mgn-replication-doctor', Value: 'true' } as const;

/** CreateOpsItem's limits (SSM API reference). */
export const OPS_ITEM_LIMITS = { title: 1024, description: 2048, source: 128, dataValue: 2000 } as const;

/** What a person must act on, by the server's condition or blocker; anything else is 3 (Medium). */
const SEVERITY: Readonly<Record<string, OpsItemSeverity>> = {
  // No data reaches AWS and the agent may need a reinstall.
  DISCONNECTED: '1',
  // Replication stopped after every treatment the doctor has.
  STALLED: '2',
  // The doctor cannot act until a person says which node is the host.
  UNMANAGED: '3',
  AMBIGUOUS: '3',
};

/** Blockers that open an OpsItem once they have blocked treatment for `opsItemBlockedHours`. */
const LONG_BLOCKERS: ReadonlySet<string> = new Set(['UNMANAGED', 'AMBIGUOUS']);

export interface OpsItemDraft {
  readonly sourceServerId: string;
  readonly dedupString: string;
  readonly title: string;
  readonly description: string;
  readonly severity: OpsItemSeverity;
  /** The source server's ARN, for `/aws/resources`. */
  readonly resourceArn: string;
  /** Searchable details beside the description: command IDs and outcomes, the advice, and whose server (a hub's). */
  readonly details: Readonly<Record<'mgnDoctorCommands' | 'mgnDoctorAdvice' | 'mgnDoctorAccount', string>>;
}

export interface OpsItemResolution {
  readonly sourceServerId: string;
  /** What happened, for the resolved item. */
  readonly note: string;
}

export interface OpsItemPlan {
  readonly opens: readonly OpsItemDraft[];
  readonly resolutions: readonly OpsItemResolution[];
}

export interface OpsItemOptions {
  /** Hours an UNMANAGED or AMBIGUOUS host must block treatment before it gets an OpsItem; 0 = never. */
  readonly blockedHours: number;
}

/** `mgn-doctor <server> <episode start>`: the same for every run of one episode, new for the next. */
export const dedupStringOf = (sourceServerId: string, since: string): string => `mgn-doctor ${sourceServerId} ${since}`;

/** The OpsItems a report opens (or confirms open) and resolves. A dry run touches none. */
export function planOpsItems(report: OutcomeReport, options: OpsItemOptions): OpsItemPlan {
  const { facts } = report;
  if (facts.dryRun) return { opens: [], resolutions: [] };
  const opens = facts.news.filter((server) => opensOpsItem(server, facts.now, options));
  const resolutions = facts.news.filter((server) => server.news === 'RECOVERED' || server.news === 'CLEARED');
  return {
    opens: opens.map((server) => draftOpsItem(server, facts.region, facts.accountId)),
    resolutions: resolutions.map((server) => ({ sourceServerId: server.server.sourceServerId, note: noteOf(server) })),
  };
}

/** Escalated (told now, or reminded: a create lost to a crash is made good), or blocked for long enough. */
function opensOpsItem(server: ServerReport, now: Date, options: OpsItemOptions): boolean {
  const entry = server.entry;
  if (!entry || entry.status === 'CLOSED') return false;
  if (entry.status === 'ESCALATED') return server.news === 'ESCALATED' || server.news === 'REMINDER';
  if (options.blockedHours === 0 || !entry.blocker || !LONG_BLOCKERS.has(entry.blocker)) return false;
  return now.getTime() - Date.parse(entry.since) >= options.blockedHours * 3_600_000;
}

function draftOpsItem(report: ServerReport, region: string, accountId: string): OpsItemDraft {
  const { server, classification, entry } = report;
  const name = clip(server.hostname ?? server.fqdn ?? 'unknown host', 255);
  const code = server.errorCode ? ` ${clip(server.errorCode, 64)}` : '';
  const why = entry?.status === 'ESCALATED' ? 'escalated' : `blocked: ${entry?.blocker ?? 'unknown'}`;
  const advice = report.playbook?.guidance ?? entry?.advice ?? '';
  const commands = describeCommands(report);
  return {
    sourceServerId: server.sourceServerId,
    dedupString: dedupStringOf(server.sourceServerId, entry?.since ?? ''),
    title: clip(
      `MGN ${classification.condition}${code} ${why}: ${name} (${server.sourceServerId})`,
      OPS_ITEM_LIMITS.title,
    ),
    description: clip(
      [
        `${outcomeOf(report)}. ${clip(report.detail, 400)}`,
        commands ? `Tried: ${commands}.` : 'Nothing was run on the host.',
        advice ? `Advice: ${advice}` : '',
        // A hub opens every account's items in its own OpsCenter (docs/design.md section 13): say whose server.
        `Account ${accountId}, ${region}.`,
        `MGN console: ${mgnServerUrl(region, server.sourceServerId)}`,
      ]
        .filter(Boolean)
        .join(' '),
      OPS_ITEM_LIMITS.description,
    ),
    severity: SEVERITY[entry?.status === 'ESCALATED' ? classification.condition : (entry?.blocker ?? '')] ?? '3',
    resourceArn: server.arn ?? sourceServerArn(region, accountId, server.sourceServerId),
    details: {
      mgnDoctorCommands: clip(commands || 'none', OPS_ITEM_LIMITS.dataValue),
      mgnDoctorAdvice: clip(advice || 'none', OPS_ITEM_LIMITS.dataValue),
      mgnDoctorAccount: accountId,
    },
  };
}

/** Every treatment: `#1 <at>: RestartReplicationAgent Failed on mi-… (<command ID>), …`, oldest first. */
function describeCommands(report: ServerReport): string {
  return (report.entry?.treatments ?? [])
    .map((treatment, index) => {
      const commands = treatment.commands.map(
        (command) => `${command.document} ${command.status} on ${command.instanceId} (${command.commandId})`,
      );
      const service = treatment.serviceAction
        ? [`${treatment.serviceAction.action} ${treatment.serviceAction.outcome}`]
        : [];
      return `#${index + 1} ${treatment.at}: ${[...commands, ...service].join(', ') || 'nothing sent'}`;
    })
    .join('; ');
}

function noteOf(report: ServerReport): string {
  const attempts = report.entry?.attempts ?? 0;
  return clip(
    `${report.news === 'RECOVERED' ? 'Recovered' : 'No longer affected'} at ${report.entry?.closedAt ?? 'this run'} after ${attempts} treatment(s) by the doctor: ${outcomeOf(report)}.`,
    OPS_ITEM_LIMITS.dataValue,
  );
}

export const sourceServerArn = (region: string, accountId: string, sourceServerId: string): string =>
  `arn:${partitionOf(region)}:mgn:${region}:${accountId}:source-server/${sourceServerId}`;
