// Dashboard and alarms (docs/design.md section 1: "Powertools logs + EMF metrics → dashboard + alarms → same
// topic"). The metric names come from the module the Lambda emits with, so a renamed metric fails here.
import { Annotations, Match, type Template } from 'aws-cdk-lib/assertions';
import { METRICS_NAMESPACE, SERVICE_NAME } from '../../lambdas/shared/environment';
import { METRIC, METRIC_NAMES } from '../../lambdas/shared/metric-names';
import { MAX_ALARM_WINDOW_MINUTES } from '../../lib/constructs/observability';
import { UNBOUNDED_GAP, scheduleGaps } from '../../lib/schedule';
import { synthStack } from './synth';

type Json = Record<string, unknown>;

const { stack, template } = synthStack();

const idOf = (t: Template, type: string, prefix: string): string => {
  const ids = Object.keys(t.findResources(type)).filter((id) => id.startsWith(prefix));
  expect(ids).toHaveLength(1);
  return ids[0] as string;
};
const topicRef = () => ({ Ref: idOf(template, 'AWS::SNS::Topic', 'NotificationsTopic') });
const functionRef = () => ({ Ref: idOf(template, 'AWS::Lambda::Function', 'DoctorFunction') });

function alarm(t: Template, prefix: string): Json {
  const id = idOf(t, 'AWS::CloudWatch::Alarm', `Observability${prefix}`);
  return (t.toJSON().Resources as Record<string, { Properties: Json }>)[id]?.Properties as Json;
}

/** The dashboard body as one string: CloudFormation tokens rendered as `${…}` so it can be parsed as JSON. */
function dashboardBody(t: Template): { widgets: { type: string; properties: Json }[] } {
  const [dashboard] = Object.values(t.findResources('AWS::CloudWatch::Dashboard')) as {
    Properties: { DashboardBody: unknown };
  }[];
  const body = dashboard?.Properties.DashboardBody as { 'Fn::Join': [string, unknown[]] };
  const text = body['Fn::Join'][1]
    .map((part) => (typeof part === 'string' ? part : `\${${JSON.stringify(part).replace(/"/g, "'")}}`))
    .join('');
  return JSON.parse(text) as { widgets: { type: string; properties: Json }[] };
}

describe('dashboard', () => {
  const body = dashboardBody(template);
  const metricWidgets = body.widgets.filter((widget) => widget.type === 'metric');
  /** Every [namespace, name, ...] metric line of every graph. */
  const doctorMetricNames = metricWidgets
    .flatMap((widget) => (widget.properties.metrics as unknown[][]) ?? [])
    .filter((line) => line[0] === METRICS_NAMESPACE)
    .map((line) => line[1]);

  test('there is exactly one', () => {
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
  });

  test('graphs exactly the metrics the Lambda emits, in its namespace with the service dimension', () => {
    expect([...new Set(doctorMetricNames)].sort()).toEqual([...METRIC_NAMES].sort());
    const lines = metricWidgets
      .flatMap((widget) => widget.properties.metrics as unknown[][])
      .filter((line) => line[0] === METRICS_NAMESPACE);
    for (const line of lines) expect(line.slice(2, 4)).toEqual(['service', SERVICE_NAME]);
  });

  test('fleet by condition: one line per condition metric', () => {
    const fleet = metricWidgets.find((widget) => String(widget.properties.title).startsWith('Fleet by condition'));
    const names = ((fleet?.properties.metrics ?? []) as unknown[][]).map((line) => line[1]);
    expect(names).toEqual([
      METRIC.serversStalled,
      METRIC.serversDisconnected,
      METRIC.serversLagging,
      METRIC.serversUnknown,
      METRIC.serversProgressing,
      METRIC.serversHealthy,
      METRIC.serversIgnored,
    ]);
  });

  test('Lambda errors and throttles, and the dead-letter queue depth', () => {
    const awsLines = metricWidgets
      .flatMap((widget) => widget.properties.metrics as unknown[][])
      .filter((line) => line[0] !== METRICS_NAMESPACE);
    const names = awsLines.map((line) => `${String(line[0])}/${String(line[1])}`);
    expect(names).toEqual(
      expect.arrayContaining([
        'AWS/Lambda/Errors',
        'AWS/Lambda/Throttles',
        'AWS/SQS/ApproximateNumberOfMessagesVisible',
      ]),
    );
  });

  test('links the Run Command history and the function’s log group', () => {
    const text = body.widgets
      .filter((widget) => widget.type === 'text')
      .map((widget) => String(widget.properties.markdown))
      .join('\n');
    expect(text).toContain(
      'https://eu-west-1.console.aws.amazon.com/systems-manager/run-command/complete-commands?region=eu-west-1',
    );
    const logGroupId = idOf(template, 'AWS::Logs::LogGroup', 'DoctorLogGroup');
    expect(text).toContain(
      `https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#logsV2:log-groups/log-group/\${{'Ref':'${logGroupId}'}}`,
    );
  });

  test('its address is a stack output', () => {
    template.hasOutput('DashboardUrl', {
      Value: {
        'Fn::Join': [
          '',
          [
            'https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#dashboards:name=',
            { Ref: idOf(template, 'AWS::CloudWatch::Dashboard', 'ObservabilityDashboard') },
          ],
        ],
      },
    });
  });
});

