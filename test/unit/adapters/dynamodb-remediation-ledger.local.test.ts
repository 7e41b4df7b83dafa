// The ledger against dynalite (an in-process DynamoDB implementation on 127.0.0.1), so the condition
// expressions and marshalling are checked by a real DynamoDB API, not by string comparison.
import type { AwsClients } from '../../../lambdas/adapters/aws-clients';
import { startLocalLedgerTable, type LocalLedgerTable } from '../../support/dynalite';
import {
  DynamoDbRemediationLedger,
  FREE_PERIOD_MARKS_KEY,
  INVENTORY_KEY,
} from '../../../lambdas/adapters/dynamodb-remediation-ledger';
import type { LedgerEntry } from '../../../lambdas/core/ledger';

const TABLE = 'mgn-doctor-ledger';
let table: LocalLedgerTable;
let clients: AwsClients;

beforeAll(async () => {
  table = await startLocalLedgerTable(TABLE);
  clients = table.clients;
});

afterAll(() => table.stop());

const entry = (sourceServerId: string, version: number, overrides: Partial<LedgerEntry> = {}): LedgerEntry => ({
  sourceServerId,
  version,
  status: 'OPEN',
  condition: 'STALLED',
  errorCode: undefined,
  since: '2026-11-26T09:45:00.000Z',
  attempts: version - 1,
  treatments: [],
  ...overrides,
});

describe('DynamoDbRemediationLedger on a DynamoDB API', () => {
  it('creates, updates and reloads an entry, nested treatments included', async () => {
    // Arrange
    const ledger = new DynamoDbRemediationLedger(clients.dynamodb, TABLE);
    const second = entry('s-0000000000000000a', 2, {
      treatments: [
        {
          at: '2026-11-26T09:45:03.000Z',
          runId: 'run-1',
          commands: [
            {
              commandId: 'e1b5c9a0-3f2d-4c6b-9a8e-7d6f5e4c3b2a',
              document: 'CheckDiskSpace',
              instanceId: 'mi-0123456789abcdef0',
              requestedAt: '2026-11-26T09:45:03.000Z',
              status: 'Success',
              responseCode: 0,
              summary: 'MGN_DOCTOR root_free_mib=10240',
            },
          ],
          sendErrors: ['InvalidInstanceId: not in a valid state'],
        },
      ],
    });

    // Act
    const created = await ledger.saveEntry(entry('s-0000000000000000a', 1));
    const updated = await ledger.saveEntry(second);
    const entries = await ledger.loadEntries();

    // Assert
    expect([created, updated]).toEqual(['SAVED', 'SAVED']);
    expect(entries.find((found) => found.sourceServerId === 's-0000000000000000a')).toEqual(
      // The undefined errorCode is not stored at all (removeUndefinedValues).
      Object.fromEntries(Object.entries(second).filter(([, value]) => value !== undefined)),
    );
  });

  it('refuses a second first version and a stale version as CONFLICT', async () => {
    // Arrange
    const ledger = new DynamoDbRemediationLedger(clients.dynamodb, TABLE);
    await ledger.saveEntry(entry('s-0000000000000000b', 1));
    await ledger.saveEntry(entry('s-0000000000000000b', 2));

    // Act
    const anotherFirst = await ledger.saveEntry(entry('s-0000000000000000b', 1));
    const stale = await ledger.saveEntry(entry('s-0000000000000000b', 2));
    const skipping = await ledger.saveEntry(entry('s-0000000000000000b', 4));
    const next = await ledger.saveEntry(entry('s-0000000000000000b', 3));

    // Assert
    expect([anotherFirst, stale, skipping, next]).toEqual(['CONFLICT', 'CONFLICT', 'CONFLICT', 'SAVED']);
  });
});

describe('the SSM inventory item beside the entries', () => {
  const inventory = {
    listedAt: '2026-11-26T10:00:00.000Z',
    nodes: Array.from({ length: 4000 }, (_, index) => ({
      instanceId: `mi-${index.toString(16).padStart(17, '0')}`,
      computerName: `srv-${String(index).padStart(5, '0')}.corp.example.com`,
      ipAddress: `10.20.${index >> 8}.${index & 255}`,
      platformType: index % 7 === 0 ? ('Windows' as const) : ('Linux' as const),
    })),
  };

  it('rides along in the scan: never an entry, and load() hands it over once', async () => {
    // Arrange
    const ledger = new DynamoDbRemediationLedger(clients.dynamodb, TABLE);
    await ledger.saveEntry(entry('s-0000000000000000c', 1));

    // Act
    await ledger.save(inventory);
    const entries = await ledger.loadEntries();
    const loaded = await ledger.load();
    const again = await ledger.load();

    // Assert: 4,000 nodes fit one item, and come back as they went
    const ids = entries.map((item) => item.sourceServerId);
    expect(ids).toContain('s-0000000000000000c');
    expect(ids).not.toContain(INVENTORY_KEY);
    expect(loaded).toEqual(inventory);
    expect(again).toBeUndefined();
  });

  it('an inventory that would not fit one item is refused, not half written', async () => {
    // Arrange: random IDs and names hardly compress (about 30 bytes a node)
    const ledger = new DynamoDbRemediationLedger(clients.dynamodb, TABLE);
    const randomHex = () => Array.from({ length: 17 }, () => Math.floor(Math.random() * 16).toString(16)).join('');
    const huge = {
      listedAt: inventory.listedAt,
      nodes: Array.from({ length: 30_000 }, () => ({
        instanceId: `mi-${randomHex()}`,
        computerName: `${Math.random().toString(36).slice(2)}${Math.random().toString(36).slice(2)}.example.com`,
      })),
    };

    // Act / Assert
    await expect(ledger.save(huge)).rejects.toThrow(/more than a ledger item holds/);
  });
});

describe('free-period marks on a DynamoDB API', () => {
  it('round-trip next to the entries, under versions, and never show up as an entry', async () => {
    // Arrange
    const ledger = new DynamoDbRemediationLedger(clients.dynamodb, TABLE);
    await ledger.saveEntry(entry('s-0000000000000000c', 1));
    const before = await ledger.loadFreePeriodMarks();

    // Act
    const first = await ledger.saveFreePeriodMarks({ version: 1, notified: { 's-0000000000000000d': 'ENDING' } });
    const stale = await ledger.saveFreePeriodMarks({ version: 1, notified: {} });
    const second = await ledger.saveFreePeriodMarks({
      version: 2,
      notified: { 's-0000000000000000d': 'ENDED', 's-0000000000000000e': 'ENDING' },
    });
    const after = await ledger.loadFreePeriodMarks();
    const entries = await ledger.loadEntries();

    // Assert
    expect(before).toEqual({ version: 0, notified: {} });
    expect([first, stale, second]).toEqual(['SAVED', 'CONFLICT', 'SAVED']);
    expect(after).toEqual({
      version: 2,
      notified: { 's-0000000000000000d': 'ENDED', 's-0000000000000000e': 'ENDING' },
    });
    expect(entries.map((found) => found.sourceServerId)).not.toContain(FREE_PERIOD_MARKS_KEY);
    expect(entries.map((found) => found.sourceServerId)).toContain('s-0000000000000000c');
  });
});
