// HTTP servers on 127.0.0.1 (random port) for tests that need the SDK's real middleware (signing, retries,
// deserialisation) rather than a stubbed `send`: the plumbing every local endpoint shares (listen, close, serve
// whole requests), and a server that answers from a script.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Listens on 127.0.0.1 at a port the system picks; the server's `http://127.0.0.1:<port>`. */
export async function listenOnLoopback(server: Server): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** Closes at once: the SDK keeps connections alive, which close() alone would wait out. */
export function closeServer(server: Server): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.closeAllConnections();
    server.close((error) => (error ? reject(error) : resolve()));
  });
}

export interface HttpReply {
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body: string | Buffer;
}

export type HttpHandler = (
  method: string,
  path: string,
  headers: IncomingHttpHeaders,
  body: Buffer,
) => Promise<HttpReply>;

export interface ServedHttp {
  readonly server: Server;
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  close(): Promise<void>;
}

/** Serves `handle` with each request's whole body; a handler that fails answers 500, naming `label`. */
export async function serveHttp(handle: HttpHandler, label: string): Promise<ServedHttp> {
  const server = createServer((incoming, outgoing) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      handle(incoming.method ?? 'POST', incoming.url ?? '/', incoming.headers, Buffer.concat(chunks)).then(
        (reply) => {
          outgoing.writeHead(reply.status, {
            ...reply.headers,
            'content-length': String(Buffer.byteLength(reply.body)),
          });
          outgoing.end(reply.body);
        },
        (error: unknown) => {
          outgoing.writeHead(500, { 'content-type': 'text/plain' });
          outgoing.end(`${label}: ${String(error)}`);
        },
      );
    });
  });
  const url = await listenOnLoopback(server);
  return { server, url, close: () => closeServer(server) };
}

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

  return { url: await listenOnLoopback(server), requests, close: () => closeServer(server) };
}
