// What the scripts' entry points share: where output goes, and a quiet end when a pipe closes early.

export interface OutputStream {
  write(text: string): unknown;
}

export interface CliIo {
  readonly stdout: OutputStream;
  readonly stderr: OutputStream;
  /** Read for defaults (AWS_REGION) and written for the SDK (AWS_PROFILE): process.env when run directly. */
  readonly env: Record<string, string | undefined>;
}

export const writeLine =
  (stream: OutputStream) =>
  (line: string): void =>
    void stream.write(`${line}\n`);

/** `npm run demo | head` closes stdout early; that is the reader's choice, not an error worth a stack trace. */
export function exitQuietlyOnBrokenPipe(): void {
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}
