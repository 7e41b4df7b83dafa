// DynamoDB for the benchmark and the tests: dynalite (an in-process DynamoDB implementation, so condition
// expressions, marshalling and item limits are DynamoDB's own rules) behind a front on 127.0.0.1 that counts each
// operation (X-Amz-Target), hands the request to dynalite, or answers TransactWriteItems itself over dynalite
// (dynalite-transactions.ts), and replies the latency after the request arrived (test/support/simulated-latency.ts).
// The front hands on one request at a time, so a transaction's actions apply with nothing in between, as
// DynamoDB's isolation promises.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { waitOutLatency } from '../../test/support/simulated-latency';
import { callStore, type StoreReply, TransactionWriter, storeCaller } from './dynalite-transactions';
import { Calls, closeServer, latencyOf, listen, readBody, type Latency } from './local-endpoint';

type RequestListener = (request: IncomingMessage, response: ServerResponse) => void;
// dynalite ships no type declarations.
const dynalite = require('dynalite') as (options: {
  createTableMs: number;
  deleteTableMs: number;
  updateTableMs: number;
}) => Server;

const internalError = (error: unknown): StoreReply => ({
  status: 500,
  headers: { 'content-type': 'application/x-amz-json-1.0' },
  body: JSON.stringify({ __type: 'com.amazonaws.dynamodb.v20120810#InternalServerError', message: String(error) }),
});

export interface DynamoDbEndpointOptions {
  /** Tables to create, each with a string partition key. */
  readonly tables?: readonly { readonly name: string; readonly partitionKey: string }[];
  readonly latencyMs?: Latency;
}

export class DynamoDbEndpoint extends Calls {
  url = '';
  latencyMs: Latency;
  private readonly front: Server;
  private readonly store: Server;
  private readonly transactions: TransactionWriter;
  /** The request being handed on; the next waits for it. */
  private current: Promise<unknown> = Promise.resolve();

  private constructor(options: DynamoDbEndpointOptions) {
    super();
    this.latencyMs = options.latencyMs ?? 0;
    this.store = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
    // dynalite's own request handler, called in-process: no second HTTP hop.
    const handle = this.store.listeners('request')[0] as RequestListener;
    this.transactions = new TransactionWriter(storeCaller(handle));
    this.front = createServer((request, response) => {
      const arrivedAt = performance.now();
      const operation = String(request.headers['x-amz-target'] ?? '').replace(/^DynamoDB_\d+\./, '') || 'Unknown';
      void readBody(request)
        .then((body) => this.oneAtATime(() => this.dispatch(operation, request, body, handle)))
        .catch((error: unknown) => internalError(error))
        .then(async (reply) => {
          await waitOutLatency(arrivedAt, latencyOf(this.latencyMs, operation));
          this.record(operation, reply.status);
          response.writeHead(reply.status, {
            ...reply.headers,
            'content-length': String(Buffer.byteLength(reply.body)),
          });
          response.end(reply.body);
        });
    });
  }

  private oneAtATime<T>(task: () => Promise<T>): Promise<T> {
    const next = this.current.then(task, task);
    this.current = next.catch(() => undefined);
    return next;
  }

  private async dispatch(
    operation: string,
    request: IncomingMessage,
    body: string,
    handle: RequestListener,
  ): Promise<StoreReply> {
    if (operation !== 'TransactWriteItems') return callStore(handle, request.headers, body);
    const answer = await this.transactions.transactWriteItems(body);
    return { status: answer.status, headers: { 'content-type': 'application/x-amz-json-1.0' }, body: answer.body };
  }

  static async start(options: DynamoDbEndpointOptions = {}): Promise<DynamoDbEndpoint> {
    const endpoint = new DynamoDbEndpoint(options);
    endpoint.url = await listen(endpoint.front);
    // Listening (though nothing connects to it) lets dynalite's own close() shut its store cleanly.
    await listen(endpoint.store);
    if (options.tables && options.tables.length > 0) {
      const client = new DynamoDBClient({
        endpoint: endpoint.url,
        region: 'us-east-1',
        credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
        maxAttempts: 1,
      });
      try {
        for (const { name, partitionKey } of options.tables) {
          await client.send(
            new CreateTableCommand({
              TableName: name,
              BillingMode: 'PAY_PER_REQUEST',
              AttributeDefinitions: [{ AttributeName: partitionKey, AttributeType: 'S' }],
              KeySchema: [{ AttributeName: partitionKey, KeyType: 'HASH' }],
            }),
          );
        }
      } finally {
        client.destroy();
      }
      endpoint.clearRecords();
    }
    return endpoint;
  }

  async close(): Promise<void> {
    await closeServer(this.front);
    // dynalite's close() also closes its LevelDB store.
    await new Promise<void>((resolve) => this.store.close(() => resolve()));
  }
}

export function startDynamoDbEndpoint(options: DynamoDbEndpointOptions = {}): Promise<DynamoDbEndpoint> {
  return DynamoDbEndpoint.start(options);
}
