// The spoke stack (lib/spoke-stack.ts, docs/design.md section 13): one template for every member account and
// Region, deployable by `cdk deploy` and as a StackSet with service-managed permissions (no assets, nothing of a CDK
// bootstrap stack, pseudo parameters instead of an environment), and a role only the hub's doctor role may assume,
// allowed exactly the SSM, EC2 and IAM calls a single-account doctor makes.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, Token } from 'aws-cdk-lib';
import type { Template } from 'aws-cdk-lib/assertions';
import { DOCUMENT_ROLES } from '../../lambdas/shared/documents';
import { MGN_SERVICE_ROLES } from '../../lambdas/shared/mgn-service-roles';
import { SPOKE_COMMAND_LOG_GROUP, SPOKE_STACK_NAME } from '../../lambdas/shared/program';
import { buildApp, buildSpoke } from '../../bin/app';
import { spokeDocumentNames } from '../../lib/constructs/remediation-documents';
import { MGN_STALL_DETAIL_TYPE } from '../../lib/constructs/doctor-triggers';
import { HUB_ACCOUNT, ORGANIZATION, fastApp, synthSpoke } from './synth';

type Json = Record<string, unknown>;

const { stack, template } = synthSpoke();
const json = template.toJSON() as { Resources: Record<string, { Type: string; Properties: Json }> } & Json;

const resourcesOf = (t: Template, type: string) => Object.entries(t.findResources(type));
const partition = { Ref: 'AWS::Partition' };
const region = { Ref: 'AWS::Region' };
const accountArn = (service: string, resource: string) => ({
  'Fn::Join': ['', ['arn:', partition, `:${service}:`, region, ':', { Ref: 'AWS::AccountId' }, `:${resource}`]],
});

/** The one role whose logical ID starts with `prefix` (the construct's ID + `Role`). */
function roleOf(t: Template, prefix: string): { logicalId: string; properties: Json } {
  const roles = resourcesOf(t, 'AWS::IAM::Role').filter(([id]) => id.startsWith(prefix));
  expect(roles).toHaveLength(1);
  const [logicalId, role] = roles[0] as [string, { Properties: Json }];
  return { logicalId, properties: role.Properties };
}

/** Every statement of the policies attached to that role. */
function statementsOf(t: Template, prefix: string): Json[] {
  const { logicalId } = roleOf(t, prefix);
  return resourcesOf(t, 'AWS::IAM::Policy')
    .map(([, policy]) => policy.Properties as Json)
    .filter((policy) => JSON.stringify(policy.Roles) === JSON.stringify([{ Ref: logicalId }]))
    .flatMap((policy) => (policy.PolicyDocument as { Statement: Json[] }).Statement);
}

const spokeRole = (t: Template) => roleOf(t, 'HubAccessRole');
const spokeRoleStatements = (t: Template) => statementsOf(t, 'HubAccessRole');

describe('deployable anywhere: cdk deploy in any account and Region, or a StackSet', () => {
  test('the stack is named MgnReplicationDoctorSpoke and bound to no environment', () => {
    expect(stack.stackName).toBe(SPOKE_STACK_NAME);
    expect(Token.isUnresolved(stack.account)).toBe(true);
    expect(Token.isUnresolved(stack.region)).toBe(true);
  });

  test('no parameters, no rules, no assets, nothing of a CDK bootstrap stack', () => {
    expect(json).not.toHaveProperty('Parameters');
    expect(json).not.toHaveProperty('Rules');
    const text = JSON.stringify(json);
    expect(text).not.toMatch(/BootstrapVersion|cdk-bootstrap|hnb659fds|cdk-assets|AssetParameters|aws:asset/);
    expect(text).not.toMatch(/"Type":"AWS::Lambda::|"Type":"AWS::CloudFormation::|"Type":"Custom::/);
  });

  test('the manifest asks the CLI to assume no bootstrap role and publish nothing', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'mgn-doctor-spoke-'));
    try {
      const app = new App({
        outdir,
        context: { hubAccountId: HUB_ACCOUNT, organizationId: ORGANIZATION },
        builtinCloudFormationValidation: false,
      });
      buildSpoke(app);
      const assembly = app.synth();
      const artifact = assembly.getStackByName(SPOKE_STACK_NAME);
      expect(artifact.assumeRoleArn).toBeUndefined();
      expect(artifact.cloudFormationExecutionRoleArn).toBeUndefined();
      expect(artifact.requiresBootstrapStackVersion).toBeUndefined();
      expect(artifact.stackTemplateAssetObjectUrl).toBeUndefined();
      expect(artifact.dependencies.map((d) => d.id)).toEqual([]);
      expect(fs.readdirSync(outdir).filter((file) => file.includes('Spoke'))).toEqual([
        'MgnReplicationDoctorSpoke.metadata.json',
        'MgnReplicationDoctorSpoke.template.json',
      ]);
    } finally {
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  });

  test('only the hub account and organization are literal: the rest is pseudo parameters', () => {
    const accounts = JSON.stringify(json).match(/\d{12}/g) ?? [];
    expect([...new Set(accounts)]).toEqual([HUB_ACCOUNT]);
  });
});

