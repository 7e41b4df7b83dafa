import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import type { LedgerEntry } from '../../../lambdas/core/ledger';
import {
  DynamoDbRemediationLedger,
  FREE_PERIOD_MARKS_KEY,
} from '../../../lambdas/adapters/dynamodb-remediation-ledger';
import { NO_FREE_PERIOD_MARKS } from '../../../lambdas/core/free-period';

const dynamoMock = mockClient(DynamoDBDocumentClient);
const TABLE = 'mgn-replication-doctor-Ledger1A2B3C4D-0EF1GH2IJ3KL';
const documentClient = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' }));

const entry = (overrides: Partial<LedgerEntry> = {}): LedgerEntry => ({
  sourceServerId: 's-3a1b2c3d4e5f60718',
  version: 1,
  status: 'OPEN',
  condition: 'STALLED',
  errorCode: 'AGENT_NOT_SEEN',
  hostname: 'db-01',
  since: '2026-11-26T09:45:00.000Z',
  attempts: 1,
  lastAttemptAt: '2026-11-26T09:45:03.000Z',
  treatments: [
    {
      at: '2026-11-26T09:45:03.000Z',
      runId: '7f3c9a2e-run',
      commands: [
        {
          commandId: 'e1b5c9a0-3f2d-4c6b-9a8e-7d6f5e4c3b2a',
          document: 'RestartReplicationAgent',
          instanceId: 'mi-0123456789abcdef0',
          requestedAt: '2026-11-26T09:45:03.000Z',
          status: 'Pending',
        },
      ],
    },
  ],
  ...overrides,
});

beforeEach(() => dynamoMock.reset());

describe('DynamoDbRemediationLedger.saveEntry', () => {
  it('creates a first version only if no item exists yet', async () => {
    // Arrange
    dynamoMock.on(PutCommand).resolves({});
    const ledger = new DynamoDbRemediationLedger(documentClient, TABLE);
    const first = entry({ version: 1 });

    // Act
    const result = await ledger.saveEntry(first);

    // Assert
    expect(result).toBe('SAVED');
    expect(dynamoMock).toHaveReceivedCommandTimes(PutCommand, 1);
    const input = dynamoMock.commandCalls(PutCommand)[0]?.args[0].input;
    expect(input).toEqual({
      TableName: TABLE,
      Item: first,
      ConditionExpression: 'attribute_not_exists(sourceServerId)',
    });
  });

  it('writes version n only over version n-1', async () => {
    // Arrange
    dynamoMock.on(PutCommand).resolves({});
    const ledger = new DynamoDbRemediationLedger(documentClient, TABLE);
    const fourth = entry({ version: 4, status: 'CLOSED', closedReason: 'RECOVERED', expiresAt: 1_797_000_000 });

    // Act
    const result = await ledger.saveEntry(fourth);

    // Assert
    expect(result).toBe('SAVED');
    expect(dynamoMock).toHaveReceivedCommandWith(PutCommand, {
      TableName: TABLE,
      Item: fourth,
      ConditionExpression: '#v = :expected',
      ExpressionAttributeNames: { '#v': 'version' },
      ExpressionAttributeValues: { ':expected': 3 },
    });
  });

  it('reports CONFLICT when another run wrote first', async () => {
    // Arrange
    dynamoMock
      .on(PutCommand)
      .rejects(new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} }));
    const ledger = new DynamoDbRemediationLedger(documentClient, TABLE);

    // Act
    const result = await ledger.saveEntry(entry({ version: 2 }));

    // Assert
    expect(result).toBe('CONFLICT');
  });

  it('lets any other error propagate', async () => {
    // Arrange
    dynamoMock.on(PutCommand).rejects(
      Object.assign(new Error('Throughput exceeds the current capacity of your table'), {
        name: 'ProvisionedThroughputExceededException',
      }),
    );
    const ledger = new DynamoDbRemediationLedger(documentClient, TABLE);

    // Act / Assert
    await expect(ledger.saveEntry(entry())).rejects.toMatchObject({ name: 'ProvisionedThroughputExceededException' });
  });
});

