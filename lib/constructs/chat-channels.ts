import { Aws, Stack } from 'aws-cdk-lib';
import * as chatbot from 'aws-cdk-lib/aws-chatbot';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import type { SlackChannel, TeamsChannel } from '../config';

export interface ChatChannelsProps {
  /** The digest's topic: every channel subscribes to it. */
  readonly topic: sns.ITopic;
  readonly slackChannels: readonly SlackChannel[];
  readonly teamsChannels: readonly TeamsChannel[];
}

/**
 * Amazon Q Developer in chat applications (formerly AWS Chatbot): one channel configuration per Slack or Teams
 * channel, subscribed to the digest's topic (docs/design.md section 7, "Chat"). The channels only read: the
 * guardrail (the most any channel member can do through the channel) is ReadOnlyAccess, and the channel role has
 * no permissions of its own, since the channels only show notifications. The Slack workspace or Teams tenant must
 * be authorised once in the service's console before the deploy (README, "Channels").
 */
export class ChatChannels extends Construct {
  /** The role the channels assume; it holds no permissions. */
  public readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: ChatChannelsProps) {
    super(scope, id);
    this.role = new iam.Role(this, 'ChannelRole', {
      assumedBy: new iam.ServicePrincipal('chatbot.amazonaws.com'),
      description: 'MGN replication doctor chat channels: show notifications only',
    });
    const common = {
      iamRoleArn: this.role.roleArn,
      snsTopicArns: [props.topic.topicArn],
      guardrailPolicies: [`arn:${Aws.PARTITION}:iam::aws:policy/ReadOnlyAccess`],
      loggingLevel: 'ERROR',
      userRoleRequired: false,
    };
    const name = (kind: string, index: number) => `${Stack.of(this).stackName}-${kind}-${index + 1}`;
    props.slackChannels.forEach((channel, index) => {
      new chatbot.CfnSlackChannelConfiguration(this, `Slack${index + 1}`, {
        ...common,
        configurationName: name('slack', index),
        slackWorkspaceId: channel.workspaceId,
        slackChannelId: channel.channelId,
      });
    });
    props.teamsChannels.forEach((channel, index) => {
      new chatbot.CfnMicrosoftTeamsChannelConfiguration(this, `Teams${index + 1}`, {
        ...common,
        configurationName: name('teams', index),
        teamId: channel.teamId,
        teamsChannelId: channel.channelId,
        teamsTenantId: channel.tenantId,
      });
    });
  }
}
