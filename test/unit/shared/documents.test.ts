// How the documents registry reads each document's output: one line per invocation for the ledger and the
// digest. Rows are the Prepare step.
import type { DocumentRole } from '../../../lambdas/core/model';
import { DOCUMENTS } from '../../../lambdas/shared/documents';

describe('DOCUMENTS[role].summarize: the key output lines for the ledger and the digest', () => {
  const CONNECTIVITY = [
    'MGN_DOCTOR check=connectivity status=FAILED reachable=1 failed=1',
    'MGN_DOCTOR check=connectivity target=mgn.us-east-1.amazonaws.com:443 result=reachable probe=tls',
    'MGN_DOCTOR check=connectivity target=10.0.1.25:1500 result=timed_out probe=tcp',
  ].join('\n');

  it.each<[string, [DocumentRole, string], string]>([
    [
      'connectivity: the status, then one word per target',
      ['CheckConnectivity', CONNECTIVITY],
      'status=FAILED: mgn.us-east-1.amazonaws.com:443 reachable, 10.0.1.25:1500 timed_out',
    ],
    [
      'connectivity without target lines: the summary line as is',
      ['CheckConnectivity', 'MGN_DOCTOR check=connectivity status=ERROR reason=no_curl'],
      'check=connectivity status=ERROR reason=no_curl',
    ],
    [
      'disk: its MGN_DOCTOR line without the prefix',
      ['CheckDiskSpace', 'MGN_DOCTOR check=disk status=LOW root_free_mib=812\nFilesystem  Size  Used'],
      'check=disk status=LOW root_free_mib=812',
    ],
    [
      'output without MGN_DOCTOR lines: its first meaningful lines',
      ['RestartReplicationAgent', 'Step execution skipped due to unsatisfied preconditions\nAccess is denied.'],
      'Access is denied.',
    ],
  ])('%s', (_name, [document, output], summary) => {
    expect(DOCUMENTS[document].summarize(output)).toBe(summary);
  });

  it.each<[DocumentRole, number]>([
    ['CheckConnectivity', 900],
    ['CheckDiskSpace', 400],
  ])('%s output is kept under %i characters', (document, max) => {
    // Prepare
    const lines = Array.from({ length: 200 }, (_, index) =>
      document === 'CheckConnectivity'
        ? `MGN_DOCTOR check=connectivity target=host-${index}.example.com:443 result=reachable`
        : `MGN_DOCTOR check=disk status=OK mount=/data${index} free_mib=1000`,
    );

    // Act
    const summary = DOCUMENTS[document].summarize(lines.join('\n'));

    // Assess
    expect(summary.length).toBeLessThanOrEqual(max);
    expect(summary.endsWith('…')).toBe(true);
  });
});

describe('DOCUMENTS.CheckConnectivity.summarize', () => {
  const summarize = DOCUMENTS.CheckConnectivity.summarize;
  const targets = (...results: string[]): string =>
    results
      .map(
        (result, index) => `MGN_DOCTOR check=connectivity target=host-${index}.example:443 result=${result} probe=tls`,
      )
      .join('\n');

  it('lists each target and its result after the status', () => {
    const output = `MGN_DOCTOR check=connectivity status=FAILED reachable=1 failed=1\n${targets('reachable', 'refused')}\n`;
    expect(summarize(output)).toBe('status=FAILED: host-0.example:443 reachable, host-1.example:443 refused');
  });

  it('says up front that targets the host could not check are not endpoint failures', () => {
    const output = [
      'MGN_DOCTOR check=connectivity status=OK reachable=1 failed=0 unverified=2',
      targets('reachable', 'tls_unverified', 'tls_unsupported'),
      '',
    ].join('\n');
    expect(summarize(output)).toBe(
      'status=OK (2 not verified: this host cannot check TLS; not an endpoint failure): ' +
        'host-0.example:443 reachable, host-1.example:443 tls_unverified, host-2.example:443 tls_unsupported',
    );
  });
});
