// The response bodies the benchmark's endpoints send to the handler, for the CPU ratio's baseline (JSON.parse of
// the same bytes, timed in the handler's own process). The endpoints come from several fakes (test/support, the
// bench's own, dynalite behind a front), so the recording sits where they all answer: ServerResponse's write and
// end, in this process only, for the ports the handler talks to (not the SSM front's internal backend).
import { ServerResponse } from 'node:http';

export interface ResponseRecorder {
  /** Each response's body, in the order they finished. */
  bodies(): string[];
  readonly bytes: number;
  stop(): void;
}

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
  let bytes = 0;
  const { write, end } = ServerResponse.prototype;
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
    stop() {
      ServerResponse.prototype.write = write;
      ServerResponse.prototype.end = end;
    },
  };
}
