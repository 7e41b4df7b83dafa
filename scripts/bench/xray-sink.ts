// A stand-in for the X-Ray daemon on 127.0.0.1 (UDP): the stack runs the function with active tracing, so in
// Lambda every AWS call also produces a subsegment sent over UDP. The benchmark emulates that environment and
// counts what arrives; nothing is forwarded anywhere.
import * as dgram from 'node:dgram';

export interface XraySink {
  /** `127.0.0.1:<port>`, for AWS_XRAY_DAEMON_ADDRESS. */
  readonly address: string;
  /** Datagrams received (each a header line and one segment document). */
  readonly datagrams: number;
  readonly subsegments: number;
  readonly bytes: number;
  close(): Promise<void>;
}

export async function startXraySink(): Promise<XraySink> {
  const socket = dgram.createSocket('udp4');
  const counts = { datagrams: 0, subsegments: 0, bytes: 0 };
  socket.on('message', (message) => {
    counts.datagrams++;
    counts.bytes += message.length;
    if (message.includes('"type":"subsegment"')) counts.subsegments++;
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(0, '127.0.0.1', () => resolve());
  });
  return {
    address: `127.0.0.1:${socket.address().port}`,
    get datagrams() {
      return counts.datagrams;
    },
    get subsegments() {
      return counts.subsegments;
    },
    get bytes() {
      return counts.bytes;
    },
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}

/**
 * What Lambda sets for a traced invocation, pointed at the sink: Powertools' Tracer only traces inside Lambda
 * (AWS_EXECUTION_ENV), and the X-Ray SDK takes its Lambda mode from LAMBDA_TASK_ROOT and the trace header.
 */
export function tracingEnvironment(sink: Pick<XraySink, 'address'>, taskRoot: string): Record<string, string> {
  return {
    AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x',
    LAMBDA_TASK_ROOT: taskRoot,
    _X_AMZN_TRACE_ID: 'Root=1-6745a1b2-0123456789abcdef01234567;Parent=53995c3f42cd8ad8;Sampled=1',
    AWS_XRAY_DAEMON_ADDRESS: sink.address,
    AWS_XRAY_CONTEXT_MISSING: 'LOG_ERROR',
  };
}
