import { Annotations, Aws, Duration, Stack, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { METRICS_NAMESPACE, SERVICE_NAME } from '../../lambdas/shared/environment';
import { CONDITION_METRICS, METRIC, type MetricName } from '../../lambdas/shared/metric-names';
import { scheduleGaps } from '../schedule';

/**
 * PutMetricAlarm's limit on period × evaluation periods: 7 days (1 day for periods under an hour, which the
 * not-running window only has when it is under an hour long itself).
 */
export const MAX_ALARM_WINDOW_MINUTES = 7 * 24 * 60;
/** The longest period the dashboard graphs the once-per-run fleet counts with. */
const MAX_GRAPH_PERIOD_MINUTES = 24 * 60;

const CONDITION_NAMES: ReadonlySet<string> = new Set(Object.values(CONDITION_METRICS));

/**
 * The not-running alarm's window: two of the schedule's longest gaps between runs (so a run that starts late does
 * not alarm), capped at what CloudWatch allows.
 */
export function notRunningWindowMinutes(schedule: string): number {
  return Math.min(2 * scheduleGaps(schedule).longestMinutes, MAX_ALARM_WINDOW_MINUTES);
}

export interface ObservabilityProps {
  /** The doctor function. */
  readonly function: lambda.IFunction;
  /** Its log group (linked from the dashboard). */
  readonly logGroup: logs.ILogGroup;
  /** Its dead-letter queue. */
  readonly deadLetterQueue: sqs.IQueue;
  /** Where alarms notify: the doctor's own notification topic. */
  readonly topic: sns.ITopic;
  /** EventBridge schedule expression of the periodic run (lib/config.ts validated it). */
  readonly schedule: string;
}

/**
 * The doctor's CloudWatch dashboard and alarms. The dashboard reads the metrics the Lambda emits (names from
 * lambdas/shared/metric-names.ts, namespace METRICS_NAMESPACE, dimension `service`); every alarm notifies the
 * notification topic, whose key lets CloudWatch publish.
 */
export class Observability extends Construct {
  public readonly dashboard: cloudwatch.Dashboard;
  /** The function failed (an error in any invocation). */
  public readonly doctorFailedAlarm: cloudwatch.Alarm;
  /** Failed invocations or undeliverable events are waiting in the dead-letter queue. */
  public readonly deadLetterQueueAlarm: cloudwatch.Alarm;
  /** No invocation for two of the schedule's longest gaps between runs: the schedule is disabled, broken or throttled. */
  public readonly notRunningAlarm: cloudwatch.Alarm;
  /** The doctor gave up on a server (treatments exhausted): a person has to look. */
  public readonly escalationAlarm: cloudwatch.Alarm;
  /** Period of the not-running alarm: two of the schedule's longest gaps between runs, capped at 7 days. */
  public readonly notRunningPeriod: Duration;

  constructor(scope: Construct, id: string, props: ObservabilityProps) {
    super(scope, id);
    const fn = props.function;
    const fiveMinutes = Duration.minutes(5);
    const gaps = scheduleGaps(props.schedule);
    // Fleet counts are levels reported once per run: one point per run at the schedule's usual spacing.
    const fleetPeriod = Duration.minutes(Math.min(gaps.shortestMinutes, MAX_GRAPH_PERIOD_MINUTES));
    const doctorMetric = (name: MetricName, statistic: string, label?: string) =>
      new cloudwatch.Metric({
        namespace: METRICS_NAMESPACE,
        metricName: name,
        dimensionsMap: { service: SERVICE_NAME },
        statistic,
        period: CONDITION_NAMES.has(name) ? fleetPeriod : fiveMinutes,
        label,
      });
    const dlqDepth = props.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
      statistic: 'Maximum',
      period: fiveMinutes,
    });
    // Unlabelled: a label would make the alarm a metric-math alarm.
    const escalations = doctorMetric(METRIC.escalations, 'Sum');

    // Alarms.
    const topicAction = new actions.SnsAction(props.topic);
    const alarm = (alarmId: string, alarmProps: cloudwatch.AlarmProps) => {
      const created = new cloudwatch.Alarm(this, alarmId, alarmProps);
      created.addAlarmAction(topicAction);
      return created;
    };
    this.doctorFailedAlarm = alarm('DoctorFailed', {
      alarmDescription: 'MGN replication doctor: the function failed (see its log group and the dead-letter queue)',
      metric: fn.metricErrors({ statistic: 'Sum', period: fiveMinutes }),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    this.deadLetterQueueAlarm = alarm('DeadLetterQueueNotEmpty', {
      alarmDescription:
        'MGN replication doctor: failed invocations or undeliverable events are in the dead-letter queue',
      metric: dlqDepth,
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      // SQS stops reporting an idle queue after some hours: keep the last state rather than clearing the alarm
      // while messages are still waiting.
      treatMissingData: cloudwatch.TreatMissingData.IGNORE,
    });
    this.notRunningPeriod = Duration.minutes(notRunningWindowMinutes(props.schedule));
    if (2 * gaps.longestMinutes > MAX_ALARM_WINDOW_MINUTES) {
      Annotations.of(this).addWarningV2(
        'mgn-doctor:not-running-alarm-window',
        `Runs of the schedule ${props.schedule} can be more than 3.5 days apart (or their spacing is not known): ` +
          "the not-running alarm's window is capped at CloudWatch's 7 days, less than two gaps, so a late run may " +
          'set it off, and runs more than 7 days apart always will.',
      );
    }
    this.notRunningAlarm = alarm('NotRunning', {
      alarmDescription: `MGN replication doctor: no run for ${this.notRunningPeriod.toHumanString()} (schedule ${props.schedule})`,
      metric: fn.metricInvocations({ statistic: 'Sum', period: this.notRunningPeriod }),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
      evaluationPeriods: 1,
      // No data point at all is exactly the failure this alarm exists for.
      treatMissingData: cloudwatch.TreatMissingData.BREACHING,
    });
    this.escalationAlarm = alarm('Escalation', {
      alarmDescription: 'MGN replication doctor: a source server is still broken after every automatic treatment',
      metric: escalations,
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });

    // Dashboard.
    const region = Token.isUnresolved(Stack.of(this).region) ? Aws.REGION : Stack.of(this).region;
    const runCommandHistory = `https://${region}.console.aws.amazon.com/systems-manager/run-command/complete-commands?region=${region}`;
    // CloudFormation-generated log group names contain no '/', so the name needs no console encoding.
    const logGroupLink = `https://${region}.console.aws.amazon.com/cloudwatch/home?region=${region}#logsV2:log-groups/log-group/${props.logGroup.logGroupName}`;
    const width = 12;
    const height = 6;

    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      defaultInterval: Duration.days(1),
      widgets: [
        [
          new cloudwatch.TextWidget({
            width: 24,
            height: 2,
            markdown: [
              '# MGN replication doctor',
              `[Run Command history](${runCommandHistory}) · [Doctor log group](${logGroupLink}) · ` +
                `alarms notify the doctor's SNS topic`,
            ].join('\n'),
          }),
        ],
        [
          new cloudwatch.GraphWidget({
            title: 'Fleet by condition (largest count per period)',
            width,
            height,
            stacked: true,
            left: Object.entries(CONDITION_METRICS).map(([condition, name]) =>
              doctorMetric(name, 'Maximum', condition),
            ),
          }),
          new cloudwatch.GraphWidget({
            title: 'Commands sent and outcomes',
            width,
            height,
            left: [
              doctorMetric(METRIC.commandsSent, 'Sum', 'Sent'),
              doctorMetric(METRIC.commandsSucceeded, 'Sum', 'Succeeded'),
              doctorMetric(METRIC.commandsFailed, 'Sum', 'Failed (or timed out, cancelled)'),
            ],
          }),
        ],
        [
          new cloudwatch.GraphWidget({
            title: 'Recoveries, escalations and digests',
            width,
            height,
            left: [
              doctorMetric(METRIC.recoveries, 'Sum', 'Recoveries'),
              doctorMetric(METRIC.escalations, 'Sum', 'Escalations'),
              doctorMetric(METRIC.digestsPublished, 'Sum', 'Digests published'),
            ],
          }),
          new cloudwatch.GraphWidget({
            title: 'Run duration (ms)',
            width,
            height,
            left: [
              doctorMetric(METRIC.runDuration, 'Maximum', 'Max'),
              doctorMetric(METRIC.runDuration, 'Average', 'Average'),
            ],
          }),
        ],
        [
          new cloudwatch.GraphWidget({
            title: 'Lambda errors and throttles',
            width,
            height,
            left: [
              fn.metricErrors({ statistic: 'Sum', period: fiveMinutes, label: 'Errors' }),
              fn.metricThrottles({ statistic: 'Sum', period: fiveMinutes, label: 'Throttles' }),
            ],
          }),
          new cloudwatch.GraphWidget({
            title: 'Dead-letter queue depth',
            width,
            height,
            left: [dlqDepth],
          }),
        ],
        [
          new cloudwatch.AlarmStatusWidget({
            title: 'Alarms',
            width: 24,
            height: 3,
            alarms: [this.doctorFailedAlarm, this.deadLetterQueueAlarm, this.notRunningAlarm, this.escalationAlarm],
          }),
        ],
      ],
    });
  }

  /** Console address of the dashboard. */
  public get dashboardUrl(): string {
    const region = Token.isUnresolved(Stack.of(this).region) ? Aws.REGION : Stack.of(this).region;
    return `https://${region}.console.aws.amazon.com/cloudwatch/home?region=${region}#dashboards:name=${this.dashboard.dashboardName}`;
  }
}
