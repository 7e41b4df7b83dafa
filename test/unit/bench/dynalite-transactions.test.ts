// TransactWriteItems on the local DynamoDB (dynalite behind the benchmark's front), through the real SDK: all or
// nothing, one reason per action, DynamoDB's request limits, and idempotent client tokens.
import {
  CreateTableCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  TransactWriteItemsCommand,
  type TransactWriteItem,
} from '@aws-sdk/client-dynamodb';
import { startDynamoDbEndpoint, type DynamoDbEndpoint } from '../../../scripts/bench/dynamodb-endpoint';

const TABLE = 'ledger';
let endpoint: DynamoDbEndpoint;
let client: DynamoDBClient;

beforeAll(async () => {
  endpoint = await startDynamoDbEndpoint({ tables: [{ name: TABLE, partitionKey: 'sourceServerId' }] });
  client = new DynamoDBClient({
    endpoint: endpoint.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
  });
  await client.send(
    new CreateTableCommand({
      TableName: 'other',
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
    }),
  );
});
afterAll(async () => {
  client.destroy();
  await endpoint.close();
});

/** A put of `id` at `version`, over version - 1 (or over nothing for version 1). */
const put = (id: string, version: number): TransactWriteItem => ({
  Put: {
    TableName: TABLE,
    Item: { sourceServerId: { S: id }, version: { N: String(version) } },
    ...(version === 1
      ? { ConditionExpression: 'attribute_not_exists(sourceServerId)' }
      : {
          ConditionExpression: '#v = :expected',
          ExpressionAttributeNames: { '#v': 'version' },
          ExpressionAttributeValues: { ':expected': { N: String(version - 1) } },
        }),
  },
});
const versionOf = async (id: string): Promise<string | undefined> =>
  (
    await client.send(
      new GetItemCommand({ TableName: TABLE, Key: { sourceServerId: { S: id } }, ConsistentRead: true }),
    )
  ).Item?.version?.N;

describe('TransactWriteItems on the local DynamoDB', () => {
  it('writes every action when every condition holds', async () => {
    await client.send(new TransactWriteItemsCommand({ TransactItems: [put('a1', 1), put('a2', 1), put('a3', 1)] }));

    expect(await Promise.all(['a1', 'a2', 'a3'].map(versionOf))).toEqual(['1', '1', '1']);
    expect(endpoint.counts().TransactWriteItems).toBeGreaterThan(0);
  });

  it('writes nothing when one condition fails, and says which, in the order of the actions', async () => {
    await client.send(
      new PutItemCommand({ TableName: TABLE, Item: { sourceServerId: { S: 'b2' }, version: { N: '5' } } }),
    );
    await client.send(
      new PutItemCommand({ TableName: TABLE, Item: { sourceServerId: { S: 'b3' }, version: { N: '1' } } }),
    );

    const error = await client
      .send(new TransactWriteItemsCommand({ TransactItems: [put('b1', 1), put('b2', 2), put('b3', 2)] }))
      .catch((caught: unknown) => caught);

    expect(error).toMatchObject({
      name: 'TransactionCanceledException',
      CancellationReasons: [
        { Code: 'None' },
        { Code: 'ConditionalCheckFailed', Message: 'The conditional request failed' },
        { Code: 'None' },
      ],
    });
    expect(await Promise.all(['b1', 'b2', 'b3'].map(versionOf))).toEqual([undefined, '5', '1']);
  });

  it('refuses two actions on one item, more than 100 actions, and actions other than Put', async () => {
    const twice = client
      .send(new TransactWriteItemsCommand({ TransactItems: [put('c1', 1), put('c1', 1)] }))
      .catch((caught: unknown) => caught);
    const many = Array.from({ length: 101 }, (_, index) => put(`c-${index}`, 1));
    const tooMany = client
      .send(new TransactWriteItemsCommand({ TransactItems: many }))
      .catch((caught: unknown) => caught);
    const check = client
      .send(
        new TransactWriteItemsCommand({
          TransactItems: [
            put('c2', 1),
            {
              ConditionCheck: {
                TableName: TABLE,
                Key: { sourceServerId: { S: 'c3' } },
                ConditionExpression: 'attribute_exists(sourceServerId)',
              },
            },
          ],
        }),
      )
      .catch((caught: unknown) => caught);

    expect(await twice).toMatchObject({ name: 'ValidationException', message: expect.stringMatching(/one item/) });
    expect(await tooMany).toMatchObject({ name: 'ValidationException' });
    expect(await check).toMatchObject({ name: 'ValidationException' });
    expect(await Promise.all(['c1', 'c-0', 'c2'].map(versionOf))).toEqual([undefined, undefined, undefined]);
  });

  it('reads each table’s own key schema', async () => {
    await client.send(
      new TransactWriteItemsCommand({
        TransactItems: [put('d1', 1), { Put: { TableName: 'other', Item: { id: { S: 'd1' } } } }],
      }),
    );

    const other = await client.send(new GetItemCommand({ TableName: 'other', Key: { id: { S: 'd1' } } }));
    expect(other.Item).toEqual({ id: { S: 'd1' } });
    expect(await versionOf('d1')).toBe('1');
  });

  it('answers a client token it has seen as the first time, without writing again', async () => {
    const token = 'token-e';
    await client.send(new TransactWriteItemsCommand({ TransactItems: [put('e1', 1)], ClientRequestToken: token }));
    await client.send(
      new PutItemCommand({ TableName: TABLE, Item: { sourceServerId: { S: 'e1' }, version: { N: '7' } } }),
    );

    await client.send(new TransactWriteItemsCommand({ TransactItems: [put('e1', 1)], ClientRequestToken: token }));
    const mismatch = await client
      .send(new TransactWriteItemsCommand({ TransactItems: [put('e2', 1)], ClientRequestToken: token }))
      .catch((caught: unknown) => caught);

    expect(await versionOf('e1')).toBe('7');
    expect(mismatch).toMatchObject({ name: 'IdempotentParameterMismatchException' });
    expect(await versionOf('e2')).toBeUndefined();
  });
});
