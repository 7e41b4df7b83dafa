// Two runs at once (the schedule and a stall event, or a retry) against a real DynamoDB API (dynalite,
// in-process on 127.0.0.1): the ledger's conditional writes let exactly one of them act on each server.
import type { AwsClients } from '../../../lambdas/adapters/aws-clients';
import { startLocalLedgerTable, type LocalLedgerTable } from '../../support/dynalite';
import { DynamoDbRemediationLedger } from '../../../lambdas/adapters/dynamodb-remediation-ledger';
import { runDoctor } from '../../../lambdas/core/run/run-doctor';
import { DEFAULT_SETTINGS } from '../../../lambdas/shared/settings';
import { aNodeFor, aStalledServer } from '../../fakes/builders';
import {
  ManualClock,
  InMemoryNodeDirectory,
  InMemorySourceServerRepository,
  MemoryLog,
  RecordingCommandRunner,
  RecordingPublisher,
} from '../../../lambdas/adapters/in-memory';

const TABLE = 'overlap-ledger';
let table: LocalLedgerTable;
let clients: AwsClients;

beforeAll(async () => {
  table = await startLocalLedgerTable(TABLE);
  clients = table.clients;
});

afterAll(() => table.stop());

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
    clock: new ManualClock(),
    log: new MemoryLog(),
  });
  const settings = { ...DEFAULT_SETTINGS, resultWaitSeconds: 0 };
  const environment = { region: 'us-east-1', accountId: '111122223333' };

  const [first, second] = await Promise.all([
    runDoctor({ runId: 'scheduled', trigger: 'schedule' }, settings, environment, deps()),
    runDoctor({ runId: 'retry', trigger: 'schedule' }, settings, environment, deps()),
  ]);

  const restarts = runner.sent
    .filter((request) => request.document === 'RestartReplicationAgent')
    .flatMap((request) => request.instanceIds);
  expect(restarts).toHaveLength(servers.length);
  expect(new Set(restarts).size).toBe(servers.length);
  const actions = [...first.servers, ...second.servers].map((report) => report.action);
  expect(actions.filter((action) => action === 'TREATED')).toHaveLength(servers.length);
  expect(actions.filter((action) => action === 'SKIPPED_OVERLAP')).toHaveLength(actions.length - servers.length);
  const stored = await ledger.loadEntries();
  expect(stored.map((entry) => entry.attempts)).toEqual(servers.map(() => 1));
});
