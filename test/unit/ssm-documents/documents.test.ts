// Static checks of the three SSM Command documents: schema, parameters, names, output order, injection.
import { spawnSync } from 'node:child_process';
import {
  DOCUMENT_NAMES,
  MGN_BUCKETS,
  TEMPLATE_REFERENCE,
  findStep,
  loadDocument,
  readDocumentText,
  readScript,
  type DocumentName,
} from './document-harness';

const EXPECTED_PARAMETERS: Readonly<Record<DocumentName, Readonly<Record<string, string | undefined>>>> = {
  // No log excerpt by default: see the comment on logLines in the document.
  'restart-replication-agent': { waitSeconds: '20', logLines: '0' },
  'check-disk-space': { minFreeRootMiB: '2048', minFreeTmpMiB: '500' },
  'check-connectivity': { region: undefined, replicationServerIp: '', replicationServerIps: '', timeoutSeconds: '5' },
};

// Shell and PowerShell metacharacters, quoting breakers and look-alikes of valid values.
const MALICIOUS_VALUES = [
  '1; rm -rf /',
  '$(reboot)',
  '`id`',
  "'",
  '"',
  '20\nid',
  '20 ',
  ' 20',
  '20;',
  '20 && id',
  '20 | id',
  '${IFS}',
  '\\',
  '20$(id)',
  '1e3',
  '-1',
  '',
];
const MALICIOUS_REGIONS = [
  'us-east-1; id',
  'us-east-1$(id)',
  "us-east-1'",
  'US-EAST-1',
  'us-east-1\n',
  'us_east_1',
  '../x-y-1',
];
const MALICIOUS_IPS = [
  '10.0.0.1; id',
  '$(id)',
  '10.0.0.256',
  '10.0.0',
  '10.0.0.1.5',
  '10.0.0.1 ',
  "10.0.0.1'",
  '::1',
  'localhost',
];
// One octet of replicationServerIp's IPv4 pattern.
const IP_OCTET = '(25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])';
// replicationServerIps: `<node ID>=<IPv4>` entries, comma-separated.
const NODE_A = 'i-0123456789abcdef0';
const NODE_B = 'mi-0123456789abcdef0';
const MALICIOUS_IP_MAPS = [
  `${NODE_A}=10.0.0.1;id`,
  `${NODE_A}=10.0.0.1; id`,
  `${NODE_A}=$(id)`,
  `${NODE_A}=\`id\``,
  `${NODE_A}=10.0.0.1\`id\``,
  `${NODE_A}=10.0.0.1'`,
  `'${NODE_A}=10.0.0.1`,
  `${NODE_A}=10.0.0.1"`,
  `${NODE_A}=10.0.0.1 `,
  `${NODE_A} =10.0.0.1`,
  `${NODE_A}=10.0.0.1, ${NODE_B}=10.0.0.2`,
  `${NODE_A}=10.0.0.1\n`,
  `${NODE_A}=10.0.0.1\n${NODE_B}=10.0.0.2`,
  `${NODE_A}=10.0.0.1\r`,
  `${NODE_A}=10.0.0.1,$(id)`,
  `${NODE_A}=10.0.0.1|id`,
  `${NODE_A}=10.0.0.1&&id`,
  `${NODE_A}=10.0.0.1>x`,
  `${NODE_A}=\${IFS}`,
  // Malformed: wrong separators, empty entries, bad IDs, bad IPs.
  `${NODE_A}=10.0.0.1,`,
  `,${NODE_A}=10.0.0.1`,
  `${NODE_A}=10.0.0.1,,${NODE_B}=10.0.0.2`,
  `${NODE_A}=10.0.0.1;${NODE_B}=10.0.0.2`,
  `${NODE_A}==10.0.0.1`,
  `${NODE_A}=`,
  `=10.0.0.1`,
  NODE_A,
  '10.0.0.1',
  `${NODE_A}=10.0.0.256`,
  `${NODE_A}=10.0.0`,
  `${NODE_A}:10.0.0.1`,
  'i-0123456789ABCDEF0=10.0.0.1',
  'I-0123456789abcdef0=10.0.0.1',
  'i-0123456=10.0.0.1',
  'i-0123456789=10.0.0.1',
  'i-0123456789abcdef01=10.0.0.1',
  'i-0123456789abcdefg=10.0.0.1',
  'mi-01234567=10.0.0.1',
  'mi-0123456789abcdef01=10.0.0.1',
  'm-0123456789abcdef0=10.0.0.1',
  'i_0123456789abcdef0=10.0.0.1',
];

