// A hub's held reports in the ledger table (docs/design.md section 7, "Held reports"): one item per program run and
// account under `#held/<runId>/<account>` (a key starting with `#` is never an entry, section 8), the report as
// gzipped JSON within DynamoDB's 400 KB item, expiring after a day. Read back with the ledger's own permissions:
// one consistent Scan filtered on the run's key prefix (the table holds followed servers and a few reserved
// items, so a scan stays small, and the hub needs no dynamodb:GetItem or BatchGetItem); released (replaced by a
// small marker) once the program digest told them. One more item beside them remembers what the last digest said
// about the accounts not treated (`#program/told-failures`), read with the same scan.
import { gunzipSync, gzipSync } from 'node:zlib';
import { PutCommand, ScanCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mapWithConcurrency } from '../core/concurrency';
import { type HeldReport, reviveHeldReport, trimHeldReport } from '../core/program/held-report';
import type { HeldReports, HeldReportStore, ToldFailures } from '../core/program/ports';
import type { Clock } from '../core/ports';
import { CALL_CONCURRENCY } from '../core/run/dependencies';
import { systemClock } from '../shared/system-clock';
import { collectPages } from './paging';

export const heldReportKey = (runId: string, account: string): string => `#held/${runId}/${account}`;
export const TOLD_FAILURES_KEY = '#program/told-failures';

/** DynamoDB items hold at most 400 KB; the key and the other attributes take well under 20 KB of it. */
export const MAX_HELD_REPORT_BYTES = 380 * 1024;
/** A program run publishes within minutes; the TTL only clears reports of runs that died before it. */
export const HELD_REPORT_TTL_SECONDS = 24 * 3600;

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
    const accountOf = new Map(accounts.map((account) => [heldReportKey(runId, account), account]));
    const held: HeldReport[] = [];
    const released: string[] = [];
    let toldFailures: ToldFailures | undefined;
    for (const item of await this.scanRun(runId)) {
      if (item.sourceServerId === TOLD_FAILURES_KEY) toldFailures = decodeToldFailures(item);
      // The key says whose report it is (accounts not asked for are left alone); the body must agree (decode).
      const account = accountOf.get(String(item.sourceServerId));
      if (account === undefined) continue;
      if (item.released === true) released.push(account);
      else held.push(decode(item, { runId, account }));
    }
    return { held, released, ...(toldFailures && { toldFailures }) };
  }

  async saveToldFailures(told: ToldFailures): Promise<void> {
    // Gzipped: a thousand accounts' lines stay far within an item.
    await this.documentClient.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { sourceServerId: TOLD_FAILURES_KEY, toldAt: told.toldAt, fingerprint: gzipSync(told.fingerprint) },
      }),
    );
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

  /** Every item under `#held/<runId>/` and the told failures, all pages, read consistently like the ledger's scan. */
  private scanRun(runId: string): Promise<Item[]> {
    return collectPages(async (startKey: Item | undefined) => {
      const page = await this.documentClient.send(
        new ScanCommand({
          TableName: this.tableName,
          ConsistentRead: true,
          FilterExpression: 'begins_with(sourceServerId, :run) OR sourceServerId = :failures',
          ExpressionAttributeValues: { ':run': heldReportKey(runId, ''), ':failures': TOLD_FAILURES_KEY },
          ExclusiveStartKey: startKey,
        }),
      );
      return { items: page.Items, next: page.LastEvaluatedKey };
    });
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

/** The told failures, or none for an item this version cannot read (the next digest tells them again). */
function decodeToldFailures(item: Item): ToldFailures | undefined {
  if (typeof item.toldAt !== 'string' || !(item.fingerprint instanceof Uint8Array)) return undefined;
  try {
    return { toldAt: item.toldAt, fingerprint: gunzipSync(item.fingerprint).toString('utf8') };
  } catch {
    return undefined;
  }
}
