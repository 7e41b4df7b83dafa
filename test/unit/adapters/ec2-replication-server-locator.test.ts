import {
  DescribeInstancesCommand,
  EC2Client,
  type DescribeInstancesCommandInput,
  type DescribeInstancesCommandOutput,
  type Instance,
} from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { Ec2ReplicationServerLocator, instanceIdsIn } from '../../../lambdas/adapters/ec2-replication-server-locator';
import { startLocalHttpServer, type LocalHttpServer } from '../../support/local-http';

type Page = Omit<DescribeInstancesCommandOutput, '$metadata'>;

// The instance, not the class: the real-HTTP test below needs an EC2Client whose `send` is the SDK's own.
const mockedEc2 = new EC2Client({});
const ec2Mock = mockClient(mockedEc2);
const instanceId = (n: number): string => `i-${n.toString(16).padStart(17, '0')}`;
const ipOf = (n: number): string => `10.0.${Math.floor(n / 250)}.${(n % 250) + 4}`;
const instance = (n: number): Instance => ({ InstanceId: instanceId(n), PrivateIpAddress: ipOf(n) });
const notFound = (message: string): Error => Object.assign(new Error(message), { name: 'InvalidInstanceID.NotFound' });

/** EC2's message for missing IDs, singular and plural as the service words it. */
function notFoundMessage(ids: readonly string[]): string {
  return ids.length === 1
    ? `The instance ID '${ids[0]}' does not exist`
    : `The instance IDs '${ids.join(', ')}' do not exist`;
}

/**
 * DescribeInstances over a fixed set of instances: like EC2, any requested ID that is not there fails the whole
 * request with InvalidInstanceID.NotFound naming every missing ID; otherwise one reservation per instance.
 */
function serveInstances(
  existing: readonly number[],
  message: (missing: readonly string[]) => string = notFoundMessage,
): void {
  const byId = new Map(existing.map((n) => [instanceId(n), instance(n)]));
  ec2Mock.on(DescribeInstancesCommand).callsFake((input: DescribeInstancesCommandInput): Page => {
    const requested = input.InstanceIds ?? [];
    const missing = requested.filter((id) => !byId.has(id));
    if (missing.length > 0) throw notFound(message(missing));
    return {
      Reservations: requested.map((id) => ({
        ReservationId: `r-${id.slice(2)}`,
        Instances: [byId.get(id) as Instance],
      })),
    };
  });
}

const requestedIds = (): (string[] | undefined)[] =>
  ec2Mock.commandCalls(DescribeInstancesCommand).map((call) => call.args[0].input.InstanceIds);

beforeEach(() => ec2Mock.reset());

