import * as iam from 'aws-cdk-lib/aws-iam';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';

export interface FunctionLogsPolicyProps {
  readonly role: iam.IRole;
  /** The function's own log group. */
  readonly logGroup: logs.ILogGroup;
}

/**
 * CloudWatch Logs: Lambda writes the function's log streams with its role. Its own log group replaces
 * AWSLambdaBasicExecutionRole, which would allow writing to every log group in the account.
 */
export class FunctionLogsPolicy extends iam.Policy {
  constructor(scope: Construct, id: string, props: FunctionLogsPolicyProps) {
    super(scope, id, {
      roles: [props.role],
      statements: [
        new iam.PolicyStatement({
          actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
          resources: [props.logGroup.logGroupArn],
        }),
      ],
    });
  }
}
