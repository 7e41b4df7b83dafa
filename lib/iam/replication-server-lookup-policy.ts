import * as iam from 'aws-cdk-lib/aws-iam';
import { Validations } from 'aws-cdk-lib';
import type { Construct } from 'constructs';

export interface ReplicationServerLookupPolicyProps {
  readonly role: iam.IRole;
}

/** EC2: the replication server's private IP, for the port-1500 check of CheckConnectivity. */
export class ReplicationServerLookupPolicy extends iam.Policy {
  constructor(scope: Construct, id: string, props: ReplicationServerLookupPolicyProps) {
    super(scope, id, {
      roles: [props.role],
      statements: [
        new iam.PolicyStatement({
          sid: 'FindReplicationServers',
          actions: ['ec2:DescribeInstances'],
          resources: ['*'],
        }),
      ],
    });
    Validations.of(this).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'ec2:DescribeInstances is a List action without resource-level permissions (Service Authorization ' +
        'Reference); it reads instance metadata only.',
    });
  }
}
