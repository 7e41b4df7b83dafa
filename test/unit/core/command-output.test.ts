import {
  isHostLimit,
  parseConnectivityTargets,
  parseDoctorLines,
  summarizeCommandOutput,
} from '../../../lambdas/core/command-output';

const SKIPPED_WINDOWS = `Step execution skipped due to unsatisfied preconditions: '"StringEquals": [platformType, Windows]'. Step name: restartAgentWindows`;
const SKIPPED_LINUX = `Step execution skipped due to unsatisfied preconditions: '"StringEquals": [platformType, Linux]'. Step name: restartAgentLinux`;

const LINUX_AGENT = [
  'MGN_DOCTOR check=agent status=RUNNING service=aws-replication-agent active_state=active version=7.1.2.3 restart=ok',
  '--- last 2 lines of /var/lib/aws-replication-agent/agent.log.0 ---',
  '2026-01-01 00:00:01 INFO Connecting to replicator i-0123456789abcdef0',
  '2026-01-01 00:00:02 INFO replication resumed',
  '',
].join('\n');

const WINDOWS_DISK =
  'MGN_DOCTOR check=disk status=LOW drive=C: root_free_mib=1200 root_min_mib=2048\r\n--- C: 1200 MiB free of 61000 MiB ---\r\n';

const LINUX_CONNECTIVITY = [
  'MGN_DOCTOR check=connectivity status=FAILED reachable=2 failed=2',
  'MGN_DOCTOR check=connectivity proxy=set https_probe=via_proxy',
  'MGN_DOCTOR check=connectivity target=mgn.us-east-1.amazonaws.com:443 result=reachable probe=https',
  'MGN_DOCTOR check=connectivity target=aws-mgn-clients-us-east-1.s3.us-east-1.amazonaws.com:443 result=tls_failed probe=https',
  'MGN_DOCTOR check=connectivity target=aws-mgn-internal-us-east-1.s3.us-east-1.amazonaws.com:443 result=reachable probe=https',
  'MGN_DOCTOR check=connectivity target=10.0.1.25:1500 result=refused probe=tcp',
  '',
].join('\n');

