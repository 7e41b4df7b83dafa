import {
  DescribeInstanceInformationCommand,
  SSMClient,
  type DescribeInstanceInformationCommandOutput,
  type InstanceInformation,
} from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { SsmManagedNodeDirectory } from '../../../lambdas/adapters/ssm-managed-node-directory';

type Page = Omit<DescribeInstanceInformationCommandOutput, '$metadata'>;

const ssmMock = mockClient(SSMClient);
const hybridId = (n: number): string => `mi-${n.toString(16).padStart(17, '0')}`;
const node = (id: string): InstanceInformation => ({ InstanceId: id, PingStatus: 'Online' });

beforeEach(() => ssmMock.reset());

describe('SsmManagedNodeDirectory.listNodes', () => {
  it('reads every page, 50 at a time, without a filter', async () => {
    // Arrange
    const pages: Page[] = [
      { InstanceInformationList: [node(hybridId(1)), node(hybridId(2))], NextToken: 'page-2' },
      { InstanceInformationList: [node(hybridId(3))], NextToken: 'page-3' },
      { InstanceInformationList: [node('i-0fedcba9876543210')] },
    ];
    ssmMock
      .on(DescribeInstanceInformationCommand)
      .resolvesOnce(pages[0] ?? {})
      .resolvesOnce(pages[1] ?? {})
      .resolvesOnce(pages[2] ?? {});
    const directory = new SsmManagedNodeDirectory(new SSMClient({}));

    // Act
    const nodes = await directory.listNodes();

    // Assert
    expect(nodes.map((found) => found.instanceId)).toEqual([
      hybridId(1),
      hybridId(2),
      hybridId(3),
      'i-0fedcba9876543210',
    ]);
    expect(ssmMock).toHaveReceivedCommandTimes(DescribeInstanceInformationCommand, 3);
    expect(ssmMock).toHaveReceivedNthSpecificCommandWith(1, DescribeInstanceInformationCommand, {
      MaxResults: 50,
      NextToken: undefined,
      Filters: undefined,
    });
    expect(ssmMock).toHaveReceivedNthSpecificCommandWith(2, DescribeInstanceInformationCommand, {
      MaxResults: 50,
      NextToken: 'page-2',
    });
    expect(ssmMock).toHaveReceivedNthSpecificCommandWith(3, DescribeInstanceInformationCommand, {
      MaxResults: 50,
      NextToken: 'page-3',
    });
  });

  it('maps a managed node, the last ping as an ISO string', async () => {
    // Arrange
    const info: InstanceInformation = {
      InstanceId: 'mi-0123456789abcdef0',
      PingStatus: 'ConnectionLost',
      LastPingDateTime: new Date('2026-11-26T09:41:12Z'),
      AgentVersion: '3.3.1142.0',
      PlatformType: 'Windows',
      PlatformName: 'Microsoft Windows Server 2019 Datacenter',
      ResourceType: 'ManagedInstance',
      ComputerName: 'APP-02.corp.example.com',
      IPAddress: '10.0.5.17',
    };
    ssmMock.on(DescribeInstanceInformationCommand).resolves({ InstanceInformationList: [info] });
    const directory = new SsmManagedNodeDirectory(new SSMClient({}));

    // Act
    const nodes = await directory.listNodes();

    // Assert
    expect(nodes).toEqual([
      {
        instanceId: 'mi-0123456789abcdef0',
        pingStatus: 'ConnectionLost',
        platformType: 'Windows',
        computerName: 'APP-02.corp.example.com',
        ipAddress: '10.0.5.17',
        lastPingDateTime: '2026-11-26T09:41:12.000Z',
      },
    ]);
  });

  it('never reports a node without a ping status as Online, and skips entries without an ID', async () => {
    // Arrange
    ssmMock
      .on(DescribeInstanceInformationCommand)
      .resolves({ InstanceInformationList: [{ InstanceId: hybridId(7) }, { PingStatus: 'Online' }] });
    const directory = new SsmManagedNodeDirectory(new SSMClient({}));

    // Act
    const nodes = await directory.listNodes();

    // Assert
    expect(nodes).toEqual([{ instanceId: hybridId(7), pingStatus: 'Unknown' }]);
  });
});

describe('SsmManagedNodeDirectory.describeNodes', () => {
  it('filters by instance ID, 50 IDs per call: 120 IDs are 3 calls', async () => {
    // Arrange
    const ids = Array.from({ length: 120 }, (_, n) => hybridId(n));
    ssmMock.on(DescribeInstanceInformationCommand).callsFake((input: { Filters?: { Values?: string[] }[] }) => ({
      InstanceInformationList: (input.Filters?.[0]?.Values ?? []).map(node),
    }));
    const directory = new SsmManagedNodeDirectory(new SSMClient({}));

    // Act
    const nodes = await directory.describeNodes(ids);

    // Assert
    expect(nodes.map((found) => found.instanceId)).toEqual(ids);
    expect(ssmMock).toHaveReceivedCommandTimes(DescribeInstanceInformationCommand, 3);
    [ids.slice(0, 50), ids.slice(50, 100), ids.slice(100)].forEach((batch, index) => {
      expect(ssmMock).toHaveReceivedNthSpecificCommandWith(index + 1, DescribeInstanceInformationCommand, {
        Filters: [{ Key: 'InstanceIds', Values: batch }],
        MaxResults: 50,
      });
    });
  });

  it('follows pages within one ID batch', async () => {
    // Arrange
    ssmMock
      .on(DescribeInstanceInformationCommand)
      .resolvesOnce({ InstanceInformationList: [node(hybridId(1))], NextToken: 'more' })
      .resolvesOnce({ InstanceInformationList: [node(hybridId(2))] });
    const directory = new SsmManagedNodeDirectory(new SSMClient({}));

    // Act
    const nodes = await directory.describeNodes([hybridId(1), hybridId(2)]);

    // Assert
    expect(nodes.map((found) => found.instanceId)).toEqual([hybridId(1), hybridId(2)]);
    expect(ssmMock).toHaveReceivedNthSpecificCommandWith(2, DescribeInstanceInformationCommand, {
      Filters: [{ Key: 'InstanceIds', Values: [hybridId(1), hybridId(2)] }],
      NextToken: 'more',
    });
  });

  it('asks once per distinct ID, and not at all for none', async () => {
    // Arrange
    ssmMock.on(DescribeInstanceInformationCommand).resolves({ InstanceInformationList: [] });
    const directory = new SsmManagedNodeDirectory(new SSMClient({}));

    // Act
    const none = await directory.describeNodes([]);
    await directory.describeNodes([hybridId(1), hybridId(1)]);

    // Assert
    expect(none).toEqual([]);
    expect(ssmMock).toHaveReceivedCommandTimes(DescribeInstanceInformationCommand, 1);
    expect(ssmMock).toHaveReceivedCommandWith(DescribeInstanceInformationCommand, {
      Filters: [{ Key: 'InstanceIds', Values: [hybridId(1)] }],
    });
  });
});
