// The three SSM documents' Linux steps on a real systemd host (docs/design.md, "Testing"): each scenario puts a
// booted Debian in a real state, sends the document with the parameters the Lambda builds, runs it the way the
// SSM Agent does (./ssm-agent-runner.ts), and reads the result with the Lambda's own adapter and output parser.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { toInvocationResult } from '../../lambdas/adapters/ssm-command-runner';
import { parametersForBatch } from '../../lambdas/core/command-parameters';
import { parseConnectivityTargets, parseDoctorLines, type DoctorLine } from '../../lambdas/core/command-output';
import type { CommandRequest, DocumentRole, InvocationResult } from '../../lambdas/core/model';
import { DOCUMENTS } from '../../lambdas/shared/documents';
import { DEFAULT_SETTINGS } from '../../lambdas/shared/settings';
import { DOCUMENT_FILES, DOCUMENTS_DIRECTORY } from '../../lib/ssm-document-files';
import { MGN_BUCKETS } from '../unit/ssm-documents/document-harness';
import { bootHost, ensureRootfs, hostLaneUnavailableReason, type BootedHost } from './debian-host';
import {
  ADDRESSES,
  AGENT_VERSION,
  activeState,
  appendAgentLog,
  emptyRoot,
  fillRoot,
  installAgent,
  maskUnit,
  remountTmpNoexec,
  pointNames,
  resetAgent,
  restoreUnit,
  startListeners,
  stopAgent,
  uninstallUnit,
  remountTmpExec,
} from './host-fixtures';
import {
  runCommandOnNode,
  type CommandDocument,
  type Interpolation,
  type InvocationRun,
  type RejectedCommand,
} from './ssm-agent-runner';

const unavailable = hostLaneUnavailableReason();
// Jest drops console output of a file whose tests are all skipped, so the line goes to stdout directly.
if (unavailable !== undefined) process.stdout.write(`hosts: skipped (${unavailable})\n`);
const describeOnHost = unavailable === undefined ? describe : describe.skip;

const INSTANCE_ID = 'i-0123456789abcdef0';
const REGION = 'us-east-1';
const log = (line: string): void => {
  process.stdout.write(`${line}\n`);
};

interface Sent {
  readonly run: InvocationRun;
  /** What the Lambda's adapter makes of ListCommandInvocations. */
  readonly result: InvocationResult;
  /** The Lambda parser's reading of it. */
  readonly lines: DoctorLine[];
  readonly summary: DoctorLine | undefined;
  /** The Linux step as the console and ListCommandInvocations show it. */
  readonly linux: { status?: string; code?: number; output: string };
  readonly windows: { status?: string; code?: number; output: string };
}

/** The log excerpt is off by default (logLines=0); these scenarios turn it on, as an operator would by hand. */
const WITH_LOG_EXCERPT = { extraParameters: { logLines: ['20'] } };

interface SendOptions {
  readonly interpolation?: Interpolation;
  readonly replicationServerIp?: string;
  /** Parameters beyond the Lambda's, as an operator running the document by hand would add them. */
  readonly extraParameters?: Record<string, string[]>;
  /** Changes the document before it is sent (only the step-timeout scenario does). */
  readonly edit?: (document: CommandDocument) => CommandDocument;
}

function readDocument(role: DocumentRole): CommandDocument {
  return parse(readFileSync(join(DOCUMENTS_DIRECTORY, DOCUMENT_FILES[role]), 'utf8')) as CommandDocument;
}

/** The SendCommand parameters the Lambda builds for one host. */
function lambdaParameters(role: DocumentRole, replicationServerIp?: string): Record<string, string[]> {
  const { parameters, perHostParameter } = DOCUMENTS[role];
  const request: CommandRequest = {
    document: role,
    instanceIds: [INSTANCE_ID],
    parameters: parameters({ settings: DEFAULT_SETTINGS, region: REGION }),
    instanceParameters:
      perHostParameter !== undefined && replicationServerIp !== undefined
        ? { [perHostParameter]: { [INSTANCE_ID]: replicationServerIp } }
        : undefined,
    comment: 'mgn-replication-doctor host lane',
  };
  return parametersForBatch(request, [INSTANCE_ID]);
}

async function sendTo(host: BootedHost, role: DocumentRole, options: SendOptions = {}): Promise<Sent> {
  const outcome = await sendOrReject(host, role, options);
  if ('rejected' in outcome) throw new Error(`SendCommand rejected: ${outcome.message}`);
  return outcome;
}

