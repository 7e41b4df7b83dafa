// What a run costs in Lambda: CPU measured on a full core stretches by memory ÷ 1,769 MB there; the I/O floor
// does not. The recommendation is the smallest memory that fits and stays within 1.2× of the floor.
import { ARM64_PRICES, projectLambda, runsPerMonth } from '../../../scripts/bench/lambda-projection';

const MB = 1024 * 1024;

describe('projectLambda', () => {
  test('CPU share, duration, cost and the recommendation for a known run', () => {
    // Arrange: 0.5 s of CPU, a 2 s floor, 150 MB peak
    const profile = { cpuMs: 500, ioFloorMs: 2000, peakRssBytes: 150 * MB };

    // Act
    const projection = projectLambda(profile, 2880);

    // Assert
    const row = (memoryMb: number) => projection.rows.find((candidate) => candidate.memoryMb === memoryMb);
    expect(row(1769)?.cpuShare).toBe(1);
    expect(row(512)?.cpuShare).toBeCloseTo(512 / 1769, 6);
    // 256 MB: 500 ms ÷ (256/1769) = 3,455 ms of CPU, longer than the floor
    expect(row(256)?.durationMs).toBeCloseTo(500 / (256 / 1769), 6);
    expect(row(256)?.noOverlapMs).toBeCloseTo(2000 + 500 / (256 / 1769), 6);
    // 512 MB: 1,728 ms of CPU, under the floor: the floor it is
    expect(row(512)?.durationMs).toBe(2000);
    expect(row(128)?.fits).toBe(false);
    expect(row(256)?.fits).toBe(true);
    // 512 MB × 2.000 s = 1 GB-s per run
    expect(row(512)?.costPerRunUsd).toBeCloseTo(ARM64_PRICES.perGbSecondUsd + 0.2 / 1e6, 12);
    expect(row(512)?.monthlyUsd).toBeCloseTo(2880 * (ARM64_PRICES.perGbSecondUsd + 0.2 / 1e6), 9);
    // 256 MB is 1.73× the floor; 512 MB the floor itself
    expect(projection.recommendedMb).toBe(512);
  });

  test('a run whose peak RSS does not fit is never recommended, however fast', () => {
    // Act
    const projection = projectLambda({ cpuMs: 10, ioFloorMs: 2000, peakRssBytes: 600 * MB }, 2880);

    // Assert: 512 MB would be fast enough but holds 460 MB at most (90 %)
    expect(projection.recommendedMb).toBe(1024);
  });

  test('no size near the floor: no recommendation', () => {
    // Act
    const projection = projectLambda({ cpuMs: 5000, ioFloorMs: 1000, peakRssBytes: 100 * MB }, 2880);

    // Assert: even one full vCPU takes 5× the floor
    expect(projection.recommendedMb).toBeUndefined();
  });
});

describe('runsPerMonth', () => {
  test('rate(15 minutes) is 2,880 runs in 30 days; a cron takes its shortest gap', () => {
    expect(runsPerMonth('rate(15 minutes)')).toBe(2880);
    expect(runsPerMonth('rate(1 hour)')).toBe(720);
    expect(runsPerMonth('cron(0/30 * * * ? *)')).toBe(1440);
  });
});
