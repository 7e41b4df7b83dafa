// The remediation ledger in DynamoDB: one item per followed source server (partition key `sourceServerId`,
// TTL attribute `expiresAt`), written with an optimistic lock on `version` so overlapping runs cannot
// overwrite each other.
import { PutCommand, ScanCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { LedgerEntry } from '../core/ledger';
import type { RemediationLedger, SaveResult } from '../core/ports';
import { collectPages } from './paging';

type Key = Record<string, unknown>;

export class DynamoDbRemediationLedger implements RemediationLedger {
  constructor(
    private readonly documentClient: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async loadEntries(): Promise<LedgerEntry[]> {
    // A scan is fine: the table holds only servers being followed, and closed entries expire by TTL.
    // Consistent reads so a run sees the previous run's last writes.
    const items = await collectPages(async (startKey: Key | undefined) => {
      const page = await this.documentClient.send(
        new ScanCommand({ TableName: this.tableName, ConsistentRead: true, ExclusiveStartKey: startKey }),
      );
      return { items: page.Items, next: page.LastEvaluatedKey };
    });
    // Items are entries this adapter wrote: plain JSON, stored as they are.
    return items as unknown as LedgerEntry[];
  }

  async saveEntry(entry: LedgerEntry): Promise<SaveResult> {
    const condition =
      entry.version === 1
        ? { ConditionExpression: 'attribute_not_exists(sourceServerId)' }
        : {
            ConditionExpression: '#v = :expected',
            ExpressionAttributeNames: { '#v': 'version' },
            ExpressionAttributeValues: { ':expected': entry.version - 1 },
          };
    try {
      await this.documentClient.send(new PutCommand({ TableName: this.tableName, Item: { ...entry }, ...condition }));
      return 'SAVED';
    } catch (error) {
      // By name rather than instanceof: it also holds for errors from another copy of the SDK.
      if (error instanceof Error && error.name === 'ConditionalCheckFailedException') return 'CONFLICT';
      throw error;
    }
  }
}
