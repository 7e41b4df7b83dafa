// A hub's ports for three member accounts over real HTTP (docs/design.md section 13): the real SDK clients talk
// to the project's MGN endpoint with a fleet per account (global view, `accountID`), to STS AssumeRole from moto
// behind a front that denies one account's spoke role (moto enforces no IAM), to one SSM front per account behind
// a router that goes by the signing access key, and to moto's DynamoDB for the ledger. Nothing leaves 127.0.0.1.
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { AwsAccountPortsProvider } from '../../lambdas/adapters/account-ports';
import { createAwsClients, type AwsClients } from '../../lambdas/adapters/aws-clients';
import { MgnManagedAccountDirectory } from '../../lambdas/adapters/mgn-managed-account-directory';
import type { LedgerEntry } from '../../lambdas/core/ledger';
import { AccountRunError, describeAccountFailure } from '../../lambdas/core/program/account-failure';
import type { AccountPorts } from '../../lambdas/core/program/ports';
import { spokeRoleName } from '../../lambdas/shared/program';
import { applyEnvironment, COMMAND_LOG_GROUP, DOCUMENT_NAMES, REGION } from '../support/doctor-harness';
import {
  aStalledApiSourceServer,
  anApiSourceServer,
  startFakeMgnEndpoint,
  type FakeMgnEndpoint,
} from '../support/fake-mgn-endpoint';
import { anInstanceInformation, startFakeSsmEndpoint, type FakeSsmEndpoint } from '../support/fake-ssm-endpoint';
import { describeWhereMotoRuns, startMotoServer, type MotoServer } from '../support/moto-server';
import { AccountRouter, ALPHA, BRAVO, DENYING, HUB, SPOKE_DOCUMENTS, StsFront } from '../support/spoke-accounts';

const describeWithMoto = describeWhereMotoRuns();

const TABLE = 'mgn-replication-doctor-hub-ledger';
const ROLE = spokeRoleName(REGION);
const RUN_ID = 'program-run-1';

const serverId = (tag: string): string => `s-${tag.padEnd(17, '0')}`;
const nodeId = (tag: string): string => `mi-${tag.padEnd(17, '0')}`;
/** The same server ID in two accounts: nothing may mix them up. */
const SHARED_ID = serverId('5a3ed');

const fleetOf = (hostnames: readonly string[]) =>
  hostnames.map((hostname, index) =>
    (index === 0 ? aStalledApiSourceServer : anApiSourceServer)({
      sourceServerID: index === 0 ? SHARED_ID : serverId(`${hostname.replace(/[^a-f0-9]/g, '')}${index}`),
      sourceProperties: { identificationHints: { hostname } },
    }),
  );

const nodesOf = (prefix: string, count: number) =>
  Array.from({ length: count }, (_, index) =>
    anInstanceInformation({
      InstanceId: nodeId(`${prefix}${index}`),
      ComputerName: `${prefix}-${index}.corp.example.com`,
    }),
  );

const entry = (sourceServerId: string, hostname: string): LedgerEntry => ({
  sourceServerId,
  version: 1,
  status: 'OPEN',
  condition: 'STALLED',
  hostname,
  since: '2026-12-07T10:00:00.000Z',
  attempts: 0,
  treatments: [],
});