/** `count` distinct, valid entries, alternating 17-hex i-, 8-hex i- and mi- IDs. */
function ipMapping(count: number): string {
  return Array.from({ length: count }, (_unused, index) => {
    const hex = index.toString(16);
    const id = [`i-${hex.padStart(17, '0')}`, `i-${hex.padStart(8, 'a')}`, `mi-${hex.padStart(17, 'f')}`][index % 3];
    return `${id}=10.${index % 256}.${(index * 7) % 256}.${255 - (index % 256)}`;
  }).join(',');
}

function compile(pattern: string): RegExp {
  return new RegExp(pattern);
}

// Top-level alternatives of a pattern, e.g. '^$|^a$' → ['^$', '^a$'].
function splitAlternatives(pattern: string): string[] {
  const branches: string[] = [];
  let depth = 0;
  let current = '';
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern.charAt(i);
    if (char === '\\') {
      current += char + pattern.charAt(i + 1);
      i++;
      continue;
    }
    if (char === '(') depth++;
    if (char === ')') depth--;
    if (char === '|' && depth === 0) {
      branches.push(current);
      current = '';
      continue;
    }
    current += char;
  }
  branches.push(current);
  return branches;
}

function isCommentLine(line: string): boolean {
  return line.trim().startsWith('#');
}

