// Static checks of the three SSM Command documents: schema, parameters, names, output order, injection.
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
  'restart-replication-agent': { waitSeconds: '20', logLines: '20' },
  'check-disk-space': { minFreeRootMiB: '2048', minFreeTmpMiB: '500' },
  'check-connectivity': { region: undefined, replicationServerIp: '', timeoutSeconds: '5' },
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
const MALICIOUS_REGIONS = ['us-east-1; id', 'us-east-1$(id)', "us-east-1'", 'US-EAST-1', 'us-east-1\n', 'us_east_1', '../x-y-1'];
const MALICIOUS_IPS = ['10.0.0.1; id', '$(id)', '10.0.0.256', '10.0.0', '10.0.0.1.5', '10.0.0.1 ', "10.0.0.1'", '::1', 'localhost'];

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
            : MALICIOUS_VALUES;
      // The parameter and value ride along so a failure names them.
      for (const value of values) {
        expect({ parameterName, value, accepted: pattern.test(value) }).toEqual({ parameterName, value, accepted: false });
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
        const quoted = platform === 'Linux' ? /SSM_(\w+)='\{\{ (\w+) \}\}'; fi$/ : /\$env:SSM_(\w+) = '\{\{ (\w+) \}\}' \}$/;
        const match = quoted.exec(line);
        expect(match).not.toBeNull();
        expect(match?.[1]).toBe(match?.[2]);
      }
      const envNames = [...script.matchAll(/SSM_([A-Za-z0-9_]+)/g)].map((match) => match[1] ?? '');
      for (const envName of envNames) expect(Object.keys(document.parameters)).toContain(envName);
    }
    // Every parameter reaches the Linux step.
    for (const parameterName of Object.keys(document.parameters)) expect(readScript(name, 'Linux')).toContain(`SSM_${parameterName}`);
  });

  it('runs its Linux script in the C locale, set before any tool runs', () => {
    // systemd passes /etc/locale.conf's LANG to the SSM agent and so to the script.
    const lines = readScript(name, 'Linux').split('\n');
    const exportLine = lines.findIndex((line) => line.trim() === 'export LC_ALL=C');
    expect(exportLine).toBeGreaterThan(0);
    const firstParameterLine = lines.findIndex((line) => line.includes('SSM_'));
    expect(exportLine).toBeLessThan(firstParameterLine);
  });

  it('never names the fictional seed agent, nor prints the agent config file', () => {
    expect(text.toLowerCase()).not.toContain('mgn-agent');
    for (const line of text.split('\n').filter((candidate) => candidate.includes('agent.config'))) {
      expect(isCommentLine(line)).toBe(true);
    }
    expect(document.description).not.toContain('agent.config');
  });

  it('prints MGN_DOCTOR lines with its own check name only', () => {
    const check = { 'restart-replication-agent': 'agent', 'check-disk-space': 'disk', 'check-connectivity': 'connectivity' }[name];
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
    for (const [open, close] of [['{', '}'], ['(', ')'], ['[', ']']] as const) {
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
    const code = linux.split('\n').filter((line) => !isCommentLine(line)).join('\n');
    for (const helper of ['aws-replication-run-migration-scripts', 'aws-replication-tailer', 'aws-replication-update-volumes']) {
      expect(code).not.toContain(helper);
    }
  });

  it('restarts the real Windows service, leaves AwsReplicationPostConvertService alone and reads both install folders', () => {
    expect(windows).toContain("$ServiceName = 'AwsReplicationService'");
    expect(windows).toContain("$service = Get-Service -Name $ServiceName");
    expect(windows).toContain('$service.Stop()');
    expect(windows).toContain("$service.WaitForStatus('Stopped', $StopTimeout)");
    expect(windows).toContain('$service.Start()');
    expect(windows).toContain("$service.WaitForStatus('Running', $StartTimeout)");
    // Restart-Service waits without end for a service stuck in StopPending.
    const code = windows.split('\n').filter((line) => !isCommentLine(line)).join('\n');
    expect(code).not.toMatch(/Restart-Service|Stop-Service|Start-Service/);
    expect(windows).toContain('C:\\Program Files (x86)\\AWS Replication Agent');
    expect(windows).toContain('C:\\Program Files\\AWS Replication Agent');
    expect(windows).toContain("Find-AgentFile 'agent.log.0'");
    expect(windows).toContain('Get-Content -LiteralPath $agentLog -Tail $logLines');
    for (const line of windows.split('\n').filter((candidate) => candidate.includes('AwsReplicationPostConvertService'))) {
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
    expect(windowsBounds.reduce((sum, bound) => sum + bound, 0) + maxWait + 120).toBeLessThan(findStep(document, 'Windows').inputs.timeoutSeconds);
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
    for (const line of ['Connecting to replicator i-0123456789abcdef0', 'token refresh scheduled in 5 minutes', 'Replicated 12 GiB']) {
      expect({ line, hidden: credential.test(line) }).toEqual({ line, hidden: false });
    }
    expect(windows).toContain("if ($cut -match 'MGN_DOCTOR') { return '> ' + $cut }");
  });

  it('prints the summary line before the log tail', () => {
    expect(linux.indexOf('report "status=$status')).toBeGreaterThan(0);
    expect(linux.indexOf('report "status=$status')).toBeLessThan(linux.indexOf('tail -n'));
    expect(windows.indexOf('Write-Report "status=$status')).toBeGreaterThan(0);
    expect(windows.indexOf('Write-Report "status=$status')).toBeLessThan(windows.indexOf('-Tail $logLines'));
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
    for (const value of ['us-east-1', 'eu-central-1', 'ap-southeast-2', 'us-gov-west-1', 'cn-north-1']) expect(value).toMatch(region);
    const ip = compile(document.parameters.replicationServerIp?.allowedPattern ?? '');
    for (const value of ['', '10.0.0.1', '172.31.255.254', '192.168.0.10', '0.0.0.0', '255.255.255.255']) expect(value).toMatch(ip);
  });

  it('probes with TCP and TLS on Windows and prints the summary before the targets', () => {
    const windows = readScript('check-connectivity', 'Windows');
    const needles = [
      'System.Net.Sockets.TcpClient',
      'BeginConnect',
      'AsyncWaitHandle.WaitOne',
      'System.Net.Security.SslStream',
      'AuthenticateAsClient',
      '[System.Security.Authentication.SslProtocols]::Tls12',
      // Bounded name lookup, like the other probes.
      '[System.Net.Dns]::BeginGetHostAddresses',
      '$lookup.AsyncWaitHandle.WaitOne($timeoutMs, $false)',
    ];
    for (const needle of needles) expect(windows).toContain(needle);
    expect(windows.indexOf('Write-Report "status=$status')).toBeLessThan(windows.indexOf('foreach ($line in $lines)'));
    const linux = readScript('check-connectivity', 'Linux');
    expect(linux.indexOf('report "status=$status')).toBeLessThan(linux.indexOf('printf \'%s\\n\' "${lines[@]}"'));
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
