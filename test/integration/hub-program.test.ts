// A hub's program run through the real handler over HTTP (docs/design.md sections 7 and 13): the three payloads the
// state machine sends, against the project's MGN endpoint with a fleet per member account, moto's STS AssumeRole
// behind a front that denies one account's spoke role, one SSM front per account, and moto's DynamoDB and SNS.
// Two accounts are treated, the third is one line, and one digest goes out. Nothing leaves 127.0.0.1.
import type { Context } from 'aws-lambda';
import type { AccountList, AccountRunResult } from '../../lambdas/shared/program';
import { ENV } from '../../lambdas/shared/environment';
import { spokeRoleName } from '../../lambdas/shared/program';
import {
  aLambdaContext,
  applyEnvironment,
  REGION,
  startDoctorHarness,
  type DoctorHarness,
} from '../support/doctor-harness';
import { aStalledApiSourceServer, startFakeMgnEndpoint, type FakeMgnEndpoint } from '../support/fake-mgn-endpoint';
import { anInstanceInformation, startFakeSsmEndpoint, type FakeSsmEndpoint } from '../support/fake-ssm-endpoint';
import { describeWhereMotoRuns } from '../support/moto-server';
import { AccountRouter, ALPHA, BRAVO, DENYING, HUB, SPOKE_DOCUMENTS, StsFront } from '../support/spoke-accounts';

const describeWithMoto = describeWhereMotoRuns();

const ROLE = spokeRoleName(REGION);
const RUN_ID = 'program-run-1';

type Handler = (event: unknown, context: Context) => Promise<unknown>;

/** One stalled server per account, and the SSM node of its host. */
const stalledServer = (account: string, hostname: string) =>
  aStalledApiSourceServer({
    sourceServerID: `s-${account.slice(0, 5)}000000000001`,
    arn: `arn:aws:mgn:${REGION}:${account}:source-server/s-${account.slice(0, 5)}000000000001`,
    sourceProperties: { identificationHints: { hostname, fqdn: `${hostname}.corp.example.com` } },
  });
const nodeOf = (account: string, hostname: string) =>
  anInstanceInformation({
    InstanceId: `mi-${account.slice(0, 5)}000000000001`,
    ComputerName: `${hostname}.corp.example.com`,
  });

