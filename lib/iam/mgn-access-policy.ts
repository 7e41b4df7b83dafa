import * as iam from 'aws-cdk-lib/aws-iam';
import { Validations } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { accountResourcesArn, nagAccountResourcesArn } from './account-arns';

export interface MgnAccessPolicyProps {
  readonly role: iam.IRole;
  /** Grant `mgn:RetryDataReplication` only when the doctor may call it (setting `retryServiceSideErrors`). */
  readonly retryServiceSideErrors: boolean;
}

/**
 * MGN: list the source servers, their applications and waves (named in the digest, docs/design.md section 7), read
 * a server's replication settings (shown for network and convergence errors), and retry replication when that is
 * enabled. Nothing that stops, disconnects, finalizes or archives.
 */
export class MgnAccessPolicy extends iam.Policy {
  constructor(scope: Construct, id: string, props: MgnAccessPolicyProps) {
    super(scope, id, {
      roles: [props.role],
      statements: [
        new iam.PolicyStatement({
          sid: 'ListSourceServers',
          actions: ['mgn:DescribeSourceServers', 'mgn:ListApplications', 'mgn:ListWaves'],
          resources: ['*'],
        }),
        new iam.PolicyStatement({
          sid: 'TreatSourceServers',
          actions: [
            'mgn:GetReplicationConfiguration',
            ...(props.retryServiceSideErrors ? ['mgn:RetryDataReplication'] : []),
          ],
          resources: [accountResourcesArn(scope, 'mgn', 'source-server')],
        }),
      ],
    });
    Validations.of(this).acknowledge(
      {
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason:
          'mgn:DescribeSourceServers, mgn:ListApplications and mgn:ListWaves are List actions without ' +
          'resource-level permissions: the Service Authorization Reference names no resource type for them ' +
          '(the application/ and wave/ ARNs apply to the actions on one application or wave).',
      },
      {
        id: `AwsSolutions-IAM5[Resource::${nagAccountResourcesArn('mgn', 'source-server')}]`,
        reason:
          'The doctor treats whichever source server is stalled; the wildcard is limited to source servers ' +
          'of this account and Region.',
      },
    );
  }
}