describe('alarms', () => {
  test('four, each notifying the notification topic and nothing else', () => {
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')) as { Properties: Json }[];
    expect(alarms).toHaveLength(4);
    for (const { Properties } of alarms) expect(Properties.AlarmActions).toEqual([topicRef()]);
    expect(stack.observability.doctorFailedAlarm).toBeDefined();
  });

  test('doctor failed: Lambda Errors, sum ≥ 1 over 5 minutes', () => {
    expect(alarm(template, 'DoctorFailed')).toMatchObject({
      Namespace: 'AWS/Lambda',
      MetricName: 'Errors',
      Dimensions: [{ Name: 'FunctionName', Value: functionRef() }],
      Statistic: 'Sum',
      Period: 300,
      EvaluationPeriods: 1,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
      AlarmActions: [topicRef()],
    });
  });

  test('dead-letter queue not empty: visible messages, maximum ≥ 1', () => {
    expect(alarm(template, 'DeadLetterQueueNotEmpty')).toMatchObject({
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [
        {
          Name: 'QueueName',
          Value: { 'Fn::GetAtt': [idOf(template, 'AWS::SQS::Queue', 'DoctorDeadLetterQueue'), 'QueueName'] },
        },
      ],
      Statistic: 'Maximum',
      Period: 300,
      EvaluationPeriods: 1,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      AlarmActions: [topicRef()],
    });
  });

  test('not running: fewer than 1 invocation over two schedule periods (rate(15 minutes) → 30 min), missing data breaches', () => {
    expect(alarm(template, 'NotRunning')).toMatchObject({
      Namespace: 'AWS/Lambda',
      MetricName: 'Invocations',
      Dimensions: [{ Name: 'FunctionName', Value: functionRef() }],
      Statistic: 'Sum',
      Period: 1800,
      EvaluationPeriods: 1,
      Threshold: 1,
      ComparisonOperator: 'LessThanThreshold',
      TreatMissingData: 'breaching',
      AlarmActions: [topicRef()],
    });
  });

  test('escalation: the Escalations metric the Lambda emits, sum ≥ 1 over 5 minutes, missing data does not breach', () => {
    expect(alarm(template, 'Escalation')).toMatchObject({
      Namespace: METRICS_NAMESPACE,
      MetricName: METRIC.escalations,
      Dimensions: [{ Name: 'service', Value: SERVICE_NAME }],
      Statistic: 'Sum',
      Period: 300,
      EvaluationPeriods: 1,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
      AlarmActions: [topicRef()],
    });
  });

  test('the not-running window is two of the schedule’s longest gaps, capped at CloudWatch’s 7 days', () => {
    const period = (schedule: string) =>
      (alarm(synthStack({ schedule }).template, 'NotRunning') as { Period: number }).Period;
    expect(period('rate(2 hours)')).toBe(4 * 3600);
    expect(period('cron(0/10 * * * ? *)')).toBe(20 * 60);
    // A daily run is covered by two days, not by a one-day window that a slightly late run falls out of.
    expect(period('rate(1 day)')).toBe(2 * 86_400);
    expect(period('cron(0 8 * * ? *)')).toBe(2 * 86_400);
    // Business hours on weekdays: the longest gap is Friday 18:30 to Monday 08:00.
    expect(period('cron(0/30 8-18 ? * MON-FRI *)')).toBe(2 * (61 * 60 + 30) * 60);
    expect(period('rate(5 days)')).toBe(MAX_ALARM_WINDOW_MINUTES * 60);
    expect(period('cron(0 12 ? * 6#3 *)')).toBe(MAX_ALARM_WINDOW_MINUTES * 60);
  });

  test('a schedule the alarm cannot cover twice is flagged at synth', () => {
    const warnings = (schedule: string) =>
      Annotations.fromStack(synthStack({ schedule }).stack).findWarning(
        '*',
        Match.stringLikeRegexp('not-running alarm'),
      );
    expect(warnings('rate(15 minutes)')).toHaveLength(0);
    expect(warnings('cron(0/30 8-18 ? * MON-FRI *)')).toHaveLength(0);
    expect(warnings('rate(4 days)')).toHaveLength(1);
    expect(warnings('cron(0 0 L * ? *)')).toHaveLength(1);
  });

  test('alarms may publish to the topic: its policy allows CloudWatch alarms of this account and Region', () => {
    const policy = Object.values(template.findResources('AWS::SNS::TopicPolicy'))[0] as {
      Properties: { PolicyDocument: { Statement: Json[] } };
    };
    expect(policy.Properties.PolicyDocument.Statement).toContainEqual({
      Sid: 'AllowCloudWatchAlarmsToPublish',
      Effect: 'Allow',
      Principal: { Service: 'cloudwatch.amazonaws.com' },
      Action: 'sns:Publish',
      Resource: topicRef(),
      Condition: {
        StringEquals: { 'aws:SourceAccount': '123456789012' },
        ArnLike: {
          'aws:SourceArn': {
            'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':cloudwatch:eu-west-1:123456789012:alarm:*']],
          },
        },
      },
    });
  });

  test('the topic key lets CloudWatch alarms publish', () => {
    template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
          }),
        ]),
      },
    });
  });
});

