// The remediation ledger in DynamoDB: one item per followed source server (partition key `sourceServerId`,
// TTL attribute `expiresAt`), written with an optimistic lock on `version` so overlapping runs cannot
// overwrite each other; a run's writes of one stage go out together, up to 100 to a TransactWriteItems call
// (docs/design.md section 8, the ledger). Beside the entries, one item under a key no source server can have
// holds the SSM inventory the last scheduled run listed (design section 5): it comes along with the scan every
// run makes.
// One more such item holds the free-period marks (design section 8); it comes along with the same scan.
// A hub's table holds every account's (design section 13): a member account's items are keyed `<account>/<key>`,
// while the hub's own account keeps the bare keys a single-account stack wrote, so that table upgrades in place.
import { gunzipSync, gzipSync } from 'node:zlib';
import { PutCommand, ScanCommand, TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mapWithConcurrency } from '../core/concurrency';
import { NO_FREE_PERIOD_MARKS, type FreePeriodMarks, type FreePeriodPhase } from '../core/free-period';
import type { LedgerEntry } from '../core/ledger';
import type {
  CachedInventory,
  CachedNode,
  Clock,
  FreePeriodMarkStore,
  NodeInventoryCache,
  RemediationLedger,
  SaveOutcome,
  SaveResult,
} from '../core/ports';
import { CALL_CONCURRENCY } from '../core/run/dependencies';
import { ACCOUNT_ID } from '../shared/program';
import { systemClock } from '../shared/system-clock';
import { chunkByCountAndBytes, collectPages } from './paging';

type Key = Record<string, unknown>;

/** MGN source server IDs are `s-` and 17 hex digits: this key is never an entry's. */
export const INVENTORY_KEY = '#ssm-inventory';
/** DynamoDB items hold at most 400 KB. */
export const MAX_INVENTORY_BYTES = 380 * 1024;
/** Freshness is judged by `listedAt`; the TTL only clears an item nobody refreshes. */
const INVENTORY_TTL_SECONDS = 7 * 24 * 3600;

/** TransactWriteItems takes at most 100 actions and 4 MB; entries are far smaller than 40 KB on average. */
export const MAX_WRITES_PER_TRANSACTION = 100;
const MAX_TRANSACTION_BYTES = 4 * 1024 * 1024;
/** Transactions in flight at once, like any other independent calls to one service. */
export const TRANSACTIONS_IN_FLIGHT = CALL_CONCURRENCY;
/** Rounds of a transaction's writes left pending by a cancellation (another item's condition, a conflict). */
const MAX_TRANSACTION_ROUNDS = 5;

/** A node as one row: [instanceId, computerName, ipAddress, platformType] (gzipped JSON, the item stays small). */
type Row = [string, string | null, string | null, string | null];

/** Source server IDs are `s-` + 17 characters, so this key never names a server. */
export const FREE_PERIOD_MARKS_KEY = 'doctor#free-period-marks';

/**
 * The marks as two ID lists, the smallest form: about 21 bytes a server, so the 400 KB item holds some 18,000
 * marked servers, over four times MGN's default quota of 4,000 non-archived source servers per Region.
 */
interface FreePeriodMarksItem {
  /** FREE_PERIOD_MARKS_KEY, behind a member account's prefix. */
  readonly sourceServerId: string;
  readonly version: number;
  readonly ending: readonly string[];
  readonly ended: readonly string[];
}

/** Whose items a ledger reads and writes: a member account's in a hub's table, else the table's own account. */
export interface LedgerScope {
  /** A member account of a hub (12 digits); its items are keyed `<account>/…`. */
  readonly account?: string;
}