describe('documents and output', () => {
  test('the documents are named as the hub computes them, from the same files', () => {
    const names = resourcesOf(template, 'AWS::SSM::Document').map(([, d]) => (d.Properties as Json).Name);
    expect(names.sort()).toEqual(Object.values(spokeDocumentNames()).sort());
    for (const role of DOCUMENT_ROLES) {
      expect(spokeDocumentNames()[role]).toMatch(new RegExp(`^MgnReplicationDoctorSpoke-${role}-[0-9a-f]{64}$`));
    }
  });

  test('the command output log group has the contract name and the configured retention', () => {
    const groups = resourcesOf(template, 'AWS::Logs::LogGroup');
    expect(groups).toHaveLength(1);
    expect(groups[0]?.[1].Properties).toEqual({ LogGroupName: SPOKE_COMMAND_LOG_GROUP, RetentionInDays: 90 });
    const { template: shorter } = synthSpoke({ logRetentionDays: 30 });
    expect(resourcesOf(shorter, 'AWS::Logs::LogGroup')[0]?.[1].Properties).toMatchObject({ RetentionInDays: 30 });
  });

  test('the host output policy is there, for the hosts of this account', () => {
    expect(resourcesOf(template, 'AWS::IAM::ManagedPolicy')).toHaveLength(1);
    expect(json.Outputs).toHaveProperty('HostOutputPolicyArn');
  });
});

describe("the hub's role", () => {
  test('named per Region, trusted only by the hub role’s exact ARN within the organization', () => {
    const { properties } = spokeRole(template);
    expect(properties.RoleName).toEqual({ 'Fn::Join': ['', ['MgnReplicationDoctorSpoke-', region]] });
    expect(properties.AssumeRolePolicyDocument).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Action: 'sts:AssumeRole',
          Principal: { AWS: { 'Fn::Join': ['', ['arn:', partition, `:iam::${HUB_ACCOUNT}:root`]] } },
          Condition: {
            ArnEquals: {
              'aws:PrincipalArn': {
                'Fn::Join': ['', ['arn:', partition, `:iam::${HUB_ACCOUNT}:role/MgnReplicationDoctorHub-`, region]],
              },
            },
            StringEquals: { 'aws:PrincipalOrgID': ORGANIZATION },
          },
        },
      ],
    });
    expect(properties).not.toHaveProperty('ManagedPolicyArns');
  });

  test('allowed exactly what the single-account doctor does with SSM, EC2 and IAM, in this account', () => {
    const statements = spokeRoleStatements(template);
    const actions = statements.flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action])).sort();
    expect(actions).toEqual([
      'ec2:DescribeInstances',
      'iam:GetRole',
      'ssm:DescribeInstanceInformation',
      'ssm:ListCommandInvocations',
      'ssm:SendCommand',
    ]);
    const send = statements.find((s) => s.Action === 'ssm:SendCommand') as Json;
    const documents = resourcesOf(template, 'AWS::SSM::Document').map(([id]) => id);
    expect(send.Resource).toEqual([
      ...documents.map((id) => ({
        'Fn::Join': [
          '',
          ['arn:', partition, ':ssm:', region, ':', { Ref: 'AWS::AccountId' }, ':document/', { Ref: id }],
        ],
      })),
      accountArn('ec2', 'instance/*'),
      accountArn('ssm', 'managed-instance/*'),
    ]);
    const getRole = statements.find((s) => s.Action === 'iam:GetRole') as Json;
    expect((getRole.Resource as unknown[]).length).toBeGreaterThanOrEqual(MGN_SERVICE_ROLES.length);
    expect(JSON.stringify(getRole.Resource)).toContain('{"Ref":"AWS::AccountId"}');
    expect(JSON.stringify(statements)).not.toMatch(/mgn:|sts:|"\*:\*"/);
  });

  test('requireNodeTag limits SendCommand to opted-in nodes, as in one account', () => {
    const { template: tagged } = synthSpoke({ requireNodeTag: 'mgn-doctor:target' });
    const sends = spokeRoleStatements(tagged).filter((s) => s.Action === 'ssm:SendCommand');
    expect(sends).toHaveLength(2);
    expect(sends[1]).toMatchObject({
      Resource: [accountArn('ec2', 'instance/*'), accountArn('ssm', 'managed-instance/*')],
      Condition: { StringEquals: { 'ssm:resourceTag/mgn-doctor:target': 'true' } },
    });
  });
});

