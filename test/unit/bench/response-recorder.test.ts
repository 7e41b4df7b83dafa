// The CPU ratio's yardstick: the bodies the endpoints answered the handler with, recorded on the watched ports
// only, and JSON.parse of the same bytes timed in the handler's process.
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { timeJsonParse } from '../../../scripts/bench/handler-runner';
import { recordResponses, summarizeOverrun } from '../../../scripts/bench/response-recorder';

const serve = (reply: (path: string) => string): Promise<Server> =>
  new Promise((resolve) => {
    const server = createServer((incoming, outgoing) => {
      const body = reply(incoming.url ?? '/');
      outgoing.write(body.slice(0, 3));
      outgoing.end(body.slice(3));
    });
    server.listen(0, '127.0.0.1', () => resolve(server));
  });

const portOf = (server: Server): number => (server.address() as AddressInfo).port;

const get = (server: Server, path: string): Promise<string> =>
  new Promise((resolve, reject) => {
    request({ host: '127.0.0.1', port: portOf(server), path }, (response) => {
      let text = '';
      response.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
      response.on('end', () => resolve(text));
    })
      .on('error', reject)
      .end();
  });

describe('recordResponses', () => {
  let watched: Server;
  let other: Server;
  beforeAll(async () => {
    watched = await serve((path) => JSON.stringify({ path, note: 'naïve' }));
    other = await serve(() => 'not me');
  });
  afterAll(() => {
    watched.close();
    other.close();
  });

  test('records whole bodies written in parts on the watched ports, and nothing after stop()', async () => {
    // Arrange
    const recorder = recordResponses([portOf(watched)]);

    // Act
    await get(watched, '/a');
    await get(other, '/b');
    await get(watched, '/c');
    recorder.stop();
    await get(watched, '/d');

    // Assert
    expect(recorder.bodies()).toEqual([
      JSON.stringify({ path: '/a', note: 'naïve' }),
      JSON.stringify({ path: '/c', note: 'naïve' }),
    ]);
    expect(recorder.bytes).toBe(2 * Buffer.byteLength(JSON.stringify({ path: '/a', note: 'naïve' })));
  });
});

describe('reply times', () => {
  test('times each watched reply from the arrival of its request, named by its X-Amz-Target or path', async () => {
    // Arrange: a server that takes 30 ms before it ends its reply
    const slow = createServer((incoming, outgoing) => {
      incoming.resume();
      setTimeout(() => outgoing.end('{}'), 30);
    });
    await new Promise<void>((resolve) => slow.listen(0, '127.0.0.1', () => resolve()));
    const recorder = recordResponses([portOf(slow)]);

    // Act
    await new Promise<void>((resolve, reject) => {
      request(
        {
          host: '127.0.0.1',
          port: portOf(slow),
          path: '/',
          method: 'POST',
          headers: { 'x-amz-target': 'AmazonSSM.SendCommand' },
        },
        (response) => response.resume().on('end', resolve),
      )
        .on('error', reject)
        .end('{}');
    });
    await get(slow, '/DescribeSourceServers');
    recorder.stop();
    slow.close();

    // Assert
    const times = recorder.replyTimes();
    expect(times.map((time) => time.operation)).toEqual(['SendCommand', '/DescribeSourceServers']);
    for (const time of times) expect(time.ms).toBeGreaterThanOrEqual(29);
  });

  test('counts as late only replies beyond the latency and its tolerance, and sums what they added', () => {
    // Act
    const overrun = summarizeOverrun(
      [
        { operation: 'Scan', ms: 21 },
        { operation: 'TransactWriteItems', ms: 90 },
        { operation: 'DescribeInstanceInformation', ms: 24.9 },
        { operation: 'TransactWriteItems', ms: 50 },
      ],
      20,
    );

    // Assert
    expect(overrun).toEqual({
      replies: 4,
      late: 2,
      addedMs: 70 + 30,
      worst: { operation: 'TransactWriteItems', ms: 90 },
    });
    expect(summarizeOverrun([{ operation: 'Scan', ms: 20 }], 20)).toEqual({ replies: 1, late: 0, addedMs: 0 });
  });
});

describe('timeJsonParse', () => {
  test('parses JSON bodies as they are and XML bodies as one JSON string, and counts their bytes', () => {
    // Act
    const result = timeJsonParse(['{"a":[1,2,3]}', '<PublishResponse/>']);

    // Assert
    expect(result.bodies).toBe(2);
    expect(result.bytes).toBe(13 + 18);
    expect(result.jsonParseCpuMs).toBeGreaterThanOrEqual(0);
  });
});