/** Between a member account and its item's own key; MGN IDs and the reserved keys never contain it. */
const ACCOUNT_SEPARATOR = '/';
/** Every reserved key (inventory, marks, a hub's held reports) contains it; no source server ID does. */
const RESERVED_MARK = '#';

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

  /** `<account>/` for a member account, '' for the table's own. */
  private readonly keyPrefix: string;

  constructor(
    private readonly documentClient: DynamoDBDocumentClient,
    private readonly tableName: string,
    /** Backoff between a cancelled transaction and the retry of its other writes; tests make it instant. */
    private readonly sleep: Clock['sleep'] = systemClock.sleep,
    scope: LedgerScope = {},
  ) {
    if (scope.account !== undefined && !ACCOUNT_ID.test(scope.account))
      throw new RangeError(`a ledger's account is 12 digits, not "${scope.account}"`);
    this.keyPrefix = scope.account === undefined ? '' : `${scope.account}${ACCOUNT_SEPARATOR}`;
  }

  async loadEntries(): Promise<LedgerEntry[]> {
    // A scan is fine: the table holds only servers being followed, and closed entries expire by TTL.
    // Consistent reads so a run sees the previous run's last writes. In a hub's table the filter leaves other
    // accounts' items (and their inventories) in DynamoDB; they are read, but never sent.
    const items = await collectPages(async (startKey: Key | undefined) => {
      const page = await this.documentClient.send(
        new ScanCommand({
          TableName: this.tableName,
          ConsistentRead: true,
          ExclusiveStartKey: startKey,
          ...this.scopeFilter(),
        }),
      );
      return { items: page.Items, next: page.LastEvaluatedKey };
    });
    const inventory = items.find((item) => item.sourceServerId === this.key(INVENTORY_KEY));
    this.scannedInventory = inventory ? decodeInventory(inventory) : undefined;
    const marks = items.find((item) => item.sourceServerId === this.key(FREE_PERIOD_MARKS_KEY));
    this.scannedMarks = marks ? decodeMarks(marks) : NO_FREE_PERIOD_MARKS;
    // Items are entries this adapter wrote: plain JSON, stored as they are but for the key.
    return items.flatMap((item) => {
      const sourceServerId = this.entryIdOf(item.sourceServerId);
      return sourceServerId === undefined ? [] : [{ ...item, sourceServerId } as unknown as LedgerEntry];
    });
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
          sourceServerId: this.key(INVENTORY_KEY),
          listedAt: inventory.listedAt,
          nodes,
          expiresAt: Math.floor(Date.parse(inventory.listedAt) / 1000) + INVENTORY_TTL_SECONDS,
        },
      }),
    );
  }

  /**
   * One stage's writes, each conditional on its version as `saveEntry`'s: split into transactions of up to 100
   * (4 MB), at most TRANSACTIONS_IN_FLIGHT at once. A single write is a plain PutItem (half the write units).
   */
  async saveEntries(entries: readonly LedgerEntry[]): Promise<SaveOutcome[]> {
    const outcomes = await mapWithConcurrency(chunkWrites(entries), TRANSACTIONS_IN_FLIGHT, (chunk) =>
      this.writeChunk(chunk),
    );
    return outcomes.flat();
  }

  /** Writes `entry` if the stored item still has `entry.version - 1` (none when it is 1); throws on failure. */
  saveEntry(entry: LedgerEntry): Promise<SaveResult> {
    return this.putVersioned(this.itemOf(entry));
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
      sourceServerId: this.key(FREE_PERIOD_MARKS_KEY),
      version: marks.version,
      ending: ids('ENDING'),
      ended: ids('ENDED'),
    };
    const result = await this.putVersioned({ ...item });
    if (result === 'SAVED') this.scannedMarks = marks;
    return result;
  }

  /** The stored key of an entry's or a reserved item's own key. */
  private key(ownKey: string): string {
    return `${this.keyPrefix}${ownKey}`;
  }

  private itemOf(entry: LedgerEntry): VersionedItem {
    return { ...entry, sourceServerId: this.key(entry.sourceServerId) };
  }

  /** The source server ID of this scope's entry under `key`; undefined for another account's or a reserved item. */
  private entryIdOf(key: unknown): string | undefined {
    if (typeof key !== 'string' || !key.startsWith(this.keyPrefix)) return undefined;
    const id = key.slice(this.keyPrefix.length);
    return id === '' || id.includes(ACCOUNT_SEPARATOR) || id.includes(RESERVED_MARK) ? undefined : id;
  }

  /** The table's own account: no key with an account in it. A member account: only keys that start with it. */
  private scopeFilter() {
    return this.keyPrefix === ''
      ? {
          FilterExpression: 'NOT contains(#key, :separator)',
          ExpressionAttributeNames: { '#key': 'sourceServerId' },
          ExpressionAttributeValues: { ':separator': ACCOUNT_SEPARATOR },
        }
      : {
          FilterExpression: 'begins_with(#key, :prefix)',
          ExpressionAttributeNames: { '#key': 'sourceServerId' },
          ExpressionAttributeValues: { ':prefix': this.keyPrefix },
        };
  }

  /** Writes `item` if the stored one still has `item.version - 1` (or none exists when `item.version` is 1). */
  private async putVersioned(item: VersionedItem): Promise<SaveResult> {
    try {
      await this.documentClient.send(new PutCommand({ TableName: this.tableName, ...conditionalPut(item) }));
      return 'SAVED';
    } catch (error) {
      // By name rather than instanceof: it also holds for errors from another copy of the SDK.
      if (error instanceof Error && error.name === 'ConditionalCheckFailedException') return 'CONFLICT';
      throw error;
    }
  }

  private async writeChunk(entries: readonly LedgerEntry[]): Promise<SaveOutcome[]> {
    if (entries.length === 1) return [await this.saveEntry(entries[0] as LedgerEntry).catch(failure)];
    const outcomes = new Array<SaveOutcome | undefined>(entries.length);
    let pending = entries.map((_, index) => index);
    for (let round = 0; pending.length > 0 && round < MAX_TRANSACTION_ROUNDS; round++) {
      if (round > 0) await this.sleep(backoffMs(round));
      pending = await this.transactRound(entries, pending, outcomes);
    }
    const gaveUp = new Error(`the transaction was cancelled ${MAX_TRANSACTION_ROUNDS} times`);
    return outcomes.map((outcome) => outcome ?? { failed: gaveUp });
  }

  /**
   * One TransactWriteItems of the pending writes (a lone one as PutItem). Records the outcomes it settles and
   * returns the writes to try again: those a cancellation left undone through no fault of their own.
   */
  private async transactRound(
    entries: readonly LedgerEntry[],
    pending: readonly number[],
    outcomes: (SaveOutcome | undefined)[],
  ): Promise<number[]> {
    if (pending.length === 1) {
      const only = pending[0] as number;
      outcomes[only] = await this.saveEntry(entries[only] as LedgerEntry).catch(failure);
      return [];
    }
    try {
      const TransactItems = pending.map((index) => ({
        Put: { TableName: this.tableName, ...conditionalPut(this.itemOf(entries[index] as LedgerEntry)) },
      }));
      await this.documentClient.send(new TransactWriteCommand({ TransactItems }));
      for (const index of pending) outcomes[index] = 'SAVED';
      return [];
    } catch (error) {
      const reasons = cancellationReasons(error);
      if (reasons === undefined || reasons.length !== pending.length) {
        for (const index of pending) outcomes[index] = { failed: error };
        return [];
      }
      return pending.filter((index, position) => {
        const settled = settleCancelled(reasons[position] as CancellationReason, error as Error);
        outcomes[index] = settled;
        return settled === undefined;
      });
    }
  }
}