describe('parseDoctorLines', () => {
  it('parses a Linux agent restart, ignoring the log tail', () => {
    expect(parseDoctorLines(LINUX_AGENT)).toEqual([
      {
        check: 'agent',
        status: 'RUNNING',
        service: 'aws-replication-agent',
        active_state: 'active',
        version: '7.1.2.3',
        restart: 'ok',
      },
    ]);
  });

  it('parses Windows output with CRLF line ends', () => {
    expect(parseDoctorLines(WINDOWS_DISK)).toEqual([
      { check: 'disk', status: 'LOW', drive: 'C:', root_free_mib: '1200', root_min_mib: '2048' },
    ]);
  });

  it('returns every MGN_DOCTOR line in order', () => {
    const lines = parseDoctorLines(LINUX_CONNECTIVITY);
    expect(lines.map((line) => line.target ?? line.status ?? line.proxy)).toEqual([
      'FAILED',
      'set',
      'mgn.us-east-1.amazonaws.com:443',
      'aws-mgn-clients-us-east-1.s3.us-east-1.amazonaws.com:443',
      'aws-mgn-internal-us-east-1.s3.us-east-1.amazonaws.com:443',
      '10.0.1.25:1500',
    ]);
  });

  it('returns frozen lines', () => {
    const [line] = parseDoctorLines(LINUX_AGENT);
    expect(Object.isFrozen(line)).toBe(true);
  });

  it('ignores the skipped step of the other platform and a stderr section', () => {
    const output = `${SKIPPED_LINUX}\n${WINDOWS_DISK}\n----------ERROR-------\nGet-Content : Access is denied.\r\n`;
    expect(parseDoctorLines(output)).toEqual([
      { check: 'disk', status: 'LOW', drive: 'C:', root_free_mib: '1200', root_min_mib: '2048' },
    ]);
  });

  it('returns [] for garbage, empty output and lookalikes', () => {
    expect(parseDoctorLines('')).toEqual([]);
    expect(parseDoctorLines('\u0000\u0001 random bytes ===== \n\n')).toEqual([]);
    expect(parseDoctorLines('MGN_DOCTORcheck=agent status=RUNNING')).toEqual([]);
    expect(parseDoctorLines('echo MGN_DOCTOR check=agent status=RUNNING')).toEqual([]);
    expect(parseDoctorLines('MGN_DOCTOR status=RUNNING')).toEqual([]);
    expect(parseDoctorLines('MGN_DOCTOR')).toEqual([]);
  });

  it('keeps well-formed pairs only', () => {
    const output = 'MGN_DOCTOR check=agent junk =x status=RUNNING 9bad=1 empty= a=b=c status=OVERRIDDEN\n';
    expect(parseDoctorLines(output)).toEqual([{ check: 'agent', status: 'RUNNING', a: 'b=c' }]);
  });

  it('tolerates leading spaces and tabs', () => {
    expect(parseDoctorLines('  MGN_DOCTOR\tcheck=disk  status=OK\n')).toEqual([{ check: 'disk', status: 'OK' }]);
  });

  it('keeps a __proto__ key as plain data', () => {
    const [line] = parseDoctorLines('MGN_DOCTOR check=disk __proto__=x status=OK\n');
    expect(line?.status).toBe('OK');
    expect(Object.getPrototypeOf(line)).toBe(Object.prototype);
    expect(Object.hasOwn(line ?? {}, '__proto__')).toBe(true);
  });

  it('drops the possibly cut last pair of a line the agent marked as truncated', () => {
    const output = `MGN_DOCTOR check=connectivity status=OK reachable=8 failed=0\nMGN_DOCTOR check=connectivity target=mgn.us-east-1.amazonaws.com:443 result=reach\n---Output truncated---`;
    expect(parseDoctorLines(output)).toEqual([
      { check: 'connectivity', status: 'OK', reachable: '8', failed: '0' },
      { check: 'connectivity', target: 'mgn.us-east-1.amazonaws.com:443' },
    ]);
    expect(parseConnectivityTargets(output)).toEqual([]);
  });

  it('drops the cut pair of a last line at the 2,500-character cap', () => {
    const head = 'MGN_DOCTOR check=connectivity status=FAILED reachable=0 failed=1\n';
    const filler = `${'x'.repeat(2_400)}\n`;
    const cut = 'MGN_DOCTOR check=connectivity target=10.0.1.25:1500 result=time';
    const output = (head + filler + cut).slice(0, 2_500);
    expect(output).toHaveLength(2_500);
    expect(parseDoctorLines(output)).toEqual([
      { check: 'connectivity', status: 'FAILED', reachable: '0', failed: '1' },
    ]);
  });

  it('drops a last line cut inside its check key', () => {
    const output = `MGN_DOCTOR check=disk status=OK\n${'y'.repeat(2_480)}\nMGN_DOCTOR che`;
    expect(parseDoctorLines(output)).toEqual([{ check: 'disk', status: 'OK' }]);
  });

  it('keeps the last pair of a short output that merely lacks a final newline', () => {
    expect(parseDoctorLines('MGN_DOCTOR check=disk status=OK tmp_noexec=no')).toEqual([
      { check: 'disk', status: 'OK', tmp_noexec: 'no' },
    ]);
  });
});

describe('parseConnectivityTargets', () => {
  it('returns each target and its result, not the summary or proxy lines', () => {
    expect(parseConnectivityTargets(LINUX_CONNECTIVITY)).toEqual([
      { target: 'mgn.us-east-1.amazonaws.com:443', result: 'reachable' },
      { target: 'aws-mgn-clients-us-east-1.s3.us-east-1.amazonaws.com:443', result: 'tls_failed' },
      { target: 'aws-mgn-internal-us-east-1.s3.us-east-1.amazonaws.com:443', result: 'reachable' },
      { target: '10.0.1.25:1500', result: 'refused' },
    ]);
  });

  it('parses Windows output and keeps unknown results', () => {
    const output = [
      SKIPPED_LINUX,
      'MGN_DOCTOR check=connectivity status=FAILED reachable=0 failed=2',
      'MGN_DOCTOR check=connectivity target=mgn.eu-west-1.amazonaws.com:443 result=timed_out probe=tls',
      'MGN_DOCTOR check=connectivity target=10.0.0.9:1500 result=host_unreachable probe=tcp',
      '',
    ].join('\r\n');
    expect(parseConnectivityTargets(output)).toEqual([
      { target: 'mgn.eu-west-1.amazonaws.com:443', result: 'timed_out' },
      { target: '10.0.0.9:1500', result: 'host_unreachable' },
    ]);
  });

  it('ignores target lines of other checks and lines without a result', () => {
    const output = 'MGN_DOCTOR check=disk target=x:1 result=reachable\nMGN_DOCTOR check=connectivity target=y:2\n';
    expect(parseConnectivityTargets(output)).toEqual([]);
  });
});

