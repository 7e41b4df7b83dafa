// The remediation ledger in DynamoDB: one item per followed source server (partition key `sourceServerId`,
// TTL attribute `expiresAt`), written with an optimistic lock on `version` so overlapping runs cannot
// overwrite each other. Beside the entries, one item under a key no source server can have holds the SSM
// inventory the last scheduled run listed (design section 5): it comes along with the scan every run makes.
// One more such item holds the free-period marks (design section 8); it comes along with the same scan.
import { gunzipSync, gzipSync } from 'node:zlib';
import { PutCommand, ScanCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { NO_FREE_PERIOD_MARKS, type FreePeriodMarks, type FreePeriodPhase } from '../core/free-period';
import type { LedgerEntry } from '../core/ledger';
import type {
  CachedInventory,
  CachedNode,
  FreePeriodMarkStore,
  NodeInventoryCache,
  RemediationLedger,
  SaveResult,
} from '../core/ports';
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

export class InventoryTooLargeError extends Error {
  constructor(readonly bytes: number) {
    super(`the SSM inventory takes ${bytes} bytes compressed, more than a ledger item holds (${MAX_INVENTORY_BYTES})`);
    this.name = 'InventoryTooLargeError';
  }
}

export class DynamoDbRemediationLedger implements RemediationLedger, NodeInventoryCache, FreePeriodMarkStore {
  /** The inventory item the latest scan found, until load() takes it. */
  private scannedInventory: CachedInventory | undefined;
  /** The free-period marks as the latest scan found them (none stored: version 0); undefined before a scan. */
  private scannedMarks: FreePeriodMarks | undefined;

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
    const marks = items.find((item) => item.sourceServerId === FREE_PERIOD_MARKS_KEY);
    this.scannedMarks = marks ? decodeMarks(marks) : NO_FREE_PERIOD_MARKS;
    // Items are entries this adapter wrote: plain JSON, stored as they are.
    return items.filter((item) => item !== inventory && item !== marks) as unknown as LedgerEntry[];
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

  saveEntry(entry: LedgerEntry): Promise<SaveResult> {
    return this.putVersioned({ ...entry });
  }

  /**
   * The marks the scan the run began with found (consistent, like every read of the ledger): no extra call and
   * no dynamodb:GetItem to grant. Without a scan before, one is made.
   */
  async loadFreePeriodMarks(): Promise<FreePeriodMarks> {
    if (this.scannedMarks === undefined) await this.loadEntries();
    return this.scannedMarks ?? NO_FREE_PERIOD_MARKS;
  }

  async saveFreePeriodMarks(marks: FreePeriodMarks): Promise<SaveResult> {
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
    const result = await this.putVersioned({ ...item });
    if (result === 'SAVED') this.scannedMarks = marks;
    return result;
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

/** The marks item as marks; what is not a string ID is skipped. */
function decodeMarks(item: Record<string, unknown>): FreePeriodMarks {
  const notified: Record<string, FreePeriodPhase> = {};
  // ENDED last: a server in both lists (never written so) counts as told the most.
  for (const phase of ['ending', 'ended'] as const) {
    const ids: unknown = item[phase];
    for (const id of Array.isArray(ids) ? ids : []) {
      if (typeof id === 'string') notified[id] = phase === 'ended' ? 'ENDED' : 'ENDING';
    }
  }
  return { version: Number(item.version) || 0, notified };
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
