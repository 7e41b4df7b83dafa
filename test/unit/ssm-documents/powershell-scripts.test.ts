// Every Windows step parses with a real PowerShell grammar (tree-sitter-powershell), and keeps to what Windows
// PowerShell 2.0 (Windows Server 2008 R2, which MGN still supports) and .NET 2.0-4.0 have.
import { DOCUMENT_NAMES, readScript } from './document-harness';
import { findAll, findSyntaxProblems, type Node, parsePowerShell } from './powershell-grammar';

describe.each(DOCUMENT_NAMES)('%s: the Windows step', (name) => {
  const script = readScript(name, 'Windows');

  it('parses with no ERROR or MISSING node', async () => {
    expect(findSyntaxProblems(await parsePowerShell(script))).toEqual([]);
  });

  it('uses nothing that Windows PowerShell 2.0 or .NET before 4.5 lacks', async () => {
    expect(findPowerShell2Problems(await parsePowerShell(script))).toEqual([]);
  });
});

describe('the syntax check fails a broken script', () => {
  it.each([
    [
      'a division by a size suffix (the grammar reads `1MB` there as an error)',
      '$free = $info.AvailableFreeSpace / 1MB',
    ],
    ['an unclosed block', "if ($service.Status -eq 'Stopped') {\n  $service.Start()\n"],
    ['an unclosed call', '$take = [Math]::Min($length, 262144'],
    ['a catch with no block', 'try { $service.Stop() } catch'],
  ])('%s', async (_case, source) => {
    expect(findSyntaxProblems(await parsePowerShell(source)).length).toBeGreaterThan(0);
  });

  it('a document script with one closing brace taken out', async () => {
    const script = readScript('restart-replication-agent', 'Windows');
    // The brace that closes the try/catch/finally around the restart.
    const withoutBrace = script.replace(/\n}\n\$restart = 'ok'/, "\n$restart = 'ok'");
    expect(withoutBrace).not.toBe(script);
    expect(findSyntaxProblems(await parsePowerShell(withoutBrace)).length).toBeGreaterThan(0);
  });
});

describe('the PowerShell 2.0 check fails what 2.0 lacks', () => {
  it.each([
    ['Get-Content -Tail (3.0)', 'Get-Content -LiteralPath $log -Tail 20'],
    ['Get-Content -Raw (3.0)', '$text = Get-Content -LiteralPath $log -Raw'],
    ['-in (3.0)', "if ($state -in @('Running')) { $ok = 1 }"],
    ['[ordered] (3.0)', '$h = [ordered]@{ a = 1 }'],
    ['::new() (5.0)', '$b = [System.Text.StringBuilder]::new()'],
    ['-ErrorAction Ignore (3.0)', 'Get-Service -Name x -ErrorAction Ignore'],
    ['Get-CimInstance (3.0)', '$s = Get-CimInstance -ClassName Win32_Service -Filter "Name=\'x\'"'],
    ['$PSItem (3.0)', '@(1) | ForEach-Object { $PSItem }'],
    ['[SslProtocols]::Tls12 (.NET 4.5)', '$p = [System.Security.Authentication.SslProtocols]::Tls12'],
    ['Test-NetConnection (Windows 8.1 / Server 2012 R2)', 'Test-NetConnection -ComputerName h -Port 443'],
  ])('%s', async (_case, source) => {
    expect(findPowerShell2Problems(await parsePowerShell(source)).length).toBeGreaterThan(0);
  });
});

// Commands that PowerShell 2.0 on Windows Server 2008 R2 does not have.
const COMMANDS_AFTER_2_0 = new Set(
  [
    'Get-CimInstance',
    'Invoke-CimMethod',
    'Invoke-WebRequest',
    'Invoke-RestMethod',
    'ConvertFrom-Json',
    'ConvertTo-Json',
    'Test-NetConnection',
    'Resolve-DnsName',
    'Get-NetAdapter',
    'Get-NetIPAddress',
    'Get-Volume',
  ].map((command) => command.toLowerCase()),
);
// Parameters added after 2.0, by command.
const PARAMETERS_AFTER_2_0: Readonly<Record<string, readonly string[]>> = {
  'get-content': ['-tail', '-raw', '-stream'],
  'set-content': ['-nonewline'],
  'out-file': ['-nonewline'],
  'write-output': ['-noenumerate'],
};
// Enum members that .NET only has from 4.5 (PowerShell 2.0 runs on .NET 2.0/3.5).
const MEMBERS_AFTER_NET_4_0 = new Set(['tls11', 'tls12', 'tls13']);

/** What a script uses that PowerShell 2.0 (or .NET before 4.5) lacks, one line each. */
function findPowerShell2Problems(root: Node): string[] {
  const problems: string[] = [];
  const at = (node: Node, what: string): void => void problems.push(`line ${node.startPosition.row + 1}: ${what}`);
  for (const command of findAll(root, ['command'])) {
    const name = command.children.find((child) => child?.type === 'command_name');
    const commandName = name?.text.toLowerCase() ?? '';
    if (COMMANDS_AFTER_2_0.has(commandName)) at(command, `${name?.text} is not in PowerShell 2.0`);
    const elements = findAll(command, ['command_parameter', 'generic_token']).map((node) => node.text.toLowerCase());
    for (const parameter of PARAMETERS_AFTER_2_0[commandName] ?? [])
      if (elements.includes(parameter)) at(command, `${name?.text} ${parameter} is not in PowerShell 2.0`);
    const errorAction = elements.indexOf('-erroraction');
    if (errorAction >= 0 && elements[errorAction + 1] === 'ignore') at(command, '-ErrorAction Ignore needs 3.0');
  }
  for (const operator of findAll(root, ['comparison_operator']))
    if (['-in', '-notin'].includes(operator.text.toLowerCase())) at(operator, `${operator.text} needs 3.0`);
  for (const type of findAll(root, ['type_literal']))
    if (type.text.toLowerCase() === '[ordered]') at(type, '[ordered] needs 3.0');
  for (const variable of findAll(root, ['variable']))
    if (variable.text.toLowerCase() === '$psitem') at(variable, '$PSItem needs 3.0');
  for (const member of findAll(root, ['invokation_expression', 'member_access'])) {
    const isStatic = member.children.some((child) => child?.type === '::');
    const memberName = member.children.find((child) => child?.type === 'member_name')?.text.toLowerCase() ?? '';
    if (isStatic && memberName === 'new') at(member, '::new() needs 5.0');
    if (isStatic && MEMBERS_AFTER_NET_4_0.has(memberName)) at(member, `::${memberName} needs .NET 4.5`);
  }
  return problems;
}
