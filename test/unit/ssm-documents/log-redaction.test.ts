// The agent-log excerpt of RestartReplicationAgent never carries a credential off the host. Each case runs
// through the Linux step under bash, and through the Windows step's own patterns (read from the document)
// with the same steps its PowerShell takes: both must give the same, expected lines.
import { parseDoctorLines } from '../../../lambdas/core/command-output';
import { BASH_PATH, loadDocument, readScript, removeSandboxes, runLinuxStep } from './document-harness';
import { SLEEP, SYSTEMCTL, SYSTEMD_DIR } from './linux-stubs';

const describeWithBash = BASH_PATH ? describe : describe.skip;
if (!BASH_PATH) console.warn('Linux log-redaction tests skipped: bash is not installed');

afterAll(removeSandboxes);

const AGENT_LOG = 'var/lib/aws-replication-agent/agent.log.0';
const SECRET_KEY = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const PEM_BODY = [
  'MIIEowIBAAKCAQEA7bq98nJ1e2ZnKyz3Pd0iN6aYgLpXQ+d0zHn4y5K3pO+E5f1v',
  'q3nRk6Wm2y0J8o2VfQq4mQ1hT0kF3T3m2v7sC9yJkP1hD2c3xXbN4r5uWtLs8eZa',
  'kD9u2P0rVbA=',
];
const CLEAN =
  '2026-11-29 12:00:01 INFO [ReplicationAgent] Connected to replicator i-0123456789abcdef0 at 10.0.1.25:1500 ' +
  'via https://mgn.us-east-1.amazonaws.com/ (backlog 0 MiB, lag PT0S, sha1 2fd4e1c6)';

interface RedactionCase {
  readonly name: string;
  readonly log: readonly string[];
  readonly logLines: number;
  readonly expected: readonly string[];
  /** Text that must appear nowhere in the output. */
  readonly secrets: readonly string[];
}

const CASES: readonly RedactionCase[] = [
  {
    name: 'a clean line survives unchanged',
    log: [CLEAN],
    logLines: 5,
    expected: [CLEAN],
    secrets: [],
  },
  {
    name: '--aws-secret-access-key VALUE',
    log: [`running aws configure set --aws-secret-access-key ${SECRET_KEY} --region us-east-1`],
    logLines: 5,
    expected: ['running aws configure set --aws-secret-access-key [redacted] --region us-east-1'],
    secrets: [SECRET_KEY],
  },
  {
    name: 'SecretAccessKey VALUE, and a session token the same way',
    log: [
      `loaded SecretAccessKey ${SECRET_KEY} from the instance profile`,
      'refreshing: session token IQoJb3JpZ2luX2VjEHEaCXVzLWVhc3QtMSJHMEUCIQD8 expires soon',
    ],
    logLines: 5,
    expected: [
      'loaded SecretAccessKey [redacted] from the instance profile',
      'refreshing: session token [redacted] expires soon',
    ],
    secrets: [SECRET_KEY, 'IQoJb3JpZ2luX2Vj'],
  },
  {
    name: 'a PEM private-key block over several lines',
    log: [
      'writing the pairing key',
      '-----BEGIN RSA PRIVATE KEY-----',
      ...PEM_BODY,
      '-----END RSA PRIVATE KEY-----',
      'pairing key written',
    ],
    logLines: 10,
    expected: ['writing the pairing key', '[private key hidden]', 'pairing key written'],
    secrets: ['MIIEowIBAAKCAQEA', 'q3nRk6Wm2y0J8o2V', 'kD9u2P0rVbA='],
  },
  {
    name: 'a private-key block that began above the excerpt',
    log: ['saving the key', '-----BEGIN PRIVATE KEY-----', ...PEM_BODY, '-----END PRIVATE KEY----- (saved)', 'after'],
    // The log's last 3 lines start inside the key; the window above them still holds the BEGIN. The block
    // becomes one line, with what followed its END.
    logLines: 3,
    expected: ['saving the key', '[private key hidden] (saved)', 'after'],
    secrets: ['q3nRk6Wm2y0J8o2V', 'kD9u2P0rVbA='],
  },
  {
    name: 'a private-key block whose BEGIN lies before the whole window',
    log: [
      '-----BEGIN EC PRIVATE KEY-----',
      ...Array.from({ length: 240 }, (_unused, index) => `${PEM_BODY[index % 2]}`),
      '-----END EC PRIVATE KEY-----',
      'after the key',
    ],
    logLines: 4,
    expected: ['[private key hidden]', 'after the key'],
    secrets: ['MIIEowIBAAKCAQEA', 'q3nRk6Wm2y0J8o2V'],
  },
  {
    name: 'a private key in one escaped JSON line',
    log: [`{"pairing": "-----BEGIN OPENSSH PRIVATE KEY-----\\n${PEM_BODY[0]}\\n-----END OPENSSH PRIVATE KEY-----"}`],
    logLines: 5,
    expected: ['{"pairing": "[private key hidden]"}'],
    secrets: ['MIIEowIBAAKCAQEA'],
  },
  {
    name: 'access key IDs (AKIA..., ASIA...)',
    log: ['using credentials AKIAIOSFODNN7EXAMPLE for S3', 'assumed role as ASIAY34FZKBOKMUTVV7A until 13:00Z'],
    logLines: 5,
    expected: ['using credentials [redacted] for S3', 'assumed role as [redacted] until 13:00Z'],
    secrets: ['AKIAIOSFODNN7EXAMPLE', 'ASIAY34FZKBOKMUTVV7A'],
  },
  {
    name: 'X-Amz-Signature=...',
    log: [
      'GET https://aws-mgn-clients-us-east-1.s3.us-east-1.amazonaws.com/latest/agent.tgz?X-Amz-Algorithm=AWS4-HMAC-SHA256' +
        '&X-Amz-Date=20261129T120000Z&X-Amz-Expires=300&X-Amz-Signature=fe5f80f77d5fa3beca038a248ff027d0445342fe2855ddc9' +
        '&x-id=GetObject 200',
    ],
    logLines: 5,
    expected: [
      'GET https://aws-mgn-clients-us-east-1.s3.us-east-1.amazonaws.com/latest/agent.tgz?X-Amz-Algorithm=AWS4-HMAC-SHA256' +
        '&X-Amz-Date=20261129T120000Z&X-Amz-Expires=300&X-Amz-Signature=[redacted]&x-id=GetObject 200',
    ],
    secrets: ['fe5f80f77d5fa3be'],
  },
  {
    name: 'credentials in proxy URLs (http://user:pass@host:port)',
    log: [
      'using proxy http://mgnuser:S3cretPass@proxy.corp.example:3128 for HTTPS',
      'HTTPS_PROXY is https://svc-mgn:p%40ss%21@10.0.0.5:8080/ (from the environment)',
    ],
    logLines: 5,
    expected: [
      'using proxy http://[redacted]@proxy.corp.example:3128 for HTTPS',
      'HTTPS_PROXY is https://[redacted]@10.0.0.5:8080/ (from the environment)',
    ],
    secrets: ['mgnuser', 'S3cretPass', 'svc-mgn', 'p%40ss'],
  },
  {
    name: 'a bare secret access key, alone on a line or between words',
    log: [SECRET_KEY, `key=${SECRET_KEY.slice(0, 20)} and ${SECRET_KEY} end`],
    logLines: 5,
    expected: ['[redacted]', `key=${SECRET_KEY.slice(0, 20)} and [redacted] end`],
    secrets: [SECRET_KEY],
  },
  {
    name: 'lines that set a credential are hidden whole, as before',
    log: ['aws_secret_access_key = abc123', 'X-Amz-Security-Token: IQoJb3JpZ2lu', CLEAN],
    logLines: 5,
    expected: ['[line hidden: it may hold a credential]', '[line hidden: it may hold a credential]', CLEAN],
    secrets: ['abc123', 'IQoJb3JpZ2lu'],
  },
  {
    name: 'masking happens before the 300-character cut, so a cut never shows half a secret',
    log: [`${'x'.repeat(280)} ${SECRET_KEY}`],
    logLines: 5,
    expected: [`${'x'.repeat(280)} [redacted]`.slice(0, 300)],
    secrets: [SECRET_KEY.slice(0, 19)],
  },
];

