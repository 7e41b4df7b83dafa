#!/usr/bin/env node
// Entry point: context → validated config → one stack per Region (and the spoke stack when `hubAccountId` is set);
// cdk-nag (AwsSolutions) checks every synth.
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { SPOKE_STACK_NAME } from '../lambdas/shared/program';
import { ConfigError, loadChatChannels, loadSpokeConfig, loadStackConfig } from '../lib/config';
import { DoctorStack } from '../lib/doctor-stack';
import { SpokeStack } from '../lib/spoke-stack';

/** Where the stacks go when no `regions` are configured: the CLI's account and Region. */
export interface DeploymentEnvironment {
  readonly CDK_DEFAULT_ACCOUNT?: string;
  readonly CDK_DEFAULT_REGION?: string;
}

/**
 * The whole composition, shared by this entry point and the infra tests. Throws ConfigError on bad context. The
 * spoke (when `hubAccountId` is set) is added to the app but not returned: see buildSpoke.
 */
export function buildApp(app: App, environment: DeploymentEnvironment = process.env): DoctorStack[] {
  const config = loadStackConfig(app);
  const chatChannels = loadChatChannels(app);
  buildSpoke(app);
  const account = environment.CDK_DEFAULT_ACCOUNT;
  // The ledger (DynamoDB TableV2 with a customer-managed key) cannot be synthesized for an unknown Region. The CDK
  // CLI always passes one (the profile's, or us-east-1); running the app any other way needs a Region too.
  if (config.regions.length === 0 && !environment.CDK_DEFAULT_REGION) {
    throw new ConfigError(
      'regions',
      'a list of Region names such as eu-west-1 when no default Region is set (CDK_DEFAULT_REGION, as the CDK CLI sets it)',
      [],
    );
  }
  const stack = (id: string, region: string | undefined) =>
    new DoctorStack(app, id, { config, chatChannels, env: { account, region } });
  const stacks =
    config.regions.length === 0
      ? [stack('MgnReplicationDoctor', environment.CDK_DEFAULT_REGION)]
      : config.regions.map((region) => stack(`MgnReplicationDoctor-${region}`, region));
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return stacks;
}

/**
 * The spoke stack `MgnReplicationDoctorSpoke`, environment-agnostic (one template for `cdk deploy` in any member
 * account and Region, or for a StackSet), when `hubAccountId` is set; else none.
 */
export function buildSpoke(app: App): SpokeStack | undefined {
  const spoke = loadSpokeConfig(app);
  if (spoke === undefined) return undefined;
  const config = loadStackConfig(app);
  return new SpokeStack(app, SPOKE_STACK_NAME, {
    spoke,
    commandLogRetention: config.logRetentionDays,
    requireNodeTag: config.settings.requireNodeTag,
  });
}

function main(): void {
  const app = new App();
  try {
    buildApp(app);
  } catch (error) {
    if (error instanceof ConfigError) {
      // An operator's typo, not a bug: the message names the key; a stack trace would only hide it.
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  app.synth();
}

if (require.main === module) main();
