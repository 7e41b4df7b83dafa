// Per-call X-Ray subsegments, when the stack turns them on (context `traceAwsCalls`, docs/design.md section 12).
// Off by default: Lambda's active tracing records every invocation without them, and loading the X-Ray SDK alone
// installs async hooks that run on every promise; with a subsegment per call, 7–20 % of a run's CPU (BENCHMARKS.md).
export type Instrument = <C extends object>(client: C) => C;

/** What `createAwsClients` applies to every client: a subsegment per call when `traceAwsCalls` is on. */
export function awsCallTracing(traceAwsCalls: boolean): Instrument | undefined {
  if (!traceAwsCalls) return undefined;
  // Required here, not imported: with tracing off, the X-Ray SDK is never even evaluated.
  const { tracer } = require('./tracer') as typeof import('./tracer');
  return (client) => tracer.captureAWSv3Client(client);
}
