// A stage's ledger writes: transactions of at most 100 conditional writes, a lone write as PutItem, and every
// write settled on its own whatever happens to the others (docs/design.md section 8, the ledger).
import {
  ConditionalCheckFailedException,
  DynamoDBClient,
  ProvisionedThroughputExceededException,
  TransactionCanceledException,
} from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import type { LedgerEntry } from '../../../lambdas/core/ledger';
import type { SaveOutcome } from '../../../lambdas/core/ports';
import {
  DynamoDbRemediationLedger,
  MAX_WRITES_PER_TRANSACTION,
  TRANSACTIONS_IN_FLIGHT,
  chunkWrites,
} from '../../../lambdas/adapters/dynamodb-remediation-ledger';

const dynamoMock = mockClient(DynamoDBDocumentClient);
const TABLE = 'mgn-replication-doctor-Ledger1A2B3C4D-0EF1GH2IJ3KL';
const documentClient = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' }));
const sleeps: number[] = [];
const ledger = () =>
  new DynamoDbRemediationLedger(documentClient, TABLE, async (ms) => {
    sleeps.push(ms);
  });

const entry = (index: number, version = 2): LedgerEntry => ({
  sourceServerId: `s-${index.toString(16).padStart(17, '0')}`,
  version,
  status: 'OPEN',
  condition: 'STALLED',
  errorCode: 'AGENT_NOT_SEEN',
  since: '2026-11-26T09:45:00.000Z',
  attempts: 1,
  treatments: [],
});
const entries = (count: number): LedgerEntry[] => Array.from({ length: count }, (_, index) => entry(index + 1));

type Put = { Item: LedgerEntry; ConditionExpression: string };
const putsOf = (call: number): Put[] =>
  (dynamoMock.commandCalls(TransactWriteCommand)[call]?.args[0].input.TransactItems ?? []).map(
    (item) => item.Put as unknown as Put,
  );
const idsOf = (puts: readonly Put[]): string[] => puts.map((put) => put.Item.sourceServerId);

const cancelled = (codes: readonly string[]) =>
  new TransactionCanceledException({
    message: `Transaction cancelled, please refer cancellation reasons for specific reasons [${codes.join(', ')}]`,
    $metadata: {},
    CancellationReasons: codes.map((Code) =>
      Code === 'ValidationError' ? { Code, Message: 'Item size has exceeded the maximum allowed size' } : { Code },
    ),
  });

/** A table where one server's write always fails as `code` says; every other write succeeds. */
function tableWithOneBadWrite(badId: string, code: 'ConditionalCheckFailed' | 'ValidationError') {
  dynamoMock.on(TransactWriteCommand).callsFake(async (input) => {
    const ids = (input.TransactItems as { Put: Put }[]).map((item) => item.Put.Item.sourceServerId);
    if (ids.includes(badId)) throw cancelled(ids.map((id) => (id === badId ? code : 'None')));
    return {};
  });
  dynamoMock.on(PutCommand).callsFake(async (input) => {
    if ((input.Item as LedgerEntry).sourceServerId !== badId) return {};
    if (code === 'ConditionalCheckFailed')
      throw new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });
    throw Object.assign(new Error('Item size has exceeded the maximum allowed size'), { name: 'ValidationException' });
  });
}

beforeEach(() => {
  dynamoMock.reset();
  sleeps.length = 0;
});

describe('DynamoDbRemediationLedger.saveEntries: batching', () => {
  it('writes a lone entry with a conditional PutItem, not a transaction', async () => {
    dynamoMock.on(PutCommand).resolves({});

    const outcomes = await ledger().saveEntries([entry(1, 1)]);

    expect(outcomes).toEqual(['SAVED']);
    expect(dynamoMock).toHaveReceivedCommandTimes(TransactWriteCommand, 0);
    expect(dynamoMock).toHaveReceivedCommandWith(PutCommand, {
      TableName: TABLE,
      ConditionExpression: 'attribute_not_exists(sourceServerId)',
    });
  });

  it('writes 150 entries as two transactions of 75, each write keeping its own version condition', async () => {
    dynamoMock.on(TransactWriteCommand).resolves({});
    const batch = entries(150).map((item, index) => (index === 0 ? { ...item, version: 1 } : item));

    const outcomes = await ledger().saveEntries(batch);

    expect(outcomes).toEqual(batch.map(() => 'SAVED'));
    expect(dynamoMock).toHaveReceivedCommandTimes(TransactWriteCommand, 2);
    expect(dynamoMock).toHaveReceivedCommandTimes(PutCommand, 0);
    expect([putsOf(0).length, putsOf(1).length]).toEqual([75, 75]);
    expect(putsOf(0)[0]).toEqual({
      TableName: TABLE,
      Item: batch[0],
      ConditionExpression: 'attribute_not_exists(sourceServerId)',
    });
    expect(putsOf(0)[1]).toEqual({
      TableName: TABLE,
      Item: batch[1],
      ConditionExpression: '#v = :expected',
      ExpressionAttributeNames: { '#v': 'version' },
      ExpressionAttributeValues: { ':expected': 1 },
    });
    expect([...idsOf(putsOf(0)), ...idsOf(putsOf(1))]).toEqual(batch.map((item) => item.sourceServerId));
  });

  it(`writes 1,000 entries in transactions of ${MAX_WRITES_PER_TRANSACTION}, at most ${TRANSACTIONS_IN_FLIGHT} in flight`, async () => {
    let inFlight = 0;
    let mostInFlight = 0;
    dynamoMock.on(TransactWriteCommand).callsFake(async () => {
      inFlight += 1;
      mostInFlight = Math.max(mostInFlight, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 5));
      inFlight -= 1;
      return {};
    });

    const outcomes = await ledger().saveEntries(entries(1000));

    expect(outcomes.filter((outcome) => outcome === 'SAVED')).toHaveLength(1000);
    expect(dynamoMock).toHaveReceivedCommandTimes(TransactWriteCommand, 10);
    expect(mostInFlight).toBe(TRANSACTIONS_IN_FLIGHT);
  });

  it('splits evenly (101 writes are 51 + 50) and keeps a transaction under 4 MB', () => {
    expect(chunkWrites(entries(101)).map((chunk) => chunk.length)).toEqual([51, 50]);
    expect(chunkWrites([])).toEqual([]);
    // About 300 KB each: 13 fit in 4 MB.
    const large = entries(30).map((item) => ({ ...item, advice: 'x'.repeat(300 * 1024) }));
    const sizes = chunkWrites(large).map((chunk) => chunk.length);
    expect(sizes).toEqual([13, 13, 4]);
  });
});

