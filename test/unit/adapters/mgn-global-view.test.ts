// MGN's global view for a hub (docs/design.md section 13): a member account's calls all name it, and the
// organization's accounts come from ListManagedAccounts, every page.
import {
  DescribeSourceServersCommand,
  GetReplicationConfigurationCommand,
  ListApplicationsCommand,
  ListManagedAccountsCommand,
  ListWavesCommand,
  MgnClient,
  RetryDataReplicationCommand,
  UninitializedAccountException,
} from '@aws-sdk/client-mgn';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { MgnManagedAccountDirectory } from '../../../lambdas/adapters/mgn-managed-account-directory';
import { MgnSourceServerRepository } from '../../../lambdas/adapters/mgn-source-server-repository';

// client-mgn 3.523 is built on the smithy v2 type tree, aws-sdk-client-mock's typings on v4: casts as in
// mgn-source-server-repository.test.ts.
const mgnMock = mockClient(MgnClient as any);
const command = (type: unknown): any => type;

const MEMBER = '444455556666';
const serverId = (n: number): string => `s-${n.toString(16).padStart(17, '0')}`;
const waveId = (n: number): string => `wave-${n.toString(16).padStart(17, '0')}`;

beforeEach(() => mgnMock.reset());

/** Every call the repository can make, with ID lists long enough to need several requests, and pages. */
async function exerciseEveryCall(repository: MgnSourceServerRepository): Promise<void> {
  mgnMock
    .on(command(DescribeSourceServersCommand))
    .resolvesOnce({ items: [{ sourceServerID: serverId(1) }], nextToken: 'next' } as never)
    .resolves({ items: [{ sourceServerID: serverId(2) }] } as never);
  mgnMock
    .on(command(ListApplicationsCommand))
    .resolvesOnce({ items: [], nextToken: 'next' } as never)
    .resolves({ items: [] } as never);
  mgnMock
    .on(command(ListWavesCommand))
    .resolvesOnce({ items: [], nextToken: 'next' } as never)
    .resolves({ items: [] } as never);
  mgnMock.on(command(RetryDataReplicationCommand)).resolves({} as never);
  mgnMock.on(command(GetReplicationConfigurationCommand)).resolves({} as never);
  await repository.listSourceServers();
  await repository.listSourceServers({
    sourceServerIds: Array.from({ length: 250 }, (_, n) => serverId(n)),
    applicationIds: ['app-00000000000000001'],
  });
  await repository.listApplications();
  await repository.listApplications({ waveIds: Array.from({ length: 201 }, (_, n) => waveId(n)) });
  await repository.listWaves();
  await repository.retryDataReplication(serverId(1));
  await repository.getReplicationSettings(serverId(1));
}

describe('MgnSourceServerRepository in a member account', () => {
  it('sends accountID on every call, pages and ID batches included', async () => {
    // Act
    await exerciseEveryCall(new MgnSourceServerRepository(new MgnClient({}), { accountID: MEMBER }));

    // Assert: 12 calls (3 + 2 describe, 2 + 2 applications, 2 waves, a retry, the settings), each naming the account
    const inputs = mgnMock.calls().map((call) => (call.args[0] as { input: Record<string, unknown> }).input);
    expect(inputs).toHaveLength(12);
    for (const input of inputs) expect(input.accountID).toBe(MEMBER);
    expect(mgnMock).toHaveReceivedCommandWith(command(RetryDataReplicationCommand), {
      accountID: MEMBER,
      sourceServerID: serverId(1),
    });
    expect(mgnMock).toHaveReceivedCommandWith(command(GetReplicationConfigurationCommand), {
      accountID: MEMBER,
      sourceServerID: serverId(1),
    });
  });

  it("sends no accountID at all for the caller's own account (requests unchanged)", async () => {
    // Act
    await exerciseEveryCall(new MgnSourceServerRepository(new MgnClient({})));

    // Assert
    const inputs = mgnMock.calls().map((call) => (call.args[0] as { input: Record<string, unknown> }).input);
    expect(inputs).toHaveLength(12);
    for (const input of inputs) expect(Object.keys(input)).not.toContain('accountID');
  });
});

describe('MgnManagedAccountDirectory', () => {
  it('lists every page, 1000 at a time, each account once, leaving out what is not an account ID', async () => {
    // Arrange
    mgnMock
      .on(command(ListManagedAccountsCommand))
      .resolvesOnce({ items: [{ accountId: '111122223333' }, { accountId: MEMBER }], nextToken: 'page-2' } as never)
      .resolvesOnce({
        items: [{ accountId: MEMBER }, {}, { accountId: 'not-an-account' }],
        nextToken: 'page-3',
      } as never)
      .resolvesOnce({ items: [{ accountId: '777788889999' }] } as never);

    // Act
    const accounts = await new MgnManagedAccountDirectory(new MgnClient({})).listManagedAccounts();

    // Assert
    expect(accounts).toEqual(['111122223333', MEMBER, '777788889999']);
    expect(mgnMock).toHaveReceivedCommandTimes(command(ListManagedAccountsCommand), 3);
    const inputs = mgnMock.calls().map((call) => (call.args[0] as { input: unknown }).input);
    expect(inputs).toEqual([
      { maxResults: 1000, nextToken: undefined },
      { maxResults: 1000, nextToken: 'page-2' },
      { maxResults: 1000, nextToken: 'page-3' },
    ]);
  });

  it("lets MGN's refusal propagate (no trusted access, or not an administrator): the hub says what to enable", async () => {
    // Arrange
    mgnMock
      .on(command(ListManagedAccountsCommand))
      .rejects(new UninitializedAccountException({ message: 'Account is not initialized', $metadata: {} }) as never);

    // Act / Assert
    await expect(new MgnManagedAccountDirectory(new MgnClient({})).listManagedAccounts()).rejects.toMatchObject({
      name: 'UninitializedAccountException',
    });
  });
});
