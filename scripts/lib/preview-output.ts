// What `npm run check` prints: the core's RunReport as tables for people, or as one JSON object for tools.
// Nothing here decides anything; every word of "what and why" comes from the report.
import type { Condition, MigrationApplication, MigrationWave, TargetResolution } from '../../lambdas/core/model';
import type { RunReport, ServerReport } from '../../lambdas/core/report';
import { renderTable } from './render-table';

/** The part of the fleet a preview looked at (--wave, --application); absent = every server. */
export interface PreviewScope {
  /** For the header, e.g. `wave "Wave 3" (4 applications)`. */
  readonly label: string;
  readonly waves?: readonly MigrationWave[];
  readonly applications: readonly MigrationApplication[];
}

export interface PreviewContext {
  readonly region: string;
  /** Undefined when neither --account nor a source-server ARN said. */
  readonly accountId?: string;
  readonly scope?: PreviewScope;
}

/** Conditions listed server by server; the others are only counted. */
export const LISTED_CONDITIONS: readonly Condition[] = ['STALLED', 'DISCONNECTED', 'LAGGING', 'UNKNOWN'];
const COUNTED_CONDITIONS: readonly Condition[] = ['HEALTHY', 'PROGRESSING', 'IGNORED'];

const HEADERS = ['SERVER ID', 'HOSTNAME', 'LIFECYCLE/DATA STATE', 'ERROR', 'SSM NODE', 'ACTION', 'WHY'];

/** The SSM node column: the node ID when the doctor could act on it, else why not. */
export function describeNode(target: TargetResolution | undefined): string {
  if (!target) return '-';
  switch (target.status) {
    case 'RESOLVED':
      return target.node.instanceId;
    case 'OFFLINE':
      return `OFFLINE ${target.node.instanceId}`;
    case 'UNMANAGED':
      return 'UNMANAGED';
    case 'AMBIGUOUS':
      return `AMBIGUOUS (${target.candidates.length} nodes)`;
    case 'MISMATCH':
      return `MISMATCH (${target.candidates.join(' vs ')})`;
  }
}

function toRow(report: ServerReport): string[] {
  const { server, classification } = report;
  // For conditions without an error code, the classification's reason (e.g. the lag) is the interesting part.
  const why =
    classification.condition === 'LAGGING' || classification.condition === 'UNKNOWN'
      ? `${classification.reason}; ${report.detail}`
      : report.detail;
  return [
    server.sourceServerId,
    server.hostname ?? server.fqdn ?? '-',
    `${server.lifeCycleState ?? '?'}/${server.dataReplicationState ?? '?'}`,
    server.errorCode ?? '-',
    describeNode(report.target),
    report.action,
    why,
  ];
}

export function formatPreviewTable(report: RunReport, context: PreviewContext): string[] {
  const lines = [
    `MGN replication doctor preview: ${context.region}, account ${context.accountId ?? 'unknown'}${context.scope ? `, ${context.scope.label}` : ''} (dry run: nothing was sent, published or written)`,
    '',
  ];
  for (const condition of LISTED_CONDITIONS) {
    const reports = report.servers.filter((server) => server.classification.condition === condition);
    if (reports.length === 0) continue;
    lines.push(`${condition} (${reports.length})`, ...renderTable(HEADERS, reports.map(toRow)), '');
  }
  // With a ledger, servers it followed that are fine now show what the next run would close.
  const settled = report.servers.filter((server) => !LISTED_CONDITIONS.includes(server.classification.condition));
  if (settled.length > 0)
    lines.push(
      `FOLLOWED BY THE LEDGER, NO LONGER AFFECTED (${settled.length})`,
      ...renderTable(HEADERS, settled.map(toRow)),
      '',
    );
  if (LISTED_CONDITIONS.every((condition) => report.counts[condition] === 0))
    lines.push('No stalled, disconnected, lagging or unknown servers.', '');

  const total = Object.values(report.counts).reduce((sum, count) => sum + count, 0);
  lines.push(
    `${COUNTED_CONDITIONS.map((condition) => `${condition} ${report.counts[condition]}`).join(' · ')} (${total} servers in all)`,
  );
  if (report.subject) lines.push(`A scheduled run would notify: ${report.subject.replace(/^\[dry run\] /, '')}`);
  if (report.freePeriod?.length)
    lines.push('Free replication period, as a scheduled run would tell it:', ...report.freePeriod.map((l) => `  ${l}`));
  return lines;
}

function describeTarget(target: TargetResolution | undefined): Record<string, unknown> | undefined {
  if (!target) return undefined;
  if (target.status === 'RESOLVED' || target.status === 'OFFLINE') {
    const { node } = target;
    return {
      status: target.status,
      instanceId: node.instanceId,
      matchedBy: target.matchedBy,
      pingStatus: node.pingStatus,
      platformType: node.platformType,
      advice: target.status === 'OFFLINE' ? target.advice : undefined,
    };
  }
  return {
    status: target.status,
    advice: target.advice,
    candidates: target.status === 'AMBIGUOUS' ? target.candidates : undefined,
  };
}

/** One object for tools (`--json`); undefined fields are left out. Tags stay out: they are sensitive. */
export function toPreviewJson(report: RunReport, context: PreviewContext): Record<string, unknown> {
  return {
    region: context.region,
    accountId: context.accountId,
    scope: context.scope && { waves: context.scope.waves, applications: context.scope.applications },
    dryRun: report.dryRun,
    generatedAt: report.finishedAt,
    counts: report.counts,
    servers: report.servers.map(({ server, classification, action, detail, target, playbook, blocker, entry }) => ({
      sourceServerId: server.sourceServerId,
      hostname: server.hostname,
      fqdn: server.fqdn,
      condition: classification.condition,
      reason: classification.reason,
      replicationType: server.replicationType,
      lifeCycleState: server.lifeCycleState,
      dataReplicationState: server.dataReplicationState,
      errorCode: server.errorCode,
      lagDuration: server.lagDuration,
      ssmNode: describeTarget(target),
      action,
      detail,
      blocker,
      // The playbook for the condition; `detail` says what of it this run would actually do.
      playbook: playbook && {
        family: playbook.family,
        hostDocuments: playbook.hostDocuments,
        serviceAction: playbook.serviceAction,
        guidance: playbook.guidance,
      },
      attempts: entry?.attempts,
    })),
    wouldNotify: report.subject,
    freePeriod: report.freePeriod,
  };
}