describe.each(DOCUMENT_NAMES)('%s.yaml', (name) => {
  const document = loadDocument(name);
  const text = readDocumentText(name);

  it('is a schema 2.2 Command document with a description', () => {
    expect(document.schemaVersion).toBe('2.2');
    expect(typeof document.description).toBe('string');
    expect(document.description.length).toBeGreaterThan(40);
  });

  it('has a Linux shell step and a Windows PowerShell step, each behind its platform precondition', () => {
    expect(document.mainSteps).toHaveLength(2);
    const [linux, windows] = document.mainSteps;
    expect(linux?.action).toBe('aws:runShellScript');
    expect(linux?.precondition).toEqual({ StringEquals: ['platformType', 'Linux'] });
    expect(windows?.action).toBe('aws:runPowerShellScript');
    expect(windows?.precondition).toEqual({ StringEquals: ['platformType', 'Windows'] });
    for (const step of document.mainSteps) {
      expect(step.name).toMatch(/^[A-Za-z0-9_.-]+$/);
      expect(Number.isInteger(step.inputs.timeoutSeconds)).toBe(true);
      expect(step.inputs.timeoutSeconds).toBeGreaterThan(0);
      expect(step.inputs.runCommand.length).toBeGreaterThan(0);
      for (const line of step.inputs.runCommand) expect(typeof line).toBe('string');
    }
    expect(new Set(document.mainSteps.map((step) => step.name)).size).toBe(2);
  });

  it('declares exactly the expected parameters and defaults', () => {
    expect(Object.keys(document.parameters).sort()).toEqual(Object.keys(EXPECTED_PARAMETERS[name]).sort());
    for (const [parameterName, expectedDefault] of Object.entries(EXPECTED_PARAMETERS[name])) {
      expect(document.parameters[parameterName]?.default).toBe(expectedDefault);
    }
  });

  it('types every parameter as a String with a description, an anchored allowedPattern and ENV_VAR interpolation', () => {
    for (const parameter of Object.values(document.parameters)) {
      expect(parameter.type).toBe('String');
      expect(parameter.description.length).toBeGreaterThan(10);
      expect(parameter.interpolationType).toBe('ENV_VAR');
      for (const branch of splitAlternatives(parameter.allowedPattern)) {
        expect(branch.startsWith('^')).toBe(true);
        expect(branch.endsWith('$')).toBe(true);
      }
    }
  });

  it('has defaults that pass their own allowedPattern', () => {
    for (const parameter of Object.values(document.parameters)) {
      if (parameter.default !== undefined) expect(parameter.default).toMatch(compile(parameter.allowedPattern));
    }
  });

  it('rejects malicious values in every allowedPattern', () => {
    for (const [parameterName, parameter] of Object.entries(document.parameters)) {
      const pattern = compile(parameter.allowedPattern);
      const values =
        parameterName === 'region'
          ? [...MALICIOUS_VALUES, ...MALICIOUS_REGIONS]
          : parameterName === 'replicationServerIp'
            ? [...MALICIOUS_VALUES.filter((value) => value !== ''), ...MALICIOUS_IPS]
            : parameterName === 'replicationServerIps'
              ? [...MALICIOUS_VALUES.filter((value) => value !== ''), ...MALICIOUS_IPS, ...MALICIOUS_IP_MAPS]
              : MALICIOUS_VALUES;
      // The parameter and value ride along so a failure names them.
      for (const value of values) {
        expect({ parameterName, value, accepted: pattern.test(value) }).toEqual({
          parameterName,
          value,
          accepted: false,
        });
      }
    }
  });

  it('re-checks each parameter inside both scripts with the same pattern (\\z for $ in PowerShell)', () => {
    const linux = readScript(name, 'Linux');
    const windows = readScript(name, 'Windows');
    for (const [parameterName, parameter] of Object.entries(document.parameters)) {
      const pattern = parameter.allowedPattern.replace(/^\^\$\|/, '');
      expect(linux).toContain(pattern);
      if (windows.includes(`SSM_${parameterName}`)) expect(windows).toContain(pattern.replace(/\$$/, '\\z'));
    }
  });

  it('reads parameters from SSM_<name> and uses {{ name }} only as a single-quoted fallback', () => {
    for (const platform of ['Linux', 'Windows'] as const) {
      const script = readScript(name, platform);
      const templateNames = [...script.matchAll(TEMPLATE_REFERENCE)].map((match) => match[1] ?? '');
      for (const templateName of templateNames) expect(Object.keys(document.parameters)).toContain(templateName);
      // No other double braces the agent could try to interpolate.
      expect(script.replace(TEMPLATE_REFERENCE, '').includes('{{')).toBe(false);
      for (const line of script.split('\n').filter((candidate) => candidate.includes('{{'))) {
        const quoted =
          platform === 'Linux' ? /SSM_(\w+)='\{\{ (\w+) \}\}'; fi$/ : /\$env:SSM_(\w+) = '\{\{ (\w+) \}\}' \}$/;
        const match = quoted.exec(line);
        expect(match).not.toBeNull();
        expect(match?.[1]).toBe(match?.[2]);
      }
      // SSM_<name> only: the agent's own AWS_SSM_INSTANCE_ID and AWS_SSM_REGION_NAME are not parameters.
      const envNames = [...script.matchAll(/(?<![A-Za-z0-9_])SSM_([A-Za-z0-9_]+)/g)].map((match) => match[1] ?? '');
      for (const envName of envNames) expect(Object.keys(document.parameters)).toContain(envName);
    }
    // Every parameter reaches the Linux step.
    for (const parameterName of Object.keys(document.parameters))
      expect(readScript(name, 'Linux')).toContain(`SSM_${parameterName}`);
  });

  it('runs its Linux script in the C locale, set before any tool runs', () => {
    // systemd passes /etc/locale.conf's LANG to the SSM agent and so to the script.
    const lines = readScript(name, 'Linux').split('\n');
    const exportLine = lines.findIndex((line) => line.trim() === 'export LC_ALL=C');
    expect(exportLine).toBeGreaterThan(0);
    const firstParameterLine = lines.findIndex((line) => line.includes('SSM_'));
    expect(exportLine).toBeLessThan(firstParameterLine);
  });

  it('stays within the 64 KB SSM allows for a document and its parameter values together', () => {
    // CreateDocument counts the content with the values given at run time; the longest is a 50-entry mapping.
    const content = Buffer.byteLength(JSON.stringify(document));
    const longestValues = Object.values(document.parameters).reduce(
      (sum, parameter) => sum + (parameter.allowedPattern.includes('{0,49}') ? 50 * 34 : 64),
      0,
    );
    expect(content + longestValues).toBeLessThan(64 * 1000);
  });

  it('never names the fictional seed agent, nor prints the agent config file', () => {
    expect(text.toLowerCase()).not.toContain('mgn-agent');
    for (const line of text.split('\n').filter((candidate) => candidate.includes('agent.config'))) {
      expect(isCommentLine(line)).toBe(true);
    }
    expect(document.description).not.toContain('agent.config');
  });

  it('prints MGN_DOCTOR lines with its own check name only', () => {
    const check = {
      'restart-replication-agent': 'agent',
      'check-disk-space': 'disk',
      'check-connectivity': 'connectivity',
    }[name];
    for (const platform of ['Linux', 'Windows'] as const) {
      const checks = [...readScript(name, platform).matchAll(/MGN_DOCTOR check=([a-z]+)/g)].map((match) => match[1]);
      expect(checks.length).toBeGreaterThan(0);
      expect(new Set(checks)).toEqual(new Set([check]));
    }
  });

  it('has a Windows script for PowerShell 5.1 that exits 1 on failure', () => {
    const windows = readScript(name, 'Windows');
    const code = windows
      .split('\n')
      .filter((line) => !isCommentLine(line))
      .join('\n');
    expect(code).toMatch(/^\s*exit 1\s*$/m);
    expect(code.trimEnd().endsWith('exit 1')).toBe(true);
    // PowerShell 7-only operators.
    expect(code).not.toMatch(/\s(\?\?|\?\?=|&&|\|\|)\s/);
    expect(code).not.toMatch(/\s\?\s[^:]+\s:\s/);
    // Crude syntax sanity: brackets balance.
    for (const [open, close] of [
      ['{', '}'],
      ['(', ')'],
      ['[', ']'],
    ] as const) {
      expect(code.split(open).length).toBe(code.split(close).length);
    }
  });
});

