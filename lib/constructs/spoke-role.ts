import { Aws } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { hubRoleName, roleArn, spokeRoleName } from '../../lambdas/shared/program';
import { ReplicationServerLookupPolicy } from '../iam/replication-server-lookup-policy';
import { RunCommandPolicy } from '../iam/run-command-policy';
import { ServiceRoleCheckPolicy } from '../iam/service-role-check-policy';

export interface SpokeRoleProps {
  /** The hub's account: its doctor role (hubRoleName of this Region) is the only principal trusted. */
  readonly hubAccountId: string;
  /** The organization hub and spoke belong to. */
  readonly organizationId: string;
  /** The spoke's SSM documents: the only documents the hub may send here. */
  readonly documentArns: readonly string[];
  /**
   * Commands reach only managed nodes tagged `<requireNodeTag>=true`, as in a single-account stack.
   * @default - any managed node of this account and Region
   */
  readonly requireNodeTag?: string;
}

/**
 * The role a hub's doctor assumes in this member account (docs/design.md section 13), named spokeRoleName(Region)
 * so the hub can compute its ARN. It may do here exactly what a single-account doctor does with SSM, EC2 and IAM
 * (the same lib/iam policies, scoped to this account): MGN itself is called from the hub with `accountID`.
 */
export class SpokeRole extends Construct {
  public readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: SpokeRoleProps) {
    super(scope, id);
    const hubRole = roleArn(Aws.PARTITION, props.hubAccountId, hubRoleName(Aws.REGION));
    // The hub's account as principal, narrowed by condition to the exact role ARN: a role ARN as principal would be
    // turned into the role's unique ID, so the spoke could not be deployed before the hub and would silently stop
    // trusting a hub whose role was replaced. aws:PrincipalOrgID keeps it to the organization as well.
    this.role = new iam.Role(this, 'Role', {
      roleName: spokeRoleName(Aws.REGION),
      description: "Assumed by the MGN replication doctor's hub to run its SSM documents in this account",
      assumedBy: new iam.AccountPrincipal(props.hubAccountId).withConditions({
        ArnEquals: { 'aws:PrincipalArn': hubRole },
        StringEquals: { 'aws:PrincipalOrgID': props.organizationId },
      }),
    });
    const role = this.role;
    new RunCommandPolicy(this, 'RunCommandAccess', {
      role,
      documentArns: props.documentArns,
      requireNodeTag: props.requireNodeTag,
    });
    new ReplicationServerLookupPolicy(this, 'ReplicationServerLookup', { role });
    new ServiceRoleCheckPolicy(this, 'ServiceRoleCheck', { role });
  }
}
