import * as iam from 'aws-cdk-lib/aws-iam';
import { Validations } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { NODE_OPT_IN_TAG_VALUE } from '../../lambdas/shared/settings';
import { accountResourcesArn, nagAccountResourcesArn } from './account-arns';

export interface RunCommandPolicyProps {
  readonly role: iam.IRole;
  /** The stack's SSM documents: the only documents the function may send. */
  readonly documentArns: readonly string[];
  /**
   * When set, commands reach only managed nodes tagged `<requireNodeTag>=true` (EC2 instance tags, or the hybrid
   * node's tags in Systems Manager), enforced by IAM rather than by the doctor's own code.
   * @default - any managed node of this account and Region
   */
  readonly requireNodeTag?: string;
}

/**
 * SSM Run Command: send the stack's documents to managed nodes (EC2 instances and hybrid `mi-` nodes), find nodes,
 * read results.
 */
export class RunCommandPolicy extends iam.Policy {
  constructor(scope: Construct, id: string, props: RunCommandPolicyProps) {
    super(scope, id, {
      roles: [props.role],
      statements: [
        ...sendCommandStatements(scope, props),
        new iam.PolicyStatement({
          sid: 'ReadNodesAndResults',
          actions: ['ssm:DescribeInstanceInformation', 'ssm:ListCommandInvocations'],
          resources: ['*'],
        }),
      ],
    });
    Validations.of(this).acknowledge(
      {
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason: 'ssm:DescribeInstanceInformation and ssm:ListCommandInvocations support no resource-level permissions.',
      },
      {
        id: `AwsSolutions-IAM5[Resource::${nagAccountResourcesArn('ec2', 'instance')}]`,
        reason:
          'Targets are the EC2 hosts of stalled source servers, known only at run time; SendCommand stays ' +
          'limited to the three documents of this stack (and to opted-in nodes with requireNodeTag).',
      },
      {
        id: `AwsSolutions-IAM5[Resource::${nagAccountResourcesArn('ssm', 'managed-instance')}]`,
        reason:
          'Targets are the hybrid (mi-) nodes of stalled source servers, known only at run time; SendCommand ' +
          'stays limited to the three documents of this stack (and to opted-in nodes with requireNodeTag).',
      },
    );
  }
}

/**
 * SendCommand is authorized against the document and against each node: one statement when any node will do, two
 * when nodes must be opted in, because the tag condition must not apply to the documents (they carry no such tag).
 */
function sendCommandStatements(scope: Construct, props: RunCommandPolicyProps): iam.PolicyStatement[] {
  const nodes = [accountResourcesArn(scope, 'ec2', 'instance'), accountResourcesArn(scope, 'ssm', 'managed-instance')];
  if (props.requireNodeTag === undefined) {
    return [
      new iam.PolicyStatement({
        sid: 'SendStackDocuments',
        actions: ['ssm:SendCommand'],
        resources: [...props.documentArns, ...nodes],
      }),
    ];
  }
  return [
    new iam.PolicyStatement({
      sid: 'SendStackDocuments',
      actions: ['ssm:SendCommand'],
      resources: [...props.documentArns],
    }),
    new iam.PolicyStatement({
      sid: 'SendToOptedInNodes',
      actions: ['ssm:SendCommand'],
      resources: nodes,
      conditions: { StringEquals: { [`ssm:resourceTag/${props.requireNodeTag}`]: NODE_OPT_IN_TAG_VALUE } },
    }),
  ];
}
