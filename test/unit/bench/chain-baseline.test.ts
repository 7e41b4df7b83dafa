// The wall-time ratio's baseline (scripts/bench/chain-baseline-entry.ts) must make exactly the calls a first run on
// the fleet needs, no more and no fewer, or the ratio compares the handler with something else.
import { startBenchEndpoints, type BenchEndpoints } from '../../../scripts/bench/endpoints';
import { generateFleet, minimumCalls, type Fleet } from '../../../scripts/bench/fleet';

const saved = new Map<string, string | undefined>();
let endpoints: BenchEndpoints | undefined;

/** Endpoints for the fleet, and the Lambda's environment pointing at them (the baseline reads it at load). */
async function serve(fleet: Fleet): Promise<BenchEndpoints> {
  await endpoints?.close();
  endpoints = await startBenchEndpoints(fleet, { latencyMs: 0 });
  // The baseline builds its clients from the Lambda's environment at load, as the handler does.
  for (const [name, value] of Object.entries(endpoints.environment())) {
    saved.set(name, process.env[name]);
    process.env[name] = value;
  }
  return endpoints;
}

/** The baseline's handler, loaded afresh so that it builds its clients from the current environment. */
function loadBaseline(): () => Promise<{ treated: number; commands: number }> {
  let handler: (() => Promise<{ treated: number; commands: number }>) | undefined;
  jest.isolateModules(() => {
    handler = (require('../../../scripts/bench/chain-baseline-entry') as { handler: typeof handler }).handler;
  });
  return handler as NonNullable<typeof handler>;
}

/** Calls per operation, as the minimum lists them (operations of no call left out). */
const callsOf = (served: BenchEndpoints): Record<string, number> =>
  Object.fromEntries(Object.entries(served.callCounts()).filter(([, count]) => count > 0));
const minimumOf = (fleet: Fleet): Record<string, number> =>
  Object.fromEntries(
    minimumCalls(fleet)
      .filter((call) => call.minimum > 0)
      .map((call) => [call.operation, call.minimum]),
  );

afterAll(async () => {
  await endpoints?.close();
  for (const [name, value] of saved) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
});

test('treats every stalled server with the minimum calls of the fleet, operation by operation', async () => {
  // Arrange
  const fleet = generateFleet({ servers: 1_200, stalled: 60 });
  const served = await serve(fleet);

  // Act
  const answer = await loadBaseline()();

  // Assert
  expect(answer).toEqual({ treated: 60, commands: 3 * 2 });
  expect(callsOf(served)).toEqual(minimumOf(fleet));
  expect(served.errorCounts()).toEqual({});
});

test('with nothing stalled: the MGN listing and the ledger scan, as the doctor', async () => {
  // Arrange
  const fleet = generateFleet({ servers: 1_200, stalled: 0 });
  const served = await serve(fleet);

  // Act
  const answer = await loadBaseline()();

  // Assert
  expect(answer).toEqual({ treated: 0, commands: 0 });
  expect(callsOf(served)).toEqual({ 'mgn:DescribeSourceServers': 2, 'dynamodb:Scan': 1 });
  expect(callsOf(served)).toEqual(minimumOf(fleet));
});
