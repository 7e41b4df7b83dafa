// The documents registry reads each document's output for the ledger and the digest.
import { DOCUMENTS } from '../../../lambdas/shared/documents';

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
