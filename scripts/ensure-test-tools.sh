#!/usr/bin/env bash
# Installs the Debian packages some tests use, when they are missing and this machine can install them
# (root, with apt-get). Run by `npm test` (pretest). Never fails the test run: a test whose tool is still
# missing skips itself and says why. To add a tool, add "<command>:<Debian package>" to TOOLS.
set -u

TOOLS=(
  "shellcheck:shellcheck" # lints the SSM documents' Linux steps (test/unit/ssm-documents/shellcheck.test.ts)
  "debootstrap:debootstrap" # builds the host lane's Debian root filesystem (test/hosts)
  "systemd-nspawn:systemd-container" # boots it with systemd as PID 1 (test/hosts)
)

missing_packages=()
missing_commands=()
for tool in "${TOOLS[@]}"; do
  command_name=${tool%%:*}
  package=${tool#*:}
  if ! command -v "$command_name" >/dev/null 2>&1; then
    missing_packages+=("$package")
    missing_commands+=("$command_name")
  fi
done
if [ "${#missing_packages[@]}" -eq 0 ]; then exit 0; fi

if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "ensure-test-tools: ${missing_packages[*]} not installed (that needs root and apt-get): tests that need ${missing_commands[*]} are skipped"
  exit 0
fi

# One quiet update, then the packages; noninteractive, so a package never waits for an answer.
export DEBIAN_FRONTEND=noninteractive
log=$(mktemp)
if apt-get update -qq >"$log" 2>&1 \
  && apt-get install -y -qq --no-install-recommends "${missing_packages[@]}" >>"$log" 2>&1; then
  echo "ensure-test-tools: installed ${missing_packages[*]}"
else
  echo "ensure-test-tools: apt-get could not install ${missing_packages[*]} (last line: $(tail -n 1 "$log")): tests that need ${missing_commands[*]} are skipped"
fi
rm -f "$log"
exit 0