describe('Ec2ReplicationServerLocator.findPrivateIps', () => {
  it('maps each instance ID to its private IPv4 address, across reservations', async () => {
    // Arrange
    ec2Mock.on(DescribeInstancesCommand).resolves({
      Reservations: [
        { ReservationId: 'r-1', Instances: [instance(1), instance(2)] },
        { ReservationId: 'r-2', Instances: [instance(3)] },
      ],
    });
    const locator = new Ec2ReplicationServerLocator(() => mockedEc2);

    // Act
    const ips = await locator.findPrivateIps([instanceId(1), instanceId(2), instanceId(3)]);

    // Assert
    expect(ips).toEqual(
      new Map([
        [instanceId(1), ipOf(1)],
        [instanceId(2), ipOf(2)],
        [instanceId(3), ipOf(3)],
      ]),
    );
    expect(ec2Mock).toHaveReceivedCommandTimes(DescribeInstancesCommand, 1);
    expect(ec2Mock).toHaveReceivedCommandWith(DescribeInstancesCommand, {
      InstanceIds: [instanceId(1), instanceId(2), instanceId(3)],
    });
  });

  it('leaves out instances without a private address (terminated) and entries without an ID', async () => {
    // Arrange
    ec2Mock.on(DescribeInstancesCommand).resolves({
      Reservations: [
        {
          Instances: [
            instance(1),
            { InstanceId: instanceId(2), State: { Name: 'terminated' } },
            { PrivateIpAddress: '10.9.9.9' },
          ],
        },
      ],
    });
    const locator = new Ec2ReplicationServerLocator(() => mockedEc2);

    // Act
    const ips = await locator.findPrivateIps([instanceId(1), instanceId(2)]);

    // Assert
    expect(ips).toEqual(new Map([[instanceId(1), ipOf(1)]]));
  });

  it('asks once per distinct ID, and not at all for none (no InstanceIds would list every instance)', async () => {
    // Arrange
    serveInstances([1]);
    const locator = new Ec2ReplicationServerLocator(() => mockedEc2);

    // Act
    const none = await locator.findPrivateIps([]);
    await locator.findPrivateIps([instanceId(1), instanceId(1)]);

    // Assert
    expect(none).toEqual(new Map());
    expect(requestedIds()).toEqual([[instanceId(1)]]);
  });

  it('describes 450 IDs in batches of 200, 200 and 50', async () => {
    // Arrange
    const all = Array.from({ length: 450 }, (_, n) => n);
    const ids = all.map(instanceId);
    serveInstances(all);
    const locator = new Ec2ReplicationServerLocator(() => mockedEc2);

    // Act
    const ips = await locator.findPrivateIps(ids);

    // Assert
    expect(ips.size).toBe(450);
    expect(ips.get(instanceId(449))).toBe(ipOf(449));
    expect(ec2Mock).toHaveReceivedCommandTimes(DescribeInstancesCommand, 3);
    [ids.slice(0, 200), ids.slice(200, 400), ids.slice(400)].forEach((batch, index) => {
      expect(ec2Mock).toHaveReceivedNthSpecificCommandWith(index + 1, DescribeInstancesCommand, { InstanceIds: batch });
    });
  });

  it('follows NextToken within a batch, asking for the same IDs (MaxResults cannot go with InstanceIds)', async () => {
    // Arrange
    const ids = [instanceId(1), instanceId(2), instanceId(3)];
    ec2Mock
      .on(DescribeInstancesCommand)
      .resolvesOnce({ Reservations: [{ Instances: [instance(1)] }], NextToken: 'page-2' })
      .resolvesOnce({ Reservations: [{ Instances: [instance(2)] }], NextToken: 'page-3' })
      .resolvesOnce({ Reservations: [{ Instances: [instance(3)] }] });
    const locator = new Ec2ReplicationServerLocator(() => mockedEc2);

    // Act
    const ips = await locator.findPrivateIps(ids);

    // Assert
    expect([...ips.keys()]).toEqual(ids);
    expect(ec2Mock).toHaveReceivedCommandTimes(DescribeInstancesCommand, 3);
    expect(ec2Mock).toHaveReceivedNthSpecificCommandWith(1, DescribeInstancesCommand, {
      InstanceIds: ids,
      NextToken: undefined,
    });
    expect(ec2Mock).toHaveReceivedNthSpecificCommandWith(2, DescribeInstancesCommand, {
      InstanceIds: ids,
      NextToken: 'page-2',
    });
    expect(ec2Mock).toHaveReceivedNthSpecificCommandWith(3, DescribeInstancesCommand, {
      InstanceIds: ids,
      NextToken: 'page-3',
    });
    for (const call of ec2Mock.commandCalls(DescribeInstancesCommand))
      expect(call.args[0].input).not.toHaveProperty('MaxResults');
  });
});