describe('summarizeCommandOutput', () => {
  it('joins the MGN_DOCTOR lines without their prefix', () => {
    expect(summarizeCommandOutput(`${LINUX_AGENT}\n${SKIPPED_WINDOWS}`)).toBe(
      'check=agent status=RUNNING service=aws-replication-agent active_state=active version=7.1.2.3 restart=ok',
    );
    expect(
      summarizeCommandOutput(
        'MGN_DOCTOR check=disk status=OK\nMGN_DOCTOR check=connectivity status=OK reachable=7 failed=0\n',
      ),
    ).toBe('check=disk status=OK; check=connectivity status=OK reachable=7 failed=0');
  });

  it('falls back to the first meaningful lines, skipping skipped-step text and agent markers', () => {
    const output = `${SKIPPED_WINDOWS}\n\n  bash: line 3: systemctl: command not found  \n----------ERROR-------\nfailed to run commands: exit status 127\n`;
    expect(summarizeCommandOutput(output)).toBe(
      'bash: line 3: systemctl: command not found; failed to run commands: exit status 127',
    );
  });

  it('returns an empty string when nothing meaningful was printed', () => {
    expect(summarizeCommandOutput('')).toBe('');
    expect(summarizeCommandOutput(`${SKIPPED_LINUX}\n${SKIPPED_WINDOWS}\n`)).toBe('');
  });

  it('stays within maxLength (default 500), ending with an ellipsis when cut', () => {
    const long = Array.from(
      { length: 20 },
      (_unused, index) => `MGN_DOCTOR check=connectivity target=host-${index}.example:443 result=reachable`,
    ).join('\n');
    const summary = summarizeCommandOutput(long);
    expect(summary.length).toBeLessThanOrEqual(500);
    expect(summary.endsWith('…')).toBe(true);
    expect(summary.startsWith('check=connectivity target=host-0.example:443')).toBe(true);

    const short = summarizeCommandOutput(long, 40);
    expect(Array.from(short).length).toBeLessThanOrEqual(40);
    expect(short.endsWith('…')).toBe(true);
  });

  it('does not cut when the text fits exactly, and never splits an astral character', () => {
    expect(summarizeCommandOutput('MGN_DOCTOR check=disk status=OK\n', 21)).toBe('check=disk status=OK');
    expect(summarizeCommandOutput('😀😀😀😀😀', 3)).toBe('😀😀…');
    expect(summarizeCommandOutput('anything', 0)).toBe('');
    expect(summarizeCommandOutput('anything', 1)).toBe('…');
  });

  it('collapses whitespace in fallback lines', () => {
    expect(summarizeCommandOutput('a\t\tb   c\r\n')).toBe('a b c');
  });
});

describe('connectivity results: the endpoint’s failures and the host’s limits', () => {
  it('reads tls_unverified and tls_unsupported targets and the unverified count', () => {
    const output = [
      'MGN_DOCTOR check=connectivity status=OK reachable=1 failed=0 unverified=2',
      'MGN_DOCTOR check=connectivity target=mgn.us-east-1.amazonaws.com:443 result=tls_unverified probe=tls',
      'MGN_DOCTOR check=connectivity target=aws-mgn-clients-us-east-1.s3.us-east-1.amazonaws.com:443 result=tls_unsupported probe=tls',
      'MGN_DOCTOR check=connectivity target=10.0.1.25:1500 result=reachable probe=tcp',
      '',
    ].join('\r\n');
    expect(parseDoctorLines(output)[0]).toEqual({
      check: 'connectivity',
      status: 'OK',
      reachable: '1',
      failed: '0',
      unverified: '2',
    });
    expect(parseConnectivityTargets(output).map((target) => target.result)).toEqual([
      'tls_unverified',
      'tls_unsupported',
      'reachable',
    ]);
  });

  it('tells the host’s limits from the endpoint’s answers', () => {
    expect(['tls_unverified', 'tls_unsupported'].map(isHostLimit)).toEqual([true, true]);
    expect(
      ['reachable', 'refused', 'timed_out', 'dns_failed', 'tls_failed', 'error', 'host_unreachable'].map(isHostLimit),
    ).toEqual([false, false, false, false, false, false, false]);
  });
});
