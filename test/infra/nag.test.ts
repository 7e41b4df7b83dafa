// cdk-nag (AwsSolutions) over the same composition as bin/app.ts, with the built-in CloudFormation validator on:
// synth must not throw and the validation report must list no violation. Findings land in
// <outdir>/validation-report.json (toolchain.md §3c), so every synth gets its own temporary outdir.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sns from 'aws-cdk-lib/aws-sns';
import { AwsSolutionsChecks } from 'cdk-nag';
import { buildApp } from '../../bin/app';
import { SPOKE_STACK_NAME } from '../../lambdas/shared/program';
import { ACCOUNT, HUB_ACCOUNT, ORGANIZATION, REGION } from './synth';

interface ValidationReport {
  pluginReports: {
    pluginName: string;
    violations: { ruleName: string; violatingConstructs: { constructPath: string }[] }[];
  }[];
}

const outdirs: string[] = [];
afterAll(() => {
  for (const dir of outdirs) fs.rmSync(dir, { recursive: true, force: true });
});

/** Synthesizes `app`; returns what synth threw (if anything) and the validation report. */
function synth(app: App, outdir: string): { error?: Error; report: ValidationReport } {
  let error: Error | undefined;
  try {
    app.synth();
  } catch (thrown) {
    error = thrown as Error;
  }
  const reportFile = path.join(outdir, 'validation-report.json');
  const report = fs.existsSync(reportFile)
    ? (JSON.parse(fs.readFileSync(reportFile, 'utf8')) as ValidationReport)
    : { pluginReports: [] };
  return { error, report };
}

function newApp(
  context: Record<string, unknown> = {},
  builtinCloudFormationValidation = true,
): { app: App; outdir: string } {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'mgn-doctor-nag-'));
  outdirs.push(outdir);
  // Bundling is exercised in bundling.test.ts; here the validators are what matters.
  const app = new App({
    outdir,
    builtinCloudFormationValidation,
    context: { 'aws:cdk:bundling-stacks': [], ...context },
  });
  return { app, outdir };
}

const violations = (report: ValidationReport) =>
  report.pluginReports.flatMap((plugin) =>
    plugin.violations.map((v) => {
      const where = v.violatingConstructs.map((c) => c.constructPath).join(', ');
      return `${plugin.pluginName} ${v.ruleName} at ${where}`;
    }),
  );

test('the app as bin/app.ts builds it passes AwsSolutions and the built-in validator', () => {
  const { app, outdir } = newApp({ notificationEmails: 'ops@example.com', notificationPhoneNumbers: '+14155550100' });
  buildApp(app, { CDK_DEFAULT_ACCOUNT: ACCOUNT, CDK_DEFAULT_REGION: REGION });

  const { error, report } = synth(app, outdir);

  expect(violations(report)).toEqual([]);
  expect(error).toBeUndefined();
});

test('an environment-agnostic, multi-Region app passes too (acknowledged finding IDs do not depend on the environment)', () => {
  // cdk-nag only: the built-in validator already ran over the same resources above, and costs ~1 s per stack.
  const { app, outdir } = newApp({ regions: 'eu-west-1,us-east-1', reservedConcurrency: 0 }, false);
  const stacks = buildApp(app, {});

  const { error, report } = synth(app, outdir);

  expect(stacks.map((stack) => stack.stackName)).toEqual([
    'MgnReplicationDoctor-eu-west-1',
    'MgnReplicationDoctor-us-east-1',
  ]);
  expect(violations(report)).toEqual([]);
  expect(error).toBeUndefined();
});

test('every option that changes the role passes too, in the China and GovCloud partitions as well', () => {
  const { app, outdir } = newApp(
    { regions: 'cn-north-1,us-gov-west-1', requireNodeTag: 'mgn-doctor:target', retryServiceSideErrors: true },
    false,
  );
  buildApp(app, { CDK_DEFAULT_ACCOUNT: ACCOUNT });

  const { error, report } = synth(app, outdir);

  expect(violations(report)).toEqual([]);
  expect(error).toBeUndefined();
});