describe('DynamoDbRemediationLedger.saveEntries: one failing write never loses the others', () => {
  it.each([
    [1, 0],
    [150, 0],
    [150, 149],
    [1000, 437],
  ])(
    '%i writes, the one at %i already written by another run: CONFLICT for it, SAVED for the rest',
    async (count, bad) => {
      const batch = entries(count);
      const badId = (batch[bad] as LedgerEntry).sourceServerId;
      tableWithOneBadWrite(badId, 'ConditionalCheckFailed');

      const outcomes = await ledger().saveEntries(batch);

      expect(outcomes[bad]).toBe('CONFLICT');
      expect(outcomes.filter((outcome) => outcome === 'SAVED')).toHaveLength(count - 1);
    },
  );

  it.each([
    [1, 0],
    [150, 74],
    [1000, 999],
  ])(
    '%i writes, the one at %i refused by DynamoDB: that one fails with the reason, the rest are SAVED',
    async (count, bad) => {
      const batch = entries(count);
      tableWithOneBadWrite((batch[bad] as LedgerEntry).sourceServerId, 'ValidationError');

      const outcomes = await ledger().saveEntries(batch);

      expect(outcomes[bad]).toEqual({
        failed: expect.objectContaining({ message: expect.stringContaining('maximum allowed size') }),
      });
      expect(outcomes.filter((outcome) => outcome === 'SAVED')).toHaveLength(count - 1);
    },
  );

  it('retries the others of a cancelled transaction as a new one, after a backoff', async () => {
    const batch = entries(3);
    tableWithOneBadWrite((batch[1] as LedgerEntry).sourceServerId, 'ConditionalCheckFailed');

    const outcomes = await ledger().saveEntries(batch);

    expect(outcomes).toEqual(['SAVED', 'CONFLICT', 'SAVED']);
    expect(idsOf(putsOf(1))).toEqual([batch[0], batch[2]].map((item) => item?.sourceServerId));
    expect(sleeps).toHaveLength(1);
  });

  it('writes the one write a cancellation leaves pending with PutItem', async () => {
    const batch = entries(2);
    tableWithOneBadWrite((batch[0] as LedgerEntry).sourceServerId, 'ConditionalCheckFailed');

    const outcomes = await ledger().saveEntries(batch);

    expect(outcomes).toEqual(['CONFLICT', 'SAVED']);
    expect(dynamoMock).toHaveReceivedCommandTimes(TransactWriteCommand, 1);
    expect(dynamoMock).toHaveReceivedCommandWith(PutCommand, { Item: batch[1] });
  });

  it('retries writes cancelled by a concurrent transaction or throttling until they go through', async () => {
    dynamoMock
      .on(TransactWriteCommand)
      .rejectsOnce(cancelled(['TransactionConflict', 'None', 'None']))
      .rejectsOnce(cancelled(['ThrottlingError', 'ProvisionedThroughputExceeded', 'None']))
      .resolves({});

    const outcomes = await ledger().saveEntries(entries(3));

    expect(outcomes).toEqual(['SAVED', 'SAVED', 'SAVED']);
    expect(dynamoMock).toHaveReceivedCommandTimes(TransactWriteCommand, 3);
    expect(sleeps).toHaveLength(2);
  });

  it('gives up after five cancelled rounds: each write still pending fails, none is lost silently', async () => {
    dynamoMock.on(TransactWriteCommand).rejects(cancelled(['TransactionConflict', 'TransactionConflict']));

    const outcomes: SaveOutcome[] = await ledger().saveEntries(entries(2));

    expect(dynamoMock).toHaveReceivedCommandTimes(TransactWriteCommand, 5);
    expect(outcomes).toEqual([
      { failed: expect.objectContaining({ message: expect.stringContaining('cancelled 5 times') }) },
      { failed: expect.objectContaining({ message: expect.stringContaining('cancelled 5 times') }) },
    ]);
  });

  it('a transaction that fails as a whole fails its own writes only; the other transactions are written', async () => {
    const batch = entries(150);
    const throttled = new ProvisionedThroughputExceededException({ message: 'Throughput exceeds', $metadata: {} });
    dynamoMock.on(TransactWriteCommand).rejectsOnce(throttled).resolves({});

    const outcomes = await ledger().saveEntries(batch);

    expect(outcomes.slice(0, 75)).toEqual(Array.from({ length: 75 }, () => ({ failed: throttled })));
    expect(outcomes.slice(75)).toEqual(Array.from({ length: 75 }, () => 'SAVED'));
  });
});
