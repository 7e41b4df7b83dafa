import * as iam from 'aws-cdk-lib/aws-iam';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';

export interface DeadLetterPolicyProps {
  readonly role: iam.IRole;
  /** The function's on-failure destination. */
  readonly deadLetterQueue: sqs.IQueue;
}

/**
 * SQS: Lambda sends a failed asynchronous invocation to the on-failure destination with the function's role, and
 * checks that permission when the destination is configured. SendMessage is all it needs.
 */
export class DeadLetterPolicy extends iam.Policy {
  constructor(scope: Construct, id: string, props: DeadLetterPolicyProps) {
    super(scope, id, {
      roles: [props.role],
      statements: [
        new iam.PolicyStatement({
          sid: 'SendFailedInvocations',
          actions: ['sqs:SendMessage'],
          resources: [props.deadLetterQueue.queueArn],
        }),
      ],
    });
  }
}