type VersionedItem = Record<string, unknown> & { readonly version: number };

/** `item` put only over `item.version - 1` (or over nothing when `item.version` is 1). */
function conditionalPut(item: VersionedItem) {
  const condition =
    item.version === 1
      ? { ConditionExpression: 'attribute_not_exists(sourceServerId)' }
      : {
          ConditionExpression: '#v = :expected',
          ExpressionAttributeNames: { '#v': 'version' },
          ExpressionAttributeValues: { ':expected': item.version - 1 },
        };
  return { Item: item, ...condition };
}

interface CancellationReason {
  readonly Code?: string;
  readonly Message?: string;
}

/** The per-action reasons of a TransactionCanceledException, in the order of the request's actions. */
function cancellationReasons(error: unknown): readonly CancellationReason[] | undefined {
  if (!(error instanceof Error) || error.name !== 'TransactionCanceledException') return undefined;
  const reasons = (error as { CancellationReasons?: unknown }).CancellationReasons;
  return Array.isArray(reasons) ? (reasons as CancellationReason[]) : undefined;
}

/**
 * What a cancelled transaction means for one of its writes: CONFLICT when its own condition failed (another run
 * wrote first), a failure when DynamoDB refused the write itself, undefined (write it again) when it was
 * cancelled for another write's sake, by a concurrent transaction on the item, or by throttling.
 */
function settleCancelled(reason: CancellationReason, error: Error): SaveOutcome | undefined {
  switch (reason.Code) {
    case 'ConditionalCheckFailed':
      return 'CONFLICT';
    case undefined:
    case 'None':
    case 'TransactionConflict':
    case 'ThrottlingError':
    case 'ProvisionedThroughputExceeded':
      return undefined;
    default:
      return {
        failed: Object.assign(new Error(`${reason.Code}: ${reason.Message ?? error.message}`), { name: reason.Code }),
      };
  }
}

const failure = (error: unknown): SaveOutcome => ({ failed: error });

/** Full jitter on an exponential step: 50, 100, 200, 400 ms at most. */
const backoffMs = (round: number): number => Math.random() * 50 * 2 ** (round - 1);

/**
 * The writes split into transactions of at most 100 actions and 4 MB, evenly (101 writes are 51 + 50, never
 * 100 + a lone PutItem), in order. An entry's size is estimated from its JSON, which overstates DynamoDB's count.
 */
export function chunkWrites(entries: readonly LedgerEntry[]): LedgerEntry[][] {
  const evenCount = Math.ceil(entries.length / Math.ceil(entries.length / MAX_WRITES_PER_TRANSACTION || 1));
  return chunkByCountAndBytes(entries, evenCount, MAX_TRANSACTION_BYTES, (entry) =>
    Buffer.byteLength(JSON.stringify(entry)),
  );
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
