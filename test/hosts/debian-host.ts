// A real systemd host for the documents: a minimal Debian root filesystem (debootstrap, cached outside the repo),
// booted with systemd-nspawn on a throw-away overlay, in its own network namespace (loopback only). On a machine
// whose PID 1 is not systemd, nspawn cannot register with a system bus: `--register=no --keep-unit` boots anyway,
// and commands enter the container with nsenter on its systemd's PID (machinectl and systemd-run --machine cannot).
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { ManagedNode } from './ssm-agent-runner';

export const DEBIAN_SUITE = 'bookworm';
export const DEBIAN_MIRROR = process.env.MGN_DOCTOR_DEBIAN_MIRROR ?? 'http://deb.debian.org/debian';
/**
 * What the documents call beyond a minimal Debian: systemd (systemctl, the unit under test), openssl (the TLS probe,
 * and the lane's own TLS listeners) and the CA store it reads. bash, coreutils (df, timeout), mawk, util-linux
 * (findmnt) and libc-bin (getent) are part of every minbase.
 */
export const ROOTFS_PACKAGES = ['systemd', 'systemd-sysv', 'dbus', 'openssl', 'ca-certificates'] as const;
/** The host tools the lane needs on this machine (scripts/ensure-test-tools.sh installs their packages). */
const HOST_TOOLS = ['debootstrap', 'systemd-nspawn', 'nsenter', 'ip', 'mount'] as const;

const CACHE_ROOT = process.env.MGN_DOCTOR_HOST_CACHE ?? '/var/cache/mgn-replication-doctor/hosts';
/** The root filesystem's writable layer: a tmpfs of this size, so `/` reports (and can run out of) this much. */
export const ROOT_SIZE_MIB = 2300;
const DEBOOTSTRAP_TIMEOUT_MS = 20 * 60_000;
const BOOT_TIMEOUT_SECONDS = 60;
const SHUTDOWN_TIMEOUT_MS = 20_000;
/** systemd's default PATH for services, as the SSM Agent's own unit gets it. */
const SERVICE_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

export const rootfsKey = (): string =>
  createHash('sha256')
    .update([DEBIAN_SUITE, DEBIAN_MIRROR, 'minbase', ...ROOTFS_PACKAGES].join('\n'))
    .digest('hex')
    .slice(0, 12);

export const cachedRootfs = (): string => join(CACHE_ROOT, `debian-${DEBIAN_SUITE}-${rootfsKey()}`);

/** Why the lane cannot run here, or undefined. Checks only this machine; the mirror is tried when the cache is cold. */
export function hostLaneUnavailableReason(): string | undefined {
  if (process.platform !== 'linux') return 'not Linux';
  if (process.getuid?.() !== 0) return 'not root (systemd-nspawn and mounts need root)';
  for (const tool of HOST_TOOLS) {
    if (tool === 'debootstrap' && existsSync(cachedRootfs())) continue;
    if (!hasCommand(tool)) return `${tool} not installed (scripts/ensure-test-tools.sh installs it as root)`;
  }
  if (!existsSync(cachedRootfs()) && !canReachMirror())
    return `no Debian mirror at ${DEBIAN_MIRROR} and no cached root filesystem`;
  return undefined;
}

function hasCommand(tool: string): boolean {
  return spawnSync('sh', ['-c', 'command -v "$1"', 'sh', tool], { stdio: 'ignore' }).status === 0;
}

function canReachMirror(): boolean {
  const probe = `fetch(process.argv[1], { method: 'HEAD', signal: AbortSignal.timeout(8000) })
    .then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))`;
  const url = `${DEBIAN_MIRROR}/dists/${DEBIAN_SUITE}/Release`;
  return spawnSync(process.execPath, ['-e', probe, url], { stdio: 'ignore', timeout: 15_000 }).status === 0;
}

/** The cached root filesystem, built once (about 3 minutes and 250 MB) and then reused. */
export function ensureRootfs(log: (line: string) => void): string {
  const target = cachedRootfs();
  if (existsSync(join(target, 'usr/lib/systemd/systemd'))) return target;
  mkdirSync(CACHE_ROOT, { recursive: true });
  const building = mkdtempSync(join(CACHE_ROOT, '.building-'));
  log(`hosts: building ${target} with debootstrap from ${DEBIAN_MIRROR} (once; a few minutes)`);
  const args = ['--variant=minbase', `--include=${ROOTFS_PACKAGES.join(',')}`, DEBIAN_SUITE, building, DEBIAN_MIRROR];
  const run = spawnSync('debootstrap', args, { encoding: 'utf8', timeout: DEBOOTSTRAP_TIMEOUT_MS });
  if (run.status !== 0) {
    rmSync(building, { recursive: true, force: true });
    const tail = `${run.stdout ?? ''}${run.stderr ?? ''}`.trim().split('\n').slice(-5).join('\n');
    throw new Error(`debootstrap failed (${run.error?.message ?? `exit ${run.status}`}):\n${tail}`);
  }
  // Another lane may have finished first: keep its copy.
  if (existsSync(target)) rmSync(building, { recursive: true, force: true });
  else renameSync(building, target);
  return target;
}

