// One server's way through a run, as an immutable value each stage replaces: what MGN says (server,
// classification), what the doctor decided (step), what it did and says about it (action, detail), and the
// ledger entry as it will be stored. Following one server through a run means following this value.
import type { Blocker, Step } from '../decide';
import { lastTreatment, type LedgerEntry } from '../ledger';
import type { Classification, DocumentRole, ReplicationSettings, SourceServer, TargetResolution } from '../model';
import type { Playbook } from '../playbook';
import type { Log } from '../ports';
import type { News, ServerAction, ServerReport } from '../report';

export interface ServerPlan {
  readonly server: SourceServer;
  readonly classification: Classification;
  readonly step: Step;
  readonly action: ServerAction;
  readonly detail: string;
  readonly entry?: LedgerEntry;
  readonly blocker?: Blocker;
  readonly target?: TargetResolution;
  /** The documents to run on the resolved host (empty until a host is resolved). */
  readonly hostDocuments: readonly DocumentRole[];
  readonly replicationSettings?: ReplicationSettings;
  readonly news?: News;
}

export const playbookOf = (step: Step): Playbook | undefined => ('playbook' in step ? step.playbook : undefined);

/** The SSM node a plan's commands go to, when its host was resolved. */
export const nodeIdOf = (plan: ServerPlan): string | undefined =>
  plan.target?.status === 'RESOLVED' ? plan.target.node.instanceId : undefined;

export function toReport(plan: ServerPlan): ServerReport {
  return {
    server: plan.server,
    classification: plan.classification,
    action: plan.action,
    detail: plan.detail,
    blocker: plan.blocker,
    playbook: playbookOf(plan.step),
    target: plan.target,
    replicationSettings: plan.replicationSettings,
    entry: plan.entry,
    news: plan.news,
  };
}

/** One structured line per server; never the tags (sensitive in the MGN model). */
export function logServer(log: Log, report: ServerReport, runId: string): void {
  const last = report.entry && lastTreatment(report.entry);
  log.info('server', {
    runId,
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
