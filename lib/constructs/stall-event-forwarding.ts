import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import { Construct } from 'constructs';
import { defaultEventBusArn } from '../iam/account-arns';
import { MGN_STALL_EVENT_PATTERN } from './doctor-triggers';

export interface StallEventForwardingProps {
  /** The hub's account: its default bus in this Region receives the events. */
  readonly hubAccountId: string;
}

/**
 * A member account's MGN stall events, forwarded to the hub's default bus in the same Region, where the hub's stall
 * rule starts a run for that account (docs/design.md section 13). EventBridge sends to another account's bus with a
 * role (created here by CDK, allowed only events:PutEvents on that bus); the hub's bus policy admits the
 * organization. Best effort, as in one account: the hub's schedule treats what an event missed.
 */
export class StallEventForwarding extends Construct {
  public readonly rule: events.Rule;

  constructor(scope: Construct, id: string, props: StallEventForwardingProps) {
    super(scope, id);
    const hubBus = events.EventBus.fromEventBusArn(this, 'HubBus', defaultEventBusArn(props.hubAccountId));
    this.rule = new events.Rule(this, 'Rule', {
      description: "Forwards MGN's replication stall events to the MGN replication doctor's hub",
      eventPattern: MGN_STALL_EVENT_PATTERN,
      targets: [new targets.EventBus(hubBus)],
    });
  }
}
