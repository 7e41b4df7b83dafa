// The numbers one run reports as metrics (lambdas/shared/metric-names.ts), computed from its RunReport. Pure:
// the handler only hands them to Powertools.
import { isRunning, lastTreatment } from './ledger';
import type { Condition } from './model';
import type { RunReport } from './report';
import { METRIC, conditionMetric, type ConditionName, type MetricName } from '../shared/metric-names';

export type RunMetrics = Record<MetricName, number>;

// Compile-time guard: the shared module names exactly the core's conditions, no more and no fewer.
type Exact<A, B> = [A] extends [B] ? ([B] extends [A] ? true : never) : never;
const conditionsMatch: Exact<Condition, ConditionName> = true;
void conditionsMatch;

/**
 * Command outcomes count the finished commands of each server's last treatment, for servers whose last
 * treatment belongs to this run (treated now) or whose earlier treatment got results this run (news OUTCOME:
 * the run replaced the treatment with collected results). `Success` counts as succeeded; every other finished
 * status (Failed, TimedOut, Cancelled, anything SSM adds later) as failed; still-running commands not at all.
 */
export function measureRun(report: RunReport): RunMetrics {
  const metrics = {} as RunMetrics;
  for (const [condition, count] of Object.entries(report.counts) as [Condition, number][]) {
    metrics[conditionMetric(condition)] = count;
  }

  let succeeded = 0;
  let failed = 0;
  for (const server of report.servers) {
    const last = server.entry && lastTreatment(server.entry);
    if (!last) continue;
    const treatedNow = last.runId === report.runId;
    const collectedNow = server.news === 'OUTCOME';
    if (!treatedNow && !collectedNow) continue;
    for (const command of last.commands) {
      if (isRunning(command.status)) continue;
      if (command.status === 'Success') succeeded += 1;
      else failed += 1;
    }
  }

  metrics[METRIC.commandsSent] = report.commandsSent;
  metrics[METRIC.commandsSucceeded] = succeeded;
  metrics[METRIC.commandsFailed] = failed;
  metrics[METRIC.recoveries] = report.servers.filter((server) => server.news === 'RECOVERED').length;
  metrics[METRIC.escalations] = report.servers.filter((server) => server.news === 'ESCALATED').length;
  metrics[METRIC.digestsPublished] = report.published ? 1 : 0;
  metrics[METRIC.channelFailures] = report.channelFailures ?? 0;
  metrics[METRIC.runDuration] = Math.max(0, Date.parse(report.finishedAt) - Date.parse(report.startedAt)) || 0;
  return metrics;
}
