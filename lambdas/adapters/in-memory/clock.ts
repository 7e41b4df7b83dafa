import type { Clock } from '../../core/ports';

/** Time stands still unless moved; sleeping moves it at once, so polling costs no real time. */
export class ManualClock implements Clock {
  constructor(private current: Date = new Date('2026-11-26T08:00:00Z')) {}
  now(): Date {
    return new Date(this.current);
  }
  async sleep(milliseconds: number): Promise<void> {
    this.advance(milliseconds);
  }
  advance(milliseconds: number): void {
    this.current = new Date(this.current.getTime() + milliseconds);
  }
  advanceMinutes(minutes: number): void {
    this.advance(minutes * 60_000);
  }
  setTo(date: Date): void {
    this.current = new Date(date);
  }
}
