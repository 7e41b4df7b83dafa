// Every alarm of a stack is named `<stack name>/<alarm>`. Stack names cannot hold a `/`, so one ARN pattern matches
// this stack's alarms and no other stack's, not even one whose name starts the same (`MgnReplicationDoctor` and
// `MgnReplicationDoctor-eu-west-1`): the topics' key and resource policies admit CloudWatch only for that pattern.
import { Stack } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/** The name of one of the stack's alarms. */
export function stackAlarmName(scope: IConstruct, alarm: string): string {
  return `${Stack.of(scope).stackName}/${alarm}`;
}

/** `arn:<partition>:cloudwatch:<region>:<account>:alarm:<stack name>/*`, for `aws:SourceArn`. */
export function stackAlarmsArnPattern(scope: IConstruct): string {
  const stack = Stack.of(scope);
  return `arn:${stack.partition}:cloudwatch:${stack.region}:${stack.account}:alarm:${stackAlarmName(scope, '*')}`;
}
