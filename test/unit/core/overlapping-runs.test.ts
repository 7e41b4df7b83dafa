// Two runs at once (the schedule and a stall event, or a retry) against a real DynamoDB API (dynalite,
// in-process on 127.0.0.1): the ledger's conditional writes let exactly one of them act on each server.
import { CreateTableCommand } from '@aws-sdk/client-dynamodb';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAwsClients, type AwsClients } from '../../../lambdas/adapters/aws-clients';
import { DynamoDbRemediationLedger } from '../../../lambdas/adapters/dynamodb-remediation-ledger';
import { runDoctor } from '../../../lambdas/core/run-doctor';
import { DEFAULT_SETTINGS } from '../../../lambdas/shared/settings';
import { aNodeFor, aStalledServer } from '../../fakes/builders';
import { FixedClock, InMemoryNodeDirectory, InMemorySourceServerRepository, MemoryLog, RecordingCommandRunner, RecordingPublisher } from '../../fakes/in-memory';

// dynalite ships no type declarations.
const dynalite = require('dynalite') as (options: { createTableMs: number; deleteTableMs: number }) => Server;

const TABLE = 'overlap-ledger';
let server: Server;
let clients: AwsClients;

beforeAll(async () => {
  server = dynalite({ createTableMs: 0, deleteTableMs: 0 });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  clients = createAwsClients({ region: 'us-east-1', endpoint: `http://127.0.0.1:${port}`, credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 1 });
  await clients.dynamodb.send(
    new CreateTableCommand({
      TableName: TABLE,
      KeySchema: [{ AttributeName: 'sourceServerId', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'sourceServerId', AttributeType: 'S' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
});

afterAll(async () => {
  clients?.dynamodb.destroy();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

it('two overlapping runs send exactly one treatment per server', async () => {
  const servers = Array.from({ length: 12 }, () => aStalledServer());
  const runner = new RecordingCommandRunner();
  const ledger = new DynamoDbRemediationLedger(clients.dynamodb, TABLE);
  const deps = () => ({
    servers: new InMemorySourceServerRepository(servers),
    nodes: new InMemoryNodeDirectory(servers.map((source) => aNodeFor(source))),
    commands: runner,
    publisher: new RecordingPublisher(),
    ledger,
    clock: new FixedClock(),
    log: new MemoryLog(),
  });
  const settings = { ...DEFAULT_SETTINGS, resultWaitSeconds: 0 };
  const environment = { region: 'us-east-1', accountId: '111122223333' };

  const [first, second] = await Promise.all([
    runDoctor({ runId: 'scheduled', trigger: 'schedule' }, settings, environment, deps()),
    runDoctor({ runId: 'retry', trigger: 'schedule' }, settings, environment, deps()),
  ]);

  const restarts = runner.sent.filter((request) => request.document === 'RestartReplicationAgent').flatMap((request) => request.instanceIds);
  expect(restarts).toHaveLength(servers.length);
  expect(new Set(restarts).size).toBe(servers.length);
  const actions = [...first.servers, ...second.servers].map((report) => report.action);
  expect(actions.filter((action) => action === 'TREATED')).toHaveLength(servers.length);
  expect(actions.filter((action) => action === 'SKIPPED_OVERLAP')).toHaveLength(actions.length - servers.length);
  const stored = await ledger.loadEntries();
  expect(stored.map((entry) => entry.attempts)).toEqual(servers.map(() => 1));
});
