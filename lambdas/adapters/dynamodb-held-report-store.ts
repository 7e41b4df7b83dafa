// A hub's held reports in the ledger table (docs/design.md section 7, "Delivery"): one item per program run and
// account under `#held/<runId>/<account>` (a key starting with `#` is never an entry, section 8), the report as
// gzipped JSON within DynamoDB's 400 KB item, expiring after a day. Read back with one consistent BatchGetItem per
// 100 accounts; released (replaced by a small marker) once the program digest told them.
import { gunzipSync, gzipSync } from 'node:zlib';
import { BatchGetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mapWithConcurrency } from '../core/concurrency';
import { type HeldReport, reviveHeldReport, trimHeldReport } from '../core/program/held-report';
import type { HeldReports, HeldReportStore } from '../core/program/ports';
import type { Clock } from '../core/ports';
import { CALL_CONCURRENCY } from '../core/run/dependencies';
import { systemClock } from '../shared/system-clock';
import { chunk } from './paging';

export const heldReportKey = (runId: string, account: string): string => `#held/${runId}/${account}`;

/** DynamoDB items hold at most 400 KB; the key and the other attributes take well under 20 KB of it. */
export const MAX_HELD_REPORT_BYTES = 380 * 1024;
/** A program run publishes within minutes; the TTL only clears reports of runs that died before it. */
export const HELD_REPORT_TTL_SECONDS = 24 * 3600;
/** BatchGetItem takes at most 100 keys a request. */
const KEYS_PER_BATCH = 100;
/** Rounds of UnprocessedKeys (throttling, the 16 MB response limit) before the read fails. */
const MAX_BATCH_ROUNDS = 8;

export class HeldReportTooLargeError extends Error {
  constructor(
    readonly account: string,
    readonly bytes: number,
  ) {
    super(`the held report of account ${account} takes ${bytes} bytes compressed even without its servers`);
    this.name = 'HeldReportTooLargeError';
  }
}

type Item = Record<string, unknown>;

export class DynamoDbHeldReportStore implements HeldReportStore {
  constructor(
    private readonly documentClient: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly clock: Clock = systemClock,
  ) {}

  async holdReport(report: HeldReport): Promise<void> {
    await this.put(report.runId, report.account, { report: encodeWithin(report, MAX_HELD_REPORT_BYTES) });
  }

  async loadHeldReports(runId: string, accounts: readonly string[]): Promise<HeldReports> {
    const keys = [...new Set(accounts)].map((account) => ({ sourceServerId: heldReportKey(runId, account) }));
    const pages = await mapWithConcurrency(chunk(keys, KEYS_PER_BATCH), CALL_CONCURRENCY, (batch) =>
      this.batchGet(batch),
    );
    const accountOf = new Map(accounts.map((account) => [heldReportKey(runId, account), account]));
    const held: HeldReport[] = [];
    const released: string[] = [];
    for (const item of pages.flat()) {
      // The key says whose report it is; the body must agree (decode).
      const account = accountOf.get(String(item.sourceServerId)) ?? '';
      if (item.released === true) released.push(account);
      else held.push(decode(item, { runId, account }));
    }
    return { held, released };
  }

  async releaseHeldReports(runId: string, accounts: readonly string[]): Promise<void> {
    await mapWithConcurrency([...new Set(accounts)], CALL_CONCURRENCY, (account) =>
      this.put(runId, account, { released: true }),
    );
  }

  private async put(runId: string, account: string, attributes: Item): Promise<void> {
    const expiresAt = Math.floor(this.clock.now().getTime() / 1000) + HELD_REPORT_TTL_SECONDS;
    await this.documentClient.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { sourceServerId: heldReportKey(runId, account), runId, account, expiresAt, ...attributes },
      }),
    );
  }

  /** One BatchGetItem and its UnprocessedKeys until none is left (jittered backoff between rounds). */
  private async batchGet(keys: readonly Item[]): Promise<Item[]> {
    const items: Item[] = [];
    let pending: readonly Item[] = keys;
    for (let round = 0; pending.length > 0; round++) {
      if (round === MAX_BATCH_ROUNDS)
        throw new Error(`BatchGetItem left ${pending.length} held reports unprocessed ${MAX_BATCH_ROUNDS} times`);
      if (round > 0) await this.clock.sleep(Math.random() * 50 * 2 ** round);
      const answer = await this.documentClient.send(
        new BatchGetCommand({ RequestItems: { [this.tableName]: { Keys: [...pending], ConsistentRead: true } } }),
      );
      items.push(...(answer.Responses?.[this.tableName] ?? []));
      pending = answer.UnprocessedKeys?.[this.tableName]?.Keys ?? [];
    }
    return items;
  }
}

const gzipJson = (report: HeldReport): Buffer => gzipSync(JSON.stringify(report));

/**
 * The report gzipped within `maxBytes`: as it is when it fits, else with fewer servers named (halving, news
 * first; the digest counts the others, as it counts what it cannot list).
 */
export function encodeWithin(report: HeldReport, maxBytes: number): Buffer {
  let encoded = gzipJson(report);
  let keep = report.facts.news.length + report.facts.unresolved.length;
  while (encoded.length > maxBytes && keep > 0) {
    keep = Math.floor(keep / 2);
    encoded = gzipJson(trimHeldReport(report, keep));
  }
  if (encoded.length > maxBytes) throw new HeldReportTooLargeError(report.account, encoded.length);
  return encoded;
}

function decode(item: Item, expected: { runId: string; account: string }): HeldReport {
  const where = `the held report ${heldReportKey(expected.runId, expected.account)}`;
  if (!(item.report instanceof Uint8Array)) throw new Error(`${where} has no report`);
  return reviveHeldReport(JSON.parse(gunzipSync(item.report).toString('utf8')), where, expected);
}
