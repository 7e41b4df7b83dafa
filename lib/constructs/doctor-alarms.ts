import { Annotations, Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { METRIC } from '../../lambdas/shared/metric-names';
import { stackAlarmName } from '../alarm-names';
import { FIVE_MINUTES, deadLetterDepth, doctorMetric } from '../doctor-metrics';
import { scheduleGaps } from '../schedule';

/**
 * PutMetricAlarm's limit on period × evaluation periods: 7 days (1 day for periods under an hour, which the
 * not-running window only has when it is under an hour long itself).
 */
export const MAX_ALARM_WINDOW_MINUTES = 7 * 24 * 60;

/**
 * The not-running alarm's window: two of the schedule's longest gaps between runs (so a run that starts late does
 * not alarm), capped at what CloudWatch allows.
 */
export function notRunningWindowMinutes(schedule: string): number {
  return Math.min(2 * scheduleGaps(schedule).longestMinutes, MAX_ALARM_WINDOW_MINUTES);
}

export interface DoctorAlarmsProps {
  /** The doctor function. */
  readonly function: lambda.IFunction;
  /** Its dead-letter queue. */
  readonly deadLetterQueue: sqs.IQueue;
  /** EventBridge schedule expression of the periodic run (lib/config.ts validated it). */
  readonly schedule: string;
  /** The digest's topic: for the not-running and escalation alarms. */
  readonly digestTopic: sns.ITopic;
  /**
   * A topic with its own key, for the alarms that fire when the doctor fails: a broken digest topic, key or policy
   * makes the doctor fail, and must not silence the alarm that says so.
   */
  readonly failureTopic: sns.ITopic;
  /**
   * A hub's program (lib/constructs/program-fan-out.ts): its failed or timed-out executions alarm too.
   * @default - none
   */
  readonly program?: sfn.IStateMachine;
}

/** The doctor's four alarms (five in a hub), each named `<stack name>/<alarm>` (lib/alarm-names.ts). */
export class DoctorAlarms extends Construct {
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
  /** A hub's program execution failed or timed out (one account's failure does not fail it). */
  public readonly programFailedAlarm?: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: DoctorAlarmsProps) {
    super(scope, id);
    const { function: fn, schedule } = props;
    const alarm = (name: string, topic: sns.ITopic, alarmProps: Omit<cloudwatch.AlarmProps, 'threshold'>) => {
      const created = new cloudwatch.Alarm(this, name, {
        alarmName: stackAlarmName(this, name),
        threshold: 1,
        ...alarmProps,
      });
      created.addAlarmAction(new actions.SnsAction(topic));
      return created;
    };
    const atLeastOnce = cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD;

    this.doctorFailedAlarm = alarm('DoctorFailed', props.failureTopic, {
      alarmDescription: 'MGN replication doctor: the function failed (see its log group and the dead-letter queue)',
      metric: fn.metricErrors({ statistic: 'Sum', period: FIVE_MINUTES }),
      comparisonOperator: atLeastOnce,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    this.deadLetterQueueAlarm = alarm('DeadLetterQueueNotEmpty', props.failureTopic, {
      alarmDescription:
        'MGN replication doctor: failed invocations or undeliverable events are in the dead-letter queue',
      metric: deadLetterDepth(props.deadLetterQueue),
      comparisonOperator: atLeastOnce,
      evaluationPeriods: 1,
      // SQS stops reporting an idle queue after some hours: keep the last state rather than clearing the alarm
      // while messages are still waiting.
      treatMissingData: cloudwatch.TreatMissingData.IGNORE,
    });
    this.notRunningPeriod = Duration.minutes(notRunningWindowMinutes(schedule));
    this.warnWhenWindowIsShort(schedule);
    this.notRunningAlarm = alarm('NotRunning', props.digestTopic, {
      alarmDescription: `MGN replication doctor: no run for ${this.notRunningPeriod.toHumanString()} (schedule ${schedule})`,
      metric: fn.metricInvocations({ statistic: 'Sum', period: this.notRunningPeriod }),
      comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
      evaluationPeriods: 1,
      // No data point at all is exactly the failure this alarm exists for.
      treatMissingData: cloudwatch.TreatMissingData.BREACHING,
    });
    this.escalationAlarm = alarm('Escalation', props.digestTopic, {
      alarmDescription: 'MGN replication doctor: a source server is still broken after every automatic treatment',
      metric: doctorMetric(METRIC.escalations, 'Sum', schedule),
      comparisonOperator: atLeastOnce,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    if (props.program) {
      const executions = (metric: cloudwatch.Metric) => metric.with({ statistic: 'Sum', period: FIVE_MINUTES });
      this.programFailedAlarm = alarm('ProgramFailed', props.failureTopic, {
        alarmDescription:
          "MGN replication doctor: the program's execution failed or timed out (see its execution history); " +
          "one account's failure is reported in the digest instead",
        // FILL: a period with no failed (or no timed-out) execution has no data point for it.
        metric: new cloudwatch.MathExpression({
          expression: 'FILL(failed, 0) + FILL(timedOut, 0)',
          usingMetrics: {
            failed: executions(props.program.metricFailed()),
            timedOut: executions(props.program.metricTimedOut()),
          },
          period: FIVE_MINUTES,
        }),
        comparisonOperator: atLeastOnce,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
    }
  }

  /** Every alarm, for the dashboard's status widget. */
  public get alarms(): cloudwatch.Alarm[] {
    return [
      this.doctorFailedAlarm,
      this.deadLetterQueueAlarm,
      this.notRunningAlarm,
      this.escalationAlarm,
      ...(this.programFailedAlarm ? [this.programFailedAlarm] : []),
    ];
  }

  private warnWhenWindowIsShort(schedule: string): void {
    if (2 * scheduleGaps(schedule).longestMinutes <= MAX_ALARM_WINDOW_MINUTES) return;
    Annotations.of(this).addWarningV2(
      'mgn-doctor:not-running-alarm-window',
      `Runs of the schedule ${schedule} can be more than 3.5 days apart (or their spacing is not known): ` +
        "the not-running alarm's window is capped at CloudWatch's 7 days, less than two gaps, so a late run may " +
        'set it off, and runs more than 7 days apart always will.',
    );
  }
}
