// moto (part of this machine image, `python3 -m moto.server`) as a local AWS endpoint for integration tests:
// SNS, SQS, DynamoDB and the SSM calls it implements. One server per test file, on a free port of 127.0.0.1.
//
// No orphans: the Python side watches its stdin, which only this process holds, and exits when it closes; so
// the server goes away with the test process even when Jest kills a worker without running afterAll.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { request } from 'node:http';
import { createServer, type AddressInfo } from 'node:net';

const PYTHON = process.env.MOTO_PYTHON ?? 'python3';
const READY_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 1_000;
/** The last bytes moto printed, for error messages (it logs every request, so the pipe must be drained). */
const LOG_TAIL_BYTES = 8_192;

// Starts moto's own entry point, plus a thread that ends the process once stdin reaches end-of-file.
const LAUNCHER = [
  'import os, sys, threading',
  'def _watch():',
  '    sys.stdin.buffer.read()',
  '    os._exit(0)',
  'threading.Thread(target=_watch, daemon=True).start()',
  'from moto.server import main',
  'main(sys.argv[1:])',
].join('\n');

let availability: { readonly available: boolean; readonly reason?: string } | undefined;

function checkAvailability(): { readonly available: boolean; readonly reason?: string } {
  if (availability === undefined) {
    const result = spawnSync(PYTHON, ['-c', 'import moto.server'], { encoding: 'utf8', timeout: 30_000 });
    if (result.error) {
      availability = { available: false, reason: `${PYTHON} could not be started: ${result.error.message}` };
    } else if (result.status !== 0) {
      const lastLine = (result.stderr ?? '').trim().split('\n').pop() ?? '';
      const reason = /No module named/.test(lastLine)
        ? 'moto is not installed'
        : lastLine || `exit code ${String(result.status)}`;
      availability = { available: false, reason };
    } else {
      availability = { available: true };
    }
  }
  return availability;
}

/** True when `python3 -c 'import moto.server'` works (checked once per process). */
export function isMotoAvailable(): boolean {
  return checkAvailability().available;
}

/** Why moto cannot be used, for the skip message; undefined when it can. */
export function motoUnavailableReason(): string | undefined {
  const { available, reason } = checkAvailability();
  return available ? undefined : `${PYTHON} -c "import moto.server" failed: ${reason ?? 'unknown reason'}`;
}

/**
 * `describe` where moto runs, else `describe.skip` after one line on stdout saying why (Jest drops the console
 * output of a file whose tests are all skipped). `lane` starts that line.
 */
export function describeWhereMotoRuns(lane = 'integration'): jest.Describe {
  const reason = motoUnavailableReason();
  if (reason === undefined) return describe;
  process.stdout.write(`${lane}: skipped (${reason})\n`);
  return describe.skip;
}

export interface MotoServer {
  /** `http://127.0.0.1:<port>` */
  readonly endpoint: string;
  /** Clears every backend (`POST /moto-api/reset`). */
  reset(): Promise<void>;
  /** moto's state dump (`GET /moto-api/data.json`), e.g. `sns.Topic[].sent_notifications`. */
  data(): Promise<Record<string, unknown>>;
  /** Stops the server and waits for the process to exit. Safe to call twice. */
  stop(): Promise<void>;
}

async function findFreePort(): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close((error) => (error ? reject(error) : resolve(port)));
    });
  });
}

interface HttpResult {
  readonly status: number;
  readonly body: string;
}

function httpCall(url: string, method: 'GET' | 'POST', timeoutMs = 5_000): Promise<HttpResult> {
  return new Promise<HttpResult>((resolve, reject) => {
    const outgoing = request(url, { method, timeout: timeoutMs, agent: false }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () =>
        resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
      );
      response.on('error', reject);
    });
    outgoing.on('timeout', () => outgoing.destroy(new Error(`${method} ${url} timed out`)));
    outgoing.on('error', reject);
    outgoing.end();
  });
}

const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise<void>((resolve) => child.once('exit', () => resolve()));
}

async function launch(port: number): Promise<MotoServer> {
  const child = spawn(PYTHON, ['-c', LAUNCHER, '-H', '127.0.0.1', '-p', String(port)], {
    stdio: ['pipe', 'ignore', 'pipe'],
    env: { ...process.env, PYTHONUNBUFFERED: '1' },
  });
  let logTail = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (text: string) => {
    logTail = (logTail + text).slice(-LOG_TAIL_BYTES);
  });
  // If the Node process exits without stop() (an uncaught error), take the server with it.
  const killOnExit = (): void => {
    child.kill('SIGKILL');
  };
  process.once('exit', killOnExit);

  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopped ??= (async () => {
      process.removeListener('exit', killOnExit);
      if (child.exitCode !== null || child.signalCode !== null) return;
      // Closing stdin ends it at once (the watchdog thread); SIGTERM takes moto about a second.
      const done = exited(child);
      child.stdin?.end();
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
      await done;
      clearTimeout(timer);
    })();
    return stopped;
  };

  const endpoint = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + READY_TIMEOUT_MS;
  let lastError = '';
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      await stop();
      throw new Error(
        `moto server exited during start-up (code ${String(child.exitCode)}, signal ${String(child.signalCode)}): ${logTail.trim().slice(-1_000)}`,
      );
    }
    try {
      const response = await httpCall(`${endpoint}/moto-api/data.json`, 'GET', 1_000);
      if (response.status === 200) break;
      lastError = `HTTP ${response.status}`;
    } catch (error) {
      lastError = (error as Error).message;
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(
        `moto server not ready on ${endpoint} within ${READY_TIMEOUT_MS} ms (${lastError}): ${logTail.trim().slice(-1_000)}`,
      );
    }
    await delay(100);
  }

  return {
    endpoint,
    async reset() {
      const response = await httpCall(`${endpoint}/moto-api/reset`, 'POST');
      if (response.status !== 200)
        throw new Error(`moto reset failed: HTTP ${response.status} ${response.body.slice(0, 200)}`);
    },
    async data() {
      // moto serializes every backend it holds; on two shared cores under load that took over 5 s (a hang guard,
      // not a budget: the integration project's own timeout still applies).
      const response = await httpCall(`${endpoint}/moto-api/data.json`, 'GET', 30_000);
      if (response.status !== 200) throw new Error(`moto data.json failed: HTTP ${response.status}`);
      return JSON.parse(response.body) as Record<string, unknown>;
    },
    stop,
  };
}

/**
 * Starts moto on a free port of 127.0.0.1 and resolves once it answers `GET /moto-api/data.json` (at most ~10 s).
 * A port taken between the probe and the bind is retried on another one.
 */
export async function startMotoServer(): Promise<MotoServer> {
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      return await launch(await findFreePort());
    } catch (error) {
      lastError = error;
      if (!/exited during start-up/.test((error as Error).message)) throw error;
    }
  }
  throw lastError;
}
