#!/usr/bin/env bash
# Debian packages the tests use beyond npm: installed with apt-get when this runs as root and one is missing;
# otherwise one line says what is missing, and the tests that need it skip with their own one-line reason.
# debootstrap + systemd-container: the host lane (test/hosts), a booted Debian with systemd.
set -euo pipefail

PACKAGES=(
  debootstrap
  systemd-container
)

missing=()
for package in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$package")
  fi
done
if [ "${#missing[@]}" -eq 0 ]; then exit 0; fi

if ! command -v apt-get >/dev/null 2>&1 || [ "$(id -u)" -ne 0 ]; then
  echo "test tools: not installed (${missing[*]}): needs apt-get as root; the tests that use them skip"
  exit 0
fi
echo "test tools: installing ${missing[*]}"
# Bounded: an unreachable mirror must not hang the test run.
if ! timeout 600 apt-get update -qq >/dev/null || \
  ! DEBIAN_FRONTEND=noninteractive timeout 900 apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; then
  echo "test tools: apt-get could not install ${missing[*]}; the tests that use them skip"
fi
exit 0
