// What a run costs in Lambda, projected from what the benchmark measured: Lambda gives a function a share of a
// vCPU in proportion to its memory (1,769 MB is one vCPU), so the CPU time measured on a full core here stretches
// by 1 ÷ share there, while the calls' latency does not. The doctor is single-threaded: more than one vCPU buys it
// nothing, so the sizes stop at 1,769 MB.
import { scheduleGaps } from '../../lib/schedule';

export const LAMBDA_MEMORY_SIZES_MB: readonly number[] = [128, 256, 512, 1024, 1769];
/** Memory at which a function gets one full vCPU. */
export const ONE_VCPU_MB = 1769;
/** Lambda on arm64 (the stack's architecture), us-east-1 list prices without the free tier. */
export const ARM64_PRICES = { perGbSecondUsd: 0.0000133334, perMillionRequestsUsd: 0.2 } as const;
/** A projection is "near the floor" within this factor: then more memory only costs more. */
export const NEAR_FLOOR = 1.2;
/** The peak RSS must stay under this share of the memory (the rest is the runtime's and headroom). */
export const MEMORY_HEADROOM = 0.9;

export interface RunProfile {
  /** Handler CPU time on one full core. */
  readonly cpuMs: number;
  /** The run's I/O floor (ioFloor). */
  readonly ioFloorMs: number;
  readonly peakRssBytes: number;
}

export interface MemoryProjection {
  readonly memoryMb: number;
  readonly cpuShare: number;
  /** CPU and waiting overlap: the longer of the I/O floor and the CPU time at this share. */
  readonly durationMs: number;
  /** Nothing overlaps: the I/O floor plus the CPU time at this share (the pessimistic bound). */
  readonly noOverlapMs: number;
  readonly durationOverFloor: number;
  /** Peak RSS within MEMORY_HEADROOM of the memory. */
  readonly fits: boolean;
  readonly costPerRunUsd: number;
  readonly monthlyUsd: number;
}

export interface LambdaProjection {
  readonly runsPerMonth: number;
  readonly rows: readonly MemoryProjection[];
  /** The smallest memory that fits and whose projected duration is within NEAR_FLOOR of the I/O floor. */
  readonly recommendedMb?: number;
}

/** Scheduled runs in a 30-day month (event runs come on top). */
export function runsPerMonth(schedule: string): number {
  const { shortestMinutes } = scheduleGaps(schedule);
  return Number.isFinite(shortestMinutes) ? Math.floor((30 * 24 * 60) / shortestMinutes) : 0;
}

export function projectLambda(profile: RunProfile, runs: number, sizes = LAMBDA_MEMORY_SIZES_MB): LambdaProjection {
  const rows = sizes.map((memoryMb): MemoryProjection => {
    const cpuShare = Math.min(1, memoryMb / ONE_VCPU_MB);
    const cpuAtShareMs = profile.cpuMs / cpuShare;
    const durationMs = Math.max(profile.ioFloorMs, cpuAtShareMs);
    // Billed in whole milliseconds.
    const gbSeconds = (memoryMb / 1024) * (Math.ceil(durationMs) / 1000);
    const costPerRunUsd = gbSeconds * ARM64_PRICES.perGbSecondUsd + ARM64_PRICES.perMillionRequestsUsd / 1e6;
    return {
      memoryMb,
      cpuShare,
      durationMs,
      noOverlapMs: profile.ioFloorMs + cpuAtShareMs,
      durationOverFloor: profile.ioFloorMs > 0 ? durationMs / profile.ioFloorMs : Number.POSITIVE_INFINITY,
      fits: profile.peakRssBytes <= memoryMb * 1024 * 1024 * MEMORY_HEADROOM,
      costPerRunUsd,
      monthlyUsd: costPerRunUsd * runs,
    };
  });
  const recommended = rows.find((row) => row.fits && row.durationOverFloor <= NEAR_FLOOR);
  return { runsPerMonth: runs, rows, recommendedMb: recommended?.memoryMb };
}
