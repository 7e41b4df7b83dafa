// A tiny HTTP server on 127.0.0.1 (random port) that answers requests from a script, for tests that need the
// SDK's real middleware (signing, retries, deserialisation) rather than a stubbed `send`.
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

export interface ScriptedResponse {
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body: string;
}

export interface LocalHttpServer {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly requests: readonly RecordedRequest[];
  close(): Promise<void>;
}

/**
 * Answers the n-th request with `script[n]` (the last one repeats once the script runs out), or, when
 * `script` is a function, with what it returns.
 */
export async function startLocalHttpServer(
  script: readonly ScriptedResponse[] | ((request: RecordedRequest, index: number) => ScriptedResponse),
): Promise<LocalHttpServer> {
  const requests: RecordedRequest[] = [];
  const respond =
    typeof script === 'function'
      ? script
      : (_request: RecordedRequest, index: number): ScriptedResponse => {
          const response = script[Math.min(index, script.length - 1)];
          if (response === undefined) throw new Error('startLocalHttpServer: empty script');
          return response;
        };

  const server = createServer((incoming, outgoing) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (data: Buffer) => chunks.push(data));
    incoming.on('end', () => {
      const request: RecordedRequest = {
        method: incoming.method ?? '',
        path: incoming.url ?? '',
        headers: incoming.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      requests.push(request);
      try {
        const response = respond(request, requests.length - 1);
        outgoing.writeHead(response.status, {
          'content-length': Buffer.byteLength(response.body),
          ...response.headers,
        });
        outgoing.end(response.body);
      } catch (error) {
        outgoing.writeHead(500, { 'content-type': 'text/plain' });
        outgoing.end(String(error));
      }
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve, reject) => {
        // The SDK keeps connections alive; drop them so close() does not wait for their timeout.
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
