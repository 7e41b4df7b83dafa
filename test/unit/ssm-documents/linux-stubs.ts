// Stub commands for the documents' Linux steps, as bash bodies for runLinuxStep's `stubs`. Each stub appends what
// it was asked to $FAKE_CALLS and answers from FAKE_* environment variables.

// --- RestartReplicationAgent ---------------------------------------------------------------------

// Like systemd 208 (RHEL/CentOS 7.0 and 7.1): no \`cat\` verb, no --value; \`show -p\` prints Name=value lines.
export const SYSTEMCTL = `
echo "systemctl $*" >> "$FAKE_CALLS"
case "$1" in
  cat) echo "Unknown operation 'cat'." >&2; exit 1 ;;
  show)
    shift
    while [ $# -gt 1 ]; do
      if [ "$1" = --value ]; then echo "Unknown option --value" >&2; exit 1; fi
      if [ "$1" = -p ]; then
        case "$2" in
          LoadState) if [ "\${FAKE_UNIT:-present}" = present ]; then echo LoadState=loaded; else echo LoadState=not-found; fi ;;
          ActiveState) echo "ActiveState=\${FAKE_ACTIVE:-active}" ;;
          SubState) echo "SubState=\${FAKE_SUB_STATE:-running}" ;;
          Result) echo "Result=\${FAKE_RESULT:-success}" ;;
          ExecMainStatus) echo "ExecMainStatus=\${FAKE_EXIT_STATUS:-0}" ;;
        esac
        shift
      fi
      shift
    done
    exit 0 ;;
  restart)
    if [ "\${FAKE_RESTART:-ok}" = ok ]; then exit 0; fi
    echo "Job for $2 failed because the control process exited with error code." >&2; exit 1 ;;
  start)
    # A start that works makes the unit FAKE_ACTIVE_AFTER_START from then on.
    if [ "\${FAKE_START:-ok}" != ok ]; then echo "Job for $2 failed because the control process exited with error code." >&2; exit 1; fi
    if [ -n "\${FAKE_ACTIVE_AFTER_START:-}" ]; then echo "$FAKE_ACTIVE_AFTER_START" > "$FAKE_CALLS.active"; fi
    exit 0 ;;
  is-active)
    state=\${FAKE_ACTIVE:-active}
    if [ -f "$FAKE_CALLS.active" ]; then read -r state < "$FAKE_CALLS.active"; fi
    echo "$state"; [ "$state" = active ]; exit ;;
  *) exit 0 ;;
esac`;
export const SLEEP = 'echo "sleep $*" >> "$FAKE_CALLS"';
export const SYSTEMD_DIR = 'run/systemd/system';

// The agent on a host without systemd, as \`service NAME ACTION\` or the init script (\`SCRIPT ACTION\`) sees it. The
// agent's state (running|stopped, from FAKE_SERVICE_STATE) lives in a file, so a start changes what status says.
// With FAKE_UPSTART=yes it answers like upstart: status exits 0 either way and says start/running or stop/waiting,
// and restart fails on a stopped job.
export const INIT_SERVICE = `
if [ "$1" = aws-replication-agent ]; then shift; fi
echo "init $*" >> "$FAKE_CALLS"
state=\${FAKE_SERVICE_STATE:-running}
if [ -f "$FAKE_CALLS.service" ]; then read -r state < "$FAKE_CALLS.service"; fi
case "$1" in
  status)
    if [ "\${FAKE_UPSTART:-no}" = yes ]; then
      if [ "$state" = running ]; then echo "aws-replication-agent start/running, process 4242"; else echo "aws-replication-agent stop/waiting"; fi
      exit 0
    fi
    if [ "$state" = running ]; then echo "aws-replication-agent (pid 4242) is running..."; exit 0; fi
    echo "aws-replication-agent is stopped"; exit 3 ;;
  restart)
    if [ "\${FAKE_UPSTART:-no}" = yes ] && [ "$state" != running ]; then echo "restart: Unknown instance: " >&2; exit 1; fi
    if [ "\${FAKE_RESTART:-ok}" != ok ]; then echo stopped > "$FAKE_CALLS.service"; echo "Starting aws-replication-agent: [FAILED]" >&2; exit 1; fi
    echo running > "$FAKE_CALLS.service"; echo "Starting aws-replication-agent: [  OK  ]"; exit 0 ;;
  start)
    if [ "\${FAKE_START:-ok}" != ok ]; then echo "Starting aws-replication-agent: [FAILED]" >&2; exit 1; fi
    echo running > "$FAKE_CALLS.service"; exit 0 ;;
  *) exit 0 ;;
esac`;