describe('a replication server that no longer exists (InvalidInstanceID.NotFound)', () => {
  it('one missing ID: asks again without it and keeps the others', async () => {
    // Arrange
    serveInstances([1, 3]);
    const locator = new Ec2ReplicationServerLocator(() => mockedEc2);

    // Act
    const ips = await locator.findPrivateIps([instanceId(1), instanceId(2), instanceId(3)]);

    // Assert
    expect(ips).toEqual(
      new Map([
        [instanceId(1), ipOf(1)],
        [instanceId(3), ipOf(3)],
      ]),
    );
    expect(requestedIds()).toEqual([
      [instanceId(1), instanceId(2), instanceId(3)],
      [instanceId(1), instanceId(3)],
    ]);
  });

  it('several missing IDs in one message ("The instance IDs \'…, …\' do not exist"): one retry without all of them', async () => {
    // Arrange
    serveInstances([2, 4]);
    const locator = new Ec2ReplicationServerLocator(() => mockedEc2);

    // Act
    const ips = await locator.findPrivateIps([1, 2, 3, 4, 5].map(instanceId));

    // Assert
    expect(ips).toEqual(
      new Map([
        [instanceId(2), ipOf(2)],
        [instanceId(4), ipOf(4)],
      ]),
    );
    expect(requestedIds()).toEqual([[1, 2, 3, 4, 5].map(instanceId), [instanceId(2), instanceId(4)]]);
  });

  it('a message that lists only some of the missing IDs: retries until none is missing', async () => {
    // Arrange: this EC2 names one missing ID per error
    serveInstances([3], (missing) => notFoundMessage(missing.slice(0, 1)));
    const locator = new Ec2ReplicationServerLocator(() => mockedEc2);

    // Act
    const ips = await locator.findPrivateIps([1, 2, 3].map(instanceId));

    // Assert
    expect(ips).toEqual(new Map([[instanceId(3), ipOf(3)]]));
    expect(requestedIds()).toEqual([[1, 2, 3].map(instanceId), [2, 3].map(instanceId), [instanceId(3)]]);
  });

  it('every ID missing: an empty map, not an error', async () => {
    // Arrange
    serveInstances([]);
    const locator = new Ec2ReplicationServerLocator(() => mockedEc2);

    // Act
    const ips = await locator.findPrivateIps([instanceId(1), instanceId(2)]);

    // Assert
    expect(ips).toEqual(new Map());
    expect(ec2Mock).toHaveReceivedCommandTimes(DescribeInstancesCommand, 1);
  });

  it('a message that names no ID of the batch: falls back to one ID per call', async () => {
    // Arrange
    serveInstances([1, 3], () => 'One or more instance IDs do not exist');
    const locator = new Ec2ReplicationServerLocator(() => mockedEc2);

    // Act
    const ips = await locator.findPrivateIps([1, 2, 3].map(instanceId));

    // Assert
    expect(ips).toEqual(
      new Map([
        [instanceId(1), ipOf(1)],
        [instanceId(3), ipOf(3)],
      ]),
    );
    expect(requestedIds()).toEqual([[1, 2, 3].map(instanceId), [instanceId(1)], [instanceId(2)], [instanceId(3)]]);
  });

  it('a missing ID in the second batch does not lose the first batch', async () => {
    // Arrange
    const all = Array.from({ length: 250 }, (_, n) => n);
    serveInstances(all.filter((n) => n !== 220));
    const locator = new Ec2ReplicationServerLocator(() => mockedEc2);

    // Act
    const ips = await locator.findPrivateIps(all.map(instanceId));

    // Assert
    expect(ips.size).toBe(249);
    expect(ips.has(instanceId(220))).toBe(false);
    expect(ips.get(instanceId(0))).toBe(ipOf(0));
    expect(requestedIds().map((batch) => batch?.length)).toEqual([200, 50, 49]);
  });
});

