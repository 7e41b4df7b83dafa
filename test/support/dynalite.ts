// An in-process DynamoDB API (dynalite behind the benchmark's front on 127.0.0.1, which adds TransactWriteItems)
// with the ledger's table, for tests that need real condition expressions, transactions and marshalling.
import { createAwsClients, type AwsClients } from '../../lambdas/adapters/aws-clients';
import { startDynamoDbEndpoint, type DynamoDbEndpoint } from '../../scripts/bench/dynamodb-endpoint';

export interface LocalLedgerTable {
  readonly clients: AwsClients;
  /** Calls per operation, and those answered with an error. */
  readonly endpoint: DynamoDbEndpoint;
  stop(): Promise<void>;
}

export async function startLocalLedgerTable(tableName: string): Promise<LocalLedgerTable> {
  const endpoint = await startDynamoDbEndpoint({ tables: [{ name: tableName, partitionKey: 'sourceServerId' }] });
  const clients = createAwsClients({
    region: 'us-east-1',
    endpoint: endpoint.url,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
  });
  return {
    clients,
    endpoint,
    stop: async () => {
      clients.dynamodb.destroy();
      await endpoint.close();
    },
  };
}
