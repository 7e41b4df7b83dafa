import { choosePlaybook, KNOWN_ERROR_CODES } from '../../../lambdas/core/playbook';

describe('choosePlaybook (design section 4)', () => {
  it.each([undefined, 'AGENT_NOT_SEEN'])('%s: restart, disk and connectivity on the host', (code) => {
    expect(choosePlaybook('STALLED', code)).toMatchObject({
      family: 'agent',
      hostDocuments: ['RestartReplicationAgent', 'CheckDiskSpace', 'CheckConnectivity'],
    });
    expect(choosePlaybook('STALLED', code)?.serviceAction).toBeUndefined();
  });

  it.each([
    'UNSTABLE_NETWORK',
    'FAILED_TO_CONNECT_AGENT_TO_REPLICATION_SERVER',
    'FAILED_TO_PAIR_REPLICATION_SERVER_WITH_AGENT',
  ])('%s: connectivity check then restart, with replication settings', (code) => {
    expect(choosePlaybook('STALLED', code)).toMatchObject({
      family: 'network',
      hostDocuments: ['CheckConnectivity', 'RestartReplicationAgent'],
      reportReplicationSettings: true,
    });
  });

  it('NOT_CONVERGING: disk check and the bandwidth setting', () => {
    expect(choosePlaybook('STALLED', 'NOT_CONVERGING')).toMatchObject({
      family: 'converging',
      hostDocuments: ['CheckDiskSpace'],
      reportReplicationSettings: true,
    });
  });

  it.each([
    'SNAPSHOTS_FAILURE',
    'FAILED_TO_CREATE_SECURITY_GROUP',
    'FAILED_TO_LAUNCH_REPLICATION_SERVER',
    'FAILED_TO_BOOT_REPLICATION_SERVER',
    'FAILED_TO_AUTHENTICATE_WITH_SERVICE',
    'FAILED_TO_DOWNLOAD_REPLICATION_SOFTWARE',
    'FAILED_TO_CREATE_STAGING_DISKS',
    'FAILED_TO_ATTACH_STAGING_DISKS',
    'FAILED_TO_START_DATA_TRANSFER',
    'LAST_SNAPSHOT_JOB_FAILED',
    'FAILED_TO_SETUP_FSX_PROXY',
    'FAILED_TO_CREATE_FSX_SNAPSHOT',
    'UNSUPPORTED_VM_CONFIGURATION',
  ])('%s: nothing on the host, RetryDataReplication on the service side', (code) => {
    const playbook = choosePlaybook('STALLED', code);
    expect(playbook).toMatchObject({ family: 'service', hostDocuments: [], serviceAction: 'RetryDataReplication' });
    expect(playbook?.guidance).toMatch(/host is not the problem/);
  });

  it('gives service-side codes their own guidance', () => {
    expect(choosePlaybook('STALLED', 'FAILED_TO_CREATE_STAGING_DISKS')?.guidance).toMatch(/KMS/);
    expect(choosePlaybook('STALLED', 'FAILED_TO_AUTHENTICATE_WITH_SERVICE')?.guidance).toMatch(/443/);
  });

  it('an unknown code takes the safe default and names the code', () => {
    const playbook = choosePlaybook('STALLED', 'FAILED_TO_FOLD_SPACETIME');
    expect(playbook).toMatchObject({ family: 'unknown', hostDocuments: ['RestartReplicationAgent', 'CheckDiskSpace'] });
    expect(playbook?.serviceAction).toBeUndefined();
    expect(playbook?.guidance).toContain('FAILED_TO_FOLD_SPACETIME');
  });

  it('DISCONNECTED: restart and disk check, and says a reinstall may be needed', () => {
    const playbook = choosePlaybook('DISCONNECTED', undefined);
    expect(playbook).toMatchObject({
      family: 'disconnected',
      hostDocuments: ['RestartReplicationAgent', 'CheckDiskSpace'],
    });
    expect(playbook?.guidance).toMatch(/reinstall/);
  });

  it.each(['LAGGING', 'UNKNOWN', 'HEALTHY', 'PROGRESSING', 'IGNORED'] as const)(
    '%s: no playbook (report only or nothing)',
    (condition) => {
      expect(choosePlaybook(condition, 'AGENT_NOT_SEEN')).toBeUndefined();
    },
  );

  it('knows all 18 error codes of the MGN model', () => {
    expect(new Set(KNOWN_ERROR_CODES).size).toBe(18);
  });
});
