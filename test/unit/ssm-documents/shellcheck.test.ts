// ShellCheck on every Linux step of the three documents. scripts/ensure-test-tools.sh installs it before `npm test`
// where it can (root with apt-get); elsewhere these tests skip and say why.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DOCUMENT_NAMES, readScript } from './document-harness';

const version = spawnSync('shellcheck', ['--version'], { encoding: 'utf8' });
const SHELLCHECK = version.status === 0;
if (!SHELLCHECK)
  console.warn(
    'ShellCheck tests skipped: shellcheck is not installed (scripts/ensure-test-tools.sh installs it as root)',
  );
const describeWithShellCheck = SHELLCHECK ? describe : describe.skip;

interface Finding {
  readonly line: number;
  readonly code: number;
  readonly level: string;
  readonly message: string;
}

/** ShellCheck's findings for a script given on stdin, every severity down to style. */
function runShellCheck(script: string): Finding[] {
  const run = spawnSync('shellcheck', ['--format=json1', '--severity=style', '--shell=bash', '-'], {
    input: script,
    encoding: 'utf8',
  });
  if (run.error) throw run.error;
  return (JSON.parse(run.stdout) as { comments: Finding[] }).comments.map(({ line, code, level, message }) => ({
    line,
    code,
    level,
    message,
  }));
}

describeWithShellCheck('ShellCheck', () => {
  it.each(DOCUMENT_NAMES)('finds nothing in the Linux step of %s', (name) => {
    expect(runShellCheck(readScript(name, 'Linux'))).toEqual([]);
  });

  it('finds nothing in scripts/ensure-test-tools.sh, which installs it', () => {
    expect(runShellCheck(readFileSync(join(__dirname, '../../../scripts/ensure-test-tools.sh'), 'utf8'))).toEqual([]);
  });

  it('explains every finding it is told to ignore', () => {
    for (const name of DOCUMENT_NAMES) {
      const lines = readScript(name, 'Linux').split('\n');
      lines.forEach((line, index) => {
        if (!/#\s*shellcheck\s+disable=/.test(line)) return;
        // The comment line just above says why.
        expect({ name, line: index + 1, why: /^\s*#\s*\S/.test(lines[index - 1] ?? '') }).toEqual({
          name,
          line: index + 1,
          why: true,
        });
      });
    }
  });

  it('reports a script with a real mistake, so the test can fail', () => {
    const findings = runShellCheck('#!/bin/bash\nfor file in $(ls /tmp); do rm $file; done\n');
    expect(findings.map((finding) => finding.code)).toEqual(expect.arrayContaining([2045, 2086]));
  });
});