// --- The Windows step's redaction, rebuilt around its own patterns ------------------------------------

const windows = readScript('restart-replication-agent', 'Windows');

/** The single-quoted strings of a PowerShell array assignment `$Name = @( '…', '…' )`, unescaped. */
function readPatternArray(name: string): string[] {
  const block = new RegExp(`^\\$${name} = @\\(\\n([\\s\\S]*?)\\n\\)$`, 'm').exec(windows)?.[1];
  if (block === undefined) throw new Error(`no $${name} array in the Windows script`);
  return [...block.matchAll(/'((?:[^']|'')*)'/g)].map((match) => (match[1] ?? '').replace(/''/g, "'"));
}

const PRIVATE_KEY_PATTERNS = readPatternArray('PrivateKeyPatterns');
const SECRET_VALUE_PATTERNS = readPatternArray('SecretValuePatterns');
const HIDE_LINE_PATTERN = /if \(\$cut -match '\(\?i\)([^']+)'\)/.exec(windows)?.[1] ?? '';
const WINDOW_EXTRA = Number(/\$LogWindowExtraLines = (\d+)/.exec(windows)?.[1]);

// RegexOptions IgnoreCase, CultureInvariant, Singleline in the script; the same flags here. The patterns avoid
// the constructs where .NET and JavaScript differ (\A, \z, inline options).
function replaceAll(text: string, patterns: readonly string[], replacement: string): string {
  return patterns.reduce((current, pattern) => current.replace(new RegExp(pattern, 'gis'), replacement), text);
}

