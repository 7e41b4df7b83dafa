// The states the scenarios put the booted host in: a stand-in AWS Replication Agent (a real systemd unit whose
// behaviour a drop-in picks), its log, a nearly full root filesystem, a noexec /tmp, TLS and TCP listeners on
// loopback and a black-holed route. Everything stays inside the host's own network namespace.
import type { BootedHost } from './debian-host';

export const AGENT_UNIT = 'aws-replication-agent.service';
export const AGENT_HOME = '/var/lib/aws-replication-agent';
export const AGENT_VERSION = '6.2.4711.0';
const DROP_IN = `/etc/systemd/system/${AGENT_UNIT}.d/scenario.conf`;

/** How the stand-in behaves: runs; ignores SIGTERM (so a stop hangs until TimeoutStopSec); exits 1 at start. */
export type AgentMode = 'normal' | 'hang-on-stop' | 'fail-start';

const FAKE_AGENT = `#!/bin/bash
# Stand-in for the AWS Replication Agent in the MGN doctor's host tests.
log=${AGENT_HOME}/agent.log.0
mkdir -p ${AGENT_HOME}
echo "$(date -u +%Y-%m-%dT%H:%M:%SZ) INFO AgentService started (mode \${FAKE_AGENT_MODE:-normal})" >> "$log"
case "\${FAKE_AGENT_MODE:-normal}" in
  fail-start)
    echo "$(date -u +%Y-%m-%dT%H:%M:%SZ) ERROR cannot open /dev/xvda: permission denied" >> "$log"
    exit 1
    ;;
  # An ignored signal stays ignored in exec'd programs: sleep outlives every SIGTERM systemd sends.
  hang-on-stop) trap '' TERM ;;
esac
exec sleep infinity
`;

// Installed where a package would put it, so `systemctl mask` can shadow it from /etc.
const UNIT_FILE = `[Unit]
Description=AWS Replication Agent (stand-in for the MGN doctor's host tests)

[Service]
Type=simple
ExecStart=/usr/local/bin/fake-replication-agent

[Install]
WantedBy=multi-user.target
`;

export function installAgent(host: BootedHost): void {
  host.writeFile('/usr/local/bin/fake-replication-agent', FAKE_AGENT, 0o755);
  host.writeFile(`/usr/lib/systemd/system/${AGENT_UNIT}`, UNIT_FILE, 0o644);
  host.writeFile(`${AGENT_HOME}/VERSION`, `${AGENT_VERSION}\n`, 0o644);
  host.must(`systemctl daemon-reload && systemctl enable --now ${AGENT_UNIT}`);
}

/** Puts the agent back to installed, unmasked, running in `mode`, with an empty log. */
export function resetAgent(host: BootedHost, mode: AgentMode = 'normal', timeoutStopSeconds = 90): void {
  host.must(
    [
      // A restart a killed step left behind may still be queued: cancel it, so the stop below does not wait on it.
      'systemctl cancel >/dev/null 2>&1 || true',
      `systemctl unmask ${AGENT_UNIT} >/dev/null 2>&1 || true`,
      `systemctl kill -s KILL ${AGENT_UNIT} >/dev/null 2>&1 || true`,
      `systemctl stop ${AGENT_UNIT} >/dev/null 2>&1 || true`,
      `systemctl reset-failed ${AGENT_UNIT} >/dev/null 2>&1 || true`,
      `test -e /usr/lib/systemd/system/${AGENT_UNIT}`,
      `: > ${AGENT_HOME}/agent.log.0`,
    ].join('; '),
    { timeoutMs: 90_000 },
  );
  host.writeFile(
    DROP_IN,
    `[Service]\nEnvironment=FAKE_AGENT_MODE=${mode}\nTimeoutStopSec=${timeoutStopSeconds}\n`,
    0o644,
  );
  host.must(`systemctl daemon-reload && systemctl start ${AGENT_UNIT}`, { timeoutMs: 30_000 });
}

export function stopAgent(host: BootedHost): void {
  host.must(`systemctl stop ${AGENT_UNIT}`, { timeoutMs: 30_000 });
}

/** Removes the unit file as an uninstall would (the test puts it back afterwards with restoreUnit). */
export function uninstallUnit(host: BootedHost): void {
  host.must(
    `systemctl stop ${AGENT_UNIT}; mv /usr/lib/systemd/system/${AGENT_UNIT} /root/${AGENT_UNIT}.removed && systemctl daemon-reload`,
  );
}

