// Console links follow the partition of the stack's Region (lambdas/shared/console-links.ts): the China and
// GovCloud consoles have their own domains, and a commercial-console link is dead there.
import type { Template } from 'aws-cdk-lib/assertions';
import { synthStack } from './synth';

type Json = Record<string, unknown>;

/** Every console address in the template: outputs and the dashboard body, tokens rendered as `<ref>`. */
function consoleLinks(template: Template): string[] {
  const render = (value: unknown): string =>
    typeof value === 'string'
      ? value
      : Array.isArray((value as { 'Fn::Join'?: unknown[] })['Fn::Join'])
        ? ((value as { 'Fn::Join': [string, unknown[]] })['Fn::Join'][1] ?? []).map(render).join('')
        : '<ref>';
  const outputs = Object.values(template.toJSON().Outputs as Record<string, { Value: unknown }>).map((output) =>
    render(output.Value),
  );
  const dashboards = Object.values(template.findResources('AWS::CloudWatch::Dashboard')).map((dashboard) =>
    render((dashboard.Properties as Json).DashboardBody),
  );
  return [...outputs, ...dashboards].join('\n').match(/https:\/\/[^\s)"]+/g) ?? [];
}

describe.each([
  ['eu-west-1', 'https://eu-west-1.console.aws.amazon.com'],
  ['cn-north-1', 'https://cn-north-1.console.amazonaws.cn'],
  ['us-gov-west-1', 'https://us-gov-west-1.console.amazonaws-us-gov.com'],
])('a stack in %s', (region, origin) => {
  const { template } = synthStack({}, region);
  const outputs = template.toJSON().Outputs as Record<string, { Value: unknown }>;

  test(`links the Run Command history on ${origin}`, () => {
    expect(outputs.RunCommandHistoryUrl?.Value).toBe(
      `${origin}/systems-manager/run-command/complete-commands?region=${region}`,
    );
  });

  test('links its dashboard, and the dashboard links the history and the log group, on the same console', () => {
    expect(JSON.stringify(outputs.DashboardUrl?.Value)).toContain(
      `${origin}/cloudwatch/home?region=${region}#dashboards:name=`,
    );
    const links = consoleLinks(template);
    expect(links.length).toBeGreaterThanOrEqual(4);
    for (const link of links) expect(link.startsWith(`${origin}/`)).toBe(true);
    expect(links).toContain(`${origin}/systems-manager/run-command/complete-commands?region=${region}`);
    expect(links.some((link) => link.startsWith(`${origin}/cloudwatch/home?region=${region}#logsV2:`))).toBe(true);
  });
});