describe('other errors propagate (the core logs them and carries on)', () => {
  it('UnauthorizedOperation: rejected, not retried, no partial result', async () => {
    // Arrange
    ec2Mock.on(DescribeInstancesCommand).rejects(
      Object.assign(new Error('You are not authorized to perform this operation.'), {
        name: 'UnauthorizedOperation',
      }),
    );
    const locator = new Ec2ReplicationServerLocator(() => mockedEc2);

    // Act / Assert
    await expect(locator.findPrivateIps([instanceId(1)])).rejects.toMatchObject({ name: 'UnauthorizedOperation' });
    expect(ec2Mock).toHaveReceivedCommandTimes(DescribeInstancesCommand, 1);
  });

  it('InvalidInstanceID.Malformed is not treated as NotFound', async () => {
    // Arrange
    ec2Mock
      .on(DescribeInstancesCommand)
      .rejects(Object.assign(new Error('Invalid id: "i-zz"'), { name: 'InvalidInstanceID.Malformed' }));
    const locator = new Ec2ReplicationServerLocator(() => mockedEc2);

    // Act / Assert
    await expect(locator.findPrivateIps(['i-zz'])).rejects.toMatchObject({ name: 'InvalidInstanceID.Malformed' });
    expect(ec2Mock).toHaveReceivedCommandTimes(DescribeInstancesCommand, 1);
  });

  it('an error while falling back one by one propagates too', async () => {
    // Arrange
    ec2Mock
      .on(DescribeInstancesCommand)
      .rejectsOnce(notFound('One or more instance IDs do not exist'))
      .rejectsOnce(Object.assign(new Error('Request limit exceeded.'), { name: 'RequestLimitExceeded' }));
    const locator = new Ec2ReplicationServerLocator(() => mockedEc2);

    // Act / Assert
    await expect(locator.findPrivateIps([instanceId(1), instanceId(2)])).rejects.toMatchObject({
      name: 'RequestLimitExceeded',
    });
  });
});

describe('instanceIdsIn', () => {
  it('reads the IDs of both EC2 wordings, and nothing else', () => {
    expect(instanceIdsIn("The instance ID 'i-0abc1234def567890' does not exist")).toEqual(['i-0abc1234def567890']);
    expect(instanceIdsIn("The instance IDs 'i-0abc1234def567890, i-12345678' do not exist")).toEqual([
      'i-0abc1234def567890',
      'i-12345678',
    ]);
    expect(instanceIdsIn('One or more instance IDs do not exist')).toEqual([]);
  });
});

describe('over real HTTP (the SDK’s EC2 query-protocol error parsing)', () => {
  let server: LocalHttpServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  const ok = (ids: readonly string[]) => ({
    status: 200,
    headers: { 'content-type': 'text/xml;charset=UTF-8' },
    body:
      '<?xml version="1.0" encoding="UTF-8"?><DescribeInstancesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">' +
      '<requestId>8f7724cf-496f-496e-8fe3-example</requestId><reservationSet><item><reservationId>r-0123456789abcdef0</reservationId><instancesSet>' +
      ids
        .map(
          (id, n) => `<item><instanceId>${id}</instanceId><privateIpAddress>10.0.7.${n + 10}</privateIpAddress></item>`,
        )
        .join('') +
      '</instancesSet></item></reservationSet></DescribeInstancesResponse>',
  });

  it('recognises InvalidInstanceID.NotFound as EC2 sends it and retries without the missing ID', async () => {
    // Arrange
    const [present, gone] = [instanceId(10), instanceId(11)];
    server = await startLocalHttpServer((request) => {
      const params = new URLSearchParams(request.body);
      const ids = [...params.entries()].filter(([key]) => key.startsWith('InstanceId.')).map(([, value]) => value);
      if (!ids.includes(gone)) return ok(ids);
      return {
        status: 400,
        headers: { 'content-type': 'text/xml;charset=UTF-8' },
        body:
          '<?xml version="1.0" encoding="UTF-8"?><Response><Errors><Error><Code>InvalidInstanceID.NotFound</Code>' +
          `<Message>The instance ID '${gone}' does not exist</Message></Error></Errors>` +
          '<RequestID>ea966190-f9aa-478e-9ede-example</RequestID></Response>',
      };
    });
    const ec2 = new EC2Client({
      region: 'us-east-1',
      endpoint: server.url,
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      maxAttempts: 1,
    });

    // Act
    const ips = await new Ec2ReplicationServerLocator(() => ec2).findPrivateIps([present, gone]);

    // Assert
    expect(ips).toEqual(new Map([[present, '10.0.7.10']]));
    const sent = server.requests.map((request) => Object.fromEntries(new URLSearchParams(request.body)));
    expect(sent).toEqual([
      expect.objectContaining({ Action: 'DescribeInstances', 'InstanceId.1': present, 'InstanceId.2': gone }),
      expect.objectContaining({ Action: 'DescribeInstances', 'InstanceId.1': present }),
    ]);
    expect(sent[1]).not.toHaveProperty(['InstanceId.2']);
  });
});