/** What Read-LogTail and Format-LogLine make of a log whose lines are given. */
function redactLikeWindows(log: readonly string[], count: number): string[] {
  const window = log.slice(-(count + WINDOW_EXTRA)).join('\n');
  const masked = replaceAll(
    replaceAll(window, PRIVATE_KEY_PATTERNS, '[private key hidden]'),
    SECRET_VALUE_PATTERNS,
    '[redacted]',
  );
  return masked
    .split('\n')
    .slice(-count)
    .map((line) => {
      const cut = line.slice(0, 300).replace(/[\r\n]/g, '');
      if (new RegExp(HIDE_LINE_PATTERN, 'i').test(cut)) return '[line hidden: it may hold a credential]';
      return cut.includes('MGN_DOCTOR') ? `> ${cut}` : cut;
    });
}

describe('the Windows step’s redaction patterns', () => {
  it('are read from the document', () => {
    expect(PRIVATE_KEY_PATTERNS).toHaveLength(2);
    expect(SECRET_VALUE_PATTERNS.length).toBeGreaterThanOrEqual(6);
    expect(HIDE_LINE_PATTERN).not.toBe('');
    expect(WINDOW_EXTRA).toBe(200);
    // Applied with these options, and nothing the second engine would read differently.
    expect(windows).toContain(
      "$RegexOptions = [System.Text.RegularExpressions.RegexOptions]'IgnoreCase, CultureInvariant, Singleline'",
    );
    for (const pattern of [...PRIVATE_KEY_PATTERNS, ...SECRET_VALUE_PATTERNS]) {
      expect(pattern).not.toMatch(/\\[AzZG]|\(\?[imnsx-]+[):]|\(\?<[A-Za-z]|\$\{/);
    }
  });

  it.each(CASES)('$name', ({ log, logLines, expected, secrets }) => {
    const lines = redactLikeWindows(log, logLines);
    expect(lines).toEqual(expected);
    for (const secret of secrets) expect(lines.join('\n')).not.toContain(secret);
  });
});

// --- The Linux step, run under bash ------------------------------------------------------------------

function runWithLog(log: readonly string[], logLines: number) {
  return runLinuxStep('restart-replication-agent', {
    stubs: { systemctl: SYSTEMCTL, sleep: SLEEP },
    dirs: [SYSTEMD_DIR],
    files: { [AGENT_LOG]: `${log.join('\n')}\n` },
    params: { logLines: String(logLines) },
  });
}

describeWithBash('the Linux step’s redaction', () => {
  it.each(CASES)('$name', ({ log, logLines, expected, secrets }) => {
    const run = runWithLog(log, logLines);
    expect(run.exitCode).toBe(0);
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines[1]).toMatch(/^--- last \d+ lines of .*agent\.log\.0 ---$/);
    expect(lines.slice(2)).toEqual(expected);
    for (const secret of secrets) expect(run.stdout).not.toContain(secret);
  });

  it('handles CRLF logs and masks the message of a failed restart the same way', () => {
    const run = runLinuxStep('restart-replication-agent', {
      stubs: {
        systemctl: `${SYSTEMCTL.replace(
          'echo "Job for $2 failed because the control process exited with error code." >&2; exit 1 ;;',
          `echo "proxy http://user:pw@proxy:3128 refused key ${SECRET_KEY}" >&2; exit 1 ;;`,
        )}`,
        sleep: SLEEP,
      },
      dirs: [SYSTEMD_DIR],
      files: { [AGENT_LOG]: `using credentials AKIAIOSFODNN7EXAMPLE\r\n${CLEAN}\r\n` },
      params: { logLines: '2' },
      env: { FAKE_RESTART: 'fail', FAKE_ACTIVE_AFTER_START: 'active', FAKE_ACTIVE: 'failed' },
    });
    expect(parseDoctorLines(run.stdout)[0]).toMatchObject({ status: 'RUNNING', restart: 'failed', start: 'ok' });
    expect(run.stdout).toContain('proxy http://[redacted]@proxy:3128 refused key [redacted]');
    expect(run.stdout).toContain(`using credentials [redacted]\n${CLEAN}\n`);
    expect(run.stdout).not.toMatch(/user:pw|AKIAIOSFODNN7EXAMPLE|\r/);
    expect(run.stdout).not.toContain(SECRET_KEY);
  });

  it('keeps to what the oldest awks support: no {n} intervals, no character classes, no \\b or \\y', () => {
    const linux = readScript('restart-replication-agent', 'Linux');
    const program = /<<'AWK'\n([\s\S]*?)\nAWK\n/.exec(linux)?.[1] ?? '';
    expect(program).toContain('function mask_after(');
    expect(program).not.toMatch(/\{\d+(,\d*)?\}|\[\[:|\\[by<>]/);
  });
});

describe('the excerpt is off by default', () => {
  it('logLines defaults to 0', () => {
    expect(loadDocument('restart-replication-agent').parameters.logLines?.default).toBe('0');
  });

  (BASH_PATH ? it : it.skip)('so the Linux step prints no log line unless asked', () => {
    const run = runLinuxStep('restart-replication-agent', {
      stubs: { systemctl: SYSTEMCTL, sleep: SLEEP },
      dirs: [SYSTEMD_DIR],
      files: { [AGENT_LOG]: `${CLEAN}\n` },
    });
    expect(run.exitCode).toBe(0);
    expect(run.stdout.trimEnd().split('\n')).toHaveLength(1);
    expect(run.stdout).not.toContain('ReplicationAgent');
  });
});
