// Shared helpers of the infra tests. Most suites skip bundling (`aws:cdk:bundling-stacks: []`) and the built-in
// CloudFormation validator: both are slow and exercised once, in nag.test.ts.
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { buildSpoke } from '../../bin/app';
import { loadChatChannels, loadStackConfig } from '../../lib/config';
import { DoctorStack } from '../../lib/doctor-stack';
import type { SpokeStack } from '../../lib/spoke-stack';

export const ACCOUNT = '123456789012';
export const REGION = 'eu-west-1';
/** A hub's account and organization, for hub and spoke synths. */
export const HUB_ACCOUNT = '210987654321';
export const ORGANIZATION = 'o-a1b2c3d4e5';

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

/** The spoke stack as bin/app.ts builds it, for HUB_ACCOUNT in ORGANIZATION, with further `context`. */
export function synthSpoke(context: Record<string, unknown> = {}): { stack: SpokeStack; template: Template } {
  const stack = buildSpoke(fastApp({ hubAccountId: HUB_ACCOUNT, organizationId: ORGANIZATION, ...context }));
  if (stack === undefined) throw new Error('no spoke: hubAccountId is not set');
  return { stack, template: Template.fromStack(stack) };
}
