// The dashboard (lib/constructs/doctor-dashboard.ts). The metric names come from the module the Lambda emits with,
// so a renamed metric fails here.
import type { Template } from 'aws-cdk-lib/assertions';
import { METRICS_NAMESPACE, SERVICE_NAME } from '../../lambdas/shared/environment';
import { METRIC, METRIC_NAMES } from '../../lambdas/shared/metric-names';
import { synthStack } from './synth';

type Json = Record<string, unknown>;

const { template } = synthStack();

const idOf = (t: Template, type: string, prefix: string): string => {
  const ids = Object.keys(t.findResources(type)).filter((id) => id.startsWith(prefix));
  expect(ids).toHaveLength(1);
  return ids[0] as string;
};

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
            { Ref: idOf(template, 'AWS::CloudWatch::Dashboard', 'Dashboard') },
          ],
        ],
      },
    });
  });
});