async function sendOrReject(
  host: BootedHost,
  role: DocumentRole,
  options: SendOptions,
): Promise<Sent | RejectedCommand> {
  const commandId = randomUUID();
  const document = (options.edit ?? ((unchanged) => unchanged))(readDocument(role));
  const run = await runCommandOnNode(
    host,
    {
      commandId,
      document,
      parameters: { ...lambdaParameters(role, options.replicationServerIp), ...options.extraParameters },
    },
    { interpolation: options.interpolation ?? 'env-var' },
  );
  if ('rejected' in run) return run;
  const result = toInvocationResult(commandId, run.invocation);
  if (!result) throw new Error('no invocation result');
  const lines = parseDoctorLines(result.output);
  const plugin = (suffix: string): Sent['linux'] => {
    const found = run.invocation.CommandPlugins?.find((candidate) => candidate.Name?.endsWith(suffix));
    return { status: found?.Status, code: found?.ResponseCode, output: found?.Output ?? '' };
  };
  return { run, result, lines, summary: lines[0], linux: plugin('Linux'), windows: plugin('Windows') };
}

/** Every scenario: the Windows step is skipped by its precondition, as the agent does on Linux. */
function expectWindowsSkipped(sent: Sent): void {
  expect(sent.windows.status).toBe('Success');
  expect(sent.windows.code).toBe(0);
  expect(sent.windows.output).toMatch(/^Step execution skipped due to unsatisfied preconditions: /);
}

function expectInvocation(sent: Sent, status: 'Success' | 'Failed' | 'TimedOut', code: number): void {
  expect({ linux: sent.linux.status, invocation: sent.run.invocation.Status, code: sent.linux.code }).toEqual({
    linux: status,
    invocation: status,
    code,
  });
  expect({ status: sent.result.status, responseCode: sent.result.responseCode }).toEqual({
    status,
    responseCode: code,
  });
  expectWindowsSkipped(sent);
}

