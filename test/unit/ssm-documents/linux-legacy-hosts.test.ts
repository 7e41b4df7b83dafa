// The Linux steps on the oldest hosts MGN still supports, under stubs that behave like their tools:
// systemd 208 (RHEL/CentOS 7.0-7.1), SysV init (RHEL/CentOS 6) and upstart (Ubuntu 14.04), OpenSSL 1.0.x
// (RHEL/CentOS 6-7, Amazon Linux 2, SUSE 12) and a findmnt whose -T does not find the filesystem holding a path.
import { parseConnectivityTargets, parseDoctorLines } from '../../../lambdas/core/command-output';
import { BASH_PATH, MGN_BUCKETS, removeSandboxes, runLinuxStep, type RunOptions } from './document-harness';
import { DF, GETENT, INIT_SERVICE, OPENSSL, SLEEP, SYSTEMCTL, SYSTEMD_DIR, TIMEOUT } from './linux-stubs';

const describeWithBash = BASH_PATH ? describe : describe.skip;
if (!BASH_PATH) console.warn('Linux legacy-host tests skipped: bash is not installed');

afterAll(removeSandboxes);

const AGENT_HOME = 'var/lib/aws-replication-agent';
const AGENT_FILES = { [`${AGENT_HOME}/VERSION`]: '7.1.2.3\n' };

describeWithBash('restart-replication-agent on systemd 208 (RHEL/CentOS 7.0 and 7.1)', () => {
  it('finds the unit through `systemctl show -p LoadState`, as systemd 208 has no `cat` and no --value', () => {
    const run = runLinuxStep('restart-replication-agent', {
      stubs: { systemctl: SYSTEMCTL, sleep: SLEEP },
      dirs: [SYSTEMD_DIR],
      files: AGENT_FILES,
    });
    expect(run.exitCode).toBe(0);
    expect(parseDoctorLines(run.stdout)[0]).toMatchObject({ status: 'RUNNING', restart: 'ok' });
    expect(run.calls[0]).toBe('systemctl show -p LoadState aws-replication-agent.service');
    expect(run.calls.some((call) => / cat |--value/.test(call))).toBe(false);
  });

  it('still reports a unit systemd does not know as NOT_INSTALLED, and one it cannot be asked about as ERROR', () => {
    const missing = runLinuxStep('restart-replication-agent', {
      stubs: { systemctl: SYSTEMCTL, sleep: SLEEP },
      dirs: [SYSTEMD_DIR],
      env: { FAKE_UNIT: 'missing' },
    });
    expect(missing.stdout).toBe('MGN_DOCTOR check=agent status=NOT_INSTALLED service=aws-replication-agent\n');
    const unreachable = runLinuxStep('restart-replication-agent', {
      stubs: { systemctl: 'echo "Failed to get D-Bus connection: Connection refused" >&2; exit 1', sleep: SLEEP },
      dirs: [SYSTEMD_DIR],
    });
    expect(unreachable.exitCode).toBe(1);
    expect(unreachable.stdout).toBe(
      'MGN_DOCTOR check=agent status=ERROR reason=systemd_unreachable service=aws-replication-agent\n',
    );
  });
});

const INIT_SCRIPT = 'etc/init.d/aws-replication-agent';
const UPSTART_JOB = 'etc/init/aws-replication-agent.conf';

function runWithoutSystemd(options: RunOptions & { fake?: Record<string, string> }) {
  return runLinuxStep('restart-replication-agent', {
    files: AGENT_FILES,
    ...options,
    stubs: { sleep: SLEEP, ...options.stubs },
    env: { ...options.fake, ...options.env },
  });
}

