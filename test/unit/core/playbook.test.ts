import * as fs from 'node:fs';
import * as path from 'node:path';
import type { DataReplicationErrorString as MgnErrorCode } from '@aws-sdk/client-mgn';
import type { Condition, DocumentRole } from '../../../lambdas/core/model';
import { choosePlaybook, KNOWN_ERROR_CODES, type PlaybookFamily } from '../../../lambdas/core/playbook';

describe('choosePlaybook (docs/design.md section 4)', () => {
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

// The README's table "Error codes", row by row, keyed by the MGN SDK's own error-code type: a code MGN adds to
// its API fails the type check as a missing row. The FSx codes are newer than the SDK version the project pins.
describe('choosePlaybook: the README table, for every error code MGN reports', () => {
  const R = 'RestartReplicationAgent';
  const D = 'CheckDiskSpace';
  const C = 'CheckConnectivity';
  // What the row's columns say, plus what each playbook needs from the run: the replication servers' IPs (for
  // CheckConnectivity's TCP 1500 probe) and a check of MGN's own IAM service roles.
  const ROWS = {
    agent: {
      hostDocuments: [R, D, C],
      serviceAction: undefined,
      reportReplicationSettings: false,
      needsReplicationServerIps: false,
      checksServiceRoles: false,
      says: /TCP 443/,
    },
    network: {
      hostDocuments: [C, R],
      serviceAction: undefined,
      reportReplicationSettings: true,
      needsReplicationServerIps: true,
      checksServiceRoles: false,
      says: /TCP 1500/,
    },
    converging: {
      hostDocuments: [D],
      serviceAction: undefined,
      reportReplicationSettings: true,
      needsReplicationServerIps: false,
      checksServiceRoles: false,
      says: /bandwidth/,
    },
    service: {
      hostDocuments: [],
      serviceAction: 'RetryDataReplication',
      reportReplicationSettings: false,
      needsReplicationServerIps: false,
      checksServiceRoles: true,
      says: /host is not the problem/,
    },
    unknown: {
      hostDocuments: [R, D],
      serviceAction: undefined,
      reportReplicationSettings: false,
      needsReplicationServerIps: false,
      checksServiceRoles: false,
      says: /raw error/,
    },
  } as const;
  type Row = keyof typeof ROWS;

  const ROW_BY_CODE: Record<MgnErrorCode, Row> = {
    AGENT_NOT_SEEN: 'agent',
    UNSTABLE_NETWORK: 'network',
    FAILED_TO_CONNECT_AGENT_TO_REPLICATION_SERVER: 'network',
    FAILED_TO_PAIR_REPLICATION_SERVER_WITH_AGENT: 'network',
    NOT_CONVERGING: 'converging',
    SNAPSHOTS_FAILURE: 'service',
    FAILED_TO_CREATE_SECURITY_GROUP: 'service',
    FAILED_TO_LAUNCH_REPLICATION_SERVER: 'service',
    FAILED_TO_BOOT_REPLICATION_SERVER: 'service',
    FAILED_TO_AUTHENTICATE_WITH_SERVICE: 'service',
    FAILED_TO_DOWNLOAD_REPLICATION_SOFTWARE: 'service',
    FAILED_TO_CREATE_STAGING_DISKS: 'service',
    FAILED_TO_ATTACH_STAGING_DISKS: 'service',
    FAILED_TO_START_DATA_TRANSFER: 'service',
    UNSUPPORTED_VM_CONFIGURATION: 'service',
    LAST_SNAPSHOT_JOB_FAILED: 'service',
  };
  const CODES: readonly [string | undefined, Row][] = [
    ...(Object.entries(ROW_BY_CODE) as [string, Row][]),
    ['FAILED_TO_SETUP_FSX_PROXY', 'service'],
    ['FAILED_TO_CREATE_FSX_SNAPSHOT', 'service'],
    [undefined, 'agent'],
    ['A_CODE_MGN_ADDS_LATER', 'unknown'],
  ];

  it.each(CODES)('STALLED with %s → the %s row', (code, row) => {
    // Prepare
    const { says, ...expected } = ROWS[row];

    // Act
    const playbook = choosePlaybook('STALLED', code);

    // Assess
    expect(playbook).toEqual({ family: row, ...expected, guidance: expect.stringMatching(says) });
  });

  it('knows every code of the MGN SDK, and the FSx ones', () => {
    const codes = CODES.map(([code]) => code).filter((code) => code !== undefined && code !== 'A_CODE_MGN_ADDS_LATER');

    expect([...KNOWN_ERROR_CODES].sort()).toEqual([...codes].sort());
  });

  it('gives each service-side code guidance of its own', () => {
    // Prepare
    const serviceCodes = CODES.filter(([, row]) => row === 'service').map(([code]) => code);

    // Act
    const guidance = serviceCodes.map((code) => choosePlaybook('STALLED', code)?.guidance);

    // Assess
    expect(new Set(guidance).size).toBe(serviceCodes.length);
  });

  it.each<[string | undefined]>([[undefined], ['AGENT_NOT_SEEN'], ['SNAPSHOTS_FAILURE'], ['UNSTABLE_NETWORK']])(
    'DISCONNECTED with error %s → restart and disk check, and a reinstall may be needed, whatever the code',
    (code) => {
      expect(choosePlaybook('DISCONNECTED', code)).toEqual({
        family: 'disconnected',
        hostDocuments: [R, D],
        reportReplicationSettings: false,
        needsReplicationServerIps: false,
        checksServiceRoles: false,
        guidance: expect.stringMatching(/reinstall/),
      });
    },
  );

  it.each<Condition>(['LAGGING', 'UNKNOWN', 'HEALTHY', 'PROGRESSING', 'IGNORED'])(
    '%s without an error code → no playbook',
    (condition) => {
      expect(choosePlaybook(condition, undefined)).toBeUndefined();
    },
  );
});

// The same table as people read it: each row of README.md's "Error codes" table must be what the code does.
describe('choosePlaybook agrees with README.md', () => {
  const DOCUMENT = /RestartReplicationAgent|CheckDiskSpace|CheckConnectivity/g;

  function readErrorCodeTable(): { codes: (string | undefined)[]; host: string; service: string }[] {
    const readme = fs.readFileSync(path.join(__dirname, '..', '..', '..', 'README.md'), 'utf8').split('\n');
    const header = readme.findIndex((line) => line.startsWith('| `dataReplicationError.error`'));
    const rows = [];
    for (const line of readme.slice(header + 2)) {
      if (!line.startsWith('|')) break;
      const [codes = '', host = '', service = ''] = line
        .split('|')
        .slice(1)
        .map((cell) => cell.trim());
      const named = [...codes.matchAll(/`([A-Z_]+)`/g)].map((match) => match[1]);
      if (/\bnone\b/.test(codes)) named.push(undefined);
      if (/any other code/.test(codes)) named.push('A_CODE_MGN_ADDS_LATER');
      rows.push({ codes: named, host, service });
    }
    return rows;
  }

  const rows = readErrorCodeTable();

  it('finds the table, with every known code in it', () => {
    const listed = rows.flatMap((row) => row.codes);

    expect(rows.length).toBeGreaterThanOrEqual(5);
    expect(listed).toEqual(expect.arrayContaining([...KNOWN_ERROR_CODES, undefined, 'A_CODE_MGN_ADDS_LATER']));
  });

  it.each(rows.flatMap((row) => row.codes.map((code) => [code, row] as const)))(
    '%s: host documents and service action as the README says',
    (code, row) => {
      // Prepare
      const documents = [...row.host.matchAll(DOCUMENT)].map((match) => match[0] as DocumentRole);
      const retries = row.service.includes('RetryDataReplication');

      // Act
      const playbook = choosePlaybook('STALLED', code);

      // Assess
      expect(playbook?.hostDocuments).toEqual(documents);
      expect(playbook?.serviceAction).toBe(retries ? 'RetryDataReplication' : undefined);
    },
  );

  it('every family has a README row', () => {
    const families = new Set(rows.flatMap((row) => row.codes.map((code) => choosePlaybook('STALLED', code)?.family)));

    expect([...families].sort()).toEqual<PlaybookFamily[]>(['agent', 'converging', 'network', 'service', 'unknown']);
  });
});
