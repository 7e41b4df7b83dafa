// Held reports in the ledger table (docs/design.md section 7, "Delivery"): the item's key, TTL and gzipped body,
// the 400 KB item limit at 1, 150, 1,000 and 4,000 servers, one consistent Scan of the run's keys (all pages),
// released markers.
import { gunzipSync } from 'node:zlib';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import {
  DynamoDbHeldReportStore,
  encodeWithin,
  HELD_REPORT_TTL_SECONDS,
  heldReportKey,
  MAX_HELD_REPORT_BYTES,
} from '../../../lambdas/adapters/dynamodb-held-report-store';
import { ManualClock } from '../../../lambdas/adapters/in-memory';
import { type HeldReport, holdableFacts } from '../../../lambdas/core/program/held-report';
import { aStalledServer } from '../../fakes/builders';
import { aRunReport, aServerReport, NOW } from '../../fakes/reports';

const dynamoMock = mockClient(DynamoDBDocumentClient);
const TABLE = 'mgn-replication-doctor-Ledger1A2B3C4D-0EF1GH2IJ3KL';
const documentClient = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' }));
const ACCOUNT = '444455556666';

/** A held report of `count` stalled servers (one failed restart, one escalation), each told. */
function aHeldReport(count: number, account = ACCOUNT, runId = 'prog-1'): HeldReport {
  const news = Array.from({ length: count }, (_, index) =>
    aServerReport(index === 1 ? 'failed' : index === 2 ? 'escalated' : 'treated', aStalledServer()),
  );
  const facts = holdableFacts(aRunReport(news, { accountId: account }).facts);
  const marks = news.map((report) => ({ sourceServerId: report.server.sourceServerId, version: 4 }));
  return { runId, account, facts, omitted: 0, told: { marks } };
}

const storedItem = (held: HeldReport) => ({
  sourceServerId: heldReportKey(held.runId, held.account),
  runId: held.runId,
  account: held.account,
  report: encodeWithin(held, MAX_HELD_REPORT_BYTES),
});

beforeEach(() => dynamoMock.reset());