describeOnHost('the documents on a real systemd host (Debian, systemd-nspawn, the SSM Agent’s rules)', () => {
  let host: BootedHost;

  beforeAll(() => {
    const rootfs = ensureRootfs(log);
    host = bootHost(rootfs, { instanceId: INSTANCE_ID, region: REGION, log });
    installAgent(host);
  }, 25 * 60_000);

  afterAll(() => {
    host?.shutdown();
  }, 60_000);

  describe('RestartReplicationAgent', () => {
    beforeEach(() => resetAgent(host), 60_000);

    it('restarts a healthy agent: RUNNING, Success, exit 0', async () => {
      const sent = await sendTo(host, 'RestartReplicationAgent', WITH_LOG_EXCERPT);
      expectInvocation(sent, 'Success', 0);
      expect(sent.summary).toEqual({
        check: 'agent',
        status: 'RUNNING',
        service: 'aws-replication-agent',
        active_state: 'active',
        version: AGENT_VERSION,
        restart: 'ok',
      });
      expect(sent.linux.output).toContain('INFO AgentService started (mode normal)');
    }, 120_000);

    it('starts a stopped agent', async () => {
      stopAgent(host);
      expect(activeState(host)).toBe('inactive');
      const sent = await sendTo(host, 'RestartReplicationAgent');
      expectInvocation(sent, 'Success', 0);
      expect(sent.summary).toMatchObject({ status: 'RUNNING', active_state: 'active', restart: 'ok' });
      expect(activeState(host)).toBe('active');
    }, 120_000);

    it('restarts an agent that hangs on stop once systemd kills it at TimeoutStopSec', async () => {
      resetAgent(host, 'hang-on-stop', 5);
      const sent = await sendTo(host, 'RestartReplicationAgent');
      expectInvocation(sent, 'Success', 0);
      expect(sent.summary).toMatchObject({ status: 'RUNNING', active_state: 'active', restart: 'ok' });
      // The stop really waited for systemd's SIGKILL: 5 s, then the default waitSeconds (20 s).
      expect(sent.run.steps[0]?.elapsedMs).toBeGreaterThanOrEqual(25_000);
    }, 120_000);

    it('reports an agent that fails to start as NOT_RUNNING, Failed, exit 1, with its log', async () => {
      resetAgent(host, 'fail-start');
      const sent = await sendTo(host, 'RestartReplicationAgent', WITH_LOG_EXCERPT);
      expectInvocation(sent, 'Failed', 1);
      expect(sent.summary).toMatchObject({ status: 'NOT_RUNNING', active_state: 'failed' });
      expect(sent.linux.output).toContain('ERROR cannot open /dev/xvda: permission denied');
    }, 120_000);

    it('reports a missing unit as NOT_INSTALLED without touching anything', async () => {
      uninstallUnit(host);
      try {
        const sent = await sendTo(host, 'RestartReplicationAgent');
        expectInvocation(sent, 'Failed', 1);
        expect(sent.summary).toEqual({ check: 'agent', status: 'NOT_INSTALLED', service: 'aws-replication-agent' });
      } finally {
        restoreUnit(host);
      }
    }, 120_000);

    it('reports a masked unit as not running and says it is masked', async () => {
      maskUnit(host);
      const sent = await sendTo(host, 'RestartReplicationAgent');
      expectInvocation(sent, 'Failed', 1);
      expect(sent.summary?.status).not.toBe('RUNNING');
      expect(sent.linux.output).toMatch(/masked/);
      expect(activeState(host)).not.toBe('active');
    }, 120_000);

    it('shows the log excerpt with every credential form hidden and a clean line unchanged', async () => {
      const clean = '2026-11-26 08:00:01 INFO replicated 4096 blocks to 10.0.1.25:1500 in 12 s';
      const secrets = [
        'wJalrXUtnFEMI/K7MDENG/bPxRfiCYSECRET1',
        'wJalrXUtnFEMI/K7MDENG/bPxRfiCYSECRET2',
        'MIIEowIBAAKCAQEAsecretPemBody0123456789',
        'AKIAIOSFODNN7SECRET3',
        'ASIAIOSFODNN7SECRET4',
        'd6f0a7c2b1e94f3aSECRET5',
        'proxyPassSECRET6',
        'hunter2SECRET7',
        'tokenValueSECRET8',
      ];
      appendAgentLog(host, [
        clean,
        `2026-11-26 08:00:02 INFO aws configure --aws-secret-access-key ${secrets[0]}`,
        `2026-11-26 08:00:03 DEBUG SecretAccessKey ${secrets[1]}`,
        '-----BEGIN RSA PRIVATE KEY-----',
        secrets[2] as string,
        '-----END RSA PRIVATE KEY-----',
        `2026-11-26 08:00:04 DEBUG using access key ${secrets[3]}`,
        `2026-11-26 08:00:05 DEBUG session credentials ${secrets[4]}`,
        `2026-11-26 08:00:06 DEBUG GET https://bucket.s3.amazonaws.com/x?X-Amz-Signature=${secrets[5]}`,
        `2026-11-26 08:00:07 INFO proxy http://migration:${secrets[6]}@proxy.corp.example:3128`,
        `2026-11-26 08:00:08 DEBUG password=${secrets[7]}`,
        `2026-11-26 08:00:09 DEBUG {"token": "${secrets[8]}"}`,
      ]);
      const sent = await sendTo(host, 'RestartReplicationAgent', WITH_LOG_EXCERPT);
      expectInvocation(sent, 'Success', 0);
      expect(sent.linux.output.split('\n')).toContain(clean);
      const leaked = secrets.filter((secret) => sent.run.steps[0]?.stdout.includes(secret));
      expect(leaked).toEqual([]);
    }, 120_000);
  });

  describe('CheckDiskSpace', () => {
    it('reports enough space as OK, Success, exit 0', async () => {
      const sent = await sendTo(host, 'CheckDiskSpace');
      expectInvocation(sent, 'Success', 0);
      expect(sent.summary).toMatchObject({ check: 'disk', status: 'OK', root_min_mib: '2048', tmp_min_mib: '500' });
      expect(Number(sent.summary?.root_free_mib)).toBeGreaterThanOrEqual(2048);
      expect(sent.summary?.tmp_noexec).toBe('no');
    }, 60_000);

    it('reports a nearly full root and a noexec /tmp as LOW, Failed, exit 1', async () => {
      fillRoot(host, 100);
      remountTmpNoexec(host);
      try {
        const sent = await sendTo(host, 'CheckDiskSpace');
        expectInvocation(sent, 'Failed', 1);
        expect(sent.summary).toMatchObject({ check: 'disk', status: 'LOW', tmp_noexec: 'yes', tmp_free_mib: '1024' });
        expect(Number(sent.summary?.root_free_mib)).toBeLessThanOrEqual(100);
      } finally {
        remountTmpExec(host);
        emptyRoot(host);
      }
    }, 60_000);
  });

  describe('CheckConnectivity', () => {
    const mgn = `mgn.${REGION}.amazonaws.com`;
    const bucket = (name: string): string => `${name}-${REGION}.s3.${REGION}.amazonaws.com`;
    const [clients, hashes, internal, ...otherBuckets] = MGN_BUCKETS.map(bucket) as [
      string,
      string,
      string,
      ...string[],
    ];

    beforeAll(() => startListeners(host), 180_000);

    it('reports every target reachable through TLS with the host’s trusted CA, and TCP 1500: OK, exit 0', async () => {
      pointNames(
        host,
        Object.fromEntries(
          [mgn, clients, hashes, internal, ...otherBuckets].map((name) => [name, ADDRESSES.trustedTls]),
        ),
      );
      const sent = await sendTo(host, 'CheckConnectivity', { replicationServerIp: ADDRESSES.replicationServer });
      expectInvocation(sent, 'Success', 0);
      expect(sent.summary).toEqual({
        check: 'connectivity',
        status: 'OK',
        reachable: '8',
        failed: '0',
        replication_server: ADDRESSES.replicationServer,
      });
      expect(parseConnectivityTargets(sent.result.output)).toContainEqual({
        target: `${ADDRESSES.replicationServer}:1500`,
        result: 'reachable',
      });
    }, 120_000);

    it('tells an untrusted certificate, a refused port and a black hole apart: FAILED, exit 1', async () => {
      pointNames(host, {
        [mgn]: ADDRESSES.trustedTls,
        [clients]: ADDRESSES.untrustedTls,
        [hashes]: ADDRESSES.refused,
        [internal]: ADDRESSES.blackHole,
        ...Object.fromEntries(otherBuckets.map((name) => [name, ADDRESSES.trustedTls])),
      });
      const sent = await sendTo(host, 'CheckConnectivity', { replicationServerIp: ADDRESSES.closedReplicationServer });
      expectInvocation(sent, 'Failed', 1);
      expect(sent.summary).toMatchObject({ check: 'connectivity', status: 'FAILED', reachable: '4', failed: '4' });
      const results = Object.fromEntries(parseConnectivityTargets(sent.result.output).map((t) => [t.target, t.result]));
      expect(results).toMatchObject({
        [`${mgn}:443`]: 'reachable',
        [`${clients}:443`]: 'tls_failed',
        [`${hashes}:443`]: 'refused',
        [`${internal}:443`]: 'timed_out',
        [`${ADDRESSES.closedReplicationServer}:1500`]: 'refused',
      });
    }, 120_000);

    it('runs the same with an older agent that only substitutes {{ }}', async () => {
      pointNames(
        host,
        Object.fromEntries(
          [mgn, clients, hashes, internal, ...otherBuckets].map((name) => [name, ADDRESSES.trustedTls]),
        ),
      );
      const sent = await sendTo(host, 'CheckConnectivity', {
        interpolation: 'template',
        replicationServerIp: ADDRESSES.replicationServer,
      });
      expectInvocation(sent, 'Success', 0);
      expect(sent.summary).toMatchObject({
        status: 'OK',
        reachable: '8',
        replication_server: ADDRESSES.replicationServer,
      });
    }, 120_000);
  });

  describe('what SSM itself enforces', () => {
    it('refuses a parameter value outside allowedPattern before anything runs on the host', async () => {
      const hostile = '10.0.1.5;touch /tmp/pwned';
      const outcome = await sendOrReject(host, 'CheckConnectivity', { replicationServerIp: hostile });
      expect(outcome).toMatchObject({ rejected: 'InvalidParameters' });
      expect((outcome as RejectedCommand).message).toMatch(
        /validating parameter \/replicationServerIps\/.*does not match the allowed pattern/,
      );
      expect(host.exec('test -e /tmp/pwned').status).not.toBe(0);
    }, 60_000);

    it('kills a step that exceeds its timeoutSeconds: TimedOut, exit 137, no summary to read', async () => {
      // The one change to a document in this lane: the restart step's timeoutSeconds (1500) lowered to the agent's
      // minimum (5), against an agent whose stop hangs for 60 s.
      resetAgent(host, 'hang-on-stop', 60);
      const edit = (document: CommandDocument): CommandDocument => ({
        ...document,
        mainSteps: document.mainSteps.map((step) => ({ ...step, inputs: { ...step.inputs, timeoutSeconds: 5 } })),
      });
      try {
        const sent = await sendTo(host, 'RestartReplicationAgent', { edit });
        expectInvocation(sent, 'TimedOut', 137);
        expect(sent.result.statusDetails).toBe('ExecutionTimedOut');
        expect(sent.lines).toEqual([]);
        expect(sent.run.steps[0]?.elapsedMs).toBeLessThan(15_000);
        // The agent kills the shell's process group. GNU timeout runs its command in a group of its own, so the
        // document's `timeout 300 systemctl restart` outlives the step, still bounded by those 300 s.
        const processes = host.must(
          `for p in /proc/[0-9]*; do c=$(tr '\\0' ' ' < $p/cmdline 2>/dev/null); case "$c" in
             *_script[.]sh*) echo "script: $c" ;;
             "systemctl restart "*) echo "systemctl restart under $(cat /proc/$(awk '{ print $4 }' $p/stat)/comm)" ;;
           esac; done`,
        );
        expect(
          processes.split('\n').filter((line) => line !== '' && line !== 'systemctl restart under timeout'),
        ).toEqual([]);
      } finally {
        resetAgent(host);
      }
    }, 120_000);
  });
});