describe('scheduleGaps', () => {
  test.each<[string, number, number]>([
    ['rate(1 minute)', 1, 1],
    ['rate(15 minutes)', 15, 15],
    ['rate(1 hour)', 60, 60],
    ['rate(3 hours)', 180, 180],
    ['rate(2 days)', 2880, 2880],
    ['cron(0/15 * * * ? *)', 15, 15],
    ['cron(0 8 * * ? *)', 1440, 1440],
    ['cron(0 8,20 * * ? *)', 720, 720],
    ['cron(5 */6 ? * * *)', 360, 360],
    ['cron(0 8 ? * MON-FRI *)', 1440, 3 * 1440],
    ['cron(0 2 ? * SUN *)', 7 * 1440, 7 * 1440],
    ['cron(0 2 1,15 * ? *)', 14 * 1440, 17 * 1440],
  ])('%s → shortest %i, longest %i minutes', (schedule, shortest, longest) => {
    expect(scheduleGaps(schedule)).toEqual({ shortestMinutes: shortest, longestMinutes: longest });
  });

  test.each([
    'cron(0 0 L * ? *)',
    'cron(0 12 ? * 6#3 *)',
    'cron(0 8 15W * ? *)',
    'cron(30 2 1 * ? 2027)',
    'cron(0 8 * JAN-MAR ? *)',
    'cron(0 8 ? * FRI-MON *)',
  ])('%s: spacing not modelled → unbounded', (schedule) => {
    expect(scheduleGaps(schedule).longestMinutes).toBe(UNBOUNDED_GAP);
  });
});
