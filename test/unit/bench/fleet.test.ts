// The benchmark's generated fleet and the minimum calls it derives from it (docs/design.md section 12).
import { generateFleet, inventoryNeedPage, minimumCalls, stalledIndexes } from '../../../scripts/bench/fleet';

const asRecord = (calls: ReturnType<typeof minimumCalls>): Record<string, number> =>
  Object.fromEntries(calls.map((call) => [call.operation, call.minimum]));

describe('generateFleet', () => {
  test('lists the servers, marks the stalled ones, and gives every host its SSM node', () => {
    // Act
    const fleet = generateFleet({ servers: 100, stalled: 4, archived: 2, nodes: 110 });

    // Assert
    expect(fleet.sourceServers).toHaveLength(102);
    expect(fleet.sourceServers.filter((server) => server.isArchived)).toHaveLength(2);
    const stalled = fleet.sourceServers.filter(
      (server) => server.dataReplicationInfo?.dataReplicationState === 'STALLED',
    );
    expect(stalled.map((server) => server.sourceServerID)).toEqual(fleet.stalledIds);
    expect(stalledIndexes(100, 4)).toEqual([12, 37, 62, 87]);
    expect(fleet.nodes).toHaveLength(110);
    expect(fleet.nodes[12]?.ComputerName).toBe(
      `${stalled[0]?.sourceProperties?.identificationHints?.hostname}.corp.example.com`,
    );
    // Nothing but the stalled servers is affected: no lag, no unknown state.
    const others = fleet.sourceServers.filter((server) => !fleet.stalledIds.includes(server.sourceServerID));
    expect(
      others.every((server) =>
        ['CONTINUOUS', 'INITIAL_SYNC', 'DISCONNECTED'].includes(server.dataReplicationInfo?.dataReplicationState ?? ''),
      ),
    ).toBe(true);
    expect(others.every((server) => ['PT0S', undefined].includes(server.dataReplicationInfo?.lagDuration))).toBe(true);
  });

  test('puts listed servers in MGN applications and applications in waves, when asked to', () => {
    // Act
    const plain = generateFleet({ servers: 10, stalled: 1 });
    const fleet = generateFleet({
      servers: 450,
      stalled: 3,
      archived: 1,
      serversPerApplication: 200,
      applicationsPerWave: 2,
    });

    // Assert
    expect([plain.applications, plain.waves]).toEqual([[], []]);
    expect(plain.sourceServers.every((server) => server.applicationID === undefined)).toBe(true);
    expect(
      fleet.applications.map((application) => [application.applicationID, application.name, application.waveID]),
    ).toEqual([
      ['app-00000000000000001', 'app-001', 'wave-00000000000000001'],
      ['app-00000000000000002', 'app-002', 'wave-00000000000000001'],
      ['app-00000000000000003', 'app-003', 'wave-00000000000000002'],
    ]);
    expect(fleet.waves.map((wave) => [wave.waveID, wave.name])).toEqual([
      ['wave-00000000000000001', 'Wave 1'],
      ['wave-00000000000000002', 'Wave 2'],
    ]);
    const inApplication = (n: number) =>
      fleet.sourceServers.filter((server) => server.applicationID === `app-${String(n).padStart(17, '0')}`).length;
    expect([inApplication(1), inApplication(2), inApplication(3)]).toEqual([200, 200, 50]);
    expect(fleet.sourceServers.find((server) => server.isArchived)?.applicationID).toBeUndefined();
    expect(() => generateFleet({ servers: 10, stalled: 0, serversPerApplication: 201 })).toThrow(/200/);
  });

  test('refuses a fleet whose hosts have no SSM nodes', () => {
    expect(() => generateFleet({ servers: 10, stalled: 1, nodes: 5 })).toThrow(/nodes/);
  });
});

describe('minimumCalls', () => {
  test('states docs/design.md section 12 for 4,000 servers, 150 stalled, 4,000 SSM nodes', () => {
    // Act
    const calls = minimumCalls(generateFleet({ servers: 4000, stalled: 150, nodes: 4000 }));

    // Assert
    expect(asRecord(calls)).toEqual({
      'mgn:DescribeSourceServers': 4,
      'dynamodb:Scan': 1,
      'ssm:DescribeInstanceInformation': 80,
      'ssm:SendCommand': 9,
      'ssm:ListCommandInvocations': 9,
      'sns:Publish': 1,
      'dynamodb:TransactWriteItems': 6,
      'dynamodb:PutItem': 1,
      'ec2:DescribeInstances': 0,
    });
    expect(calls.find((call) => call.operation === 'ec2:DescribeInstances')?.alsoAccepted).toEqual([1]);
  });

  test('ledger writes: a lone treated server writes with PutItem, more go 100 to a transaction', () => {
    const ledgerCalls = (stalled: number) => {
      const calls = asRecord(minimumCalls(generateFleet({ servers: 1000, stalled, nodes: 1000 })));
      return [calls['dynamodb:TransactWriteItems'], calls['dynamodb:PutItem']];
    };

    expect(ledgerCalls(1)).toEqual([0, 4]);
    expect(ledgerCalls(2)).toEqual([3, 1]);
    expect(ledgerCalls(100)).toEqual([3, 1]);
    expect(ledgerCalls(101)).toEqual([6, 1]);
  });

  test('a fleet with nothing affected needs the MGN listing and the ledger scan only', () => {
    expect(asRecord(minimumCalls(generateFleet({ servers: 2500, stalled: 0 })))).toEqual({
      'mgn:DescribeSourceServers': 3,
      'dynamodb:Scan': 1,
    });
  });
});

describe('inventoryNeedPage', () => {
  test('the MGN page of the first stalled server, when the mass-stall rule is off', () => {
    // Act / Assert: 150 spread over 4,000 start at index 13; one in 4,000 sits at index 2,000 (page 3)
    expect(inventoryNeedPage(generateFleet({ servers: 4000, stalled: 150 }), 0)).toBe(1);
    expect(inventoryNeedPage(generateFleet({ servers: 4000, stalled: 1 }), 0)).toBe(3);
    expect(inventoryNeedPage(generateFleet({ servers: 4000, stalled: 1, stalledLayout: 'block' }), 0)).toBe(1);
  });

  test('none with nothing stalled, or with the mass-stall rule on (only the last page tells)', () => {
    expect(inventoryNeedPage(generateFleet({ servers: 4000, stalled: 0 }), 0)).toBeUndefined();
    expect(inventoryNeedPage(generateFleet({ servers: 4000, stalled: 150 }), 20)).toBeUndefined();
  });
});
