// The remediation ledger in DynamoDB: one item per followed source server (partition key `sourceServerId`,
// TTL attribute `expiresAt`), written with an optimistic lock on `version` so overlapping runs cannot
// overwrite each other. One more item, under a key no source server ID can take, holds the free-period marks.
import { GetCommand, PutCommand, ScanCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { NO_FREE_PERIOD_MARKS, type FreePeriodMarks, type FreePeriodPhase } from '../core/free-period';
import type { LedgerEntry } from '../core/ledger';
import type { FreePeriodMarkStore, RemediationLedger, SaveResult } from '../core/ports';
import { collectPages } from './paging';

type Key = Record<string, unknown>;

/** Source server IDs are `s-` + 17 characters, so this key never names a server. */
export const FREE_PERIOD_MARKS_KEY = 'doctor#free-period-marks';

/**
 * The marks as two ID lists, the smallest form: about 21 bytes a server, so the 400 KB item holds some 18,000
 * marked servers, over four times MGN's default quota of 4,000 non-archived source servers per Region.
 */
interface FreePeriodMarksItem {
  readonly sourceServerId: typeof FREE_PERIOD_MARKS_KEY;
  readonly version: number;
  readonly ending: readonly string[];
  readonly ended: readonly string[];
}

export class DynamoDbRemediationLedger implements RemediationLedger, FreePeriodMarkStore {
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
    return items.filter((item) => item.sourceServerId !== FREE_PERIOD_MARKS_KEY) as unknown as LedgerEntry[];
  }

  saveEntry(entry: LedgerEntry): Promise<SaveResult> {
    return this.putVersioned({ ...entry });
  }

  async loadFreePeriodMarks(): Promise<FreePeriodMarks> {
    const { Item } = await this.documentClient.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { sourceServerId: FREE_PERIOD_MARKS_KEY },
        ConsistentRead: true,
      }),
    );
    if (Item === undefined) return NO_FREE_PERIOD_MARKS;
    const notified: Record<string, FreePeriodPhase> = {};
    // ENDED last: a server in both lists (never written so) counts as told the most.
    for (const phase of ['ending', 'ended'] as const) {
      const ids: unknown = Item[phase];
      for (const id of Array.isArray(ids) ? ids : []) {
        if (typeof id === 'string') notified[id] = phase === 'ended' ? 'ENDED' : 'ENDING';
      }
    }
    return { version: Number(Item.version) || 0, notified };
  }

  saveFreePeriodMarks(marks: FreePeriodMarks): Promise<SaveResult> {
    const ids = (phase: FreePeriodPhase): string[] =>
      Object.entries(marks.notified)
        .filter(([, marked]) => marked === phase)
        .map(([id]) => id)
        .sort();
    const item: FreePeriodMarksItem = {
      sourceServerId: FREE_PERIOD_MARKS_KEY,
      version: marks.version,
      ending: ids('ENDING'),
      ended: ids('ENDED'),
    };
    return this.putVersioned({ ...item });
  }

  /** Writes `item` if the stored one still has `item.version - 1` (or none exists when `item.version` is 1). */
  private async putVersioned(item: Record<string, unknown> & { readonly version: number }): Promise<SaveResult> {
    const condition =
      item.version === 1
        ? { ConditionExpression: 'attribute_not_exists(sourceServerId)' }
        : {
            ConditionExpression: '#v = :expected',
            ExpressionAttributeNames: { '#v': 'version' },
            ExpressionAttributeValues: { ':expected': item.version - 1 },
          };
    try {
      await this.documentClient.send(new PutCommand({ TableName: this.tableName, Item: item, ...condition }));
      return 'SAVED';
    } catch (error) {
      // By name rather than instanceof: it also holds for errors from another copy of the SDK.
      if (error instanceof Error && error.name === 'ConditionalCheckFailedException') return 'CONFLICT';
      throw error;
    }
  }
}
