import { Aws, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';

export interface SpokeAccessPolicyProps {
  readonly role: iam.IRole;
  /** The spoke role's name in every member account (spokeRoleName of the hub's Region). */
  readonly spokeRoleName: string;
  /** The organization the spoke roles must belong to. */
  readonly organizationId: string;
}

/**
 * STS (docs/design.md section 13): a hub assumes the spoke role in each member account for the SSM, EC2 and IAM
 * calls MGN's `accountID` does not cover. That role's name only, and only in accounts of the organization
 * (aws:ResourceOrgID), so a role of that name outside it cannot be reached even if it trusted the hub.
 */
export class SpokeAccessPolicy extends iam.Policy {
  constructor(scope: Construct, id: string, props: SpokeAccessPolicyProps) {
    super(scope, id, {
      roles: [props.role],
      statements: [
        new iam.PolicyStatement({
          sid: 'AssumeSpokeRoles',
          actions: ['sts:AssumeRole'],
          resources: [`arn:${Aws.PARTITION}:iam::*:role/${props.spokeRoleName}`],
          conditions: { StringEquals: { 'aws:ResourceOrgID': props.organizationId } },
        }),
      ],
    });
    Validations.of(this).acknowledge({
      id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:iam::*:role/${props.spokeRoleName}]`,
      reason:
        "The hub treats every account of the organization (MGN's ListManagedAccounts, or the accounts setting), " +
        'known only at run time: one role name, in accounts of this organization only (aws:ResourceOrgID).',
    });
  }
}
