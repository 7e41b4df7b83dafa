// The latency the local endpoints simulate starts when the request arrives: the endpoint's own work is inside it,
// as a service's is from the caller's side, and only work longer than the latency makes a reply later.
import { waitOutLatency } from '../../support/simulated-latency';

describe('waitOutLatency', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  const settled = (promise: Promise<void>): { done: boolean } => {
    const state = { done: false };
    void promise.then(() => {
      state.done = true;
    });
    return state;
  };

  test('ends the latency after the arrival, with the work done meanwhile counted in it', async () => {
    // Arrange: 15 ms of work after the request arrived
    const arrivedAt = performance.now();
    jest.advanceTimersByTime(15);

    // Act
    const wait = settled(waitOutLatency(arrivedAt, 40));
    await jest.advanceTimersByTimeAsync(24);
    const before = wait.done;
    await jest.advanceTimersByTimeAsync(1);

    // Assert
    expect(before).toBe(false);
    expect(wait.done).toBe(true);
  });

  test('ends at once when the work took longer than the latency', async () => {
    // Arrange
    const arrivedAt = performance.now();
    jest.advanceTimersByTime(60);

    // Act
    const wait = settled(waitOutLatency(arrivedAt, 40));
    await Promise.resolve();
    await Promise.resolve();

    // Assert
    expect(wait.done).toBe(true);
  });
});
