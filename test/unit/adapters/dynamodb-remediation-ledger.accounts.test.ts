// A hub's ledger (docs/design.md section 13) against dynalite: one table for every account, the hub's own account
// under the bare keys a single-account stack wrote, each member account under `<account>/…`, and the filters and
// conditions checked by a real DynamoDB API.
import { PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { AwsClients } from '../../../lambdas/adapters/aws-clients';
import {
  DynamoDbRemediationLedger,
  FREE_PERIOD_MARKS_KEY,
  INVENTORY_KEY,
} from '../../../lambdas/adapters/dynamodb-remediation-ledger';
import type { LedgerEntry } from '../../../lambdas/core/ledger';
import { systemClock } from '../../../lambdas/shared/system-clock';
import { startLocalLedgerTable, type LocalLedgerTable } from '../../support/dynalite';

const TABLE = 'mgn-doctor-hub-ledger';
const MEMBER_A = '111122223333';
const MEMBER_B = '444455556666';
let table: LocalLedgerTable;
let clients: AwsClients;

beforeAll(async () => {
  table = await startLocalLedgerTable(TABLE);
  clients = table.clients;
});

afterAll(() => table.stop());

const member = (account: string) =>
  new DynamoDbRemediationLedger(clients.dynamodb, TABLE, systemClock.sleep, { account });

const entry = (sourceServerId: string, version: number, overrides: Partial<LedgerEntry> = {}): LedgerEntry => ({
  sourceServerId,
  version,
  status: 'OPEN',
  condition: 'STALLED',
  since: '2026-11-26T09:45:00.000Z',
  attempts: version - 1,
  treatments: [],
  ...overrides,
});

const storedKeys = async (): Promise<string[]> => {
  const page = await clients.dynamodb.send(new ScanCommand({ TableName: TABLE, ConsistentRead: true }));
  return (page.Items ?? []).map((item) => String(item.sourceServerId)).sort();
};

describe("a hub's ledger table", () => {
  it("reads and updates, for the hub's own account, an entry the single-account version wrote", async () => {
    // Arrange: the items exactly as a single-account stack stores them (bare keys), and a member's beside them
    const server = 's-00000000000000a01';
    await clients.dynamodb.send(new PutCommand({ TableName: TABLE, Item: entry(server, 3, { hostname: 'db-01' }) }));
    await clients.dynamodb.send(
      new PutCommand({
        TableName: TABLE,
        Item: { sourceServerId: FREE_PERIOD_MARKS_KEY, version: 2, ending: [server], ended: [] },
      }),
    );
    await member(MEMBER_A).saveEntry(entry('s-00000000000000a02', 1));
    const hub = new DynamoDbRemediationLedger(clients.dynamodb, TABLE);

    // Act
    const loaded = await hub.loadEntries();
    const marks = await hub.loadFreePeriodMarks();
    const stale = await hub.saveEntry(entry(server, 3));
    const updated = await hub.saveEntry(entry(server, 4, { status: 'ESCALATED', hostname: 'db-01' }));
    const reloaded = await hub.loadEntries();

    // Assert: the same item, updated in place under its bare key; the member's entry is not the hub's
    expect(loaded).toEqual([entry(server, 3, { hostname: 'db-01' })]);
    expect(marks).toEqual({ version: 2, notified: { [server]: 'ENDING' } });
    expect([stale, updated]).toEqual(['CONFLICT', 'SAVED']);
    expect(reloaded).toEqual([entry(server, 4, { status: 'ESCALATED', hostname: 'db-01' })]);
    expect(await storedKeys()).toEqual([FREE_PERIOD_MARKS_KEY, server, `${MEMBER_A}/s-00000000000000a02`].sort());
  });

  it("never mixes two member accounts' entries, inventories or marks, even for the same server ID", async () => {
    // Arrange
    const server = 's-00000000000000b01';
    const [a, b] = [member(MEMBER_A), member(MEMBER_B)];

    // Act: both first versions succeed (one shared key would make the second a CONFLICT)
    const firsts = [await a.saveEntry(entry(server, 1, { hostname: 'in-a' })), await b.saveEntry(entry(server, 1))];
    const secondOfA = await a.saveEntry(entry(server, 2, { hostname: 'in-a' }));
    await a.save({ listedAt: '2026-11-26T10:00:00.000Z', nodes: [{ instanceId: 'mi-0000000000000000a' }] });
    await b.saveFreePeriodMarks({ version: 1, notified: { [server]: 'ENDED' } });
    const [entriesOfA, entriesOfB] = [await a.loadEntries(), await b.loadEntries()];

    // Assert
    expect(firsts).toEqual(['SAVED', 'SAVED']);
    expect(secondOfA).toBe('SAVED');
    expect(entriesOfA.filter((found) => found.sourceServerId === server)).toEqual([
      entry(server, 2, { hostname: 'in-a' }),
    ]);
    expect(entriesOfB).toEqual([entry(server, 1)]);
    expect(entriesOfA.map((found) => found.sourceServerId)).not.toContain('s-00000000000000a01');
    expect(await a.load()).toEqual({
      listedAt: '2026-11-26T10:00:00.000Z',
      nodes: [{ instanceId: 'mi-0000000000000000a' }],
    });
    expect(await b.load()).toBeUndefined();
    expect(await a.loadFreePeriodMarks()).toEqual({ version: 0, notified: {} });
    expect(await b.loadFreePeriodMarks()).toEqual({ version: 1, notified: { [server]: 'ENDED' } });
    expect(await storedKeys()).toEqual(
      expect.arrayContaining([
        `${MEMBER_A}/${server}`,
        `${MEMBER_B}/${server}`,
        `${MEMBER_A}/${INVENTORY_KEY}`,
        `${MEMBER_B}/${FREE_PERIOD_MARKS_KEY}`,
      ]),
    );
  });

  it("writes a stage's entries together under the member's keys, in one transaction", async () => {
    // Arrange
    const ids = ['s-00000000000000c01', 's-00000000000000c02', 's-00000000000000c03'];
    const ledger = member(MEMBER_B);
    const before = table.endpoint.callCount('TransactWriteItems');

    // Act
    const outcomes = await ledger.saveEntries(ids.map((id) => entry(id, 1)));
    const again = await ledger.saveEntries(ids.map((id) => entry(id, 1)));

    // Assert
    expect(outcomes).toEqual(['SAVED', 'SAVED', 'SAVED']);
    expect(again).toEqual(['CONFLICT', 'CONFLICT', 'CONFLICT']);
    expect(await storedKeys()).toEqual(expect.arrayContaining(ids.map((id) => `${MEMBER_B}/${id}`)));
    expect(await storedKeys()).not.toEqual(expect.arrayContaining([ids[0]]));
    expect(table.endpoint.callCount('TransactWriteItems') - before).toBe(2);
  });

  it('never returns items of other kinds as entries, whichever account reads', async () => {
    // Arrange: a hub's held report and reserved items of kinds this version does not know
    for (const sourceServerId of [`#held/run-1/${MEMBER_A}`, '#later-kind', `${MEMBER_A}/#later-kind`, `${MEMBER_B}/`])
      await clients.dynamodb.send(new PutCommand({ TableName: TABLE, Item: { sourceServerId, version: 1 } }));

    // Act
    const ids = await Promise.all(
      [new DynamoDbRemediationLedger(clients.dynamodb, TABLE), member(MEMBER_A), member(MEMBER_B)].map(async (ledger) =>
        (await ledger.loadEntries()).map((found) => found.sourceServerId),
      ),
    );

    // Assert: source server IDs only, none with a reserved mark or an account in it
    for (const list of ids) {
      expect(list.length).toBeGreaterThan(0);
      for (const id of list) expect(id).toMatch(/^s-[0-9a-f]{17}$/);
    }
  });
});

describe("a member account's ledger", () => {
  it('refuses an account that is not 12 digits, naming it', () => {
    expect(
      () => new DynamoDbRemediationLedger(clients.dynamodb, TABLE, systemClock.sleep, { account: '1234' }),
    ).toThrow(/"1234"/);
  });
});
