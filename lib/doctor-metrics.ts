// The metrics the dashboard and the alarms read: the Lambda's own (names from lambdas/shared/metric-names.ts,
// namespace METRICS_NAMESPACE, dimension `service`) and the dead-letter queue's depth.
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { METRICS_NAMESPACE, SERVICE_NAME } from '../lambdas/shared/environment';
import { CONDITION_METRICS, type MetricName } from '../lambdas/shared/metric-names';
import { ACCOUNT_METRIC_DIMENSION } from '../lambdas/shared/program';
import { scheduleGaps } from './schedule';

export const FIVE_MINUTES = Duration.minutes(5);
/** The longest period the dashboard graphs the once-per-run fleet counts with. */
const MAX_GRAPH_PERIOD_MINUTES = 24 * 60;
const CONDITION_NAMES: ReadonlySet<string> = new Set(Object.values(CONDITION_METRICS));

/**
 * One of the doctor's metrics. Fleet counts are levels reported once per run: one point per run at the schedule's
 * usual spacing; every other metric is graphed in 5-minute periods. A label makes an alarm a metric-math alarm, so
 * alarms leave it out.
 */
export function doctorMetric(name: MetricName, statistic: string, schedule: string, label?: string): cloudwatch.Metric {
  const fleetPeriod = Duration.minutes(Math.min(scheduleGaps(schedule).shortestMinutes, MAX_GRAPH_PERIOD_MINUTES));
  return new cloudwatch.Metric({
    namespace: METRICS_NAMESPACE,
    metricName: name,
    dimensionsMap: { service: SERVICE_NAME },
    statistic,
    period: CONDITION_NAMES.has(name) ? fleetPeriod : FIVE_MINUTES,
    label,
  });
}

/**
 * One of a hub's metrics, one line per account. A hub's accounts are known only at run time (`organization`), so a
 * SEARCH expression finds the series with the `Account` dimension when the dashboard is viewed; the line's label is
 * its account. Same statistic and period as doctorMetric.
 */
export function doctorMetricByAccount(
  name: MetricName,
  statistic: string,
  schedule: string,
  label: string,
): cloudwatch.MathExpression {
  const { period } = doctorMetric(name, statistic, schedule);
  const schema = `{${METRICS_NAMESPACE},${ACCOUNT_METRIC_DIMENSION},service}`;
  return new cloudwatch.MathExpression({
    expression: `SEARCH('${schema} service="${SERVICE_NAME}" MetricName="${name}"', '${statistic}', ${period.toSeconds()})`,
    usingMetrics: {},
    label: `${label} \${PROP('Dim.${ACCOUNT_METRIC_DIMENSION}')}`,
    period,
  });
}

/** Messages waiting in the dead-letter queue (the largest count in 5 minutes). */
export function deadLetterDepth(queue: sqs.IQueue): cloudwatch.Metric {
  return queue.metricApproximateNumberOfMessagesVisible({ statistic: 'Maximum', period: FIVE_MINUTES });
}
