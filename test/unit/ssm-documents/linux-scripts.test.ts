// Runs each document's Linux step with bash against stub systemctl/df/findmnt/timeout/getent/openssl/curl,
// with parameters delivered as SSM would, and reads the result back through the Lambda's own parser.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseConnectivityTargets, parseDoctorLines } from '../../../lambdas/core/command-output';
import { BASH_PATH, MGN_BUCKETS, readScript, removeSandboxes, runLinuxStep, type RunOptions } from './document-harness';
import { CURL, DF, FINDMNT, GETENT, OPENSSL, SLEEP, SYSTEMCTL, SYSTEMD_DIR, TIMEOUT } from './linux-stubs';

const describeWithBash = BASH_PATH ? describe : describe.skip;
if (!BASH_PATH) console.warn('Linux script tests skipped: bash is not installed');

afterAll(removeSandboxes);

function firstLine(text: string): string {
  return text.split('\n')[0] ?? '';
}

describeWithBash('Linux scripts are valid bash', () => {
  it.each(['restart-replication-agent', 'check-disk-space', 'check-connectivity'] as const)(
    '%s parses with bash -n',
    (name) => {
      const checked = spawnSync(BASH_PATH ?? 'bash', ['-n'], { input: readScript(name, 'Linux'), encoding: 'utf8' });
      expect(checked.stderr).toBe('');
      expect(checked.status).toBe(0);
    },
  );
});

// --- RestartReplicationAgent ---------------------------------------------------------------------

const AGENT_HOME = 'var/lib/aws-replication-agent';

function agentLog(lineCount: number): string {
  const lines = Array.from(
    { length: lineCount },
    (_unused, index) => `2026-01-01 00:00:${String(index).padStart(2, '0')} INFO line ${index + 1}`,
  );
  return `${lines.join('\n')}\n`;
}

// With a 20-line excerpt unless a test says otherwise (the document's default is none).
function runRestart(options: RunOptions & { fake?: Record<string, string> } = {}) {
  return runLinuxStep('restart-replication-agent', {
    stubs: { systemctl: SYSTEMCTL, sleep: SLEEP },
    dirs: [SYSTEMD_DIR],
    files: { [`${AGENT_HOME}/VERSION`]: '7.1.2.3\n', [`${AGENT_HOME}/agent.log.0`]: agentLog(30) },
    ...options,
    params: { logLines: '20', ...options.params },
    env: { ...options.fake, ...options.env },
  });
}