// --- CheckDiskSpace ------------------------------------------------------------------------------

export const DF = `
if [ "\${FAKE_DF:-ok}" = fail ]; then echo "df: cannot read table of mounted file systems" >&2; exit 1; fi
if [ "$1" = -Pm ]; then
  echo "Filesystem     1048576-blocks  Used Available Capacity Mounted on"
  case "$2" in
    /) echo "\${FAKE_ROOT_DEV:-/dev/nvme0n1p1}          20470  9000 \${FAKE_ROOT_FREE} 45% /" ;;
    /tmp) echo "tmpfs                   4000    10 \${FAKE_TMP_FREE} 1% /tmp" ;;
  esac
  exit 0
fi
echo "Filesystem      Size  Used Avail Use% Mounted on"
echo "/dev/nvme0n1p1   20G  8.8G   11G  45% /"
echo "tmpfs           3.9G   10M  3.9G   1% /tmp"`;
export const FINDMNT = 'echo "findmnt $*" >> "$FAKE_CALLS"; echo "$FAKE_TMP_OPTIONS"';

// --- CheckConnectivity ---------------------------------------------------------------------------

// FAKE_NET: space-separated host:port=outcome (ok|refused|timeout|nodns|tlsfail); others use FAKE_NET_DEFAULT (ok).
const LOOKUP = `
lookup() {
  local entry
  for entry in \${FAKE_NET:-}; do
    if [ "\${entry%%=*}" = "$1" ]; then echo "\${entry#*=}"; return; fi
  done
  echo "\${FAKE_NET_DEFAULT:-ok}"
}`;
export const TIMEOUT = `${LOOKUP}
echo "timeout $1 $2" >> "$FAKE_CALLS"
shift
# The /dev/tcp probe: bash -c '...' probe HOST PORT.
if [ "$1" = bash ] && [ "$2" = -c ]; then
  case "$(lookup "$5:$6")" in
    refused) echo "probe: connect: Connection refused" >&2; echo "probe: line 1: /dev/tcp/$5/$6: Connection refused" >&2; exit 1 ;;
    timeout) exit 124 ;;
    nodns) echo "probe: $5: Name or service not known" >&2; exit 1 ;;
    *) exit 0 ;;
  esac
fi
"$@"`;
export const GETENT = `${LOOKUP}
if [ "$(lookup "$2:443")" = nodns ]; then exit 2; fi
echo "10.1.2.3        $2"`;
// Like OpenSSL 1.0.2/1.1.1: an untrusted certificate fails the handshake only when -verify turned verification on
// and -verify_return_error makes the failure fatal. FAKE_OPENSSL_VERSION 1.0.x also behaves like 1.0.x s_client:
// without -CAfile or -CApath it has no trust store, so every verified handshake fails.
export const OPENSSL = `${LOOKUP}
if [ "$1" = version ]; then echo "\${FAKE_OPENSSL_VERSION:-OpenSSL 3.0.17 1 Jul 2025}"; exit 0; fi
host=""
verify=no
return_error=no
ca=""
while [ $# -gt 0 ]; do
  case "$1" in
    -connect) host=$2 ;;
    -verify) verify=yes ;;
    -verify_return_error) return_error=yes ;;
    -CAfile|-CApath) ca="$1 $2" ;;
  esac
  shift
done
echo "openssl $host\${ca:+ $ca}$( [ "$verify" = yes ] || echo ' unverified' )" >> "$FAKE_CALLS"
case "$(lookup "$host")" in
  tlsfail) echo "verify error:num=20:unable to get local issuer certificate"; exit 1 ;;
  untrusted) if [ "$verify" = yes ] && [ "$return_error" = yes ]; then exit 1; fi ;;
esac
case "\${FAKE_OPENSSL_VERSION:-}" in
  'OpenSSL 1.0.'*) if [ "$verify" = yes ] && [ -z "$ca" ]; then echo "verify error:num=20:unable to get local issuer certificate"; exit 1; fi ;;
esac
echo "CONNECTED(00000003)"`;
export const CURL = `${LOOKUP}
url="\${!#}"
host=\${url#https://}
host=\${host%/}
echo "curl $host https_proxy=\${https_proxy:+set}" >> "$FAKE_CALLS"
case "$(lookup "$host:443")" in
  refused) exit 7 ;;
  timeout) exit 28 ;;
  nodns) exit 6 ;;
  tlsfail) exit 60 ;;
  *) exit 0 ;;
esac`;