describe('restart-replication-agent.yaml', () => {
  const linux = readScript('restart-replication-agent', 'Linux');
  const windows = readScript('restart-replication-agent', 'Windows');

  it('restarts the real Linux unit and reads the real log', () => {
    expect(linux).toContain('SERVICE=aws-replication-agent');
    expect(linux).toContain('systemctl restart "$SERVICE.service"');
    expect(linux).toContain('/var/lib/aws-replication-agent/agent.log.0');
    expect(linux).toContain('AGENT_HOME/VERSION');
    expect(linux).toContain('status=NOT_INSTALLED');
    expect(linux).toContain('status=UNSUPPORTED reason=no_systemd');
  });

  it('never restarts the Linux helper units', () => {
    const code = linux
      .split('\n')
      .filter((line) => !isCommentLine(line))
      .join('\n');
    for (const helper of [
      'aws-replication-run-migration-scripts',
      'aws-replication-tailer',
      'aws-replication-update-volumes',
    ]) {
      expect(code).not.toContain(helper);
    }
  });

  it('restarts the real Windows service, leaves AwsReplicationPostConvertService alone and reads both install folders', () => {
    expect(windows).toContain("$ServiceName = 'AwsReplicationService'");
    expect(windows).toContain('$service = Get-Service -Name $ServiceName');
    expect(windows).toContain('$service.Stop()');
    expect(windows).toContain("$service.WaitForStatus('Stopped', $StopTimeout)");
    expect(windows).toContain('$service.Start()');
    expect(windows).toContain("$service.WaitForStatus('Running', $StartTimeout)");
    // Restart-Service waits without end for a service stuck in StopPending.
    const code = windows
      .split('\n')
      .filter((line) => !isCommentLine(line))
      .join('\n');
    expect(code).not.toMatch(/Restart-Service|Stop-Service|Start-Service/);
    expect(windows).toContain('C:\\Program Files (x86)\\AWS Replication Agent');
    expect(windows).toContain('C:\\Program Files\\AWS Replication Agent');
    expect(windows).toContain("Find-AgentFile 'agent.log.0'");
    // PowerShell 2.0's Get-Content has no -Tail: the script reads the end of the file itself.
    expect(windows).toContain('$excerpt = @(Read-LogTail $agentLog $logLines)');
    for (const line of windows
      .split('\n')
      .filter((candidate) => candidate.includes('AwsReplicationPostConvertService'))) {
      expect(isCommentLine(line)).toBe(true);
    }
    expect(windows).toMatch(/NOT_INSTALLED service=\$ServiceName"\s*\n\s*exit 1/);
  });

  it('bounds the restart so the summary line comes before the step timeout, even with the longest wait', () => {
    const document = loadDocument('restart-replication-agent');
    const maxWait = 999;
    expect(compile(document.parameters.waitSeconds?.allowedPattern ?? '').test(String(maxWait + 1))).toBe(false);
    const linuxBound = Number(/readonly RESTART_TIMEOUT=(\d+)/.exec(linux)?.[1]);
    expect(linux).toContain('timeout "$RESTART_TIMEOUT" systemctl restart "$SERVICE.service"');
    expect(linuxBound + maxWait + 60).toBeLessThan(findStep(document, 'Linux').inputs.timeoutSeconds);
    const windowsBounds = [...windows.matchAll(/New-TimeSpan -Seconds (\d+)/g)].map((match) => Number(match[1]));
    expect(windowsBounds).toHaveLength(2);
    // Stop, start, and up to 30 s for each dependent service that ServiceController.Stop() stops first.
    expect(windowsBounds.reduce((sum, bound) => sum + bound, 0) + maxWait + 120).toBeLessThan(
      findStep(document, 'Windows').inputs.timeoutSeconds,
    );
  });

  it('leaves time for every bounded wait of the longest path, including the start after a failed restart', () => {
    const document = loadDocument('restart-replication-agent');
    const maxWait = 999;
    const bound = (name: string): number => Number(new RegExp(`readonly ${name}=(\\d+)`).exec(linux)?.[1]);
    // Restart, the status query before the start, the start, the final status query (SysV and upstart).
    const linuxWorst =
      bound('RESTART_TIMEOUT') + bound('STATUS_TIMEOUT') + bound('START_TIMEOUT') + bound('STATUS_TIMEOUT');
    expect(linuxWorst).toBeGreaterThan(400);
    expect(linuxWorst + maxWait + 60).toBeLessThan(findStep(document, 'Linux').inputs.timeoutSeconds);
    // The stop, a second stop timeout for a service still stopping, the start, and 30 s for each of up to five
    // dependent services that ServiceController.Stop() stops first.
    const stop = Number(/\$StopTimeout = New-TimeSpan -Seconds (\d+)/.exec(windows)?.[1]);
    const start = Number(/\$StartTimeout = New-TimeSpan -Seconds (\d+)/.exec(windows)?.[1]);
    expect(2 * stop + start + 5 * 30 + maxWait + 60).toBeLessThan(findStep(document, 'Windows').inputs.timeoutSeconds);
  });

  it('hides credential-looking log lines and defuses MGN_DOCTOR look-alikes on Windows too', () => {
    const source = /if \(\$cut -match '\(\?i\)([^']+)'\)/.exec(windows)?.[1];
    expect(source).toBeDefined();
    const credential = new RegExp(source ?? 'x', 'i');
    for (const line of [
      'awsSecretAccessKey = "abc123"',
      '"password": "hunter2"',
      "{'AccessKeyId': 'ASIAEXAMPLE', 'SecretAccessKey': 'abc', 'SessionToken': 'zzz'}",
      '{\\"SecretAccessKey\\": \\"abc\\"}',
      'Authorization: AWS4-HMAC-SHA256 Credential=AKIAEXAMPLE/20260101',
    ]) {
      expect({ line, hidden: credential.test(line) }).toEqual({ line, hidden: true });
    }
    for (const line of [
      'Connecting to replicator i-0123456789abcdef0',
      'token refresh scheduled in 5 minutes',
      'Replicated 12 GiB',
    ]) {
      expect({ line, hidden: credential.test(line) }).toEqual({ line, hidden: false });
    }
    expect(windows).toContain("if ($cut -match 'MGN_DOCTOR') { return '> ' + $cut }");
  });

  it('prints the summary line before the log tail', () => {
    expect(linux.indexOf('report "status=$status')).toBeGreaterThan(0);
    expect(linux.indexOf('report "status=$status')).toBeLessThan(linux.indexOf('tail -n'));
    expect(windows.indexOf('Write-Report "status=$status')).toBeGreaterThan(0);
    expect(windows.indexOf('Write-Report "status=$status')).toBeLessThan(windows.indexOf('Read-LogTail $agentLog'));
  });
});

