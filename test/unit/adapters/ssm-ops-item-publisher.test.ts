// SsmOpsItemPublisher against aws-sdk-client-mock: the CreateOpsItem request as the SSM API shapes it, a retried
// create answered with the open item, one throttled call among many, and resolution through DescribeOpsItems.
import {
  CreateOpsItemCommand,
  DescribeOpsItemsCommand,
  OpsItemAlreadyExistsException,
  SSMClient,
  UpdateOpsItemCommand,
} from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { SsmOpsItemPublisher } from '../../../lambdas/adapters/ssm-ops-item-publisher';
import { dedupStringOf } from '../../../lambdas/core/ops-items';
import { aStalledServer } from '../../fakes/builders';
import { aRunReport, aServerReport } from '../../fakes/reports';

const ssmMock = mockClient(SSMClient);
const publisher = () => new SsmOpsItemPublisher(new SSMClient({ maxAttempts: 1 }), { blockedHours: 24 });
const SINCE = '2026-11-25T06:00:00.000Z';

beforeEach(() => ssmMock.reset());

describe('SsmOpsItemPublisher', () => {
  it('opens one OpsItem per escalation, shaped as CreateOpsItem wants it', async () => {
    ssmMock.on(CreateOpsItemCommand).resolves({ OpsItemId: 'oi-0123456789ab' });
    const server = aStalledServer({ hostname: 'db-primary' });

    const delivery = await publisher().publish(aRunReport([aServerReport('escalated', server)]));

    expect(delivery).toEqual({ channel: 'OpsCenter', delivered: 1, failures: [] });
    expect(ssmMock).toHaveReceivedCommandTimes(CreateOpsItemCommand, 1);
    const input = ssmMock.commandCalls(CreateOpsItemCommand)[0]?.args[0].input;
    expect(input).toMatchObject({
      Source: 'mgn-replication-doctor',
      OpsItemType: '/aws/issue',
      Severity: '2',
      Category: 'Availability',
      Title: `MGN STALLED AGENT_NOT_SEEN escalated: db-primary (${server.sourceServerId})`,
      Tags: [{ Key: 'mgn-replication-doctor', Value: 'true' }],
    });
    expect(input?.OperationalData?.['/aws/dedup']).toEqual({
      Type: 'SearchableString',
      Value: JSON.stringify({ dedupString: dedupStringOf(server.sourceServerId, SINCE) }),
    });
    expect(input?.OperationalData?.['/aws/resources']).toEqual({
      Type: 'SearchableString',
      Value: JSON.stringify([{ arn: server.arn }]),
    });
    // Custom keys may not start with aws, amazon, amzn or ssm (with or without a leading slash).
    for (const key of Object.keys(input?.OperationalData ?? {}).filter((key) => !key.startsWith('/aws/')))
      expect(key).not.toMatch(/^\/?(aws|amazon|amzn|ssm)/i);
    expect(input?.Description?.length).toBeLessThanOrEqual(2048);
  });

  it('a retried create that OpsCenter answers with the open item counts as delivered, not as a second item', async () => {
    ssmMock
      .on(CreateOpsItemCommand)
      .rejects(new OpsItemAlreadyExistsException({ $metadata: {}, message: 'exists', OpsItemId: 'oi-0123456789ab' }));
    const delivery = await publisher().publish(aRunReport([aServerReport('escalated')]));
    expect(delivery).toEqual({ channel: 'OpsCenter', delivered: 1, failures: [] });
  });

  it.each([1, 150, 1000])('%i escalations with one throttled create: the others still go out', async (count) => {
    const reports = Array.from({ length: count }, () => aServerReport('escalated'));
    const throttled = reports[Math.floor(count / 2)]?.server.sourceServerId ?? '';
    ssmMock.on(CreateOpsItemCommand).callsFake((input: { Title: string }) => {
      if (input.Title.includes(throttled))
        throw Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException', $metadata: {} });
      return { OpsItemId: 'oi-0123456789ab' };
    });

    const delivery = await publisher().publish(aRunReport(reports));

    expect(ssmMock).toHaveReceivedCommandTimes(CreateOpsItemCommand, count);
    expect(delivery.delivered).toBe(count - 1);
    expect(delivery.failures).toEqual([`CreateOpsItem ${throttled}: ThrottlingException: Rate exceeded`]);
  });

  it('a recovery resolves the open item with the same server, found across pages, with a note', async () => {
    const recovered = aServerReport('recovered');
    const id = recovered.server.sourceServerId;
    const item = (opsItemId: string, dedupString: string) => ({
      OpsItemId: opsItemId,
      OperationalData: { '/aws/dedup': { Type: 'SearchableString' as const, Value: JSON.stringify({ dedupString }) } },
    });
    ssmMock
      .on(DescribeOpsItemsCommand)
      .resolvesOnce({
        OpsItemSummaries: [item('oi-000000000001', dedupStringOf('s-99999999999999999', SINCE))],
        NextToken: 'page2',
      })
      .resolvesOnce({ OpsItemSummaries: [item('oi-000000000002', dedupStringOf(id, SINCE))] });
    ssmMock.on(UpdateOpsItemCommand).resolves({});

    const delivery = await publisher().publish(aRunReport([recovered]));

    expect(delivery).toEqual({ channel: 'OpsCenter', delivered: 1, failures: [] });
    const listings = ssmMock.commandCalls(DescribeOpsItemsCommand).map((call) => call.args[0].input);
    expect(listings).toEqual([
      {
        OpsItemFilters: [
          { Key: 'Source', Values: ['mgn-replication-doctor'], Operator: 'Equal' },
          { Key: 'Status', Values: ['Open', 'InProgress'], Operator: 'Equal' },
        ],
        MaxResults: 50,
        NextToken: undefined,
      },
      expect.objectContaining({ NextToken: 'page2' }),
    ]);
    expect(ssmMock).toHaveReceivedCommandTimes(UpdateOpsItemCommand, 1);
    expect(ssmMock).toHaveReceivedCommandWith(UpdateOpsItemCommand, {
      OpsItemId: 'oi-000000000002',
      Status: 'Resolved',
      OperationalData: { mgnDoctorResolution: { Type: 'String', Value: expect.stringMatching(/^Recovered at /) } },
    });
  });

  it('no news for OpsCenter: no call at all', async () => {
    await publisher().publish(aRunReport([aServerReport('treated')]));
    expect(ssmMock.calls()).toHaveLength(0);
  });

  it('the listing failing makes each resolution a failure, and never throws', async () => {
    ssmMock.on(DescribeOpsItemsCommand).rejects(Object.assign(new Error('denied'), { name: 'AccessDeniedException' }));
    const delivery = await publisher().publish(aRunReport([aServerReport('recovered')]));
    expect(delivery.failures).toEqual([
      expect.stringMatching(/^DescribeOpsItems for s-\d+: AccessDeniedException: denied$/),
    ]);
  });
});