describeWithBash('restart-replication-agent (Linux)', () => {
  it('restarts the agent and reports RUNNING, exit 0, with the log tail after the summary', () => {
    const run = runRestart();
    expect(run.exitCode).toBe(0);
    expect(run.stderr).toBe('');
    expect(parseDoctorLines(run.stdout)).toEqual([
      {
        check: 'agent',
        status: 'RUNNING',
        service: 'aws-replication-agent',
        active_state: 'active',
        version: '7.1.2.3',
        restart: 'ok',
      },
    ]);
    expect(firstLine(run.stdout)).toMatch(/^MGN_DOCTOR check=agent status=RUNNING /);
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines[1]).toMatch(/^--- last 20 lines of .*\/var\/lib\/aws-replication-agent\/agent\.log\.0 ---$/);
    expect(lines.slice(2)).toHaveLength(20);
    expect(lines[2]).toContain('INFO line 11');
    expect(lines.at(-1)).toContain('INFO line 30');
  });

  it('restarts only the main unit, then waits waitSeconds before checking', () => {
    const run = runRestart({ params: { waitSeconds: '45' } });
    expect(run.calls).toEqual([
      'systemctl show -p LoadState aws-replication-agent.service',
      'systemctl restart aws-replication-agent.service',
      'sleep 45',
      'systemctl is-active aws-replication-agent.service',
    ]);
  });

  it('reports NOT_INSTALLED and exits 1 when the unit does not exist, without restarting anything', () => {
    const run = runRestart({ fake: { FAKE_UNIT: 'missing' } });
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toBe('MGN_DOCTOR check=agent status=NOT_INSTALLED service=aws-replication-agent\n');
    expect(run.calls.some((call) => call.includes('restart'))).toBe(false);
  });

  it('reports NOT_RUNNING and exits 1 when the agent does not stay active', () => {
    const run = runRestart({ fake: { FAKE_ACTIVE: 'failed' } });
    expect(run.exitCode).toBe(1);
    expect(parseDoctorLines(run.stdout)[0]).toMatchObject({
      status: 'NOT_RUNNING',
      active_state: 'failed',
      restart: 'ok',
    });
  });

  it('reports a failed restart and shows systemctl’s message after the summary', () => {
    const run = runRestart({ fake: { FAKE_RESTART: 'fail', FAKE_ACTIVE: 'inactive' } });
    expect(run.exitCode).toBe(1);
    expect(parseDoctorLines(run.stdout)[0]).toMatchObject({
      status: 'NOT_RUNNING',
      active_state: 'inactive',
      restart: 'failed',
    });
    const lines = run.stdout.split('\n');
    expect(lines[1]).toBe('systemctl restart aws-replication-agent failed:');
    expect(lines[2]).toContain('Job for aws-replication-agent.service failed');
  });

  it('reports UNSUPPORTED without systemd', () => {
    const run = runRestart({ dirs: [] });
    expect(run.exitCode).toBe(1);
    expect(parseDoctorLines(run.stdout)).toEqual([
      { check: 'agent', status: 'UNSUPPORTED', reason: 'no_systemd', service: 'aws-replication-agent' },
    ]);
    expect(run.calls).toEqual([]);
  });

  it('reports UNSUPPORTED when systemctl is missing', () => {
    const run = runRestart({ stubs: { sleep: SLEEP } });
    expect(run.exitCode).toBe(1);
    expect(parseDoctorLines(run.stdout)[0]).toMatchObject({ status: 'UNSUPPORTED', reason: 'no_systemd' });
  });

  it('reports version=unknown and no tail when VERSION and the log are missing', () => {
    const run = runRestart({ files: {} });
    expect(run.exitCode).toBe(0);
    expect(parseDoctorLines(run.stdout)[0]).toMatchObject({ status: 'RUNNING', version: 'unknown' });
    expect(run.stdout).toMatch(/--- no agent log at .*agent\.log\.0 ---/);
    expect(run.stdout).not.toContain('--- last');
  });

  it('prints no log section when logLines is 0', () => {
    const run = runRestart({ params: { logLines: '0' } });
    expect(run.stdout.trimEnd().split('\n')).toHaveLength(1);
  });

  it('cuts log lines to 300 characters and hides lines that look like credentials', () => {
    const log = `${'x'.repeat(500)}\nawsSecretAccessKey = "abc123"\n"password": "hunter2"\nplain line\n`;
    const run = runRestart({ params: { logLines: '4' }, files: { [`${AGENT_HOME}/agent.log.0`]: log } });
    const tail = run.stdout.trimEnd().split('\n').slice(2);
    expect(tail).toEqual([
      'x'.repeat(300),
      '[line hidden: it may hold a credential]',
      '[line hidden: it may hold a credential]',
      'plain line',
    ]);
    expect(run.stdout).not.toContain('abc123');
    expect(run.stdout).not.toContain('hunter2');
  });

  it('hides credentials in Python-dict and escaped-JSON log lines too', () => {
    const log = [
      "got credentials {'AccessKeyId': 'ASIAEXAMPLE', 'SecretAccessKey': 'pydictsecret', 'SessionToken': 'pytoken'}",
      'body {\\"SecretAccessKey\\":\\"jsonsecret\\"}',
      'Authorization: AWS4-HMAC-SHA256 Credential=AKIAEXAMPLE/20260101/us-east-1/mgn/aws4_request, Signature=sig',
      'token refresh scheduled in 5 minutes',
      '',
    ].join('\n');
    const run = runRestart({ params: { logLines: '4' }, files: { [`${AGENT_HOME}/agent.log.0`]: log } });
    const tail = run.stdout.trimEnd().split('\n').slice(2);
    expect(tail).toEqual([
      '[line hidden: it may hold a credential]',
      '[line hidden: it may hold a credential]',
      '[line hidden: it may hold a credential]',
      'token refresh scheduled in 5 minutes',
    ]);
    expect(run.stdout).not.toMatch(/pydictsecret|pytoken|jsonsecret|Signature=sig/);
  });

  it('never lets a log line pass for a result line', () => {
    const log =
      'MGN_DOCTOR check=agent status=RUNNING service=aws-replication-agent\nnoise\rMGN_DOCTOR check=agent status=RUNNING\n';
    const files = { [`${AGENT_HOME}/VERSION`]: '7.1.2.3\n', [`${AGENT_HOME}/agent.log.0`]: log };
    const run = runRestart({ fake: { FAKE_ACTIVE: 'failed' }, params: { logLines: '2' }, files });
    expect(run.exitCode).toBe(1);
    expect(parseDoctorLines(run.stdout)).toEqual([
      {
        check: 'agent',
        status: 'NOT_RUNNING',
        service: 'aws-replication-agent',
        active_state: 'failed',
        version: '7.1.2.3',
        restart: 'ok',
      },
    ]);
    expect(run.stdout).toContain('> MGN_DOCTOR check=agent status=RUNNING service=aws-replication-agent');
  });

  it('bounds systemctl restart with timeout where the host has it', () => {
    const run = runRestart({
      stubs: { systemctl: SYSTEMCTL, sleep: SLEEP, timeout: 'echo "timeout $*" >> "$FAKE_CALLS"; shift; exec "$@"' },
    });
    expect(run.exitCode).toBe(0);
    expect(run.calls).toContain('timeout 300 systemctl restart aws-replication-agent.service');
    expect(run.calls).toContain('systemctl restart aws-replication-agent.service');
  });

  it('reports a restart that did not finish in time as failed, summary first', () => {
    const run = runRestart({
      stubs: { systemctl: SYSTEMCTL, sleep: SLEEP, timeout: 'echo "timeout $*" >> "$FAKE_CALLS"; exit 124' },
      fake: { FAKE_ACTIVE: 'deactivating' },
    });
    expect(run.exitCode).toBe(1);
    expect(parseDoctorLines(run.stdout)).toEqual([
      {
        check: 'agent',
        status: 'NOT_RUNNING',
        service: 'aws-replication-agent',
        active_state: 'deactivating',
        version: '7.1.2.3',
        restart: 'failed',
      },
    ]);
    const lines = run.stdout.split('\n');
    expect(lines[1]).toBe('systemctl restart aws-replication-agent failed:');
    expect(lines[2]).toBe('systemctl restart did not finish within 300 s (systemd may still be working on it)');
  });

  it('keeps a hostile VERSION file to one token', () => {
    const run = runRestart({ files: { [`${AGENT_HOME}/VERSION`]: '1.2 3 status=OK\nsecond line\n' } });
    expect(parseDoctorLines(run.stdout)[0]).toMatchObject({ status: 'RUNNING', version: '1.2_3_status_OK' });
  });

  it('works with an SSM Agent that only substitutes {{ }} (no SSM_ variables)', () => {
    const run = runRestart({ mode: 'template', params: { waitSeconds: '07', logLines: '3' } });
    expect(run.exitCode).toBe(0);
    expect(run.calls).toContain('sleep 7');
    expect(run.stdout.trimEnd().split('\n').slice(2)).toHaveLength(3);
  });

  it('re-runs itself under bash when started by sh', () => {
    const run = runRestart({ shell: 'sh' });
    expect(run.exitCode).toBe(0);
    expect(parseDoctorLines(run.stdout)[0]).toMatchObject({ status: 'RUNNING' });
  });

  it('rejects a malicious SSM_ value without running it', () => {
    for (const value of ['1; touch pwned', '$(touch pwned)', '`touch pwned`']) {
      const run = runRestart({ env: { SSM_waitSeconds: value } });
      expect(run.exitCode).toBe(1);
      expect(run.stdout).toBe(
        'MGN_DOCTOR check=agent status=ERROR reason=invalid_parameter service=aws-replication-agent\n',
      );
      expect(existsSync(join(run.sandbox, 'pwned'))).toBe(false);
      expect(run.calls).toEqual([]);
    }
  });

  it('keeps a substituted value literal even if allowedPattern were bypassed', () => {
    const script = readScript('restart-replication-agent', 'Linux')
      .replace('{{ waitSeconds }}', '$(touch pwned)')
      .replace('{{ logLines }}', '1');
    const run = runRestart({ mode: 'template', rawScript: script });
    expect(existsSync(join(run.sandbox, 'pwned'))).toBe(false);
    expect(parseDoctorLines(run.stdout)[0]).toMatchObject({ status: 'ERROR', reason: 'invalid_parameter' });
  });
});

