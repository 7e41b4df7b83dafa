// The metrics the dashboard and the alarms read: the Lambda's own (names from lambdas/shared/metric-names.ts,
// namespace METRICS_NAMESPACE, dimension `service`) and the dead-letter queue's depth.
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { METRICS_NAMESPACE, SERVICE_NAME } from '../lambdas/shared/environment';
import { CONDITION_METRICS, type MetricName } from '../lambdas/shared/metric-names';
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

/** Messages waiting in the dead-letter queue (the largest count in 5 minutes). */
export function deadLetterDepth(queue: sqs.IQueue): cloudwatch.Metric {
  return queue.metricApproximateNumberOfMessagesVisible({ statistic: 'Maximum', period: FIVE_MINUTES });
}
