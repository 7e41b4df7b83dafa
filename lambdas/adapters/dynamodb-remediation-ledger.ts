// The remediation ledger in DynamoDB: one item per followed source server (partition key `sourceServerId`,
// TTL attribute `expiresAt`), written with an optimistic lock on `version` so overlapping runs cannot
// overwrite each other. Beside the entries, one item under a key no source server can have holds the SSM
// inventory the last scheduled run listed (design section 5): it comes along with the scan every run makes.
import { gunzipSync, gzipSync } from 'node:zlib';
import { PutCommand, ScanCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { LedgerEntry } from '../core/ledger';
import type { CachedInventory, CachedNode, NodeInventoryCache, RemediationLedger, SaveResult } from '../core/ports';
import { collectPages } from './paging';

type Key = Record<string, unknown>;

/** MGN source server IDs are `s-` and 17 hex digits: this key is never an entry's. */
export const INVENTORY_KEY = '#ssm-inventory';
/** DynamoDB items hold at most 400 KB. */
export const MAX_INVENTORY_BYTES = 380 * 1024;
/** Freshness is judged by `listedAt`; the TTL only clears an item nobody refreshes. */
const INVENTORY_TTL_SECONDS = 7 * 24 * 3600;

/** A node as one row: [instanceId, computerName, ipAddress, platformType] (gzipped JSON, the item stays small). */
type Row = [string, string | null, string | null, string | null];

export class InventoryTooLargeError extends Error {
  constructor(readonly bytes: number) {
    super(`the SSM inventory takes ${bytes} bytes compressed, more than a ledger item holds (${MAX_INVENTORY_BYTES})`);
    this.name = 'InventoryTooLargeError';
  }
}

export class DynamoDbRemediationLedger implements RemediationLedger, NodeInventoryCache {
  /** The inventory item the latest scan found, until load() takes it. */
  private scannedInventory: CachedInventory | undefined;

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
    const inventory = items.find((item) => item.sourceServerId === INVENTORY_KEY);
    this.scannedInventory = inventory ? decodeInventory(inventory) : undefined;
    // Items are entries this adapter wrote: plain JSON, stored as they are.
    return items.filter((item) => item !== inventory) as unknown as LedgerEntry[];
  }

  /**
   * What the scan the run began with found (every run scans the ledger first), once: no extra call, and no
   * dynamodb:GetItem to grant. Without a scan before it, there is nothing to use.
   */
  async load(): Promise<CachedInventory | undefined> {
    const scanned = this.scannedInventory;
    this.scannedInventory = undefined;
    return scanned;
  }

  async save(inventory: CachedInventory): Promise<void> {
    const rows: Row[] = inventory.nodes.map((node) => [
      node.instanceId,
      node.computerName ?? null,
      node.ipAddress ?? null,
      node.platformType ?? null,
    ]);
    const nodes = gzipSync(JSON.stringify(rows));
    if (nodes.length > MAX_INVENTORY_BYTES) throw new InventoryTooLargeError(nodes.length);
    await this.documentClient.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          sourceServerId: INVENTORY_KEY,
          listedAt: inventory.listedAt,
          nodes,
          expiresAt: Math.floor(Date.parse(inventory.listedAt) / 1000) + INVENTORY_TTL_SECONDS,
        },
      }),
    );
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

/** The cached inventory, or undefined for an item this version cannot read (a bad item is a cache miss). */
function decodeInventory(item: Record<string, unknown>): CachedInventory | undefined {
  const { listedAt, nodes } = item;
  if (typeof listedAt !== 'string' || !(nodes instanceof Uint8Array)) return undefined;
  try {
    const rows = JSON.parse(gunzipSync(nodes).toString('utf8')) as unknown;
    if (!Array.isArray(rows)) return undefined;
    return { listedAt, nodes: rows.flatMap((row) => toCachedNode(row) ?? []) };
  } catch {
    return undefined;
  }
}

function toCachedNode(row: unknown): CachedNode | undefined {
  if (!Array.isArray(row) || typeof row[0] !== 'string') return undefined;
  const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
  return {
    instanceId: row[0],
    computerName: text(row[1]),
    ipAddress: text(row[2]),
    platformType: text(row[3]) as CachedNode['platformType'],
  };
}
