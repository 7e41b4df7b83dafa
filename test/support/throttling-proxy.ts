// A pass-through HTTP proxy on 127.0.0.1 that can throttle: it forwards every request to a target base URL
// unchanged (method, path, headers, body) and pipes the reply back, except that, while armed, the FIRST request
// of each operation gets the configured throttling reply instead and never reaches the target. For fault
// injection in front of moto (SNS, DynamoDB, EC2, IAM) and the fake SSM endpoint, which have none of their own.
//
// The operation is read the way the service reads it: `X-Amz-Target: <Prefix>.<Operation>` for the JSON
// protocols (awsJson1.0 / 1.1), the `Action` form field for awsQuery and EC2's query protocol, else the last
// path segment (rest-json, `POST /<Operation>`).
//
// Each request is recorded with the SDK's retry headers (`amz-sdk-invocation-id` is the same on every attempt
// of one call, `amz-sdk-request: attempt=N; max=M`), so a test can tell a retry from a second, separate call.
//
// The throttling replies below are each service's own wire shape, and each is one the SDK classifies as
// throttling (@smithy/core/retry isThrottlingError: HTTP 429, or an error name in THROTTLING_ERROR_CODES).
import { randomUUID } from 'node:crypto';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { serveHttp, type ServedHttp } from './local-http';

export interface CannedReply {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** awsJson1.1 (SSM and most JSON services): `__type` names the error. */
export function awsJson11Throttling(): CannedReply {
  return {
    status: 400,
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': randomUUID() },
    body: JSON.stringify({ __type: 'ThrottlingException', message: 'Rate exceeded' }),
  };
}

/** awsJson1.0 as DynamoDB writes it: the shape ID in `__type` (the SDK keeps what follows `#`). */
export function dynamoDbThrottling(): CannedReply {
  return {
    status: 400,
    headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': randomUUID() },
    body: JSON.stringify({
      __type: 'com.amazonaws.dynamodb.v20120810#ThrottlingException',
      message: 'Rate of requests exceeds the allowed throughput.',
    }),
  };
}

/** awsQuery (SNS, IAM): an `ErrorResponse` document; the code SNS and IAM use is `Throttling`. */
export function awsQueryThrottling(xmlNamespace: string): CannedReply {
  const requestId = randomUUID();
  return {
    status: 400,
    headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId },
    body:
      `<ErrorResponse xmlns="${xmlNamespace}"><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message></Error>` +
      `<RequestId>${requestId}</RequestId></ErrorResponse>`,
  };
}

export const SNS_XML_NAMESPACE = 'http://sns.amazonaws.com/doc/2010-03-31/';
export const IAM_XML_NAMESPACE = 'https://iam.amazonaws.com/doc/2010-05-08/';

/** EC2's query protocol: `Response/Errors/Error`, HTTP 503, code RequestLimitExceeded. */
export function ec2Throttling(): CannedReply {
  const requestId = randomUUID();
  return {
    status: 503,
    headers: { 'content-type': 'text/xml;charset=UTF-8' },
    body:
      '<?xml version="1.0" encoding="UTF-8"?>\n' +
      `<Response><Errors><Error><Code>RequestLimitExceeded</Code><Message>Request limit exceeded.</Message></Error></Errors><RequestID>${requestId}</RequestID></Response>`,
  };
}

/** What goes back to the client: a canned reply, or the target's bytes as they came. */
export type Reply = {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string | Buffer;
};

export interface ProxiedRequest {
  readonly operation: string;
  /** When it arrived (ms since the epoch). */
  readonly at: number;
  /** `amz-sdk-invocation-id`: the same on every attempt of one SDK call. */
  readonly invocationId?: string;
  /** From `amz-sdk-request: attempt=N; max=M`. */
  readonly attempt?: number;
  readonly maxAttempts?: number;
  /** True when the proxy answered with the throttling reply (the target never saw it). */
  readonly throttled: boolean;
  /** What the client got: the throttling status, the target's status, or 502 when the target did not answer. */
  readonly status: number;
  readonly body: string;
}

export interface ThrottlingProxyOptions {
  /** Base URL every request is forwarded to, e.g. moto's `http://127.0.0.1:<port>`. */
  readonly target: string;
  /** The reply for a throttled request; a function gives each one a fresh request ID. */
  readonly throttlingReply: () => CannedReply;
}

export class ThrottlingProxy {
  readonly requests: ProxiedRequest[] = [];
  private armed = false;
  private only: ReadonlySet<string> | undefined;
  private readonly throttledOperations = new Set<string>();

  /** `http://127.0.0.1:<port>` */
  readonly url: string;

  private constructor(
    private readonly served: ServedHttp,
    private readonly target: string,
    private readonly throttlingReply: () => CannedReply,
  ) {
    this.url = served.url;
  }

