// The plumbing the benchmark's own fake endpoints share: an HTTP server on 127.0.0.1 (random port) that names
// each request's operation, counts it, and answers with what a handler returns, the latency after the request
// arrived (test/support/simulated-latency.ts).
// Also the two query protocols (awsQuery for SNS and IAM, ec2Query for EC2): form-encoded requests, XML replies.
import { randomUUID } from 'node:crypto';
import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { closeServer, listenOnLoopback } from '../../test/support/local-http';
import { type Latency, latencyOf, waitOutLatency } from '../../test/support/simulated-latency';

export { closeServer, listenOnLoopback as listen } from '../../test/support/local-http';
export { delay, type Latency, latencyOf } from '../../test/support/simulated-latency';

export interface EndpointReply {
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body: string;
}

export interface RecordedCall {
  readonly operation: string;
  readonly status: number;
}

/** Calls per operation, and how many of them were answered with an error status. */
export interface CallCounter {
  callCount(operation: string): number;
  /** Every operation seen, with its count. */
  counts(): Record<string, number>;
  /** Calls answered with a 4xx/5xx, per operation. */
  errorCounts(): Record<string, number>;
  clearRecords(): void;
}

/** A request's whole body as text. */
export async function readBody(incoming: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of incoming) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Counting shared by the endpoints: per operation, with errors apart. */
export class Calls implements CallCounter {
  readonly records: RecordedCall[] = [];

  record(operation: string, status: number): void {
    this.records.push({ operation, status });
  }

  callCount(operation: string): number {
    return this.records.filter((call) => call.operation === operation).length;
  }

  counts(): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const { operation } of this.records) counts[operation] = (counts[operation] ?? 0) + 1;
    return counts;
  }

  errorCounts(): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const { operation, status } of this.records)
      if (status >= 400) counts[operation] = (counts[operation] ?? 0) + 1;
    return counts;
  }

  clearRecords(): void {
    this.records.length = 0;
  }
}

export interface RequestInfo {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** A server whose `operationOf` names each request and whose `answer` replies, the latency after it arrived. */
export abstract class LocalEndpoint extends Calls {
  url = '';
  latencyMs: Latency;
  private server?: Server;

  protected constructor(latencyMs: Latency = 0) {
    super();
    this.latencyMs = latencyMs;
  }

  protected abstract operationOf(request: RequestInfo): string;
  protected abstract answer(operation: string, request: RequestInfo): EndpointReply;

  async start(): Promise<this> {
    this.server = createServer((incoming: IncomingMessage, outgoing: ServerResponse) => {
      const arrivedAt = performance.now();
      void readBody(incoming).then((body) =>
        this.handle(
          { method: incoming.method ?? '', path: incoming.url ?? '/', headers: incoming.headers, body },
          outgoing,
          arrivedAt,
        ),
      );
    });
    this.url = await listenOnLoopback(this.server);
    return this;
  }

  close(): Promise<void> {
    return this.server ? closeServer(this.server) : Promise.resolve();
  }

  private async handle(request: RequestInfo, outgoing: ServerResponse, arrivedAt: number): Promise<void> {
    const operation = this.operationOf(request);
    let reply: EndpointReply;
    try {
      reply = this.answer(operation, request);
    } catch (error) {
      reply = { status: 500, headers: { 'content-type': 'text/plain' }, body: `bench endpoint: ${String(error)}` };
    }
    this.record(operation, reply.status);
    await waitOutLatency(arrivedAt, latencyOf(this.latencyMs, operation));
    outgoing.writeHead(reply.status, {
      'content-length': String(Buffer.byteLength(reply.body)),
      'x-amzn-requestid': randomUUID(),
      ...reply.headers,
    });
    outgoing.end(reply.body);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Query protocols

/** An endpoint of a query protocol (awsQuery, ec2Query): the `Action` form field names each request's operation. */
export abstract class QueryProtocolEndpoint extends LocalEndpoint {
  protected operationOf(request: RequestInfo): string {
    return parseForm(request.body).get('Action') ?? 'Unknown';
  }
}

/** A query-protocol request body as name → value (`InstanceId.1`, `InstanceId.2`, … stay separate keys). */
export function parseForm(body: string): Map<string, string> {
  return new Map(new URLSearchParams(body));
}

/** The members of a flattened list parameter (`<prefix>.1`, `<prefix>.2`, …), in order. */
export function listParameter(form: ReadonlyMap<string, string>, prefix: string): string[] {
  const values: string[] = [];
  for (let index = 1; form.has(`${prefix}.${index}`); index++) values.push(form.get(`${prefix}.${index}`) as string);
  return values;
}

export function escapeXml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

const XML = { 'content-type': 'text/xml' } as const;

/** An awsQuery success: `<{Action}Response><{Action}Result>…</{Action}Result><ResponseMetadata>…`. */
export function awsQueryResult(action: string, namespace: string, resultXml: string): EndpointReply {
  return {
    status: 200,
    headers: XML,
    body:
      `<${action}Response xmlns="${namespace}"><${action}Result>${resultXml}</${action}Result>` +
      `<ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></${action}Response>`,
  };
}

/** An awsQuery error (SNS, IAM): `<ErrorResponse><Error><Type/><Code/><Message/></Error>`. */
export function awsQueryError(status: number, code: string, message: string, namespace: string): EndpointReply {
  const type = status >= 500 ? 'Receiver' : 'Sender';
  return {
    status,
    headers: XML,
    body:
      `<ErrorResponse xmlns="${namespace}"><Error><Type>${type}</Type><Code>${escapeXml(code)}</Code>` +
      `<Message>${escapeXml(message)}</Message></Error><RequestId>${randomUUID()}</RequestId></ErrorResponse>`,
  };
}

/** An ec2Query error: `<Response><Errors><Error><Code/><Message/></Error></Errors><RequestID/>`. */
export function ec2QueryError(status: number, code: string, message: string): EndpointReply {
  return {
    status,
    headers: XML,
    body: `<Response><Errors><Error><Code>${escapeXml(code)}</Code><Message>${escapeXml(message)}</Message></Error></Errors><RequestID>${randomUUID()}</RequestID></Response>`,
  };
}
