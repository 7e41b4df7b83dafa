import { Duration, Stack, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { dashboardUrl, logGroupUrl, runCommandHistoryUrl } from '../../lambdas/shared/console-links';
import { CONDITION_METRICS, METRIC, type MetricName } from '../../lambdas/shared/metric-names';
import { FIVE_MINUTES, deadLetterDepth, doctorMetric, doctorMetricByAccount } from '../doctor-metrics';

const WIDTH = 12;
const HEIGHT = 6;

export interface DoctorDashboardProps {
  /** The doctor function. */
  readonly function: lambda.IFunction;
  /** Its log group (linked from the dashboard). */
  readonly logGroup: logs.ILogGroup;
  /** Its dead-letter queue. */
  readonly deadLetterQueue: sqs.IQueue;
  /** EventBridge schedule expression of the periodic run (lib/config.ts validated it). */
  readonly schedule: string;
  /** The alarms whose state the dashboard shows. */
  readonly alarms: readonly cloudwatch.IAlarm[];
  /**
   * A hub's program: a row of per-account graphs and the executions (docs/design.md section 13).
   * @default - one account
   */
  readonly program?: sfn.IStateMachine;
}

/**
 * The doctor's CloudWatch dashboard: the fleet by condition, commands and outcomes, recoveries and escalations, run
 * duration, the function's errors and the dead-letter queue, the best-effort channels' failures, the alarms, and console links for the stack's
 * partition.
 */
export class DoctorDashboard extends Construct {
  public readonly dashboard: cloudwatch.Dashboard;
  private readonly region: string;

  constructor(scope: Construct, id: string, props: DoctorDashboardProps) {
    super(scope, id);
    this.region = Stack.of(this).region;
    // The console's domain depends on the partition, and so on a Region known at synth (the stack's ledger needs
    // one anyway).
    if (Token.isUnresolved(this.region)) throw new Error(`${this.node.path}: the stack needs a Region`);
    const fn = props.function;
    const metric = (name: MetricName, statistic: string, label: string) =>
      doctorMetric(name, statistic, props.schedule, label);
    const graph = (title: string, left: cloudwatch.IMetric[]) =>
      new cloudwatch.GraphWidget({ title, width: WIDTH, height: HEIGHT, left });

    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      defaultInterval: Duration.days(1),
      widgets: [
        [this.links(props.logGroup)],
        [
          new cloudwatch.GraphWidget({
            title: 'Fleet by condition (largest count per period)',
            width: WIDTH,
            height: HEIGHT,
            stacked: true,
            left: Object.entries(CONDITION_METRICS).map(([condition, name]) => metric(name, 'Maximum', condition)),
          }),
          graph('Commands sent and outcomes', [
            metric(METRIC.commandsSent, 'Sum', 'Sent'),
            metric(METRIC.commandsSucceeded, 'Sum', 'Succeeded'),
            metric(METRIC.commandsFailed, 'Sum', 'Failed (or timed out, cancelled)'),
          ]),
        ],
        [
          graph('Recoveries, escalations and digests', [
            metric(METRIC.recoveries, 'Sum', 'Recoveries'),
            metric(METRIC.escalations, 'Sum', 'Escalations'),
            metric(METRIC.digestsPublished, 'Sum', 'Digests published'),
          ]),
          graph('Run duration (ms)', [
            metric(METRIC.runDuration, 'Maximum', 'Max'),
            metric(METRIC.runDuration, 'Average', 'Average'),
          ]),
        ],
        [
          graph('Lambda errors and throttles', [
            fn.metricErrors({ statistic: 'Sum', period: FIVE_MINUTES, label: 'Errors' }),
            fn.metricThrottles({ statistic: 'Sum', period: FIVE_MINUTES, label: 'Throttles' }),
          ]),
          graph('Dead-letter queue depth', [deadLetterDepth(props.deadLetterQueue)]),
        ],
        [
          // docs/design.md section 7: the topic must deliver; these channels are best effort, so their misses
          // show here (and in the log, one line each) rather than failing the run.
          graph('Channel failures: OpsItems and events not delivered', [
            metric(METRIC.channelFailures, 'Sum', 'Items not delivered'),
          ]),
        ],
        ...(props.program ? this.programRows(props.program, props.schedule) : []),
        [new cloudwatch.AlarmStatusWidget({ title: 'Alarms', width: 24, height: 3, alarms: [...props.alarms] })],
      ],
    });
  }

  /** A hub's rows: the worst conditions and the failures per account, and the program's executions. */
  private programRows(program: sfn.IStateMachine, schedule: string): cloudwatch.IWidget[][] {
    const byAccount = (name: MetricName, statistic: string, label: string) =>
      doctorMetricByAccount(name, statistic, schedule, label);
    const graph = (title: string, left: cloudwatch.IMetric[]) =>
      new cloudwatch.GraphWidget({ title, width: WIDTH, height: HEIGHT, left });
    const executions = (metric: cloudwatch.Metric, label: string) =>
      metric.with({ statistic: 'Sum', period: FIVE_MINUTES, label });
    return [
      [
        graph('By account: stalled and disconnected servers', [
          byAccount(METRIC.serversStalled, 'Maximum', 'Stalled'),
          byAccount(METRIC.serversDisconnected, 'Maximum', 'Disconnected'),
        ]),
        graph('By account: failed commands and escalations', [
          byAccount(METRIC.commandsFailed, 'Sum', 'Failed commands'),
          byAccount(METRIC.escalations, 'Sum', 'Escalations'),
        ]),
      ],
      [
        graph('Program executions (one per scheduled run)', [
          executions(program.metricStarted(), 'Started'),
          executions(program.metricSucceeded(), 'Succeeded'),
          executions(program.metricFailed(), 'Failed'),
          executions(program.metricTimedOut(), 'Timed out'),
        ]),
        graph('By account: run duration (ms)', [byAccount(METRIC.runDuration, 'Maximum', 'Max')]),
      ],
    ];
  }

  /** Console address of the dashboard. */
  public get dashboardUrl(): string {
    return dashboardUrl(this.region, this.dashboard.dashboardName);
  }

  private links(logGroup: logs.ILogGroup): cloudwatch.TextWidget {
    return new cloudwatch.TextWidget({
      width: 24,
      height: 2,
      markdown: [
        '# MGN replication doctor',
        `[Run Command history](${runCommandHistoryUrl(this.region)}) · ` +
          `[Doctor log group](${logGroupUrl(this.region, logGroup.logGroupName)}) · ` +
          "the failure and dead-letter alarms notify their own topic, the others the digest's topic",
      ].join('\n'),
    });
  }
}