test('chat channels, OpsItems and events pass too (their role, guardrail and policies)', () => {
  const { app, outdir } = newApp(
    {
      slackChannels: [{ workspaceId: 'T07EXAMPLE1', channelId: 'C07EXAMPLE2' }],
      teamsChannels: [
        {
          teamId: '5d1f6b2e-8c3a-4e7f-9b0d-2a4c6e8f0a1b',
          channelId: '19%3ab6ef35dc342d56ba5654e6fc6d25a071%40thread.tacv2',
          tenantId: 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d',
        },
      ],
      opsItems: true,
    },
    false,
  );
  buildApp(app, { CDK_DEFAULT_ACCOUNT: ACCOUNT, CDK_DEFAULT_REGION: REGION });

  const { error, report } = synth(app, outdir);

  expect(violations(report)).toEqual([]);
  expect(error).toBeUndefined();
});

test('a hub passes AwsSolutions and the built-in validator: state machine, bus policy, global view, spoke access', () => {
  const { app, outdir } = newApp({
    accounts: 'organization',
    organizationId: ORGANIZATION,
    retryServiceSideErrors: true,
    requireNodeTag: 'mgn-doctor:target',
  });
  const [stack] = buildApp(app, { CDK_DEFAULT_ACCOUNT: HUB_ACCOUNT, CDK_DEFAULT_REGION: REGION });

  const { error, report } = synth(app, outdir);

  expect(stack?.program).toBeDefined();
  expect(violations(report)).toEqual([]);
  expect(error).toBeUndefined();
});

test('a multi-Region hub passes too (acknowledged IDs name each Region’s spoke role)', () => {
  const { app, outdir } = newApp(
    { accounts: ['111122223333'], organizationId: ORGANIZATION, regions: 'eu-west-1,us-gov-west-1' },
    false,
  );
  buildApp(app, { CDK_DEFAULT_ACCOUNT: HUB_ACCOUNT });

  const { error, report } = synth(app, outdir);

  expect(violations(report)).toEqual([]);
  expect(error).toBeUndefined();
});

test('the spoke passes AwsSolutions and the built-in validator, with requireNodeTag too', () => {
  const { app, outdir } = newApp({
    hubAccountId: HUB_ACCOUNT,
    organizationId: ORGANIZATION,
    requireNodeTag: 'mgn-doctor:target',
    // The doctor stack beside it is checked above; only the spoke is synthesized here.
    'aws:cdk:bundling-stacks': [],
  });
  buildApp(app, { CDK_DEFAULT_ACCOUNT: ACCOUNT, CDK_DEFAULT_REGION: REGION });

  const { error, report } = synth(app, outdir);

  expect(app.node.tryFindChild(SPOKE_STACK_NAME)).toBeDefined();
  expect(violations(report)).toEqual([]);
  expect(error).toBeUndefined();
});

test('no acknowledgement covers the doctor role as a whole: a wildcard grant added to it later is reported', () => {
  const { app, outdir } = newApp({}, false);
  const [stack] = buildApp(app, { CDK_DEFAULT_ACCOUNT: ACCOUNT, CDK_DEFAULT_REGION: REGION });
  stack?.doctor.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['ssm:GetParameter'], resources: ['*'] }));

  const { error, report } = synth(app, outdir);

  expect(error).toBeDefined();
  expect(violations(report)).toEqual([
    expect.stringMatching(/AwsSolutions-IAM5\[Resource::\*\] at .*\/Doctor\/Role\/DefaultPolicy\//),
  ]);
});

test('control: the same setup does report an unacknowledged finding', () => {
  const { app, outdir } = newApp({}, false);
  const stack = new Stack(app, 'Control');
  new sns.Topic(stack, 'PlainTopic');
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));

  const { error, report } = synth(app, outdir);

  expect(error).toBeDefined();
  expect(violations(report)).toEqual(
    expect.arrayContaining([expect.stringMatching(/^AwsSolutions AwsSolutions-SNS3 at Control\/PlainTopic/)]),
  );
});
