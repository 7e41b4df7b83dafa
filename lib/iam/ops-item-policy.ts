import { Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import { OPS_ITEM_TAG } from '../../lambdas/core/ops-items';
import { accountResourcesArn, nagAccountResourcesArn } from './account-arns';

export interface OpsItemPolicyProps {
  readonly role: iam.IRole;
}

/**
 * OpsCenter (docs/design.md section 7): open an OpsItem per escalation, find the open ones, resolve them. The
 * Service Authorization Reference gives CreateOpsItem and DescribeOpsItems no resource type (so `*`), and
 * UpdateOpsItem the `opsitem` type with `aws:ResourceTag`: the doctor may update only the items it tagged.
 */
export class OpsItemPolicy extends iam.Policy {
  constructor(scope: Construct, id: string, props: OpsItemPolicyProps) {
    const opsItems = accountResourcesArn(scope, 'ssm', 'opsitem');
    const tagged = { StringEquals: { [`aws:ResourceTag/${OPS_ITEM_TAG.Key}`]: OPS_ITEM_TAG.Value } };
    super(scope, id, {
      roles: [props.role],
      statements: [
        new iam.PolicyStatement({
          sid: 'OpenAndFindOpsItems',
          actions: ['ssm:CreateOpsItem', 'ssm:DescribeOpsItems'],
          resources: ['*'],
        }),
        // CreateOpsItem with Tags needs AddTagsToResource too (the SSM API model, CreateOpsItemRequest.Tags: "a user
        // must have IAM permissions for both"): only the doctor's own tag, only on OpsItems.
        new iam.PolicyStatement({
          sid: 'TagOwnOpsItems',
          actions: ['ssm:AddTagsToResource'],
          resources: [opsItems],
          conditions: {
            StringEquals: { [`aws:RequestTag/${OPS_ITEM_TAG.Key}`]: OPS_ITEM_TAG.Value },
            'ForAllValues:StringEquals': { 'aws:TagKeys': [OPS_ITEM_TAG.Key] },
          },
        }),
        new iam.PolicyStatement({
          sid: 'ResolveOwnOpsItems',
          actions: ['ssm:UpdateOpsItem'],
          resources: [opsItems],
          conditions: tagged,
        }),
      ],
    });
    Validations.of(this).acknowledge(
      {
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason: 'ssm:CreateOpsItem and ssm:DescribeOpsItems support no resource-level permissions.',
      },
      {
        id: `AwsSolutions-IAM5[Resource::${nagAccountResourcesArn('ssm', 'opsitem')}]`,
        reason:
          'OpsItem IDs are assigned by OpsCenter when the doctor opens them; tagging and UpdateOpsItem are limited by ' +
          `condition to OpsItems tagged ${OPS_ITEM_TAG.Key}=${OPS_ITEM_TAG.Value}.`,
      },
    );
  }
}