describe('DynamoDbHeldReportStore', () => {
  it('holds a report as one gzipped item under #held/<runId>/<account>, expiring after a day', async () => {
    // Arrange
    dynamoMock.on(PutCommand).resolves({});
    const clock = new ManualClock(NOW);
    const held = aHeldReport(3);

    // Act
    await new DynamoDbHeldReportStore(documentClient, TABLE, clock).holdReport(held);

    // Assert
    expect(dynamoMock).toHaveReceivedCommandTimes(PutCommand, 1);
    const item = dynamoMock.commandCalls(PutCommand)[0]?.args[0].input.Item as Record<string, unknown>;
    expect(item).toMatchObject({
      sourceServerId: '#held/prog-1/444455556666',
      runId: 'prog-1',
      account: ACCOUNT,
      expiresAt: NOW.getTime() / 1000 + HELD_REPORT_TTL_SECONDS,
    });
    expect(JSON.parse(gunzipSync(item.report as Uint8Array).toString('utf8'))).toEqual(
      JSON.parse(JSON.stringify(held)),
    );
  });

  it.each([1, 150, 1_000, 4_000])('keeps every one of %i servers within the item limit', (count) => {
    const encoded = encodeWithin(aHeldReport(count), MAX_HELD_REPORT_BYTES);
    const decoded = JSON.parse(gunzipSync(encoded).toString('utf8')) as HeldReport;
    expect(encoded.length).toBeLessThanOrEqual(MAX_HELD_REPORT_BYTES);
    expect(decoded.facts.news).toHaveLength(count);
    expect(decoded.omitted).toBe(0);
  });

  it('names fewer servers, and counts the others, when the report would not fit', () => {
    const held = aHeldReport(1_000);
    const limit = Math.floor(encodeWithin(held, MAX_HELD_REPORT_BYTES).length / 3);
    const decoded = JSON.parse(gunzipSync(encodeWithin(held, limit)).toString('utf8')) as HeldReport;
    expect(decoded.facts.news.length).toBeLessThan(1_000);
    expect(decoded.facts.news.length + decoded.omitted).toBe(1_000);
    expect(decoded.told.marks).toHaveLength(1_000);
  });

  it("reads the run's reports with one consistent Scan on its key prefix, every page, released ones apart", async () => {
    // Arrange: 250 accounts held over three pages, one released, one account not asked for
    const accounts = Array.from({ length: 250 }, (_, index) => String(100000000000 + index));
    const released = accounts[7] as string;
    const items = accounts.map((account) =>
      account === released
        ? { sourceServerId: heldReportKey('prog-1', account), runId: 'prog-1', account, released: true }
        : storedItem(aHeldReport(1, account)),
    );
    const notAsked = storedItem(aHeldReport(1, '999999999999'));
    dynamoMock
      .on(ScanCommand)
      .resolvesOnce({ Items: items.slice(0, 100), LastEvaluatedKey: { sourceServerId: 'a' } })
      .resolvesOnce({ Items: [...items.slice(100, 200), notAsked], LastEvaluatedKey: { sourceServerId: 'b' } })
      .resolvesOnce({ Items: items.slice(200) });
    const store = new DynamoDbHeldReportStore(documentClient, TABLE, new ManualClock(NOW));

    // Act
    const { held, released: told } = await store.loadHeldReports('prog-1', accounts);

    // Assert
    expect(dynamoMock).toHaveReceivedCommandTimes(ScanCommand, 3);
    expect(dynamoMock).toHaveReceivedNthCommandWith(2, ScanCommand, {
      TableName: TABLE,
      ConsistentRead: true,
      FilterExpression: 'begins_with(sourceServerId, :run) OR sourceServerId = :failures',
      ExpressionAttributeValues: { ':run': '#held/prog-1/', ':failures': '#program/told-failures' },
      ExclusiveStartKey: { sourceServerId: 'a' },
    });
    expect(held).toHaveLength(249);
    expect(held.map((report) => report.account)).not.toContain('999999999999');
    expect(told).toEqual([released]);
    expect(held[0]?.facts.now).toEqual(NOW);
  });

  it('remembers the told failures gzipped in one item, and reads them back with the same scan', async () => {
    // Arrange
    dynamoMock.on(PutCommand).resolves({});
    const store = new DynamoDbHeldReportStore(documentClient, TABLE, new ManualClock(NOW));
    const told = { fingerprint: '777788889999 the hub may not assume the role', toldAt: NOW.toISOString() };

    // Act
    await store.saveToldFailures(told);
    const item = dynamoMock.commandCalls(PutCommand)[0]?.args[0].input.Item as Record<string, unknown>;
    dynamoMock.on(ScanCommand).resolves({ Items: [item] });
    const loaded = await store.loadHeldReports('prog-2', []);

    // Assert
    expect(item.sourceServerId).toBe('#program/told-failures');
    expect(item.fingerprint).toBeInstanceOf(Uint8Array);
    expect(loaded).toEqual({ held: [], released: [], toldFailures: told });
  });

  it('refuses an item whose report belongs to another account than its key, naming the key', async () => {
    const misplaced = {
      ...storedItem(aHeldReport(1, ACCOUNT)),
      sourceServerId: heldReportKey('prog-1', '111122223333'),
    };
    dynamoMock.on(ScanCommand).resolves({ Items: [misplaced] });
    const store = new DynamoDbHeldReportStore(documentClient, TABLE, new ManualClock(NOW));
    await expect(store.loadHeldReports('prog-1', ['111122223333'])).rejects.toThrow(
      'the held report #held/prog-1/111122223333 is not a held report of run prog-1 and account 111122223333',
    );
  });

  it('releases told reports with a small marker in place of the report', async () => {
    dynamoMock.on(PutCommand).resolves({});
    await new DynamoDbHeldReportStore(documentClient, TABLE, new ManualClock(NOW)).releaseHeldReports('prog-1', [
      ACCOUNT,
      '111122223333',
    ]);
    expect(dynamoMock).toHaveReceivedCommandTimes(PutCommand, 2);
    expect(dynamoMock).toHaveReceivedCommandWith(PutCommand, {
      TableName: TABLE,
      Item: {
        sourceServerId: '#held/prog-1/444455556666',
        runId: 'prog-1',
        account: ACCOUNT,
        released: true,
        expiresAt: NOW.getTime() / 1000 + HELD_REPORT_TTL_SECONDS,
      },
    });
  });
});
