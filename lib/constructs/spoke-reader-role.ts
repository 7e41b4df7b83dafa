import { Aws, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { spokeReaderRoleName } from '../../lambdas/shared/program';

export interface SpokeReaderRoleProps {
  /** The hub's account: its people preview this account from there (`npm run check --account/--all-accounts`). */
  readonly hubAccountId: string;
  /** The organization hub and spoke belong to. */
  readonly organizationId: string;
}

/**
 * A read-only role for the preview CLI in this member account (docs/design.md section 13), named
 * spokeReaderRoleName(Region). It trusts the hub account, so the hub account's own IAM decides which people may use
 * it (`sts:AssumeRole` on this name), and it may only read what the preview reads here: the managed nodes and
 * command results. The doctor's spoke role, which may send commands, trusts the hub's doctor role alone.
 */
export class SpokeReaderRole extends Construct {
  public readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: SpokeReaderRoleProps) {
    super(scope, id);
    this.role = new iam.Role(this, 'Role', {
      roleName: spokeReaderRoleName(Aws.REGION),
      description: "Assumed by people in the MGN replication doctor's hub account to preview this account",
      assumedBy: new iam.AccountPrincipal(props.hubAccountId).withConditions({
        StringEquals: { 'aws:PrincipalOrgID': props.organizationId },
      }),
    });
    const policy = new iam.Policy(this, 'ReadNodesAndResults', {
      roles: [this.role],
      statements: [
        new iam.PolicyStatement({
          sid: 'ReadNodesAndResults',
          actions: ['ssm:DescribeInstanceInformation', 'ssm:ListCommandInvocations'],
          resources: ['*'],
        }),
      ],
    });
    Validations.of(policy).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'ssm:DescribeInstanceInformation and ssm:ListCommandInvocations support no resource-level permissions.',
    });
  }
}
