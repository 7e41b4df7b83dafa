// scripts/ensure-test-tools.sh, run by `npm test` first, against stub id/apt-get commands: it installs only what
// is missing, only as root with apt-get, never fails the run, and otherwise says in one line what is skipped.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const SCRIPT = join(__dirname, '../../../scripts/ensure-test-tools.sh');
const BASH = spawnSync('/bin/sh', ['-c', 'command -v bash'], { encoding: 'utf8' }).stdout.trim();
const describeWithBash = BASH ? describe : describe.skip;
if (!BASH) console.warn('ensure-test-tools tests skipped: bash is not installed');

const sandboxes: string[] = [];
afterAll(() => {
  for (const dir of sandboxes) rmSync(dir, { recursive: true, force: true });
});

interface Machine {
  readonly uid: number;
  readonly aptGet?: 'works' | 'fails';
  readonly installed?: readonly string[];
}

/** Runs the script on a PATH of stubs plus the few real tools it uses; returns its output and the apt-get calls. */
function runOn(machine: Machine): { stdout: string; status: number | null; aptCalls: string[] } {
  const bin = mkdtempSync(join(tmpdir(), 'ensure-test-tools-'));
  sandboxes.push(bin);
  const calls = join(bin, 'apt-calls.log');
  writeFileSync(calls, '');
  const stub = (name: string, body: string): void => {
    writeFileSync(join(bin, name), `#!${BASH}\n${body}\n`);
    chmodSync(join(bin, name), 0o755);
  };
  for (const tool of ['mktemp', 'tail', 'rm']) {
    const path = spawnSync('/bin/sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).stdout.trim();
    symlinkSync(path, join(bin, tool));
  }
  stub('id', `echo ${machine.uid}`);
  for (const tool of machine.installed ?? []) stub(tool, 'exit 0');
  if (machine.aptGet) {
    const outcome = machine.aptGet === 'works' ? 'exit 0' : 'echo "E: Unable to locate package shellcheck"; exit 100';
    stub(
      'apt-get',
      `echo "apt-get $* DEBIAN_FRONTEND=$DEBIAN_FRONTEND" >> "${calls}"\nif [ "$1" = install ]; then ${outcome}; fi`,
    );
  }
  const run = spawnSync(BASH, [SCRIPT], { env: { PATH: bin }, encoding: 'utf8' });
  const aptCalls = readFileSync(calls, 'utf8')
    .split('\n')
    .filter((line) => line !== '');
  return { stdout: run.stdout, status: run.status, aptCalls };
}

describeWithBash('scripts/ensure-test-tools.sh', () => {
  it('does nothing, silently, when every tool is there', () => {
    const run = runOn({ uid: 0, aptGet: 'works', installed: ['shellcheck', 'debootstrap', 'systemd-nspawn'] });
    expect(run).toEqual({ stdout: '', status: 0, aptCalls: [] });
  });

  it('as root with apt-get: one quiet update, then the missing packages without recommends', () => {
    const run = runOn({ uid: 0, aptGet: 'works' });
    expect(run.status).toBe(0);
    expect(run.stdout).toBe('ensure-test-tools: installed shellcheck debootstrap systemd-container\n');
    expect(run.aptCalls).toEqual([
      'apt-get update -qq DEBIAN_FRONTEND=noninteractive',
      'apt-get install -y -qq --no-install-recommends shellcheck debootstrap systemd-container DEBIAN_FRONTEND=noninteractive',
    ]);
  });

  it('not root: installs nothing and says in one line what is skipped', () => {
    const run = runOn({ uid: 1000, aptGet: 'works' });
    expect(run).toEqual({
      stdout:
        'ensure-test-tools: shellcheck debootstrap systemd-container not installed (that needs root and apt-get): tests that need shellcheck debootstrap systemd-nspawn are skipped\n',
      status: 0,
      aptCalls: [],
    });
  });

  it('root without apt-get: the same one line', () => {
    const run = runOn({ uid: 0 });
    expect(run.stdout.split('\n').filter((line) => line !== '')).toHaveLength(1);
    expect(run.stdout).toMatch(
      /^ensure-test-tools: shellcheck debootstrap systemd-container not installed \(that needs root and apt-get\)/,
    );
    expect(run.status).toBe(0);
  });

  it('a failed install never fails the test run, and says why', () => {
    const run = runOn({ uid: 0, aptGet: 'fails' });
    expect(run.status).toBe(0);
    expect(run.stdout).toBe(
      'ensure-test-tools: apt-get could not install shellcheck debootstrap systemd-container (last line: E: Unable to locate package shellcheck): tests that need shellcheck debootstrap systemd-nspawn are skipped\n',
    );
  });

  it('lists its tools at the top as command:package, for other tests to add theirs', () => {
    const tools = /^TOOLS=\(\n([\s\S]*?)\n\)$/m.exec(readFileSync(SCRIPT, 'utf8'))?.[1] ?? '';
    expect(tools).toMatch(/^\s+"shellcheck:shellcheck"/m);
  });
});