describeWithMoto('a hub program run across three accounts over HTTP, one denying the role', () => {
  let harness: DoctorHarness;
  let mgn: FakeMgnEndpoint;
  let ssm: Record<string, FakeSsmEndpoint>;
  let sts: StsFront;
  let router: AccountRouter;
  let restore: () => void;
  let handler: Handler;
  let requests = 0;
  const context = () => aLambdaContext(`${(++requests).toString(16).padStart(8, '0')}-5e1f-4c2b-9d0e-7a6b5c4d3e2f`);

  beforeAll(async () => {
    harness = await startDoctorHarness();
    mgn = await startFakeMgnEndpoint({
      ownAccount: HUB,
      servers: [],
      memberAccounts: {
        [ALPHA]: { servers: [stalledServer(ALPHA, 'alpha-db')] },
        [BRAVO]: { servers: [stalledServer(BRAVO, 'bravo-erp')] },
        [DENYING]: { servers: [stalledServer(DENYING, 'denying-app')] },
      },
    });
    const front = (account: string, hostname: string) =>
      startFakeSsmEndpoint({ motoEndpoint: harness.moto.endpoint, region: REGION, nodes: [nodeOf(account, hostname)] });
    ssm = {
      [ALPHA]: await front(ALPHA, 'alpha-db'),
      [BRAVO]: await front(BRAVO, 'bravo-erp'),
      [DENYING]: await front(DENYING, 'denying-app'),
    };
    sts = await StsFront.start({ target: harness.moto.endpoint, ownAccount: HUB, deniedAccounts: [DENYING] });
    router = await AccountRouter.start(
      Object.fromEntries(Object.entries(ssm).map(([account, served]) => [account, served.url])),
      (key) => sts.accountOf(key),
    );
    restore = applyEnvironment({
      ...harness.environment({ resultWaitSeconds: 0, findingEvents: false, opsItems: false }),
      [ENV.programAccounts]: [ALPHA, BRAVO, DENYING].join(','),
      [ENV.spokeRoleName]: ROLE,
      [ENV.spokeDocumentNames]: JSON.stringify(SPOKE_DOCUMENTS),
      AWS_ENDPOINT_URL_MGN: mgn.url,
      AWS_ENDPOINT_URL_SSM: router.url,
      AWS_ENDPOINT_URL_STS: sts.url,
    });
    jest.isolateModules(() => {
      handler = (require('../../lambdas/handlers/run-doctor') as { handler: Handler }).handler;
    });
  }, 120_000);

  afterAll(async () => {
    restore?.();
    await Promise.allSettled([
      mgn?.close(),
      sts?.close(),
      router?.close(),
      ...Object.values(ssm ?? {}).map((served) => served.close()),
    ]);
    await harness?.stop();
  });

  it('treats two accounts, reports the third in one line, and publishes one digest', async () => {
    // Act: the state machine's three steps, the Map's iterations one after another
    const list = (await handler({ program: 'list-accounts', runId: RUN_ID }, context())) as AccountList;
    const results: AccountRunResult[] = [];
    for (const account of list.accounts)
      results.push((await handler({ program: 'run-account', runId: RUN_ID, account }, context())) as AccountRunResult);
    const outcome = await handler({ program: 'publish-digest', runId: RUN_ID, results }, context());

    // Assert: the accounts and their results
    expect(list).toEqual({ runId: RUN_ID, accounts: [ALPHA, BRAVO, DENYING] });
    expect(results).toEqual([
      { account: ALPHA, held: true },
      { account: BRAVO, held: true },
      {
        account: DENYING,
        held: false,
        failure: expect.stringMatching(
          new RegExp(`^Account ${DENYING}: the hub may not assume ${ROLE} there: .*\\(AccessDenied: `),
        ),
      },
    ]);
    // Two accounts treated, each through its own SSM front with the spoke's documents; none for the denied one
    const documentsSent = (account: string) =>
      ssm[account]
        ?.requestsFor('SendCommand')
        .map((request) => (request.body as { DocumentName?: string }).DocumentName);
    for (const account of [ALPHA, BRAVO])
      expect(documentsSent(account)).toContain(SPOKE_DOCUMENTS.RestartReplicationAgent);
    expect(ssm[DENYING]?.requestsFor('SendCommand')).toEqual([]);
    expect(mgn.accountsOf('DescribeSourceServers').sort()).toEqual([ALPHA, BRAVO]);
    // One digest: both accounts' sections and the third's line
    expect(outcome).toMatchObject({ published: true, accounts: 2, failedAccounts: 1 });
    const notifications = await harness.publishedNotifications();
    expect(notifications).toHaveLength(1);
    expect(notifications[0]?.subject).toBe(`MGN ${REGION}: 1 account not treated, 2 stalled (3 accounts)`);
    const text = (JSON.parse(notifications[0]?.message ?? '{}') as { default: string }).default;
    expect(text).toContain(`=== Account ${ALPHA} — 1 stalled ===`);
    expect(text).toContain('alpha-db');
    expect(text).toContain(`=== Account ${BRAVO} — 1 stalled ===`);
    expect(text).toContain('bravo-erp');
    expect(text).toContain(`== Accounts not treated (1) ==\nAccount ${DENYING}: the hub may not assume ${ROLE}`);
    // The ledger: each treated account's entry under its own key, told; the held reports released
    const items = await harness.ledgerItems();
    const entries = items.filter((item) => /^\d{12}\/s-/.test(String(item.sourceServerId)));
    expect(entries.map((item) => String(item.sourceServerId).split('/')[0]).sort()).toEqual([ALPHA, BRAVO]);
    expect(entries.every((item) => typeof item.notifiedAt === 'string')).toBe(true);
    const held = items.filter((item) => String(item.sourceServerId).startsWith('#held/'));
    expect(held.map((item) => [item.sourceServerId, item.released])).toEqual(
      expect.arrayContaining([
        [`#held/${RUN_ID}/${ALPHA}`, true],
        [`#held/${RUN_ID}/${BRAVO}`, true],
      ]),
    );
  });
});