describeWithBash('restart-replication-agent on SysV init (RHEL/CentOS 6)', () => {
  it('restarts the agent through `service` when it has an init script', () => {
    const run = runWithoutSystemd({
      executables: { [INIT_SCRIPT]: INIT_SERVICE },
      stubs: { service: INIT_SERVICE },
    });
    expect(run.exitCode).toBe(0);
    expect(parseDoctorLines(run.stdout)).toEqual([
      {
        check: 'agent',
        status: 'RUNNING',
        service: 'aws-replication-agent',
        active_state: 'active',
        version: '7.1.2.3',
        restart: 'ok',
        init: 'sysv',
      },
    ]);
    expect(run.calls).toEqual(['init restart', 'sleep 20', 'init status']);
  });

  it('runs the init script itself where there is no `service` command', () => {
    const run = runWithoutSystemd({ executables: { [INIT_SCRIPT]: INIT_SERVICE } });
    expect(run.exitCode).toBe(0);
    expect(parseDoctorLines(run.stdout)[0]).toMatchObject({ status: 'RUNNING', init: 'sysv' });
    expect(run.calls).toEqual(['init restart', 'sleep 20', 'init status']);
  });

  it('starts an agent that a failed restart left stopped, and says the restart failed', () => {
    const run = runWithoutSystemd({
      executables: { [INIT_SCRIPT]: INIT_SERVICE },
      stubs: { service: INIT_SERVICE },
      fake: { FAKE_RESTART: 'fail' },
    });
    expect(run.exitCode).toBe(0);
    expect(parseDoctorLines(run.stdout)[0]).toMatchObject({
      status: 'RUNNING',
      restart: 'failed',
      start: 'ok',
      init: 'sysv',
    });
    expect(run.calls).toEqual(['init restart', 'init status', 'init start', 'sleep 20', 'init status']);
    expect(run.stdout).toContain(
      'service aws-replication-agent restart failed:\nStarting aws-replication-agent: [FAILED]',
    );
  });

  it('says why the agent is not running when the start fails too (the LSB status)', () => {
    const run = runWithoutSystemd({
      executables: { [INIT_SCRIPT]: INIT_SERVICE },
      stubs: { service: INIT_SERVICE },
      fake: { FAKE_RESTART: 'fail', FAKE_START: 'fail' },
    });
    expect(run.exitCode).toBe(1);
    expect(parseDoctorLines(run.stdout)[0]).toMatchObject({
      status: 'NOT_RUNNING',
      active_state: 'inactive',
      restart: 'failed',
      start: 'failed',
    });
    expect(run.stdout).toContain('starting aws-replication-agent after the failed restart failed too:');
    expect(run.stdout).toContain('not running: status: aws-replication-agent is stopped');
  });

  it('reports UNSUPPORTED, without touching anything, when the agent has no init script', () => {
    const run = runWithoutSystemd({ stubs: { service: INIT_SERVICE } });
    expect(run.exitCode).toBe(1);
    expect(parseDoctorLines(run.stdout)).toEqual([
      { check: 'agent', status: 'UNSUPPORTED', reason: 'no_systemd', service: 'aws-replication-agent' },
    ]);
    expect(run.calls).toEqual([]);
  });
});

describeWithBash('restart-replication-agent on upstart (Ubuntu 14.04)', () => {
  const upstart = {
    files: { ...AGENT_FILES, [UPSTART_JOB]: 'description "AWS Replication Agent"\n' },
    stubs: { service: INIT_SERVICE, initctl: INIT_SERVICE },
  };

  it('restarts the job through `service` and reads start/running from its status text', () => {
    const run = runWithoutSystemd({ ...upstart, fake: { FAKE_UPSTART: 'yes' } });
    expect(run.exitCode).toBe(0);
    expect(parseDoctorLines(run.stdout)[0]).toMatchObject({ status: 'RUNNING', init: 'upstart', restart: 'ok' });
  });

  it('starts a stopped job, whose restart upstart refuses', () => {
    const run = runWithoutSystemd({ ...upstart, fake: { FAKE_UPSTART: 'yes', FAKE_SERVICE_STATE: 'stopped' } });
    expect(run.exitCode).toBe(0);
    expect(parseDoctorLines(run.stdout)[0]).toMatchObject({ status: 'RUNNING', restart: 'failed', start: 'ok' });
    expect(run.stdout).toContain('restart: Unknown instance:');
  });

  it('does not take an exit code of 0 for a running job: stop/waiting is not running', () => {
    const run = runWithoutSystemd({
      ...upstart,
      fake: { FAKE_UPSTART: 'yes', FAKE_SERVICE_STATE: 'stopped', FAKE_START: 'fail' },
    });
    expect(run.exitCode).toBe(1);
    expect(parseDoctorLines(run.stdout)[0]).toMatchObject({ status: 'NOT_RUNNING', active_state: 'stop_waiting' });
    expect(run.stdout).toContain('not running: status: aws-replication-agent stop/waiting');
  });
});