// After the step the agent is running, or the output says exactly why not.
describeWithBash('restart-replication-agent (Linux) never leaves the agent stopped', () => {
  it('starts the agent when the restart failed and left it down', () => {
    const run = runRestart({
      params: { logLines: '0' },
      fake: { FAKE_RESTART: 'fail', FAKE_ACTIVE: 'failed', FAKE_ACTIVE_AFTER_START: 'active' },
    });
    expect(run.exitCode).toBe(0);
    expect(parseDoctorLines(run.stdout)).toEqual([
      {
        check: 'agent',
        status: 'RUNNING',
        service: 'aws-replication-agent',
        active_state: 'active',
        version: '7.1.2.3',
        restart: 'failed',
        start: 'ok',
      },
    ]);
    expect(run.calls).toEqual([
      'systemctl show -p LoadState aws-replication-agent.service',
      'systemctl restart aws-replication-agent.service',
      'systemctl is-active aws-replication-agent.service',
      'systemctl start aws-replication-agent.service',
      'sleep 20',
      'systemctl is-active aws-replication-agent.service',
    ]);
    expect(run.stdout.split('\n').slice(1, 3)).toEqual([
      'systemctl restart aws-replication-agent failed:',
      'Job for aws-replication-agent.service failed because the control process exited with error code.',
    ]);
  });

  it('bounds that start too, and says why the agent is still not running when it fails', () => {
    const run = runRestart({
      params: { logLines: '0' },
      stubs: { systemctl: SYSTEMCTL, sleep: SLEEP, timeout: 'echo "timeout $*" >> "$FAKE_CALLS"; shift; exec "$@"' },
      fake: {
        FAKE_RESTART: 'fail',
        FAKE_START: 'fail',
        FAKE_ACTIVE: 'failed',
        FAKE_SUB_STATE: 'failed',
        FAKE_RESULT: 'exit-code',
        FAKE_EXIT_STATUS: '3',
      },
    });
    expect(run.exitCode).toBe(1);
    expect(parseDoctorLines(run.stdout)[0]).toMatchObject({
      status: 'NOT_RUNNING',
      restart: 'failed',
      start: 'failed',
    });
    expect(run.calls).toContain('timeout 120 systemctl start aws-replication-agent.service');
    expect(run.stdout.split('\n').slice(3)).toEqual([
      'starting aws-replication-agent after the failed restart failed too:',
      'Job for aws-replication-agent.service failed because the control process exited with error code.',
      'not running: ActiveState=failed SubState=failed Result=exit-code ExecMainStatus=3',
      '',
    ]);
  });

  it('leaves a unit systemd is still stopping to systemd, and says so', () => {
    const run = runRestart({
      params: { logLines: '0' },
      stubs: {
        systemctl: SYSTEMCTL,
        sleep: SLEEP,
        timeout: 'echo "timeout $*" >> "$FAKE_CALLS"; if [ "$3" = restart ]; then exit 124; fi; shift; exec "$@"',
      },
      fake: { FAKE_ACTIVE: 'deactivating', FAKE_SUB_STATE: 'stop-sigterm' },
    });
    expect(run.exitCode).toBe(1);
    expect(run.calls.some((call) => call.includes(' start '))).toBe(false);
    expect(run.stdout).toContain('not running: ActiveState=deactivating SubState=stop-sigterm');
  });

  it('does not start again an agent that the restart started but that then crashed', () => {
    const run = runRestart({ params: { logLines: '0' }, fake: { FAKE_ACTIVE: 'failed', FAKE_RESULT: 'signal' } });
    expect(run.exitCode).toBe(1);
    expect(run.calls.filter((call) => call.includes(' start '))).toEqual([]);
    expect(parseDoctorLines(run.stdout)[0]).toMatchObject({ status: 'NOT_RUNNING', restart: 'ok' });
    expect(run.stdout).toContain('Result=signal');
  });
});

// --- CheckDiskSpace ------------------------------------------------------------------------------

function runDisk(fake: Record<string, string>, options: RunOptions = {}) {
  return runLinuxStep('check-disk-space', {
    stubs: { df: DF, findmnt: FINDMNT },
    ...options,
    env: { FAKE_ROOT_FREE: '10000', FAKE_TMP_FREE: '3000', FAKE_TMP_OPTIONS: 'rw,nosuid,nodev', ...fake },
  });
}