describe('the preview reader role', () => {
  const reader = () => ({
    properties: roleOf(template, 'PreviewAccessRole').properties,
    statements: statementsOf(template, 'PreviewAccessRole'),
  });

  test('trusts the hub account within the organization, whose own IAM says who may preview', () => {
    const { properties } = reader();
    expect(properties.RoleName).toEqual({ 'Fn::Join': ['', ['MgnReplicationDoctorSpokeReader-', region]] });
    expect(properties.AssumeRolePolicyDocument).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Action: 'sts:AssumeRole',
          Principal: { AWS: { 'Fn::Join': ['', ['arn:', partition, `:iam::${HUB_ACCOUNT}:root`]] } },
          Condition: { StringEquals: { 'aws:PrincipalOrgID': ORGANIZATION } },
        },
      ],
    });
  });

  test('may only read nodes and command results: never send a command', () => {
    const { statements } = reader();
    expect(statements).toEqual([
      expect.objectContaining({
        Effect: 'Allow',
        Action: ['ssm:DescribeInstanceInformation', 'ssm:ListCommandInvocations'],
        Resource: '*',
      }),
    ]);
  });
});

describe('stall events go to the hub', () => {
  test("MGN's stall-change events, to the hub's default bus in this Region, with a role for it", () => {
    const rules = resourcesOf(template, 'AWS::Events::Rule');
    expect(rules).toHaveLength(1);
    const rule = rules[0]?.[1].Properties as Json;
    expect(rule.EventPattern).toEqual({
      source: ['aws.mgn'],
      'detail-type': [MGN_STALL_DETAIL_TYPE],
      detail: { state: ['STALLED', 'NOT_STALLED'] },
    });
    const hubBus = {
      'Fn::Join': ['', ['arn:', partition, ':events:', region, `:${HUB_ACCOUNT}:event-bus/default`]],
    };
    const [target] = rule.Targets as Json[];
    expect(target).toMatchObject({ Arn: hubBus, RoleArn: { 'Fn::GetAtt': [expect.any(String), 'Arn'] } });
    const roleId = ((target as Json).RoleArn as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][0];
    const policies = resourcesOf(template, 'AWS::IAM::Policy')
      .map(([, policy]) => policy.Properties as Json)
      .filter((policy) => JSON.stringify(policy.Roles) === JSON.stringify([{ Ref: roleId }]));
    expect(policies.flatMap((p) => (p.PolicyDocument as { Statement: Json[] }).Statement)).toEqual([
      { Effect: 'Allow', Action: 'events:PutEvents', Resource: hubBus },
    ]);
  });
});

describe('the app', () => {
  test('synthesizes the spoke only when hubAccountId is set, beside the doctor stack', () => {
    const environment = { CDK_DEFAULT_ACCOUNT: '111122223333', CDK_DEFAULT_REGION: 'eu-west-1' };
    const without = fastApp();
    buildApp(without, environment);
    expect(without.node.tryFindChild(SPOKE_STACK_NAME)).toBeUndefined();
    const withHub = fastApp({ hubAccountId: HUB_ACCOUNT, organizationId: ORGANIZATION });
    buildApp(withHub, environment);
    expect(withHub.node.tryFindChild(SPOKE_STACK_NAME)).toBeDefined();
  });

  test.each<[Record<string, unknown>, string]>([
    [{ hubAccountId: '2109876543', organizationId: ORGANIZATION }, 'hubAccountId'],
    [{ hubAccountId: HUB_ACCOUNT }, 'organizationId'],
    [{ hubAccountId: HUB_ACCOUNT, organizationId: 'o-UPPER12345' }, 'organizationId'],
  ])('bad spoke context %j stops the synth naming %s', (context, key) => {
    expect(() => buildApp(fastApp(context), { CDK_DEFAULT_REGION: 'eu-west-1' })).toThrow(
      expect.objectContaining({ name: 'ConfigError', key }),
    );
  });
});
