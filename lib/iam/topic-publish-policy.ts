import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import { viaService } from './account-arns';

export interface TopicPublishPolicyProps {
  readonly role: iam.IRole;
  readonly topic: sns.ITopic;
  /** The topic's customer-managed key. */
  readonly key: kms.IKey;
}

/**
 * SNS: publish the digest. A publisher to an encrypted topic needs `kms:GenerateDataKey` and `kms:Decrypt` on its
 * key (not `GenerateDataKey*` as `topic.grantPublish` gives), and only through SNS.
 */
export class TopicPublishPolicy extends iam.Policy {
  constructor(scope: Construct, id: string, props: TopicPublishPolicyProps) {
    super(scope, id, {
      roles: [props.role],
      statements: [
        new iam.PolicyStatement({ actions: ['sns:Publish'], resources: [props.topic.topicArn] }),
        new iam.PolicyStatement({
          actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
          resources: [props.key.keyArn],
          conditions: { StringEquals: { 'kms:ViaService': viaService(scope, 'sns') } },
        }),
      ],
    });
  }
}
