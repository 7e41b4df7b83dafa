// How the digest groups news: by section (what needs a person first), then by cause (condition, error code and
// what happened), so that 150 servers stalled by one VPN drop read as one story with its advice once, not as
// 150 stories. Pure: the digest renders what this returns.
import { isRunning, lastTreatment } from './ledger';
import type { ServerReport } from './report';

export type DigestSection = 'ESCALATED' | 'PERSON' | 'TREATED' | 'RECOVERED' | 'REPORTED' | 'REMINDER';

export const SECTION_TITLES: Readonly<Record<DigestSection, string>> = {
  ESCALATED: 'Escalated: a person needs to look',
  PERSON: 'Needs a person: the doctor could not act, or something failed',
  TREATED: 'Treated by the doctor',
  RECOVERED: 'Recovered',
  REPORTED: 'Reported, no action',
  REMINDER: 'Reminder: still unresolved',
};
const SECTION_ORDER: readonly DigestSection[] = ['ESCALATED', 'PERSON', 'TREATED', 'RECOVERED', 'REPORTED', 'REMINDER'];

/** Blockers a person has to resolve before the doctor can act (the others are by design or by configuration). */
const PERSON_BLOCKERS: ReadonlySet<string> = new Set([
  'UNMANAGED',
  'OFFLINE',
  'AMBIGUOUS',
  'MISMATCH',
  'REFUSED',
  'NOT_OPTED_IN',
]);

const BLOCKER_PHRASES: Readonly<Record<string, string>> = {
  REPORT_ONLY: 'reported only',
  AGENTLESS: 'agentless: nothing to run on the host',
  SERVICE_RETRY_DISABLED: 'service-side error, RetryDataReplication off',
  UNMANAGED: 'no SSM managed node found',
  OFFLINE: 'SSM node offline',
  AMBIGUOUS: 'several SSM nodes match',
  MISMATCH: "node-ID tag disagrees with MGN's EC2 instance ID",
  REFUSED: 'SSM refused the node',
  NOT_OPTED_IN: 'SSM node not opted in (requireNodeTag)',
  HELD: 'agent restart held while a sample is treated (mass stall)',
};

/** The failures in the last treatment: commands that ended badly, sends that failed, a refused service action. */
export function failuresOf(report: ServerReport): string[] {
  const last = report.entry && lastTreatment(report.entry);
  if (!last) return [];
  const failed = last.commands
    .filter((command) => command.status !== 'Success' && !isRunning(command.status))
    .map((command) => `${command.document} ${command.status}`);
  const unsent = (last.sendErrors ?? []).map(() => 'a command was not sent');
  const service =
    last.serviceAction && last.serviceAction.outcome !== 'SUCCEEDED'
      ? [`${last.serviceAction.action} ${last.serviceAction.outcome}`]
      : [];
  return [...failed, ...unsent, ...service];
}

export const restartFailed = (report: ServerReport): boolean =>
  failuresOf(report).some((failure) => failure.startsWith('RestartReplicationAgent '));

export function sectionOf(report: ServerReport): DigestSection {
  if (report.news === 'REMINDER') return 'REMINDER';
  if (report.news === 'RECOVERED' || report.news === 'CLEARED') return 'RECOVERED';
  if (report.news === 'ESCALATED') return 'ESCALATED';
  if (report.blocker && PERSON_BLOCKERS.has(report.blocker)) return 'PERSON';
  if (failuresOf(report).length > 0) return 'PERSON';
  return report.action === 'TREATED' || report.action === 'WOULD_TREAT' || report.entry?.attempts
    ? 'TREATED'
    : 'REPORTED';
}

/** What happened to the server, in one phrase shared by its group. */
export function outcomeOf(report: ServerReport): string {
  if (report.news === 'ESCALATED') return `escalated after ${report.entry?.attempts ?? 0} treatment(s)`;
  if (report.news === 'RECOVERED') {
    return report.classification.condition === 'LAGGING'
      ? 'replication resumed after treatment, catching up'
      : 'recovered';
  }
  if (report.news === 'CLEARED') return 'no longer affected';
  if (report.blocker) return BLOCKER_PHRASES[report.blocker] ?? report.blocker;
  const failures = failuresOf(report);
  if (failures.length > 0) return `treated, but ${[...new Set(failures)].join(', ')}`;
  if (report.action === 'WOULD_TREAT') return 'would be treated (dry run)';
  if (report.action === 'WAITING_FOR_RESULTS') return 'treated, results pending';
  if (report.action === 'COOLDOWN') return 'treated, replication not back yet (cooldown)';
  if (report.action === 'TREATED') {
    const restarted =
      report.entry && lastTreatment(report.entry)?.commands.some((c) => c.document === 'RestartReplicationAgent');
    return restarted ? 'agent restarted, replication not back yet' : 'treated, replication not back yet';
  }
  if (report.news === 'REMINDER') return 'still unresolved';
  return report.classification.condition === 'LAGGING' ? 'lagging' : 'reported';
}

export interface NewsGroup {
  readonly section: DigestSection;
  /** e.g. `STALLED AGENT_NOT_SEEN — agent restarted, replication not back yet` */
  readonly title: string;
  readonly reports: readonly ServerReport[];
}

/** Sections in order, groups in each by size (largest first), servers in each in the order given. */
export function groupNews(reports: readonly ServerReport[]): NewsGroup[] {
  const groups = new Map<string, { section: DigestSection; title: string; reports: ServerReport[] }>();
  for (const report of reports) {
    const section = sectionOf(report);
    const { condition } = report.classification;
    const code = report.server.errorCode ? ` ${report.server.errorCode}` : '';
    const title = `${report.news === 'RECOVERED' || report.news === 'CLEARED' ? (report.entry?.condition ?? condition) : condition}${code} — ${outcomeOf(report)}`;
    const key = `${section}|${title}`;
    const group = groups.get(key) ?? { section, title, reports: [] };
    group.reports.push(report);
    groups.set(key, group);
  }
  return [...groups.values()].sort(
    (a, b) =>
      SECTION_ORDER.indexOf(a.section) - SECTION_ORDER.indexOf(b.section) || b.reports.length - a.reports.length,
  );
}
