// An in-process DynamoDB API (dynalite on 127.0.0.1) with the ledger's table, for tests that need real
// condition expressions and marshalling.
import { CreateTableCommand } from '@aws-sdk/client-dynamodb';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAwsClients, type AwsClients } from '../../lambdas/adapters/aws-clients';

// dynalite ships no type declarations.
const dynalite = require('dynalite') as (options: { createTableMs: number; deleteTableMs: number }) => Server;

export interface LocalLedgerTable {
  readonly clients: AwsClients;
  stop(): Promise<void>;
}

export async function startLocalLedgerTable(tableName: string): Promise<LocalLedgerTable> {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0 });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const clients = createAwsClients({
    region: 'us-east-1',
    endpoint: `http://127.0.0.1:${port}`,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
  });
  await clients.dynamodb.send(
    new CreateTableCommand({
      TableName: tableName,
      KeySchema: [{ AttributeName: 'sourceServerId', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'sourceServerId', AttributeType: 'S' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
  return {
    clients,
    stop: async () => {
      clients.dynamodb.destroy();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
