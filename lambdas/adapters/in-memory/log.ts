import type { Log } from '../../core/ports';

/** Keeps every line, so a caller can read back what the core logged. */
export class MemoryLog implements Log {
  readonly lines: { level: string; message: string; attributes?: Record<string, unknown> }[] = [];
  info(message: string, attributes?: Record<string, unknown>): void {
    this.lines.push({ level: 'info', message, attributes });
  }
  warn(message: string, attributes?: Record<string, unknown>): void {
    this.lines.push({ level: 'warn', message, attributes });
  }
  error(message: string, attributes?: Record<string, unknown>): void {
    this.lines.push({ level: 'error', message, attributes });
  }
}