const CA_BUNDLE = 'etc/pki/tls/certs/ca-bundle.crt';
const OPENSSL_102 = 'OpenSSL 1.0.2k-fips  26 Jan 2017';
const OPENSSL_101 = 'OpenSSL 1.0.1e-fips 11 Feb 2013';
const MGN_HOST = 'mgn.us-east-1.amazonaws.com:443';
const BUCKET_HOSTS = MGN_BUCKETS.map((bucket) => `${bucket}-us-east-1.s3.us-east-1.amazonaws.com:443`);

function runConnectivity(fake: Record<string, string>, options: RunOptions = {}) {
  return runLinuxStep('check-connectivity', {
    stubs: { timeout: TIMEOUT, getent: GETENT, openssl: OPENSSL },
    params: { region: 'us-east-1' },
    ...options,
    env: fake,
  });
}

describeWithBash('check-connectivity with OpenSSL 1.0.x, whose s_client loads no trust store by itself', () => {
  it('passes the first CA bundle that exists with -CAfile, so the chain is checked', () => {
    const run = runConnectivity(
      { FAKE_OPENSSL_VERSION: OPENSSL_102 },
      { files: { [CA_BUNDLE]: 'certificates\n', 'etc/ssl/certs/ca-certificates.crt': 'certificates\n' } },
    );
    expect(run.exitCode).toBe(0);
    expect(run.stdout.split('\n')[0]).toBe('MGN_DOCTOR check=connectivity status=OK reachable=7 failed=0');
    const openssl = run.calls.filter((call) => call.startsWith('openssl'));
    expect(openssl).toHaveLength(7);
    for (const call of openssl) expect(call).toMatch(new RegExp(`-CAfile \\S+/${CA_BUNDLE}$`));
  });

  it('still fails a certificate the bundle does not trust (a TLS-inspecting middlebox)', () => {
    const run = runConnectivity(
      { FAKE_OPENSSL_VERSION: OPENSSL_102, FAKE_NET: `${BUCKET_HOSTS[0]}=untrusted` },
      { files: { [CA_BUNDLE]: 'certificates\n' } },
    );
    expect(run.exitCode).toBe(1);
    expect(parseConnectivityTargets(run.stdout)[1]).toEqual({ target: BUCKET_HOSTS[0], result: 'tls_failed' });
  });

  it('uses the hashed certificate directory with -CApath where there is no bundle file', () => {
    const run = runConnectivity({ FAKE_OPENSSL_VERSION: OPENSSL_102 }, { dirs: ['etc/ssl/certs'] });
    expect(run.exitCode).toBe(0);
    for (const call of run.calls.filter((candidate) => candidate.startsWith('openssl')))
      expect(call).toMatch(/-CApath \S+\/etc\/ssl\/certs$/);
  });

  it('reports tls_unverified, never a false tls_failed, when no trust store exists, and does not fail the check', () => {
    const run = runConnectivity({ FAKE_OPENSSL_VERSION: OPENSSL_101 }, { params: { region: 'us-east-1' } });
    expect(run.exitCode).toBe(0);
    expect(parseDoctorLines(run.stdout)[0]).toEqual({
      check: 'connectivity',
      status: 'OK',
      reachable: '0',
      failed: '0',
      unverified: '7',
    });
    expect(parseConnectivityTargets(run.stdout)).toEqual(
      [MGN_HOST, ...BUCKET_HOSTS].map((target) => ({ target, result: 'tls_unverified' })),
    );
    // The handshake still ran, without the chain check it could not do.
    for (const call of run.calls.filter((candidate) => candidate.startsWith('openssl')))
      expect(call).toMatch(/ unverified$/);
  });

  it('still fails an endpoint whose handshake fails without the chain check too', () => {
    const run = runConnectivity({
      FAKE_OPENSSL_VERSION: OPENSSL_101,
      FAKE_NET: `${BUCKET_HOSTS[1]}=tlsfail ${BUCKET_HOSTS[2]}=refused`,
    });
    expect(run.exitCode).toBe(1);
    expect(parseDoctorLines(run.stdout)[0]).toMatchObject({ status: 'FAILED', failed: '2', unverified: '5' });
    const results = parseConnectivityTargets(run.stdout).map((target) => target.result);
    expect(results.slice(1, 4)).toEqual(['tls_unverified', 'tls_failed', 'refused']);
  });

  it('leaves OpenSSL 1.1 and later to their built-in trust store when no bundle is found', () => {
    const run = runConnectivity({ FAKE_OPENSSL_VERSION: 'OpenSSL 1.1.1k  FIPS 25 Mar 2021' });
    expect(run.exitCode).toBe(0);
    expect(parseDoctorLines(run.stdout)[0]).toMatchObject({ status: 'OK', reachable: '7' });
    for (const call of run.calls.filter((candidate) => candidate.startsWith('openssl')))
      expect(call).toMatch(/^openssl \S+$/);
  });
});

