// The response bodies the benchmark's endpoints send to the handler, for the CPU ratio's baseline (JSON.parse of
// the same bytes, timed in the handler's own process). The endpoints come from several fakes (test/support, the
// bench's own, dynalite behind a front), so the recording sits where they all answer: ServerResponse's write and
// end, in this process only, for the ports the handler talks to (not the SSM front's internal backend). The same
// place times each reply from its request's arrival, so the report can show where an endpoint took longer than the
// latency it simulates (test/support/simulated-latency.ts), which the I/O floor does not allow for.
import { Server, ServerResponse } from 'node:http';

/** One reply: which operation (X-Amz-Target, else the path) and how long after its request arrived it ended. */
export interface ReplyTime {
  readonly operation: string;
  readonly ms: number;
}

export interface ResponseRecorder {
  /** Each response's body, in the order they finished. */
  bodies(): string[];
  readonly bytes: number;
  /** Each reply's time from its request's arrival, in the order they finished. */
  replyTimes(): readonly ReplyTime[];
  stop(): void;
}

const operationOf = (response: ServerResponse): string => {
  const target = response.req?.headers['x-amz-target'];
  return typeof target === 'string' ? target.replace(/^.*\./, '') : (response.req?.url ?? '/');
};

type Chunk = string | Uint8Array;

const toBuffer = (chunk: Chunk, encoding?: BufferEncoding): Buffer =>
  typeof chunk === 'string' ? Buffer.from(chunk, encoding ?? 'utf8') : Buffer.from(chunk);

const encodingOf = (argument: unknown): BufferEncoding | undefined =>
  typeof argument === 'string' ? (argument as BufferEncoding) : undefined;

/** Records every body written on a server listening on one of `ports`, until stop(). One recorder at a time. */
export function recordResponses(ports: readonly number[]): ResponseRecorder {
  const watched = new Set(ports);
  const pending = new Map<ServerResponse, Buffer[]>();
  const finished: Buffer[] = [];
  const arrivals = new WeakMap<ServerResponse, number>();
  const times: ReplyTime[] = [];
  let bytes = 0;
  const { write, end } = ServerResponse.prototype;
  const { emit } = Server.prototype;
  Server.prototype.emit = function (this: Server, event: string | symbol, ...args: unknown[]) {
    const response = args[1];
    if (event === 'request' && response instanceof ServerResponse && watched.has(response.socket?.localPort ?? -1))
      arrivals.set(response, performance.now());
    return (emit as (...all: unknown[]) => boolean).call(this, event, ...args);
  } as typeof emit;
  const capture = (response: ServerResponse, chunk: unknown, encoding?: BufferEncoding): void => {
    if (!watched.has(response.socket?.localPort ?? -1)) return;
    if (typeof chunk !== 'string' && !(chunk instanceof Uint8Array)) return;
    const parts = pending.get(response) ?? [];
    parts.push(toBuffer(chunk, encoding));
    pending.set(response, parts);
  };
  ServerResponse.prototype.write = function (this: ServerResponse, chunk: unknown, ...rest: unknown[]) {
    capture(this, chunk, encodingOf(rest[0]));
    return (write as (...args: unknown[]) => boolean).call(this, chunk, ...rest);
  } as typeof write;
  ServerResponse.prototype.end = function (this: ServerResponse, chunk?: unknown, ...rest: unknown[]) {
    if (typeof chunk !== 'function') capture(this, chunk, encodingOf(rest[0]));
    const arrivedAt = arrivals.get(this);
    if (arrivedAt !== undefined) {
      arrivals.delete(this);
      times.push({ operation: operationOf(this), ms: performance.now() - arrivedAt });
    }
    const parts = pending.get(this);
    if (parts) {
      pending.delete(this);
      const body = Buffer.concat(parts);
      bytes += body.length;
      finished.push(body);
    }
    return (end as (...args: unknown[]) => ServerResponse).call(this, chunk, ...rest);
  } as typeof end;
  return {
    bodies: () => finished.map((body) => body.toString('utf8')),
    get bytes() {
      return bytes;
    },
    replyTimes: () => times,
    stop() {
      ServerResponse.prototype.write = write;
      ServerResponse.prototype.end = end;
      Server.prototype.emit = emit;
    },
  };
}

/** A reply counts as late when it ends more than this after the latency: timers and scheduling, not the fakes. */
export const LATE_REPLY_TOLERANCE_MS = 5;

/** Replies an endpoint sent later than the latency it simulates: what the I/O floor does not allow for. */
export interface EndpointOverrun {
  readonly replies: number;
  readonly late: number;
  /** The late replies' time beyond the latency, summed (calls in flight together overlap: not all of it is wall). */
  readonly addedMs: number;
  readonly worst?: ReplyTime;
}

export function summarizeOverrun(times: readonly ReplyTime[], latencyMs: number): EndpointOverrun {
  const late = times.filter((time) => time.ms > latencyMs + LATE_REPLY_TOLERANCE_MS);
  const worst = late.reduce<ReplyTime | undefined>(
    (most, time) => (most && most.ms >= time.ms ? most : time),
    undefined,
  );
  return {
    replies: times.length,
    late: late.length,
    addedMs: late.reduce((sum, time) => sum + time.ms - latencyMs, 0),
    ...(worst ? { worst } : {}),
  };
}