describeWithBash('check-disk-space (Linux)', () => {
  it('reports OK and exits 0 with enough space', () => {
    const run = runDisk({});
    expect(run.exitCode).toBe(0);
    expect(run.stderr).toBe('');
    expect(parseDoctorLines(run.stdout)).toEqual([
      {
        check: 'disk',
        status: 'OK',
        root_free_mib: '10000',
        root_min_mib: '2048',
        tmp_free_mib: '3000',
        tmp_min_mib: '500',
        tmp_noexec: 'no',
      },
    ]);
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines[1]).toBe('--- df -Ph / /tmp ---');
    expect(lines[2]).toMatch(/^Filesystem\s+Size/);
  });

  it('reports LOW and exits 1 when / is below its threshold', () => {
    const run = runDisk({ FAKE_ROOT_FREE: '2047' });
    expect(run.exitCode).toBe(1);
    expect(parseDoctorLines(run.stdout)[0]).toMatchObject({
      status: 'LOW',
      root_free_mib: '2047',
      root_min_mib: '2048',
    });
  });

  it('reports LOW and exits 1 when /tmp is below its threshold', () => {
    const run = runDisk({ FAKE_TMP_FREE: '100' });
    expect(run.exitCode).toBe(1);
    expect(parseDoctorLines(run.stdout)[0]).toMatchObject({ status: 'LOW', tmp_free_mib: '100', tmp_min_mib: '500' });
  });

  it('uses the given thresholds, read in base 10', () => {
    const run = runDisk(
      { FAKE_ROOT_FREE: '900', FAKE_TMP_FREE: '90' },
      { params: { minFreeRootMiB: '0800', minFreeTmpMiB: '09' } },
    );
    expect(run.exitCode).toBe(0);
    expect(parseDoctorLines(run.stdout)[0]).toMatchObject({ status: 'OK', root_min_mib: '800', tmp_min_mib: '9' });
  });

  it('reports a noexec /tmp without failing the space check', () => {
    const run = runDisk({ FAKE_TMP_OPTIONS: 'rw,nosuid,nodev,noexec,relatime' });
    expect(run.exitCode).toBe(0);
    expect(parseDoctorLines(run.stdout)[0]).toMatchObject({ status: 'OK', tmp_noexec: 'yes' });
    expect(run.calls).toEqual(['findmnt -n -o OPTIONS -T /tmp']);
  });

  it('reads the options of the mount /tmp resolves to when mounts are stacked on it (the last one listed)', () => {
    const run = runDisk({ FAKE_TMP_OPTIONS: 'rw,nosuid,nodev,noexec,relatime\nrw,relatime,size=1024k' });
    expect(parseDoctorLines(run.stdout)[0]).toMatchObject({ status: 'OK', tmp_noexec: 'no' });
  });

  it('falls back to /proc/mounts without findmnt', () => {
    const mounts = '/dev/root / ext4 rw,relatime 0 0\ntmpfs /tmp tmpfs rw,nosuid,nodev,noexec 0 0\n';
    const run = runLinuxStep('check-disk-space', {
      stubs: { df: DF },
      files: { 'proc/mounts': mounts },
      env: { FAKE_ROOT_FREE: '10000', FAKE_TMP_FREE: '3000' },
    });
    expect(parseDoctorLines(run.stdout)[0]).toMatchObject({ status: 'OK', tmp_noexec: 'yes' });
  });

  it('uses the mount of / for /tmp when /tmp is not a mount point', () => {
    const run = runLinuxStep('check-disk-space', {
      stubs: { df: DF },
      files: { 'proc/mounts': 'rootfs / rootfs rw 0 0\n/dev/root / xfs rw,noatime 0 0\n' },
      env: { FAKE_ROOT_FREE: '10000', FAKE_TMP_FREE: '10000' },
    });
    expect(parseDoctorLines(run.stdout)[0]).toMatchObject({ tmp_noexec: 'no' });
  });

  it('reads the Available column from the right, so a device name with spaces cannot shift it', () => {
    const run = runDisk({ FAKE_ROOT_DEV: 'map auto home 12', FAKE_ROOT_FREE: '1500' });
    expect(run.exitCode).toBe(1);
    expect(parseDoctorLines(run.stdout)[0]).toMatchObject({ status: 'LOW', root_free_mib: '1500' });
  });

  it('bounds df and findmnt with timeout, and reports a filesystem that does not answer as ERROR', () => {
    const passThrough = runDisk(
      {},
      { stubs: { df: DF, findmnt: FINDMNT, timeout: 'echo "timeout $*" >> "$FAKE_CALLS"; shift; exec "$@"' } },
    );
    expect(passThrough.exitCode).toBe(0);
    expect(passThrough.calls).toEqual(
      expect.arrayContaining([
        'timeout 20 df -Pm /',
        'timeout 20 df -Pm /tmp',
        'timeout 20 findmnt -n -o OPTIONS -T /tmp',
      ]),
    );
    // A hung NFS /tmp: timeout kills df and answers 124 with nothing on stdout.
    const hung = runDisk(
      {},
      {
        stubs: {
          df: DF,
          findmnt: FINDMNT,
          timeout: 'if [ "$3" = -Pm ] && [ "$4" = /tmp ]; then exit 124; fi; shift; exec "$@"',
        },
      },
    );
    expect(hung.exitCode).toBe(1);
    expect(parseDoctorLines(hung.stdout)[0]).toMatchObject({
      status: 'ERROR',
      root_free_mib: '10000',
      tmp_free_mib: 'unknown',
    });
  });

  it('reports ERROR and exits 1 when df fails', () => {
    const run = runDisk({ FAKE_DF: 'fail' });
    expect(run.exitCode).toBe(1);
    expect(parseDoctorLines(run.stdout)[0]).toMatchObject({
      status: 'ERROR',
      root_free_mib: 'unknown',
      tmp_free_mib: 'unknown',
    });
  });

  it('works with an SSM Agent that only substitutes {{ }}', () => {
    const run = runDisk({ FAKE_ROOT_FREE: '5000' }, { mode: 'template', params: { minFreeRootMiB: '6000' } });
    expect(run.exitCode).toBe(1);
    expect(parseDoctorLines(run.stdout)[0]).toMatchObject({ status: 'LOW', root_min_mib: '6000' });
  });

  it('rejects a malicious SSM_ value', () => {
    const run = runDisk({ SSM_minFreeTmpMiB: '500; touch pwned' });
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toBe('MGN_DOCTOR check=disk status=ERROR reason=invalid_parameter\n');
    expect(existsSync(join(run.sandbox, 'pwned'))).toBe(false);
  });
});

