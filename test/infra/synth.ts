// Shared helpers of the infra tests. Most suites skip bundling (`aws:cdk:bundling-stacks: []`) and the built-in
// CloudFormation validator: both are slow and exercised once, in nag.test.ts.
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { loadChatChannels, loadStackConfig } from '../../lib/config';
import { DoctorStack } from '../../lib/doctor-stack';

export const ACCOUNT = '123456789012';
export const REGION = 'eu-west-1';

/** An app that neither bundles nor runs the built-in validator, with the given CDK context. */
export function fastApp(context: Record<string, unknown> = {}): App {
  return new App({
    context: { 'aws:cdk:bundling-stacks': [], ...context },
    builtinCloudFormationValidation: false,
  });
}

/** One DoctorStack with a fixed environment, configured from `context` exactly as bin/app.ts does. */
export function synthStack(
  context: Record<string, unknown> = {},
  region: string = REGION,
): { stack: DoctorStack; template: Template } {
  const app = fastApp(context);
  const stack = new DoctorStack(app, 'Test', {
    config: loadStackConfig(app),
    chatChannels: loadChatChannels(app),
    env: { account: ACCOUNT, region },
  });
  return { stack, template: Template.fromStack(stack) };
}
