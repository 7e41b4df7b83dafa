// The latency the local endpoints simulate, shared by the tests' fakes and the benchmark's. A simulated call takes
// `latency` from the moment its request arrives, the endpoint's own work included, as a service's reply time does
// from the caller's side; an endpoint that needs longer answers when it is done. This is what the benchmark's I/O
// floor assumes of every call (docs/design.md section 12): counting the latency only after the endpoint's work
// would charge the handler for the fakes' CPU.

/** Milliseconds per call, or per operation. */
export type Latency = number | ((operation: string) => number);

export const latencyOf = (latency: Latency, operation: string): number =>
  typeof latency === 'function' ? latency(operation) : latency;

export const delay = (ms: number): Promise<void> =>
  ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve();

/** Waits until `latencyMs` after `arrivedAt` (a `performance.now()` reading); at once when that has passed. */
export const waitOutLatency = (arrivedAt: number, latencyMs: number): Promise<void> =>
  delay(arrivedAt + latencyMs - performance.now());
