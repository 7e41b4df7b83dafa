import { Aws, Stack } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/**
 * `arn:<partition>:<service>:<region>:<account>:<resourceType>/*`: every resource of one type in this account and
 * Region. Pseudo parameters rather than the stack's Region and account, so that the policy text (and the cdk-nag
 * finding IDs the policies acknowledge) is the same whether or not the stack is bound to an environment.
 */
export function accountResourcesArn(scope: IConstruct, service: string, resourceType: string): string {
  return Stack.of(scope).formatArn({
    service,
    resource: resourceType,
    resourceName: '*',
    region: Aws.REGION,
    account: Aws.ACCOUNT_ID,
  });
}

/** The default event bus of `account` in this stack's Region (a hub's, for its spokes; the stack's own by default). */
export function defaultEventBusArn(account: string = Aws.ACCOUNT_ID): string {
  return `arn:${Aws.PARTITION}:events:${Aws.REGION}:${account}:event-bus/default`;
}

/** How cdk-nag writes that ARN in a finding ID. */
export function nagAccountResourcesArn(service: string, resourceType: string): string {
  return `arn:<AWS::Partition>:${service}:<AWS::Region>:<AWS::AccountId>:${resourceType}/*`;
}

/** The endpoint host a service calls KMS from on the caller's behalf, for `kms:ViaService`. */
export function viaService(scope: IConstruct, service: string): string {
  const stack = Stack.of(scope);
  return `${service}.${stack.region}.${stack.urlSuffix}`;
}
