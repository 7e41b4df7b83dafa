import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';

/** Partition key and TTL attribute; the Lambda's ledger adapter uses the same names. */
export const LEDGER_PARTITION_KEY = 'sourceServerId';
export const LEDGER_TTL_ATTRIBUTE = 'expiresAt';

/**
 * The remediation ledger: one item per source server the doctor is following (what it did, when, and what
 * people were told). An audit record, so it is retained when the stack is deleted and protected against deletion
 * while the stack exists. The doctor's access to it is lib/iam/ledger-access-policy.ts.
 */
export class RemediationLedger extends Construct {
  /** Customer-managed key of the table. */
  public readonly key: kms.Key;
  /** The ledger table. */
  public readonly table: dynamodb.TableV2;

  constructor(scope: Construct, id: string) {
    super(scope, id);

    this.key = new kms.Key(this, 'TableKey', {
      description: 'Encrypts the MGN replication doctor remediation ledger',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.table = new dynamodb.TableV2(this, 'Table', {
      partitionKey: { name: LEDGER_PARTITION_KEY, type: dynamodb.AttributeType.STRING },
      billing: dynamodb.Billing.onDemand(),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      timeToLiveAttribute: LEDGER_TTL_ATTRIBUTE,
      encryption: dynamodb.TableEncryptionV2.customerManagedKey(this.key),
      removalPolicy: RemovalPolicy.RETAIN,
      deletionProtection: true,
    });
  }
}
