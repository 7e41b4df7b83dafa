import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import { stackAlarmsArnPattern } from '../alarm-names';

export interface NotificationsProps {
  /**
   * E-mail addresses to subscribe; each receives a confirmation e-mail first.
   * @default - no e-mail subscriptions
   */
  readonly emails?: readonly string[];
  /**
   * Phone numbers (E.164) to subscribe for SMS; the account must be out of the SMS sandbox or the numbers verified.
   * @default - no SMS subscriptions
   */
  readonly phoneNumbers?: readonly string[];
  /**
   * The name subscribers see as the sender.
   * @default 'MGN replication doctor'
   */
  readonly displayName?: string;
  /**
   * What the key is for, in its description.
   * @default 'the MGN replication doctor notification topic'
   */
  readonly purpose?: string;
}

/**
 * An SNS topic with its own customer-managed key and subscribers, which this stack's CloudWatch alarms (and only
 * they, besides identities the account allows) may publish to. The stack has two: the digest's, and a second path
 * for the alarms that watch the digest's path itself.
 */
export class Notifications extends Construct {
  /** Customer-managed key of the topic. */
  public readonly key: kms.Key;
  /** The notification topic. */
  public readonly topic: sns.Topic;

  constructor(scope: Construct, id: string, props: NotificationsProps = {}) {
    super(scope, id);
    const account = Stack.of(this).account;
    const fromThisStacksAlarms = {
      StringEquals: { 'aws:SourceAccount': account },
      ArnLike: { 'aws:SourceArn': stackAlarmsArnPattern(this) },
    };

    this.key = new kms.Key(this, 'TopicKey', {
      description: `Encrypts ${props.purpose ?? 'the MGN replication doctor notification topic'}`,
      enableKeyRotation: true,
    });
    // CloudWatch alarms publish with their own service principal and can't use the AWS-managed aws/sns key:
    // without this statement alarm notifications are dropped silently.
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowCloudWatchAlarmsToPublish',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: fromThisStacksAlarms,
      }),
    );

    this.topic = new sns.Topic(this, 'Topic', {
      displayName: props.displayName ?? 'MGN replication doctor',
      masterKey: this.key,
      enforceSSL: true,
    });
    // enforceSSL gives the topic a resource policy, and that policy replaces SNS's default one (which let any
    // principal of the account, AWS services included, publish). An identity policy still lets the doctor's role
    // publish, but CloudWatch alarms publish as the service principal and need this Allow: without it every alarm
    // action fails with "is not authorized to perform: SNS:Publish", visible only in the alarm's history.
    this.topic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowCloudWatchAlarmsToPublish',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions: fromThisStacksAlarms,
      }),
    );
    for (const email of props.emails ?? []) {
      this.topic.addSubscription(new subscriptions.EmailSubscription(email));
    }
    for (const phoneNumber of props.phoneNumbers ?? []) {
      this.topic.addSubscription(new subscriptions.SmsSubscription(phoneNumber));
    }
  }
}
