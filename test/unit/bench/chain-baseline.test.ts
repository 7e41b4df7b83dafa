// The wall-time ratio's baseline (scripts/bench/chain-baseline-entry.ts) must make exactly the calls a first run on
// the fleet needs, no more and no fewer, or the ratio compares the handler with something else.
import { startBenchEndpoints, type BenchEndpoints } from '../../../scripts/bench/endpoints';
import { generateFleet, minimumCalls, type Fleet } from '../../../scripts/bench/fleet';

let fleet: Fleet;
let endpoints: BenchEndpoints;
const saved = new Map<string, string | undefined>();

beforeAll(async () => {
  fleet = generateFleet({ servers: 1_200, stalled: 60 });
  endpoints = await startBenchEndpoints(fleet, { latencyMs: 0 });
  // The baseline builds its clients from the Lambda's environment at load, as the handler does.
  for (const [name, value] of Object.entries(endpoints.environment())) {
    saved.set(name, process.env[name]);
    process.env[name] = value;
  }
});

afterAll(async () => {
  await endpoints?.close();
  for (const [name, value] of saved) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
});

test('treats every stalled server with the minimum calls of the fleet, operation by operation', async () => {
  // Arrange
  let handler: (() => Promise<{ treated: number; commands: number }>) | undefined;
  jest.isolateModules(() => {
    handler = (require('../../../scripts/bench/chain-baseline-entry') as { handler: typeof handler }).handler;
  });

  // Act
  const answer = await (handler as NonNullable<typeof handler>)();

  // Assert
  expect(answer).toEqual({ treated: 60, commands: 3 * 2 });
  const calls = Object.fromEntries(Object.entries(endpoints.callCounts()).filter(([, count]) => count > 0));
  const minimum = Object.fromEntries(
    minimumCalls(fleet)
      .filter((call) => call.minimum > 0)
      .map((call) => [call.operation, call.minimum]),
  );
  expect(calls).toEqual(minimum);
  expect(endpoints.errorCounts()).toEqual({});
});
