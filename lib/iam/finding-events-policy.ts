import { Aws, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import { FINDING_SOURCE } from '../../lambdas/core/finding-events';

export interface FindingEventsPolicyProps {
  readonly role: iam.IRole;
}

/**
 * EventBridge (docs/design.md section 7): put the doctor's findings on the account's default bus, and only with
 * the doctor's own `source`, so no other service's events can be forged with this role.
 */
export class FindingEventsPolicy extends iam.Policy {
  constructor(scope: Construct, id: string, props: FindingEventsPolicyProps) {
    super(scope, id, {
      roles: [props.role],
      statements: [
        new iam.PolicyStatement({
          sid: 'PutFindingEvents',
          actions: ['events:PutEvents'],
          resources: [
            Stack.of(scope).formatArn({
              service: 'events',
              resource: 'event-bus',
              resourceName: 'default',
              region: Aws.REGION,
              account: Aws.ACCOUNT_ID,
            }),
          ],
          conditions: { StringEquals: { 'events:source': FINDING_SOURCE } },
        }),
      ],
    });
  }
}