describe('DynamoDbRemediationLedger.loadEntries', () => {
  it('scans every page with consistent reads', async () => {
    // Arrange
    const first = entry({ sourceServerId: 's-00000000000000001' });
    const second = entry({ sourceServerId: 's-00000000000000002', version: 3 });
    const third = entry({ sourceServerId: 's-00000000000000003', status: 'ESCALATED' });
    dynamoMock
      .on(ScanCommand)
      .resolvesOnce({ Items: [first], LastEvaluatedKey: { sourceServerId: first.sourceServerId } })
      .resolvesOnce({ Items: [second], LastEvaluatedKey: { sourceServerId: second.sourceServerId } })
      .resolvesOnce({ Items: [third] });
    const ledger = new DynamoDbRemediationLedger(documentClient, TABLE);

    // Act
    const entries = await ledger.loadEntries();

    // Assert
    expect(entries).toEqual([first, second, third]);
    expect(dynamoMock).toHaveReceivedCommandTimes(ScanCommand, 3);
    expect(dynamoMock).toHaveReceivedNthSpecificCommandWith(1, ScanCommand, {
      TableName: TABLE,
      ConsistentRead: true,
      ExclusiveStartKey: undefined,
    });
    expect(dynamoMock).toHaveReceivedNthSpecificCommandWith(2, ScanCommand, {
      TableName: TABLE,
      ConsistentRead: true,
      ExclusiveStartKey: { sourceServerId: first.sourceServerId },
    });
    expect(dynamoMock).toHaveReceivedNthSpecificCommandWith(3, ScanCommand, {
      ExclusiveStartKey: { sourceServerId: second.sourceServerId },
    });
  });

  it('returns nothing for an empty table', async () => {
    // Arrange
    dynamoMock.on(ScanCommand).resolves({ Count: 0 });
    const ledger = new DynamoDbRemediationLedger(documentClient, TABLE);

    // Act / Assert
    await expect(ledger.loadEntries()).resolves.toEqual([]);
  });
});

describe('DynamoDbRemediationLedger as the SSM inventory cache', () => {
  it('an inventory item this version cannot read is a cache miss, and never an entry', async () => {
    // Arrange
    dynamoMock.on(ScanCommand).resolves({
      Items: [
        entry(),
        { sourceServerId: '#ssm-inventory', listedAt: '2026-11-26T10:00:00.000Z', nodes: new Uint8Array([1, 2, 3]) },
      ],
    });
    const ledger = new DynamoDbRemediationLedger(documentClient, TABLE);

    // Act
    const entries = await ledger.loadEntries();
    const inventory = await ledger.load();

    // Assert
    expect(entries).toEqual([entry()]);
    expect(inventory).toBeUndefined();
  });

  it('writes one item under the reserved key, with a TTL, and reads nothing without a scan', async () => {
    // Arrange
    dynamoMock.on(PutCommand).resolves({});
    const ledger = new DynamoDbRemediationLedger(documentClient, TABLE);

    // Act
    await ledger.save({ listedAt: '2026-11-26T10:00:00.000Z', nodes: [{ instanceId: 'mi-0123456789abcdef0' }] });
    const before = await ledger.load();

    // Assert
    const item = dynamoMock.commandCalls(PutCommand)[0]?.args[0].input.Item;
    expect(item).toMatchObject({ sourceServerId: '#ssm-inventory', listedAt: '2026-11-26T10:00:00.000Z' });
    expect(item?.expiresAt).toBe(Date.parse('2026-11-26T10:00:00.000Z') / 1000 + 7 * 24 * 3600);
    expect(dynamoMock.commandCalls(PutCommand)[0]?.args[0].input.ConditionExpression).toBeUndefined();
    expect(before).toBeUndefined();
    expect(dynamoMock).toHaveReceivedCommandTimes(ScanCommand, 0);
  });
});