// df answers as usual; findmnt is the old kind.
function runDisk(findmnt: string, mounts: string, options: RunOptions = {}) {
  return runLinuxStep('check-disk-space', {
    stubs: { df: DF, findmnt },
    files: { 'proc/mounts': mounts },
    ...options,
    env: { FAKE_ROOT_FREE: '10000', FAKE_TMP_FREE: '3000' },
  });
}

describeWithBash('check-disk-space with a findmnt that cannot find the filesystem holding /tmp', () => {
  const noexecTmp = '/dev/root / ext4 rw,relatime 0 0\ntmpfs /tmp tmpfs rw,nosuid,nodev,noexec 0 0\n';

  it('falls back to /proc/mounts when findmnt does not know -T', () => {
    const run = runDisk(
      'echo "findmnt $*" >> "$FAKE_CALLS"; echo "findmnt: invalid option -- \'T\'" >&2; exit 1',
      noexecTmp,
    );
    expect(parseDoctorLines(run.stdout)[0]).toMatchObject({ status: 'OK', tmp_noexec: 'yes' });
    expect(run.calls).toEqual(['findmnt -n -o OPTIONS -T /tmp']);
  });

  it('falls back to /proc/mounts when findmnt finds nothing (an old -T that takes mount points only)', () => {
    const run = runDisk('exit 1', '/dev/root / ext4 rw,noexec,relatime 0 0\n');
    expect(parseDoctorLines(run.stdout)[0]).toMatchObject({ status: 'OK', tmp_noexec: 'yes' });
  });

  it('falls back to /proc/mounts when findmnt hangs on a dead network filesystem', () => {
    const run = runDisk('sleep 60', noexecTmp, {
      stubs: {
        df: DF,
        findmnt: 'exit 0',
        timeout: 'if [ "$2" = findmnt ]; then exit 124; fi; shift; exec "$@"',
      },
    });
    expect(parseDoctorLines(run.stdout)[0]).toMatchObject({ status: 'OK', tmp_noexec: 'yes' });
  });
});