  static async start(options: ThrottlingProxyOptions): Promise<ThrottlingProxy> {
    let proxy: ThrottlingProxy | undefined;
    const served = await serveHttp(
      (method, path, headers, raw) =>
        proxy ? proxy.handle(method, path, headers, raw) : Promise.reject(new Error('not started yet')),
      'throttling-proxy',
    );
    // Longer than any run: a client must never reuse a keep-alive socket the proxy is just closing (the SDK
    // would retry that as a transient error and the attempt would never show up here).
    served.server.keepAliveTimeout = 120_000;
    proxy = new ThrottlingProxy(served, options.target.replace(/\/+$/, ''), options.throttlingReply);
    return proxy;
  }

  /**
   * From now on the first request of each operation (of `operations` only, when given) is throttled; later
   * ones, including the SDK's retry, go through. Forgets which operations were throttled before.
   */
  arm(operations?: readonly string[]): void {
    this.armed = true;
    this.only = operations === undefined ? undefined : new Set(operations);
    this.throttledOperations.clear();
  }

  /** Pass everything through. */
  disarm(): void {
    this.armed = false;
  }

  /** Requests of one operation, in arrival order. */
  requestsFor(operation: string): ProxiedRequest[] {
    return this.requests.filter((request) => request.operation === operation);
  }

  /** How many requests of an operation arrived (throttled ones included). */
  callCount(operation: string): number {
    return this.requestsFor(operation).length;
  }

  /** Operations that got the throttling reply since the last arm(). */
  throttled(): string[] {
    return [...this.throttledOperations];
  }

  /** Forgets the recorded requests (arming stays as it is). */
  clearRecords(): void {
    this.requests.length = 0;
  }

  close(): Promise<void> {
    return this.served.close();
  }

  private async handle(method: string, path: string, headers: IncomingHttpHeaders, raw: Buffer): Promise<Reply> {
    const body = raw.toString('utf8');
    const operation = operationOf(path, headers, body);
    const invocationId = headerValue(headers, 'amz-sdk-invocation-id');
    const retryInfo = /attempt=(\d+);\s*max=(\d+)/.exec(headerValue(headers, 'amz-sdk-request') ?? '');
    const record = {
      operation,
      at: Date.now(),
      invocationId,
      attempt: retryInfo ? Number(retryInfo[1]) : undefined,
      maxAttempts: retryInfo ? Number(retryInfo[2]) : undefined,
      body,
    };

    if (
      this.armed &&
      (this.only === undefined || this.only.has(operation)) &&
      !this.throttledOperations.has(operation)
    ) {
      this.throttledOperations.add(operation);
      const reply = this.throttlingReply();
      this.requests.push({ ...record, throttled: true, status: reply.status });
      return reply;
    }
    try {
      const reply = await forwardRequest(this.target, method, path, headers, raw);
      this.requests.push({ ...record, throttled: false, status: reply.status });
      return reply;
    } catch (error) {
      this.requests.push({ ...record, throttled: false, status: 502 });
      return {
        status: 502,
        headers: { 'content-type': 'text/plain' },
        body: `throttling-proxy: the target did not answer: ${String(error)}`,
      };
    }
  }
}

/** Sends a request on to `target` as it came (method, path, headers, body) and resolves with the target's reply. */
export function forwardRequest(
  target: string,
  method: string,
  path: string,
  headers: IncomingHttpHeaders,
  raw: Buffer,
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const forwardedHeaders: Record<string, string | string[]> = {};
    for (const [name, value] of Object.entries(headers)) if (value !== undefined) forwardedHeaders[name] = value;
    const outgoing = httpRequest(
      `${target}${path}`,
      { method, headers: forwardedHeaders, agent: false },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', reject);
        response.on('end', () => {
          const replyHeaders: Record<string, string> = {};
          for (const [name, value] of Object.entries(response.headers)) {
            // Connection handling is per hop; the body is re-sent whole, so its length is set anew.
            if (
              value === undefined ||
              ['connection', 'keep-alive', 'transfer-encoding', 'content-length'].includes(name)
            )
              continue;
            replyHeaders[name] = Array.isArray(value) ? value.join(', ') : value;
          }
          resolve({ status: response.statusCode ?? 502, headers: replyHeaders, body: Buffer.concat(chunks) });
        });
      },
    );
    outgoing.on('error', reject);
    outgoing.end(raw);
  });
}

export function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

export function operationOf(path: string, headers: IncomingHttpHeaders, body: string): string {
  const target = headerValue(headers, 'x-amz-target');
  if (target) return target.slice(target.lastIndexOf('.') + 1);
  if ((headerValue(headers, 'content-type') ?? '').startsWith('application/x-www-form-urlencoded')) {
    const action = new URLSearchParams(body).get('Action');
    if (action) return action;
  }
  const pathOnly = path.split('?')[0] ?? '';
  return (
    pathOnly
      .split('/')
      .filter((segment) => segment !== '')
      .pop() ?? pathOnly
  );
}

/** Starts a proxy on 127.0.0.1 (random port) in front of `target`; it passes everything through until armed. */
export function startThrottlingProxy(options: ThrottlingProxyOptions): Promise<ThrottlingProxy> {
  return ThrottlingProxy.start(options);
}
