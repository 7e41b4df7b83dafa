import * as iam from 'aws-cdk-lib/aws-iam';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type { Construct } from 'constructs';
import { viaService } from './account-arns';

export interface LedgerAccessPolicyProps {
  readonly role: iam.IRole;
  readonly table: dynamodb.ITableV2;
  /** The table's customer-managed key. */
  readonly key: kms.IKey;
}

/**
 * DynamoDB: exactly what the ledger adapter does, Scan (load every entry) and conditional PutItem (save one), plus
 * the key use DynamoDB makes on the caller's behalf for a table under a customer-managed key, and only through
 * DynamoDB.
 */
export class LedgerAccessPolicy extends iam.Policy {
  constructor(scope: Construct, id: string, props: LedgerAccessPolicyProps) {
    super(scope, id, {
      roles: [props.role],
      statements: [
        new iam.PolicyStatement({ actions: ['dynamodb:Scan', 'dynamodb:PutItem'], resources: [props.table.tableArn] }),
        new iam.PolicyStatement({
          actions: ['kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:GenerateDataKey'],
          resources: [props.key.keyArn],
          conditions: { StringEquals: { 'kms:ViaService': viaService(scope, 'dynamodb') } },
        }),
      ],
    });
  }
}
