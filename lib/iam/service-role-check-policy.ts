import { Aws } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import { MGN_SERVICE_ROLES } from '../../lambdas/shared/mgn-service-roles';

export interface ServiceRoleCheckPolicyProps {
  readonly role: iam.IRole;
}

/** IAM: whether MGN's own roles exist, when a service-side error may come from a missing one. */
export class ServiceRoleCheckPolicy extends iam.Policy {
  constructor(scope: Construct, id: string, props: ServiceRoleCheckPolicyProps) {
    super(scope, id, {
      roles: [props.role],
      statements: [
        new iam.PolicyStatement({
          sid: 'CheckMgnServiceRoles',
          actions: ['iam:GetRole'],
          // Exact ARNs, with the path MGN's console uses and without one: roles created through the API as the
          // MGN guide shows have no path, and a role name is unique in an account whatever its path.
          resources: MGN_SERVICE_ROLES.flatMap(({ name, path }) =>
            [...new Set([path, '/'])].map(
              (prefix) => `arn:${Aws.PARTITION}:iam::${Aws.ACCOUNT_ID}:role${prefix}${name}`,
            ),
          ),
        }),
      ],
    });
  }
}