export function restoreUnit(host: BootedHost): void {
  host.must(`mv /root/${AGENT_UNIT}.removed /usr/lib/systemd/system/${AGENT_UNIT} && systemctl daemon-reload`);
}

export function maskUnit(host: BootedHost): void {
  host.must(`systemctl stop ${AGENT_UNIT} && systemctl mask ${AGENT_UNIT}`);
}

export function activeState(host: BootedHost): string {
  return host.exec(`systemctl is-active ${AGENT_UNIT}`).stdout.trim();
}

export function appendAgentLog(host: BootedHost, lines: readonly string[]): void {
  host.must(`cat >> ${AGENT_HOME}/agent.log.0`, { input: `${lines.join('\n')}\n` });
}

/** Fills `/` (the host's 2,300 MiB writable layer) until `leaveMiB` remain. */
export function fillRoot(host: BootedHost, leaveMiB: number): void {
  host.must(`free=$(df -Pm / | awk 'NR == 2 { print $4 }'); fallocate -l "$(( free - ${leaveMiB} ))M" /var/tmp/filler`);
}

export function emptyRoot(host: BootedHost): void {
  host.must('rm -f /var/tmp/filler');
}

/** The host's /tmp (the tmpfs systemd-nspawn mounts) remounted noexec and 1 GiB, as hardened hosts have it. */
export function remountTmpNoexec(host: BootedHost): void {
  host.must('mount -o remount,noexec,size=1024m /tmp');
}

export function remountTmpExec(host: BootedHost): void {
  host.must('mount -o remount,exec /tmp');
}

/** Where each connectivity target of the scenarios points inside the host. */
export const ADDRESSES = {
  trustedTls: '127.0.0.10',
  untrustedTls: '127.0.0.11',
  refused: '127.0.0.12',
  /** Routed into loopback without being a local address: SYNs vanish, the connection times out. */
  blackHole: '10.99.0.2',
  replicationServer: '127.0.0.20',
  closedReplicationServer: '127.0.0.21',
} as const;

const PKI = '/root/pki';

/**
 * A CA installed in the host's trust store (update-ca-certificates) signing the certificate of one listener, and
 * a self-signed certificate the host does not trust on another; a plain TCP listener on 1500; a black-hole route.
 */
export function startListeners(host: BootedHost): void {
  host.ip(['link', 'set', 'lo', 'up']);
  host.ip(['route', 'add', '10.99.0.0/24', 'dev', 'lo']);
  const quietly = (commands: readonly string[]): string => `(${commands.join(' && ')}) >/dev/null 2>&1`;
  host.must(
    quietly([
      `mkdir -p ${PKI} && cd ${PKI}`,
      "openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj '/CN=MGN doctor test CA' -keyout ca.key -out ca.crt",
      "openssl req -newkey rsa:2048 -nodes -subj '/CN=mgn.amazonaws.com' -keyout trusted.key -out trusted.csr",
      'openssl x509 -req -in trusted.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 2 -out trusted.crt',
      "openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj '/CN=inspecting proxy' -keyout untrusted.key -out untrusted.crt",
      'cp ca.crt /usr/local/share/ca-certificates/mgn-doctor-test-ca.crt && update-ca-certificates',
    ]),
    { timeoutMs: 120_000 },
  );
  const listen = (unit: string, address: string, port: number, name: string): string =>
    `systemd-run --unit=${unit} --quiet openssl s_server -quiet -accept ${address}:${port} -cert ${PKI}/${name}.crt -key ${PKI}/${name}.key`;
  host.must(
    [
      listen('listener-trusted', ADDRESSES.trustedTls, 443, 'trusted'),
      listen('listener-untrusted', ADDRESSES.untrustedTls, 443, 'untrusted'),
      listen('listener-replication', ADDRESSES.replicationServer, 1500, 'trusted'),
    ].join(' && '),
  );
  // Listening before the first probe.
  host.must(
    `for i in $(seq 100); do (exec 3<>/dev/tcp/${ADDRESSES.trustedTls}/443 && exec 3<>/dev/tcp/${ADDRESSES.untrustedTls}/443 && exec 3<>/dev/tcp/${ADDRESSES.replicationServer}/1500) 2>/dev/null && exit 0; sleep 0.1; done; exit 1`,
  );
}

/** Points the names the connectivity check probes at the scenario's listeners. */
export function pointNames(host: BootedHost, names: Readonly<Record<string, string>>): void {
  const lines = Object.entries(names).map(([name, address]) => `${address} ${name}`);
  host.writeFile('/etc/hosts', `127.0.0.1 localhost\n${lines.join('\n')}\n`, 0o644);
}
