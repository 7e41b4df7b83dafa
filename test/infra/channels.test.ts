// The channels beyond e-mail and SMS (docs/design.md section 7): chat channel configurations only when configured,
// read-only; OpsItem and PutEvents permissions only for what the doctor does; the settings that steer them.
import { App } from 'aws-cdk-lib';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { ENV } from '../../lambdas/shared/environment';
import { ConfigError, loadChatChannels, loadStackConfig } from '../../lib/config';
import { synthStack } from './synth';

type Json = Record<string, unknown>;

const SLACK = { workspaceId: 'T07EXAMPLE1', channelId: 'C07EXAMPLE2' };
const TEAMS = {
  teamId: '5d1f6b2e-8c3a-4e7f-9b0d-2a4c6e8f0a1b',
  channelId: '19%3ab6ef35dc342d56ba5654e6fc6d25a071%40thread.tacv2',
  tenantId: 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d',
};

const statementsOf = (t: Template): Json[] =>
  Object.values(t.findResources('AWS::IAM::Policy')).flatMap(
    (policy) => ((policy.Properties as Json).PolicyDocument as { Statement: Json[] }).Statement,
  );
const actionsOf = (t: Template): string[] =>
  statementsOf(t).flatMap((statement) => [statement.Action].flat() as string[]);
const environmentOf = (t: Template): Json => {
  const [fn] = Object.values(t.findResources('AWS::Lambda::Function')) as { Properties: Json }[];
  return ((fn?.Properties.Environment ?? {}) as { Variables?: Json }).Variables ?? {};
};

describe('chat channels', () => {
  test('none unless configured, and the digest then carries no chat rendering', () => {
    const { template } = synthStack();
    template.resourceCountIs('AWS::Chatbot::SlackChannelConfiguration', 0);
    template.resourceCountIs('AWS::Chatbot::MicrosoftTeamsChannelConfiguration', 0);
    expect(environmentOf(template)[ENV.chatNotifications]).toBe('false');
  });

  test('one configuration per channel, subscribed to the digest topic, with a read-only guardrail', () => {
    const { template } = synthStack({ slackChannels: [SLACK], teamsChannels: [TEAMS] });
    const topic = { Ref: Match.stringLikeRegexp('^NotificationsTopic') };
    const readOnly = {
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::aws:policy/ReadOnlyAccess']],
    };
    template.resourcePropertiesCountIs(
      'AWS::Chatbot::SlackChannelConfiguration',
      {
        SlackWorkspaceId: SLACK.workspaceId,
        SlackChannelId: SLACK.channelId,
        SnsTopicArns: [topic],
        GuardrailPolicies: [readOnly],
        UserRoleRequired: false,
      },
      1,
    );
    template.resourcePropertiesCountIs(
      'AWS::Chatbot::MicrosoftTeamsChannelConfiguration',
      {
        TeamId: TEAMS.teamId,
        TeamsChannelId: TEAMS.channelId,
        TeamsTenantId: TEAMS.tenantId,
        SnsTopicArns: [topic],
        GuardrailPolicies: [readOnly],
      },
      1,
    );
    expect(environmentOf(template)[ENV.chatNotifications]).toBe('true');
  });

  test('the channel role is assumed by the chat service only and holds no permission', () => {
    const { template } = synthStack({ slackChannels: [SLACK] });
    const roles = template.findResources('AWS::IAM::Role', {
      Properties: { AssumeRolePolicyDocument: { Statement: [{ Principal: { Service: 'chatbot.amazonaws.com' } }] } },
    });
    expect(Object.keys(roles)).toHaveLength(1);
    const [roleId, role] = Object.entries(roles)[0] as [string, { Properties: Json }];
    expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    const attached = Object.values(template.findResources('AWS::IAM::Policy')).filter((policy) =>
      JSON.stringify((policy.Properties as Json).Roles).includes(String(roleId)),
    );
    expect(attached).toEqual([]);
  });
});