describe('DynamoDbRemediationLedger free-period marks', () => {
  const marksItem = { sourceServerId: FREE_PERIOD_MARKS_KEY, version: 3, ending: ['s-00000000000000002'], ended: [] };

  it('are one item of their own, which loadEntries leaves out', async () => {
    // Arrange
    const followed = entry({ sourceServerId: 's-00000000000000001' });
    dynamoMock.on(ScanCommand).resolves({ Items: [followed, marksItem] });
    const ledger = new DynamoDbRemediationLedger(documentClient, TABLE);

    // Act / Assert
    await expect(ledger.loadEntries()).resolves.toEqual([followed]);
  });

  it('come along with the scan the run begins with: no GetItem, and none stored reads as version 0', async () => {
    // Arrange
    dynamoMock
      .on(ScanCommand)
      .resolvesOnce({ Items: [entry(), { ...marksItem, ended: ['s-00000000000000003', 42] }] })
      .resolvesOnce({ Items: [entry()] });
    const ledger = new DynamoDbRemediationLedger(documentClient, TABLE);

    // Act
    await ledger.loadEntries();
    const stored = await ledger.loadFreePeriodMarks();
    await ledger.loadEntries();
    const none = await ledger.loadFreePeriodMarks();

    // Assert
    expect(stored).toEqual({
      version: 3,
      notified: { 's-00000000000000002': 'ENDING', 's-00000000000000003': 'ENDED' },
    });
    expect(none).toEqual(NO_FREE_PERIOD_MARKS);
    expect(dynamoMock).toHaveReceivedCommandTimes(ScanCommand, 2);
    expect(dynamoMock).not.toHaveReceivedCommand(GetCommand);
  });

  it('without a scan before, make one (consistent) to read them', async () => {
    // Arrange
    dynamoMock.on(ScanCommand).resolves({ Items: [marksItem] });
    const ledger = new DynamoDbRemediationLedger(documentClient, TABLE);

    // Act
    const marks = await ledger.loadFreePeriodMarks();

    // Assert
    expect(marks).toEqual({ version: 3, notified: { 's-00000000000000002': 'ENDING' } });
    expect(dynamoMock).toHaveReceivedCommandWith(ScanCommand, { TableName: TABLE, ConsistentRead: true });
  });

  it('save as two sorted ID lists, version n only over version n-1', async () => {
    // Arrange
    dynamoMock.on(PutCommand).resolves({});
    const ledger = new DynamoDbRemediationLedger(documentClient, TABLE);

    // Act
    const first = await ledger.saveFreePeriodMarks({ version: 1, notified: { 's-00000000000000009': 'ENDING' } });
    const later = await ledger.saveFreePeriodMarks({
      version: 5,
      notified: { 's-00000000000000009': 'ENDED', 's-00000000000000004': 'ENDED', 's-00000000000000001': 'ENDING' },
    });

    // Assert
    expect([first, later]).toEqual(['SAVED', 'SAVED']);
    expect(dynamoMock.commandCalls(PutCommand).map((call) => call.args[0].input)).toEqual([
      {
        TableName: TABLE,
        Item: { sourceServerId: FREE_PERIOD_MARKS_KEY, version: 1, ending: ['s-00000000000000009'], ended: [] },
        ConditionExpression: 'attribute_not_exists(sourceServerId)',
      },
      {
        TableName: TABLE,
        Item: {
          sourceServerId: FREE_PERIOD_MARKS_KEY,
          version: 5,
          ending: ['s-00000000000000001'],
          ended: ['s-00000000000000004', 's-00000000000000009'],
        },
        ConditionExpression: '#v = :expected',
        ExpressionAttributeNames: { '#v': 'version' },
        ExpressionAttributeValues: { ':expected': 4 },
      },
    ]);
  });

  it('report CONFLICT when another run saved first', async () => {
    // Arrange
    dynamoMock
      .on(PutCommand)
      .rejects(new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} }));
    const ledger = new DynamoDbRemediationLedger(documentClient, TABLE);

    // Act / Assert
    await expect(ledger.saveFreePeriodMarks({ version: 2, notified: {} })).resolves.toBe('CONFLICT');
  });
});
