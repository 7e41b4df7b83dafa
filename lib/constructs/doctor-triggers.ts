import { Duration } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';

/** MGN's event when a source server enters or leaves a stall (best effort, so the schedule stays). */
export const MGN_STALL_DETAIL_TYPE = 'MGN Source Server Data Replication Stalled Change';

/** The stall events a doctor acts on; a spoke forwards the same ones to its hub (lib/constructs/stall-event-forwarding.ts). */
export const MGN_STALL_EVENT_PATTERN: events.EventPattern = {
  source: ['aws.mgn'],
  detailType: [MGN_STALL_DETAIL_TYPE],
  detail: { state: ['STALLED', 'NOT_STALLED'] },
};

export interface DoctorTriggersProps {
  /** The doctor function. */
  readonly function: lambda.IFunction;
  /** EventBridge schedule expression of the periodic run, already validated (lib/config.ts). */
  readonly schedule: string;
  /** Receives events EventBridge could not deliver after its retries. */
  readonly deadLetterQueue: sqs.IQueue;
  /**
   * Delivery attempts EventBridge makes after the first one fails.
   * @default 2
   */
  readonly retryAttempts?: number;
  /**
   * A hub's program (lib/constructs/program-fan-out.ts): the schedule starts it instead of invoking the function.
   * Stall events still go to the function: their account is in the event (docs/design.md section 13).
   * @default - the schedule invokes the function
   */
  readonly program?: sfn.IStateMachine;
}

/** What starts a run: the schedule (full pass) and MGN's stall event (fast path for one server). */
export class DoctorTriggers extends Construct {
  /** Periodic full run. */
  public readonly scheduleRule: events.Rule;
  /** Run for one source server as soon as MGN reports it stalled. */
  public readonly stallRule: events.Rule;

  constructor(scope: Construct, id: string, props: DoctorTriggersProps) {
    super(scope, id);
    const delivery = {
      retryAttempts: props.retryAttempts ?? 2,
      // A stale trigger is worthless: the next scheduled run does the same work.
      maxEventAge: Duration.hours(1),
      // Undeliverable events (a StartExecution or an invocation EventBridge gave up on) land beside the function's
      // failed invocations, under the same alarm.
      deadLetterQueue: props.deadLetterQueue,
    };
    const target = new targets.LambdaFunction(props.function, delivery);

    this.scheduleRule = new events.Rule(this, 'Schedule', {
      description: props.program
        ? "Periodic run of the MGN replication doctor's program (every account)"
        : 'Periodic run of the MGN replication doctor',
      schedule: events.Schedule.expression(props.schedule),
      targets: [props.program ? new targets.SfnStateMachine(props.program, delivery) : target],
    });

    // A hub's bus also receives its members' stall events (lib/constructs/member-stall-events.ts); the pattern names
    // no account, so it matches theirs as well as the hub's own.
    this.stallRule = new events.Rule(this, 'StallEvent', {
      description: 'Runs the MGN replication doctor for a source server MGN reports as stalled or no longer stalled',
      eventPattern: MGN_STALL_EVENT_PATTERN,
      targets: [target],
    });
  }
}