// --- CheckConnectivity ---------------------------------------------------------------------------

const BUCKET_HOSTS = (region: string): string[] =>
  MGN_BUCKETS.map((bucket) => `${bucket}-${region}.s3.${region}.amazonaws.com:443`);

function runConnectivity(params: Record<string, string>, fake: Record<string, string> = {}, options: RunOptions = {}) {
  return runLinuxStep('check-connectivity', {
    stubs: { timeout: TIMEOUT, getent: GETENT, openssl: OPENSSL },
    params,
    ...options,
    env: { ...fake, ...options.env },
  });
}

describeWithBash('check-connectivity (Linux)', () => {
  it('reports OK and exits 0 when every target is reachable, summary first', () => {
    const run = runConnectivity({ region: 'eu-west-1', replicationServerIp: '10.0.1.25' });
    expect(run.exitCode).toBe(0);
    expect(run.stderr).toBe('');
    expect(firstLine(run.stdout)).toBe('MGN_DOCTOR check=connectivity status=OK reachable=8 failed=0');
    expect(parseConnectivityTargets(run.stdout)).toEqual([
      { target: 'mgn.eu-west-1.amazonaws.com:443', result: 'reachable' },
      ...BUCKET_HOSTS('eu-west-1').map((target) => ({ target, result: 'reachable' })),
      { target: '10.0.1.25:1500', result: 'reachable' },
    ]);
    const probes = parseDoctorLines(run.stdout)
      .slice(1)
      .map((line) => line.probe);
    expect(probes).toEqual([...Array<string>(7).fill('tls'), 'tcp']);
    expect(run.calls.filter((call) => call.startsWith('openssl'))).toHaveLength(7);
  });

  it('reports FAILED and exits 1 when the replication server refuses port 1500', () => {
    const run = runConnectivity(
      { region: 'us-east-1', replicationServerIp: '10.0.1.25' },
      { FAKE_NET: '10.0.1.25:1500=refused' },
    );
    expect(run.exitCode).toBe(1);
    expect(parseDoctorLines(run.stdout)[0]).toEqual({
      check: 'connectivity',
      status: 'FAILED',
      reachable: '7',
      failed: '1',
    });
    expect(parseConnectivityTargets(run.stdout).at(-1)).toEqual({ target: '10.0.1.25:1500', result: 'refused' });
  });

  it('tells timeouts, DNS failures and TLS failures apart', () => {
    const [clients, hashes] = BUCKET_HOSTS('us-east-1');
    const run = runConnectivity(
      { region: 'us-east-1' },
      { FAKE_NET: `mgn.us-east-1.amazonaws.com:443=timeout ${clients}=nodns ${hashes}=tlsfail` },
    );
    expect(run.exitCode).toBe(1);
    expect(parseDoctorLines(run.stdout)[0]).toMatchObject({ status: 'FAILED', reachable: '4', failed: '3' });
    const results = parseConnectivityTargets(run.stdout).map((target) => target.result);
    expect(results).toEqual([
      'timed_out',
      'dns_failed',
      'tls_failed',
      'reachable',
      'reachable',
      'reachable',
      'reachable',
    ]);
  });

  it('fails the TLS probe on a certificate the host does not trust (a TLS-inspecting middlebox)', () => {
    const [clients] = BUCKET_HOSTS('us-east-1');
    const run = runConnectivity({ region: 'us-east-1' }, { FAKE_NET: `${clients}=untrusted` });
    expect(run.exitCode).toBe(1);
    expect(parseConnectivityTargets(run.stdout)[1]).toEqual({ target: clients, result: 'tls_failed' });
  });

  it('skips port 1500 when no replication server IP is given', () => {
    const run = runConnectivity({ region: 'ap-southeast-2' });
    expect(run.exitCode).toBe(0);
    expect(parseConnectivityTargets(run.stdout)).toHaveLength(7);
    expect(run.stdout).not.toContain(':1500');
  });

  // replicationServerIps: one command for a batch of nodes, each on its own replication server; the SSM Agent
  // tells each script its node ID in AWS_SSM_INSTANCE_ID.
  const HYBRID_NODE = 'mi-0123456789abcdef0';
  const EC2_NODE = 'i-0fedcba9876543210';
  const SHORT_NODE = 'i-0abc1234';
  const LONG_NODE = 'i-0abc1234d00000000'; // SHORT_NODE's ID plus nine more hex digits
  const onNode = (nodeId: string): RunOptions => ({ env: { AWS_SSM_INSTANCE_ID: nodeId } });

  it('probes this node’s own replication server from replicationServerIps, found by AWS_SSM_INSTANCE_ID', () => {
    const mapping = `${EC2_NODE}=10.0.1.25,${HYBRID_NODE}=10.0.2.7,${SHORT_NODE}=10.0.3.9`;
    const run = runConnectivity(
      { region: 'eu-west-1', replicationServerIps: mapping },
      { FAKE_NET: '10.0.2.7:1500=refused' },
      onNode(HYBRID_NODE),
    );
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toBe('');
    expect(firstLine(run.stdout)).toBe(
      'MGN_DOCTOR check=connectivity status=FAILED reachable=7 failed=1 replication_server=10.0.2.7',
    );
    const targets = parseConnectivityTargets(run.stdout);
    expect(targets).toHaveLength(8);
    expect(targets.at(-1)).toEqual({ target: '10.0.2.7:1500', result: 'refused' });
    expect(run.stdout.match(/:1500/g)).toHaveLength(1);
    expect(run.calls).toContain('timeout 5 bash');
  });

  it('finds an EC2 node’s entry anywhere in a 50-entry mapping', () => {
    const others = Array.from(
      { length: 49 },
      (_unused, index) => `mi-${index.toString(16).padStart(17, '0')}=10.9.${index}.1`,
    );
    const mapping = [...others, `${EC2_NODE}=192.168.7.9`].join(',');
    const run = runConnectivity({ region: 'us-east-1', replicationServerIps: mapping }, {}, onNode(EC2_NODE));
    expect(run.exitCode).toBe(0);
    expect(parseDoctorLines(run.stdout)[0]).toEqual({
      check: 'connectivity',
      status: 'OK',
      reachable: '8',
      failed: '0',
      replication_server: '192.168.7.9',
    });
    expect(parseConnectivityTargets(run.stdout).at(-1)).toEqual({ target: '192.168.7.9:1500', result: 'reachable' });
    expect(Buffer.byteLength(run.stdout)).toBeLessThan(1_250);
  });

  it('skips port 1500 when the mapping has no entry for this node, and says so', () => {
    const run = runConnectivity(
      { region: 'us-east-1', replicationServerIps: `${EC2_NODE}=10.0.1.25` },
      {},
      onNode(HYBRID_NODE),
    );
    expect(run.exitCode).toBe(0);
    expect(firstLine(run.stdout)).toBe(
      'MGN_DOCTOR check=connectivity status=OK reachable=7 failed=0 replication_server=none',
    );
    expect(parseConnectivityTargets(run.stdout)).toHaveLength(7);
    expect(run.stdout).not.toContain(':1500');
    expect(run.stdout).not.toContain('10.0.1.25');
  });

  it('skips port 1500 when the agent gave no node ID', () => {
    const run = runConnectivity({ region: 'us-east-1', replicationServerIps: `${EC2_NODE}=10.0.1.25` });
    expect(run.exitCode).toBe(0);
    expect(firstLine(run.stdout)).toBe(
      'MGN_DOCTOR check=connectivity status=OK reachable=7 failed=0 replication_server=none',
    );
    expect(run.stdout).not.toContain(':1500');
  });

  it('never takes the entry of another node whose ID starts with this one’s, or is contained in it', () => {
    const shortHost = runConnectivity(
      { region: 'us-east-1', replicationServerIps: `${LONG_NODE}=10.0.1.25` },
      {},
      onNode(SHORT_NODE),
    );
    expect(shortHost.stdout).not.toContain(':1500');
    expect(firstLine(shortHost.stdout)).toContain('replication_server=none');
    const longHost = runConnectivity(
      { region: 'us-east-1', replicationServerIps: `${SHORT_NODE}=10.0.1.25` },
      {},
      onNode(LONG_NODE),
    );
    expect(longHost.stdout).not.toContain(':1500');
    // Both present: each takes its own, whatever the order.
    for (const mapping of [
      `${SHORT_NODE}=10.0.1.25,${LONG_NODE}=10.0.2.7`,
      `${LONG_NODE}=10.0.2.7,${SHORT_NODE}=10.0.1.25`,
    ]) {
      const asLong = runConnectivity({ region: 'us-east-1', replicationServerIps: mapping }, {}, onNode(LONG_NODE));
      expect(parseConnectivityTargets(asLong.stdout).at(-1)?.target).toBe('10.0.2.7:1500');
      const asShort = runConnectivity({ region: 'us-east-1', replicationServerIps: mapping }, {}, onNode(SHORT_NODE));
      expect(parseConnectivityTargets(asShort.stdout).at(-1)?.target).toBe('10.0.1.25:1500');
    }
    // Nor does a glob-looking or suffixed node ID match anything.
    for (const nodeId of ['i-0abc*', 'i-0abc1234*', `${SHORT_NODE}=10.0.1.25`, ` ${SHORT_NODE}`, 'abc1234']) {
      const run = runConnectivity(
        { region: 'us-east-1', replicationServerIps: `${SHORT_NODE}=10.0.1.25` },
        {},
        onNode(nodeId),
      );
      expect({ nodeId, probed: run.stdout.includes(':1500') }).toEqual({ nodeId, probed: false });
    }
  });

  it('takes the first entry when a node appears twice', () => {
    const run = runConnectivity(
      { region: 'us-east-1', replicationServerIps: `${HYBRID_NODE}=10.0.2.7,${HYBRID_NODE}=10.0.9.9` },
      {},
      onNode(HYBRID_NODE),
    );
    expect(run.stdout.match(/:1500/g)).toEqual([':1500']);
    expect(parseConnectivityTargets(run.stdout).at(-1)?.target).toBe('10.0.2.7:1500');
  });

  it('lets replicationServerIp win over the mapping', () => {
    const run = runConnectivity(
      { region: 'us-east-1', replicationServerIp: '172.31.0.5', replicationServerIps: `${HYBRID_NODE}=10.0.2.7` },
      {},
      onNode(HYBRID_NODE),
    );
    expect(run.exitCode).toBe(0);
    expect(firstLine(run.stdout)).toBe(
      'MGN_DOCTOR check=connectivity status=OK reachable=8 failed=0 replication_server=172.31.0.5',
    );
    expect(parseConnectivityTargets(run.stdout).at(-1)).toEqual({ target: '172.31.0.5:1500', result: 'reachable' });
    expect(run.stdout).not.toContain('10.0.2.7');
  });

  it('keeps the summary line as before when no mapping is given', () => {
    const run = runConnectivity({ region: 'us-east-1', replicationServerIp: '10.0.1.25' }, {}, onNode(HYBRID_NODE));
    expect(firstLine(run.stdout)).toBe('MGN_DOCTOR check=connectivity status=OK reachable=8 failed=0');
  });

  it('reads the mapping from {{ }} with an SSM Agent older than ENV_VAR support', () => {
    const run = runConnectivity(
      { region: 'sa-east-1', replicationServerIps: `${EC2_NODE}=10.0.1.25,${HYBRID_NODE}=10.0.2.7` },
      {},
      { mode: 'template', ...onNode(EC2_NODE) },
    );
    expect(run.exitCode).toBe(0);
    expect(parseConnectivityTargets(run.stdout).at(-1)).toEqual({ target: '10.0.1.25:1500', result: 'reachable' });
  });

  it('rejects a malformed or hostile mapping without probing', () => {
    for (const value of [
      `${HYBRID_NODE}=10.0.2.7;touch pwned`,
      `${HYBRID_NODE}=$(touch pwned)`,
      `${HYBRID_NODE}=\`touch pwned\``,
      `${HYBRID_NODE}=10.0.2.7'`,
      `${HYBRID_NODE}=10.0.2.7, ${EC2_NODE}=10.0.1.25`,
      `${HYBRID_NODE}=10.0.2.7\n${EC2_NODE}=10.0.1.25`,
      `${HYBRID_NODE}=10.0.2.7,`,
      `${HYBRID_NODE}=10.0.2.256`,
      '*=10.0.2.7',
      Array.from({ length: 51 }, (_unused, index) => `mi-${index.toString(16).padStart(17, '0')}=10.0.0.1`).join(','),
    ]) {
      const run = runConnectivity(
        { region: 'us-east-1' },
        {},
        { env: { AWS_SSM_INSTANCE_ID: HYBRID_NODE, SSM_replicationServerIps: value } },
      );
      expect({ value, exitCode: run.exitCode, stdout: run.stdout }).toEqual({
        value,
        exitCode: 1,
        stdout: 'MGN_DOCTOR check=connectivity status=ERROR reason=invalid_parameter\n',
      });
      expect(run.calls).toEqual([]);
      expect(existsSync(join(run.sandbox, 'pwned'))).toBe(false);
    }
  });

  it('keeps a substituted mapping literal even if allowedPattern were bypassed', () => {
    const template = readScript('check-connectivity', 'Linux')
      .replace('{{ region }}', 'us-east-1')
      .replace('{{ replicationServerIp }}', '')
      .replace('{{ timeoutSeconds }}', '5');
    for (const hostile of [
      `${HYBRID_NODE}=10.0.2.7;touch pwned`,
      `${HYBRID_NODE}=\`touch pwned\``,
      `${HYBRID_NODE}=10.0.2.7 touch pwned`,
    ]) {
      const run = runConnectivity(
        { region: 'us-east-1' },
        {},
        {
          mode: 'template',
          rawScript: template.replace('{{ replicationServerIps }}', hostile),
          ...onNode(HYBRID_NODE),
        },
      );
      expect(existsSync(join(run.sandbox, 'pwned'))).toBe(false);
      expect(run.calls).toEqual([]);
      expect(run.stdout).toBe('MGN_DOCTOR check=connectivity status=ERROR reason=invalid_parameter\n');
    }
    // With a dollar sign or a brace it reads as template text the agent left: not given, and still not run.
    const run = runConnectivity(
      { region: 'us-east-1' },
      {},
      {
        mode: 'template',
        rawScript: template.replace('{{ replicationServerIps }}', `${HYBRID_NODE}=10.0.2.7,$(touch pwned)`),
        ...onNode(HYBRID_NODE),
      },
    );
    expect(existsSync(join(run.sandbox, 'pwned'))).toBe(false);
    expect(firstLine(run.stdout)).toBe('MGN_DOCTOR check=connectivity status=OK reachable=7 failed=0');
    expect(run.stdout).not.toContain(':1500');
  });

  it('leaves IFS and globbing as they were after reading the mapping', () => {
    // A file named like a glob match would show up if `set -f` leaked out of the lookup, or IFS=, stayed.
    const script = readScript('check-connectivity', 'Linux').replace(
      '# Base 10 (09 is not octal)',
      'printf \'state IFS=%q noglob=%s\\n\' "$IFS" "$(case $- in *f*) echo on ;; *) echo off ;; esac)"\n# Base 10 (09 is not octal)',
    );
    expect(script).toContain('state IFS=');
    const run = runConnectivity(
      { region: 'us-east-1', replicationServerIps: `${EC2_NODE}=10.0.1.25,${HYBRID_NODE}=10.0.2.7` },
      {},
      { rawScript: script.replace(/\{\{ (\w+) \}\}/g, ''), ...onNode(HYBRID_NODE) },
    );
    expect(run.stdout).toContain("state IFS=$' \\t\\n' noglob=off");
    expect(parseConnectivityTargets(run.stdout).at(-1)?.target).toBe('10.0.2.7:1500');
  });

  it('uses the China partition suffix for cn- Regions', () => {
    const run = runConnectivity({ region: 'cn-north-1' });
    expect(parseConnectivityTargets(run.stdout)[0]?.target).toBe('mgn.cn-north-1.amazonaws.com.cn:443');
  });

  it('probes HTTPS targets through curl when https_proxy is set, and never prints the proxy', () => {
    const run = runConnectivity(
      { region: 'us-east-1', replicationServerIp: '10.0.1.25' },
      { https_proxy: 'http://user:secret@proxy.example:3128/', FAKE_NET: 'mgn.us-east-1.amazonaws.com:443=refused' },
      { stubs: { timeout: TIMEOUT, getent: GETENT, openssl: OPENSSL, curl: CURL } },
    );
    expect(run.exitCode).toBe(1);
    const lines = parseDoctorLines(run.stdout);
    expect(lines[0]).toMatchObject({ status: 'FAILED', failed: '1' });
    expect(lines[1]).toEqual({ check: 'connectivity', proxy: 'set', https_probe: 'via_proxy' });
    expect(lines[2]).toMatchObject({ target: 'mgn.us-east-1.amazonaws.com:443', result: 'refused', probe: 'https' });
    expect(lines.at(-1)).toMatchObject({ target: '10.0.1.25:1500', result: 'reachable', probe: 'tcp' });
    expect(run.stdout).not.toMatch(/secret|proxy\.example|3128/);
    expect(run.calls.filter((call) => call.startsWith('curl'))).toHaveLength(7);
  });

  it('falls back to curl for TLS when openssl is absent', () => {
    const [clients] = BUCKET_HOSTS('us-east-1');
    const run = runConnectivity(
      { region: 'us-east-1' },
      { FAKE_NET: `${clients}=tlsfail` },
      { stubs: { timeout: TIMEOUT, getent: GETENT, curl: CURL } },
    );
    const targets = parseDoctorLines(run.stdout).slice(1);
    expect(targets[0]).toMatchObject({ result: 'reachable', probe: 'https' });
    expect(targets[1]).toMatchObject({ result: 'tls_failed', probe: 'https' });
  });

  it('passes timeoutSeconds to every probe, at least 1 second', () => {
    const run = runConnectivity({ region: 'us-east-1', timeoutSeconds: '0' });
    const timeouts = run.calls.filter((call) => call.startsWith('timeout'));
    expect(timeouts.length).toBeGreaterThan(0);
    for (const call of timeouts) expect(call).toMatch(/^timeout 1 /);
  });

  it('works with an SSM Agent that only substitutes {{ }}', () => {
    const run = runConnectivity(
      { region: 'sa-east-1', replicationServerIp: '192.168.7.9', timeoutSeconds: '12' },
      {},
      { mode: 'template' },
    );
    expect(run.exitCode).toBe(0);
    expect(parseConnectivityTargets(run.stdout).at(-1)).toEqual({ target: '192.168.7.9:1500', result: 'reachable' });
    expect(run.calls.every((call) => !call.startsWith('timeout') || call.startsWith('timeout 12 '))).toBe(true);
  });

  it('treats a replicationServerIp the agent left as template text as not given', () => {
    const template = readScript('check-connectivity', 'Linux')
      .replace('{{ region }}', 'us-east-1')
      .replace('{{ timeoutSeconds }}', '5');
    const bothLeft = template
      .replace('{{ replicationServerIp }}', '$SSM_replicationServerIp')
      .replace('{{ replicationServerIps }}', '$SSM_replicationServerIps');
    for (const script of [
      template,
      template.replace('{{ replicationServerIp }}', '$SSM_replicationServerIp'),
      bothLeft,
    ]) {
      const run = runConnectivity({ region: 'us-east-1' }, {}, { mode: 'template', rawScript: script });
      expect(run.exitCode).toBe(0);
      expect(parseDoctorLines(run.stdout)[0]).toEqual({
        check: 'connectivity',
        status: 'OK',
        reachable: '7',
        failed: '0',
      });
    }
  });

  it('rejects malicious SSM_ values without probing', () => {
    const hostile: Record<string, string>[] = [
      { SSM_region: 'us-east-1; touch pwned' },
      { SSM_replicationServerIp: '$(touch pwned)' },
      { SSM_replicationServerIps: '$(touch pwned)' },
      { SSM_replicationServerIps: 'mi-0123456789abcdef0=10.0.2.7;touch pwned' },
      { SSM_timeoutSeconds: '`touch pwned`' },
    ];
    for (const env of hostile) {
      const run = runConnectivity({ region: 'us-east-1' }, {}, { env });
      expect(run.exitCode).toBe(1);
      expect(run.stdout).toBe('MGN_DOCTOR check=connectivity status=ERROR reason=invalid_parameter\n');
      expect(run.calls).toEqual([]);
      expect(existsSync(join(run.sandbox, 'pwned'))).toBe(false);
    }
  });

  it('keeps the whole output well inside the 2,500-byte preview', () => {
    const run = runConnectivity({ region: 'ap-southeast-2', replicationServerIp: '255.255.255.255' });
    expect(Buffer.byteLength(run.stdout)).toBeLessThan(1_250);
  });
});

// The probe really connects: a closed local port is refused without any stub in the way.
describeWithBash('check-connectivity TCP probe against a real socket', () => {
  it('reports refused for a closed local port', () => {
    const run = runLinuxStep('check-connectivity', {
      params: { region: 'us-east-1', replicationServerIp: '127.0.0.1', timeoutSeconds: '2' },
      // Every HTTPS target fails DNS here, so only 127.0.0.1:1500 reaches the real /dev/tcp probe.
      stubs: { getent: 'exit 2' },
    });
    const last = parseConnectivityTargets(run.stdout).at(-1);
    expect(last?.target).toBe('127.0.0.1:1500');
    // A listener on 1500 on this machine would make it reachable; anything else is a probe bug.
    expect(['refused', 'reachable']).toContain(last?.result);
  });
});