describe('check-disk-space.yaml', () => {
  it('measures / and /tmp on Linux and the system drive on Windows', () => {
    const linux = readScript('check-disk-space', 'Linux');
    const windows = readScript('check-disk-space', 'Windows');
    expect(linux).toContain('df -Pm "$1"');
    expect(linux).toContain('free_mib /tmp');
    expect(linux).toContain('findmnt -n -o OPTIONS -T /tmp');
    expect(linux).toContain('tmp_noexec=$tmp_noexec');
    expect(windows).toContain('$env:SystemDrive');
    expect(windows).toContain('AvailableFreeSpace');
    expect(windows).toContain('status=$status drive=$drive root_free_mib=$freeMiB root_min_mib=$minFreeMiB');
    expect(windows.indexOf('Write-Report "status=$status')).toBeLessThan(windows.indexOf('MiB free of'));
  });
});

describe('check-connectivity.yaml', () => {
  const document = loadDocument('check-connectivity');

  it('requires the region (no default)', () => {
    expect(document.parameters.region?.default).toBeUndefined();
    expect('').not.toMatch(compile(document.parameters.region?.allowedPattern ?? ''));
  });

  it('accepts real regions and IPv4 addresses', () => {
    const region = compile(document.parameters.region?.allowedPattern ?? '');
    for (const value of ['us-east-1', 'eu-central-1', 'ap-southeast-2', 'us-gov-west-1', 'cn-north-1'])
      expect(value).toMatch(region);
    const ip = compile(document.parameters.replicationServerIp?.allowedPattern ?? '');
    for (const value of ['', '10.0.0.1', '172.31.255.254', '192.168.0.10', '0.0.0.0', '255.255.255.255'])
      expect(value).toMatch(ip);
  });

  describe('replicationServerIps (one command for many nodes, each on its own replication server)', () => {
    const parameter = document.parameters.replicationServerIps;
    const pattern = compile(parameter?.allowedPattern ?? '');

    it('defaults to empty, which its pattern accepts', () => {
      expect(parameter?.default).toBe('');
      expect('').toMatch(pattern);
    });

    it('is 1 to 50 <node ID>=<IPv4> entries, with the IPv4 pattern of replicationServerIp written without ambiguity', () => {
      // replicationServerIp's octet, 1?[0-9]?[0-9], matches "10" two ways; repeated 200 times, a backtracking engine
      // (V8, Java, .NET) takes exponential time to reject a near miss. The mapping writes the same octet set so
      // that every string matches at most one way.
      const octet = '(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[0-9]?[0-9])';
      const entry = `(i-[0-9a-f]{8}|i-[0-9a-f]{17}|mi-[0-9a-f]{17})=${octet}(\\.${octet}){3}`;
      expect(parameter?.allowedPattern).toBe(`^$|^${entry}(,${entry}){0,49}$`);
      expect(document.parameters.replicationServerIp?.allowedPattern).toBe(`^$|^${IP_OCTET}(\\.${IP_OCTET}){3}$`);
      // Same octets as replicationServerIp: every string of up to 4 characters over digits, dot and a letter.
      const single = compile(`^${IP_OCTET}$`);
      const mapped = compile(`^${octet}$`);
      const alphabet = '0123456789.x';
      let checked = 0;
      const visit = (value: string): void => {
        if (single.test(value) !== mapped.test(value))
          throw new Error(`octet patterns differ on ${JSON.stringify(value)}`);
        checked++;
        if (value.length < 4) for (const char of alphabet) visit(value + char);
      };
      visit('');
      expect(checked).toBeGreaterThan(20_000);
      // And whole addresses: the mapping takes exactly the IPs replicationServerIp takes.
      const ip = compile(document.parameters.replicationServerIp?.allowedPattern ?? '');
      for (const value of [
        '10.0.1.25',
        '0.0.0.0',
        '255.255.255.255',
        '01.02.03.04',
        '199.199.199.199',
        '256.1.1.1',
        '1.1.1.300',
        '001.1.1.1',
        '10.0.0',
      ]) {
        expect({ value, mapped: pattern.test(`${NODE_A}=${value}`) }).toEqual({
          value,
          mapped: value !== '' && ip.test(value),
        });
      }
    });

    it('rejects near misses in linear time (no catastrophic backtracking)', () => {
      // In a child process: a regex that backtracks exponentially would block this one past any Jest timeout.
      const code = `
        const pattern = new RegExp(process.argv[1]);
        const entries = Array.from({ length: 50 }, (_, i) => 'i-' + i.toString(16).padStart(17, '0') + '=10.10.1' + (i % 10) + '.1' + (i % 10));
        const started = Date.now();
        const results = [entries.join(',') + ',x', entries.join(',') + ',' + entries[0], entries.slice(0, 49).join(',') + ',i-0=10.10.10.10', entries.join(',') + ' ']
          .map((value) => pattern.test(value));
        console.log(JSON.stringify({ results, ms: Date.now() - started }));`;
      const run = spawnSync(process.execPath, ['-e', code, parameter?.allowedPattern ?? ''], {
        encoding: 'utf8',
        timeout: 10_000,
      });
      expect(run.error).toBeUndefined();
      const outcome = JSON.parse(run.stdout) as { results: boolean[]; ms: number };
      expect(outcome.results).toEqual([false, false, false, false]);
      expect(outcome.ms).toBeLessThan(1_000);
    });

    it('accepts single entries of each node-ID kind and a 50-entry mapping of all of them', () => {
      for (const value of [
        `${NODE_A}=10.0.1.25`,
        `${NODE_B}=172.31.255.254`,
        'i-0abc1234=192.168.0.10',
        `${NODE_A}=10.0.1.25,${NODE_B}=10.0.2.7,i-0abc1234=0.0.0.0`,
        `${NODE_A}=255.255.255.255,${NODE_A}=10.0.0.1`,
      ]) {
        expect(value).toMatch(pattern);
      }
      const fifty = ipMapping(50);
      expect(fifty.split(',')).toHaveLength(50);
      const ids = fifty.split(',').map((entry) => entry.split('=')[0] ?? '');
      expect(new Set(ids).size).toBe(50);
      expect(ids.some((id) => /^i-[0-9a-f]{17}$/.test(id))).toBe(true);
      expect(ids.some((id) => /^i-[0-9a-f]{8}$/.test(id))).toBe(true);
      expect(ids.some((id) => /^mi-[0-9a-f]{17}$/.test(id))).toBe(true);
      expect(fifty).toMatch(pattern);
    });

    it('rejects 51 entries', () => {
      expect(ipMapping(51)).not.toMatch(pattern);
      expect(`${ipMapping(50)},${NODE_A}=10.0.0.1`).not.toMatch(pattern);
    });

    it('rejects injection and malformed mappings', () => {
      for (const value of MALICIOUS_IP_MAPS) {
        expect({ value, accepted: pattern.test(value) }).toEqual({ value, accepted: false });
      }
    });

    it('is re-checked in the Windows script too, case-sensitively, and looked up by AWS_SSM_INSTANCE_ID with an exact match', () => {
      const windows = readScript('check-connectivity', 'Windows');
      const body = (parameter?.allowedPattern ?? '').replace(/^\^\$\|/, '').replace(/\$$/, '\\z');
      expect(windows).toContain(`$IpMapPattern = '${body}'`);
      expect(windows).toContain('($replicationMap -cnotmatch $IpMapPattern)');
      expect(windows).toContain(
        "if ($null -eq $env:SSM_replicationServerIps) { $env:SSM_replicationServerIps = '{{ replicationServerIps }}' }",
      );
      expect(windows).toContain(
        "if ((-not $ipsFromEnv) -and ($replicationMap -match '[{}$]')) { $replicationMap = '' }",
      );
      expect(windows).toContain('$nodeId = [string]$env:AWS_SSM_INSTANCE_ID');
      expect(windows).toContain("foreach ($entry in ($replicationMap -split ','))");
      expect(windows).toContain("$pair = $entry -split '=', 2");
      expect(windows).toContain('if ($pair[0] -ceq $nodeId) {');
      // replicationServerIp wins: the mapping is read only when it is empty.
      expect(windows).toContain("if (($replicationIp -eq '') -and ($replicationMap -ne '') -and ($nodeId -ne '')) {");
      expect(windows).toContain('$summary += " replication_server=$replicationServer"');
      // The lookup happens after validation and before the targets are listed.
      expect(windows.indexOf("Write-Report 'status=ERROR reason=invalid_parameter'")).toBeLessThan(
        windows.indexOf('$nodeId = '),
      );
      expect(windows.indexOf('$nodeId = ')).toBeLessThan(
        windows.indexOf("if ($replicationIp -ne '') { $targets += New-Target $replicationIp 1500 $false }"),
      );
    });

    it('splits the mapping on Linux with builtins only, in a subshell, and compares the ID whole', () => {
      const linux = readScript('check-connectivity', 'Linux');
      const code = linux
        .split('\n')
        .filter((line) => !isCommentLine(line))
        .join('\n');
      expect(code).toContain('node_id=${AWS_SSM_INSTANCE_ID:-}');
      expect(code).toMatch(/replication_ip=\$\(\s*set -f\s*IFS=,\s*for entry in \$replication_map; do/);
      expect(code).toContain('if [ "${entry%%=*}" = "$node_id" ]; then printf \'%s\' "${entry#*=}"; break; fi');
      expect(code).not.toMatch(/\beval\b/);
      // IFS is changed nowhere else.
      expect(code.match(/IFS=/g)).toHaveLength(1);
    });
  });

  it('probes with TCP and TLS on Windows and prints the summary before the targets', () => {
    const windows = readScript('check-connectivity', 'Windows');
    const needles = [
      'System.Net.Sockets.TcpClient',
      'BeginConnect',
      'AsyncWaitHandle.WaitOne',
      'System.Net.Security.SslStream',
      'AuthenticateAsClient',
      // TLS 1.2 by number: the enum member needs .NET 4.5 (see 'TLS 1.2 on older Windows' below).
      '$Tls12 = [Enum]::ToObject([System.Security.Authentication.SslProtocols], 3072)',
      // Bounded name lookup, like the other probes.
      '[System.Net.Dns]::BeginGetHostAddresses',
      '$lookup.AsyncWaitHandle.WaitOne($timeoutMs, $false)',
    ];
    for (const needle of needles) expect(windows).toContain(needle);
    expect(windows.indexOf('Write-Report "status=$status')).toBeLessThan(windows.indexOf('foreach ($line in $lines)'));
    const linux = readScript('check-connectivity', 'Linux');
    expect(linux.indexOf('report "status=$status')).toBeLessThan(linux.indexOf('printf \'%s\\n\' "${lines[@]}"'));
  });

  it('TLS 1.2 on older Windows: asks for it by number, and reports a host that cannot do it as tls_unsupported', () => {
    const windows = readScript('check-connectivity', 'Windows');
    expect(windows).toContain('$tls.AuthenticateAsClient($HostName, $null, $Tls12, $false)');
    // SEC_E_ALGORITHM_MISMATCH and SEC_E_UNSUPPORTED_FUNCTION as the signed 32-bit NativeErrorCode .NET gives.
    const codes = [0x80090331, 0x80090302].map((code) => code - 2 ** 32);
    expect(windows).toContain(`$NoTls12ErrorCodes = @(${codes.join(', ')})`);
    // Classified before the generic TLS failure, and counted apart from failures.
    expect(windows).toMatch(
      /\} catch \{\s*if \(Test-NoTls12 \$_\.Exception\) \{ return 'tls_unsupported' \}\s*return 'tls_failed'/,
    );
    expect(windows).toContain("} elseif ($result -eq 'tls_unsupported') {\n    $unverified++");
    expect(windows).toContain('if ($unverified -gt 0) { $summary += " unverified=$unverified" }');
    const handlers = /function Test-NoTls12[\s\S]*?\n}\n/.exec(windows)?.[0] ?? '';
    for (const type of [
      'System.ArgumentException',
      'System.NotSupportedException',
      'System.ComponentModel.Win32Exception',
    ])
      expect(handlers).toContain(`-is [${type}]`);
  });

  it('turns certificate verification on for the openssl probe (-verify_return_error alone does not before OpenSSL 3)', () => {
    const linux = readScript('check-connectivity', 'Linux');
    expect(linux).toMatch(/openssl s_client -connect "\$1:443" -servername "\$1" -verify \d+ -verify_return_error/);
  });

  it('lists the MGN endpoint and the six MGN buckets on both platforms', () => {
    for (const platform of ['Linux', 'Windows'] as const) {
      const script = findStep(document, platform).inputs.runCommand.join('\n');
      for (const bucket of MGN_BUCKETS) expect(script).toMatch(new RegExp(`[\\s']${bucket}[\\s';]`));
      expect(script).toContain('mgn.');
      expect(script).toContain('1500');
    }
  });
});
