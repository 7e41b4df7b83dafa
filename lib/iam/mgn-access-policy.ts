import * as iam from 'aws-cdk-lib/aws-iam';
import { Aws, Stack, Validations } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { accountResourcesArn, nagAccountResourcesArn } from './account-arns';

export interface MgnAccessPolicyProps {
  readonly role: iam.IRole;
  /** Grant `mgn:RetryDataReplication` only when the doctor may call it (setting `retryServiceSideErrors`). */
  readonly retryServiceSideErrors: boolean;
  /**
   * A hub (docs/design.md section 13): list the organization's managed accounts, and act on source servers of any
   * of them through MGN's global view (`accountID`), which MGN allows only for its managed accounts.
   * @default false
   */
  readonly globalView?: boolean;
}

/**
 * MGN: list the source servers, their applications and waves (named in the digest, docs/design.md section 7), read
 * a server's replication settings (shown for network and convergence errors), and retry replication when that is
 * enabled. Nothing that stops, disconnects, finalizes or archives.
 */
export class MgnAccessPolicy extends iam.Policy {
  constructor(scope: Construct, id: string, props: MgnAccessPolicyProps) {
    const globalView = props.globalView === true;
    const sourceServers = globalView
      ? Stack.of(scope).formatArn({
          service: 'mgn',
          resource: 'source-server',
          resourceName: '*',
          region: Aws.REGION,
          account: '*',
        })
      : accountResourcesArn(scope, 'mgn', 'source-server');
    super(scope, id, {
      roles: [props.role],
      statements: [
        new iam.PolicyStatement({
          sid: 'ListSourceServers',
          actions: [
            'mgn:DescribeSourceServers',
            'mgn:ListApplications',
            'mgn:ListWaves',
            ...(globalView ? ['mgn:ListManagedAccounts'] : []),
          ],
          resources: ['*'],
        }),
        new iam.PolicyStatement({
          sid: 'TreatSourceServers',
          actions: [
            'mgn:GetReplicationConfiguration',
            ...(props.retryServiceSideErrors ? ['mgn:RetryDataReplication'] : []),
          ],
          resources: [sourceServers],
        }),
      ],
    });
    Validations.of(this).acknowledge(
      {
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason:
          "mgn:DescribeSourceServers, mgn:ListApplications, mgn:ListWaves (and a hub's mgn:ListManagedAccounts) " +
          'are List actions without resource-level permissions: the Service Authorization Reference names no resource type for them ' +
          '(the application/ and wave/ ARNs apply to the actions on one application or wave).',
      },
      globalView
        ? {
            id: 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:mgn:<AWS::Region>:*:source-server/*]',
            reason:
              "A hub treats whichever source server is stalled in any of the organization's accounts through MGN's " +
              'global view, which admits only the accounts it manages; the wildcard is limited to source servers ' +
              'of this Region.',
          }
        : {
            id: `AwsSolutions-IAM5[Resource::${nagAccountResourcesArn('mgn', 'source-server')}]`,
            reason:
              'The doctor treats whichever source server is stalled; the wildcard is limited to source servers ' +
              'of this account and Region.',
          },
    );
  }
}