export interface ExecResult {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface BootedHost extends ManagedNode {
  /** The container's root as this machine sees it (the overlay's merged view). */
  readonly root: string;
  /** Runs a command as root inside the host (all its namespaces), bounded in time. */
  exec(command: string, options?: { timeoutMs?: number; input?: string }): ExecResult;
  /** Like exec, but fails the test on a non-zero exit. */
  must(command: string, options?: { timeoutMs?: number; input?: string }): string;
  /** This machine's `ip` in the host's network namespace (the minimal host has no iproute2). */
  ip(args: readonly string[]): void;
  shutdown(): void;
}

export interface BootOptions {
  readonly instanceId: string;
  readonly region: string;
  readonly log: (line: string) => void;
}

/** Boots the cached root filesystem on a fresh overlay; every run starts from the same pristine host. */
export function bootHost(rootfs: string, options: BootOptions): BootedHost {
  const runDirectory = mkdtempSync('/tmp/mgn-doctor-host-');
  const layer = join(runDirectory, 'layer');
  const root = join(runDirectory, 'root');
  const consoleLog = join(runDirectory, 'console.log');
  mkdirSync(layer);
  mkdirSync(root);
  const mounted: string[] = [];
  let nspawn: ChildProcess | undefined;
  const cleanUp = (): void => {
    if (nspawn?.pid !== undefined && nspawn.exitCode === null && nspawn.signalCode === null) {
      spawnSync('kill', ['-KILL', String(nspawn.pid)]);
      spawnSync('sh', [
        '-c',
        'for i in $(seq 50); do kill -0 "$1" 2>/dev/null || exit 0; sleep 0.1; done',
        'sh',
        String(nspawn.pid),
      ]);
    }
    for (const mountPoint of mounted.splice(0).reverse()) spawnSync('umount', ['-l', mountPoint]);
    rmSync(runDirectory, { recursive: true, force: true });
  };
  process.once('exit', cleanUp);
  try {
    mountOrThrow(['-t', 'tmpfs', '-o', `size=${ROOT_SIZE_MIB}m,mode=0755`, 'mgn-doctor-layer', layer]);
    mounted.push(layer);
    mkdirSync(join(layer, 'upper'));
    mkdirSync(join(layer, 'work'));
    const overlay = `lowerdir=${rootfs},upperdir=${join(layer, 'upper')},workdir=${join(layer, 'work')}`;
    mountOrThrow(['-t', 'overlay', '-o', overlay, 'mgn-doctor-root', root]);
    mounted.push(root);

    const machine = `mgn-doctor-${process.pid}`;
    const output = openSync(consoleLog, 'a');
    nspawn = spawn(
      'systemd-nspawn',
      [
        '--boot',
        '--register=no',
        '--keep-unit',
        '--private-network',
        '--console=pipe',
        `--machine=${machine}`,
        `--hostname=${machine}`,
        '-D',
        root,
      ],
      { stdio: ['ignore', output, output] },
    );
    const systemdPid = waitForContainerInit(nspawn, consoleLog);
    const enter = (command: string, timeoutMs: number, input?: string): ExecResult => {
      const run = spawnSync(
        'nsenter',
        [
          '-t',
          String(systemdPid),
          '-a',
          '--',
          '/usr/bin/env',
          '-i',
          '-C',
          '/',
          `PATH=${SERVICE_PATH}`,
          'LC_ALL=C',
          'bash',
          '-c',
          command,
        ],
        { encoding: 'utf8', timeout: timeoutMs, input, killSignal: 'SIGKILL' },
      );
      if (run.error) throw new Error(`in host: ${command}: ${run.error.message}`);
      return { status: run.status ?? -1, stdout: run.stdout, stderr: run.stderr };
    };
    const booted = enter(
      `timeout ${BOOT_TIMEOUT_SECONDS} systemctl is-system-running --wait`,
      (BOOT_TIMEOUT_SECONDS + 5) * 1000,
    );
    // "degraded" (some unit failed, common in containers) is a booted host too.
    if (!/^(running|degraded)$/m.test(booted.stdout)) {
      throw new Error(`host did not boot: ${booted.stdout}${booted.stderr}\n${tailOf(consoleLog)}`);
    }
    options.log(`hosts: booted ${machine} (systemd PID ${systemdPid} on this machine): ${booted.stdout.trim()}`);

    const host: BootedHost = {
      instanceId: options.instanceId,
      region: options.region,
      platformType: 'linux',
      platformName: 'Debian GNU/Linux',
      platformVersion: readOsVersion(root),
      agentEnvironment: { PATH: SERVICE_PATH },
      root,
      exec: (command, execOptions = {}) => enter(command, execOptions.timeoutMs ?? 60_000, execOptions.input),
      must: (command, execOptions = {}) => {
        const run = enter(command, execOptions.timeoutMs ?? 60_000, execOptions.input);
        if (run.status !== 0) throw new Error(`in host: ${command}: exit ${run.status}\n${run.stdout}${run.stderr}`);
        return run.stdout;
      },
      ip: (args) => {
        const run = spawnSync('nsenter', ['-t', String(systemdPid), '-n', '--', 'ip', ...args], {
          encoding: 'utf8',
          timeout: 10_000,
        });
        if (run.status !== 0) throw new Error(`ip ${args.join(' ')} in host: ${run.stderr}`);
      },
      writeFile: (path, content, mode) => {
        const directory = path.slice(0, path.lastIndexOf('/'));
        const octal = mode.toString(8);
        const quoted = `'${path.replaceAll("'", "'\\''")}'`;
        const run = enter(
          `umask 077 && mkdir -p '${directory.replaceAll("'", "'\\''")}' && cat > ${quoted} && chmod ${octal} ${quoted}`,
          30_000,
          content,
        );
        if (run.status !== 0) throw new Error(`could not write ${path} in host: ${run.stderr}`);
      },
      // detached: nsenter leads a new process group, which the shell it starts inside the host stays in, so the
      // runner's kill(-pid) reaches every process of the step, as the agent's does.
      spawn: (argv, environment, workingDirectory) =>
        spawn(
          'nsenter',
          [
            '-t',
            String(systemdPid),
            '-a',
            '--',
            // nsenter's --wd resolves outside the host's root here (getcwd then fails): env changes directory inside.
            '/usr/bin/env',
            '-i',
            '-C',
            workingDirectory,
            ...Object.entries(environment).map(([name, value]) => `${name}=${value}`),
            ...argv,
          ],
          { detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
        ),
      shutdown: () => {
        process.removeListener('exit', cleanUp);
        if (nspawn && nspawn.exitCode === null) {
          // SIGTERM asks nspawn for an orderly shutdown of the container; SIGKILL after a bounded wait.
          nspawn.kill('SIGTERM');
          const deadline = Date.now() + SHUTDOWN_TIMEOUT_MS;
          while (nspawn.exitCode === null && nspawn.signalCode === null && Date.now() < deadline) {
            if (!isAlive(nspawn.pid)) break;
            spawnSync('sleep', ['0.2']);
          }
        }
        cleanUp();
      },
    };
    return host;
  } catch (error) {
    process.removeListener('exit', cleanUp);
    cleanUp();
    throw error;
  }
}

function mountOrThrow(args: string[]): void {
  const run = spawnSync('mount', args, { encoding: 'utf8', timeout: 30_000 });
  if (run.status !== 0) throw new Error(`mount ${args.join(' ')} failed: ${run.stderr}`);
}

/** The container's init: nspawn's child named systemd (nspawn is its subreaper). */
function waitForContainerInit(nspawn: ChildProcess, consoleLog: string): number {
  const deadline = Date.now() + BOOT_TIMEOUT_SECONDS * 1000;
  while (Date.now() < deadline) {
    if (nspawn.pid === undefined || !isAlive(nspawn.pid)) break;
    const init = findChild(nspawn.pid, 'systemd');
    // systemctl needs the manager's private socket, which systemd creates early in its boot.
    if (init !== undefined && existsSync(`/proc/${init}/root/run/systemd/private`)) return init;
    spawnSync('sleep', ['0.1']);
  }
  throw new Error(`systemd-nspawn did not start the host's systemd:\n${tailOf(consoleLog)}`);
}

function findChild(parentPid: number, name: string): number | undefined {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // pid (comm) state ppid …; comm may hold spaces and parentheses, so read from the last ')'.
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === parentPid && comm === name) return Number(entry);
    } catch {
      // The process ended while we looked.
    }
  }
  return undefined;
}

function isAlive(pid: number | undefined): boolean {
  if (pid === undefined) return false;
  try {
    process.kill(pid, 0);
    return existsSync(`/proc/${pid}`) && !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

function readOsVersion(root: string): string {
  const release = readFileSync(join(root, 'etc/os-release'), 'utf8');
  return /^VERSION_ID="?([^"\n]*)"?$/m.exec(release)?.[1] ?? 'unknown';
}

function tailOf(path: string): string {
  try {
    return readFileSync(path, 'utf8').split('\n').slice(-30).join('\n');
  } catch {
    return '';
  }
}
