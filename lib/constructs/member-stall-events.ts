import { Stack } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import { Construct } from 'constructs';
import { defaultEventBusArn } from '../iam/account-arns';
import { MGN_STALL_DETAIL_TYPE } from './doctor-triggers';

/** EventBridge's limit on a bus policy's StatementId. */
const STATEMENT_ID_MAX = 64;

export interface MemberStallEventsProps {
  /** The organization whose accounts may send. */
  readonly organizationId: string;
}

/**
 * A hub's default bus admits the stall events its spokes forward (lib/constructs/stall-event-forwarding.ts): from
 * accounts of the organization only, and only MGN's stall-change events, so a member cannot put anything else on
 * the hub's bus (docs/design.md section 13).
 */
export class MemberStallEvents extends Construct {
  public readonly policy: events.CfnEventBusPolicy;

  constructor(scope: Construct, id: string, props: MemberStallEventsProps) {
    super(scope, id);
    const stack = Stack.of(this);
    // One statement per stack on the account's default bus; stack names are unique per account and Region.
    const statementId = `${stack.stackName}-MemberStallEvents`.slice(-STATEMENT_ID_MAX);
    this.policy = new events.CfnEventBusPolicy(this, 'Policy', {
      eventBusName: 'default',
      statementId,
      statement: {
        Effect: 'Allow',
        Principal: '*',
        Action: 'events:PutEvents',
        Resource: defaultEventBusArn(),
        Condition: {
          StringEquals: {
            'aws:PrincipalOrgID': props.organizationId,
            'events:source': 'aws.mgn',
            'events:detail-type': MGN_STALL_DETAIL_TYPE,
          },
        },
      },
    });
  }
}