describe('OpsCenter permissions', () => {
  test('on by default: create and list on * (no resource type), update only OpsItems the doctor tagged', () => {
    const { template } = synthStack();
    expect(statementsOf(template)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          Sid: 'OpenAndFindOpsItems',
          Action: ['ssm:CreateOpsItem', 'ssm:DescribeOpsItems'],
          Resource: '*',
        }),
        expect.objectContaining({
          Sid: 'ResolveOwnOpsItems',
          Action: 'ssm:UpdateOpsItem',
          Condition: { StringEquals: { 'aws:ResourceTag/mgn-replication-doctor': 'true' } },
        }),
        expect.objectContaining({
          Sid: 'TagOwnOpsItems',
          Action: 'ssm:AddTagsToResource',
          Condition: {
            StringEquals: { 'aws:RequestTag/mgn-replication-doctor': 'true' },
            'ForAllValues:StringEquals': { 'aws:TagKeys': ['mgn-replication-doctor'] },
          },
        }),
      ]),
    );
    expect(JSON.stringify(statementsOf(template))).toContain(':opsitem/*');
    expect(environmentOf(template)).toMatchObject({ [ENV.opsItems]: 'true', [ENV.opsItemBlockedHours]: '24' });
  });

  test('opsItems=false: no OpsItem or tagging permission at all', () => {
    const { template } = synthStack({ opsItems: 'false' });
    expect(actionsOf(template).filter((action) => /OpsItem|AddTags/.test(action))).toEqual([]);
    expect(environmentOf(template)[ENV.opsItems]).toBe('false');
  });
});

describe('EventBridge permission', () => {
  test('findingEvents=false: no PutEvents permission', () => {
    const { template } = synthStack({ findingEvents: false });
    expect(actionsOf(template)).not.toContain('events:PutEvents');
    expect(environmentOf(template)[ENV.findingEvents]).toBe('false');
  });

  test('PutEvents on the default bus of this account and Region, with the doctor as the only source', () => {
    const { template } = synthStack();
    const putEvents = statementsOf(template).filter((statement) => statement.Action === 'events:PutEvents');
    expect(putEvents).toEqual([
      {
        Sid: 'PutFindingEvents',
        Effect: 'Allow',
        Action: 'events:PutEvents',
        Resource: {
          'Fn::Join': [
            '',
            [
              'arn:',
              { Ref: 'AWS::Partition' },
              ':events:',
              { Ref: 'AWS::Region' },
              ':',
              { Ref: 'AWS::AccountId' },
              ':event-bus/default',
            ],
          ],
        },
        Condition: { StringEquals: { 'events:source': 'mgn-replication-doctor' } },
      },
    ]);
  });
});

describe('channel settings stop the synth when wrong, naming the key', () => {
  const reject = (context: Record<string, unknown>): ConfigError => {
    const app = new App({ context });
    try {
      loadStackConfig(app);
      loadChatChannels(app);
    } catch (error) {
      if (error instanceof ConfigError) return error;
      throw error;
    }
    throw new Error(`accepted ${JSON.stringify(context)}`);
  };

  test.each([
    ['slackChannels', [{ workspaceId: 't07lowercase', channelId: 'C07EXAMPLE2' }]],
    ['slackChannels', [{ workspaceId: 'T07EXAMPLE1' }]],
    ['slackChannels', [{ ...SLACK, extra: 'x' }]],
    ['slackChannels', 'T07EXAMPLE1/C07EXAMPLE2'],
    ['slackChannels', { ...SLACK }],
    ['teamsChannels', [{ ...TEAMS, teamId: 'not-a-guid' }]],
    ['teamsChannels', [{ ...TEAMS, channelId: '19:abc@thread.tacv2' }]],
    ['teamsChannels', [{ ...TEAMS, tenantId: undefined }]],
    ['opsItems', 'maybe'],
    ['findingEvents', 'yes'],
    ['opsItemBlockedHours', 721],
    ['opsItemBlockedHours', -1],
  ])('%s = %j', (key, value) => {
    const error = reject({ [key]: value });
    expect(error.key).toBe(key);
    expect(error.message).toContain(`"${key}"`);
  });

  test('accepts the channels as JSON text too (-c), without duplicates', () => {
    const fromCli = loadChatChannels(new App({ context: { slackChannels: JSON.stringify([SLACK, SLACK]) } }));
    expect(fromCli.slackChannels).toEqual([SLACK]);
    expect(loadStackConfig(new App({ context: { teamsChannels: [TEAMS] } })).settings.chatNotifications).toBe(true);
  });

  test('chatNotifications is derived, never a context key', () => {
    expect(loadStackConfig(new App({ context: { chatNotifications: true } })).settings.chatNotifications).toBe(false);
  });
});