describeWithMoto('a hub reaching three member accounts over HTTP', () => {
  let moto: MotoServer;
  let mgn: FakeMgnEndpoint;
  let ssm: Record<string, FakeSsmEndpoint>;
  let sts: StsFront;
  let router: AccountRouter;
  let clients: AwsClients;
  let restore: () => void;

  beforeAll(async () => {
    moto = await startMotoServer();
    mgn = await startFakeMgnEndpoint({
      ownAccount: HUB,
      servers: fleetOf(['hub-app']),
      memberAccounts: {
        [ALPHA]: { servers: fleetOf(['alpha-db', 'alpha-web']) },
        [BRAVO]: { servers: fleetOf(['bravo-erp']) },
        [DENYING]: { servers: fleetOf(['denying-app']) },
      },
      // Pages of one: every listing pages, and each page must name the account again.
      maxPageSize: 1,
    });
    ssm = {
      [HUB]: await startFakeSsmEndpoint({ motoEndpoint: moto.endpoint, region: REGION, nodes: nodesOf('c0', 2) }),
      [ALPHA]: await startFakeSsmEndpoint({ motoEndpoint: moto.endpoint, region: REGION, nodes: nodesOf('a1', 60) }),
      [BRAVO]: await startFakeSsmEndpoint({ motoEndpoint: moto.endpoint, region: REGION, nodes: nodesOf('b2', 3) }),
      [DENYING]: await startFakeSsmEndpoint({ motoEndpoint: moto.endpoint, region: REGION, nodes: nodesOf('d3', 1) }),
    };
    sts = await StsFront.start({ target: moto.endpoint, ownAccount: HUB, deniedAccounts: [DENYING] });
    router = await AccountRouter.start(
      Object.fromEntries(Object.entries(ssm).map(([account, front]) => [account, front.url])),
      (key) => sts.accountOf(key),
    );
    restore = applyEnvironment({
      AWS_REGION: REGION,
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      AWS_SESSION_TOKEN: undefined,
      AWS_PROFILE: undefined,
      AWS_EC2_METADATA_DISABLED: 'true',
      // Every service pointed at 127.0.0.1; anything else fails fast (nothing listens on 1).
      AWS_ENDPOINT_URL: 'http://127.0.0.1:1',
      AWS_ENDPOINT_URL_MGN: mgn.url,
      AWS_ENDPOINT_URL_SSM: router.url,
      AWS_ENDPOINT_URL_STS: sts.url,
      AWS_ENDPOINT_URL_DYNAMODB: moto.endpoint,
    });
    clients = createAwsClients({ region: REGION, maxAttempts: 1 });
    const tables = new DynamoDBClient({ region: REGION, endpoint: moto.endpoint });
    await tables.send(
      new CreateTableCommand({
        TableName: TABLE,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [{ AttributeName: 'sourceServerId', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'sourceServerId', KeyType: 'HASH' }],
      }),
    );
    tables.destroy();
  }, 90_000);

  afterAll(async () => {
    restore?.();
    for (const client of [clients?.mgn, clients?.ssm, clients?.dynamodb]) client?.destroy();
    await Promise.allSettled([
      mgn?.close(),
      sts?.close(),
      router?.close(),
      ...Object.values(ssm ?? {}).map((front) => front.close()),
    ]);
    await moto?.stop();
  });

  const provider = () =>
    new AwsAccountPortsProvider({
      clients,
      config: { ledgerTableName: TABLE, documentNames: DOCUMENT_NAMES, commandLogGroup: COMMAND_LOG_GROUP },
      hub: { spokeRoleName: ROLE, spokeDocumentNames: SPOKE_DOCUMENTS },
      ownAccount: HUB,
      region: REGION,
      runId: RUN_ID,
    });

  /** What one account's ports see: its servers, its nodes, and its ledger after writing one entry. */
  const look = async (ports: AccountPorts, hostname: string) => {
    const servers = await ports.servers.listSourceServers();
    const nodes = await ports.nodes.listNodes();
    await ports.ledger.saveEntries([entry(SHARED_ID, hostname)]);
    const entries = await ports.ledger.loadEntries();
    return {
      servers: servers.map((server) => server.hostname).sort(),
      nodes: nodes.length,
      entries: entries.map((found) => `${found.sourceServerId} ${found.hostname}`),
    };
  };

  it('lists the organization, treats the hub and two members apart, and reports the third in one line', async () => {
    // Arrange
    const ports = provider();
    const accounts = await new MgnManagedAccountDirectory(clients.mgn).listManagedAccounts();

    // Act: every account at once, as the program's Map runs them
    const results = await Promise.allSettled(
      accounts.map(async (account) => {
        const hostname = `entry-of-${account}`;
        return look(await ports.portsFor(account), hostname);
      }),
    );

    // Assert: the organization, paged one account a page
    expect(accounts).toEqual([HUB, ALPHA, BRAVO, DENYING]);
    expect(mgn.callCount('ListManagedAccounts')).toBe(4);
    const [hub, alpha, bravo, denied] = results;
    // Each account its own servers, nodes (60: two pages of DescribeInstanceInformation) and ledger entry
    expect(hub).toEqual({
      status: 'fulfilled',
      value: { servers: ['hub-app'], nodes: 2, entries: [`${SHARED_ID} entry-of-${HUB}`] },
    });
    expect(alpha).toEqual({
      status: 'fulfilled',
      value: { servers: ['alpha-db', 'alpha-web'], nodes: 60, entries: [`${SHARED_ID} entry-of-${ALPHA}`] },
    });
    expect(bravo).toEqual({
      status: 'fulfilled',
      value: { servers: ['bravo-erp'], nodes: 3, entries: [`${SHARED_ID} entry-of-${BRAVO}`] },
    });
    // The third: one line, the account, what to do, and STS's own error; none of its calls were made
    expect(denied?.status).toBe('rejected');
    const failure = (denied as PromiseRejectedResult).reason as AccountRunError;
    expect(failure).toBeInstanceOf(AccountRunError);
    expect(failure.line).toMatch(
      new RegExp(
        `^Account ${DENYING}: the hub may not assume ${ROLE} there: deploy the spoke stack \\(MgnReplicationDoctorSpoke\\) to this account and Region \\(AccessDenied: User: .* is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::${DENYING}:role/${ROLE}\\)$`,
      ),
    );
    expect(failure.line.split('\n')).toHaveLength(1);
    // MGN named each member on every page (the hub's own calls name none); the denied account got no call
    expect(mgn.accountsOf('DescribeSourceServers').sort()).toEqual([undefined, ALPHA, ALPHA, BRAVO].sort());
    // SSM went to each account's own front, signed with its spoke session; nothing to the denied one
    expect(router.operationsOf(HUB)).toEqual(['DescribeInstanceInformation']);
    expect(router.operationsOf(ALPHA)).toEqual(['DescribeInstanceInformation', 'DescribeInstanceInformation']);
    expect(router.operationsOf(BRAVO)).toEqual(['DescribeInstanceInformation']);
    expect(router.requests.filter((request) => request.account === undefined || request.account === DENYING)).toEqual(
      [],
    );
    // One AssumeRole per member account, the run in the session name; none for the hub itself
    expect(
      sts.assumeRoleRequests.map((request) => [request.account, request.roleArn, request.sessionName]).sort(),
    ).toEqual(
      [ALPHA, BRAVO, DENYING].map((account) => [
        account,
        `arn:aws:iam::${account}:role/${ROLE}`,
        `mgn-doctor-${RUN_ID}`,
      ]),
    );
  });

  it("an account where MGN is not initialized fails its own listing with the line that says so; the others' go on", async () => {
    // Arrange
    mgn.clearRecords();
    mgn.failAccount(BRAVO, {
      status: 400,
      errorType: 'UninitializedAccountException',
      message: 'Account is not initialized',
    });
    const ports = provider();

    // Act
    const [alpha, bravo] = await Promise.allSettled(
      [ALPHA, BRAVO].map(async (account) => (await ports.portsFor(account)).servers.listSourceServers()),
    );

    // Assert
    expect(alpha?.status).toBe('fulfilled');
    expect(bravo?.status).toBe('rejected');
    const error = (bravo as PromiseRejectedResult).reason;
    expect(error).toMatchObject({ name: 'UninitializedAccountException' });
    expect(describeAccountFailure(error, { account: BRAVO, region: REGION, spokeRoleName: ROLE })).toBe(
      `Account ${BRAVO}: Application Migration Service is not initialized in ${REGION}: nothing to treat until it is (UninitializedAccountException: Account is not initialized)`,
    );
    mgn.clearRecords();
  });
});
