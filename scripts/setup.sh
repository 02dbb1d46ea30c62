#!/usr/bin/env bash
# Installs what sysfleet needs on a Debian/Ubuntu machine when it is missing, then builds.
#   scripts/setup.sh            runtime needs (npm packages, build)
#   scripts/setup.sh --test     also what the test suite needs (openssh-server, iproute2, sudo,
#                               ansible, tmux, ruby) -- installed with apt-get when run as root
#   scripts/setup.sh --vm       also what the VM lab and `npm run test:vm` need (qemu-system-x86,
#                               qemu-utils, debootstrap, e2fsprogs, dropbear-bin)
# Idempotent and quick when everything is present: it is run before `npm start` and `npm test`.
set -euo pipefail
cd "$(dirname "$0")/.."

quiet=false
want_test=false
want_vm=false
for arg in "$@"; do
  case "$arg" in
    --quiet) quiet=true ;;
    --test) want_test=true ;;
    --vm) want_vm=true ;;
    *) echo "setup.sh: unknown option $arg" >&2; exit 2 ;;
  esac
done
say() { $quiet || echo "setup: $*"; }

# command -> Debian package that provides it
declare -A provides=(
  [ssh]=openssh-client [ssh-keygen]=openssh-client [sysctl]=procps [nsenter]=util-linux
)
if $want_test; then
  provides+=(
    [/usr/sbin/sshd]=openssh-server [ip]=iproute2 [sudo]=sudo [ss]=iproute2
    [ansible-inventory]=ansible [tmux]=tmux [ruby]=ruby [busybox]=busybox [perl]=perl
    [/usr/bin/time]=time [/usr/bin/doas]=opendoas [shellcheck]=shellcheck
  )
fi
if $want_vm; then
  provides+=(
    [qemu-system-x86_64]=qemu-system-x86 [qemu-img]=qemu-utils [/usr/sbin/debootstrap]=debootstrap
    [/usr/sbin/mkfs.ext4]=e2fsprogs [dropbearconvert]=dropbear-bin [flock]=util-linux
    [/usr/sbin/dropbear]=dropbear-bin
  )
  # The busybox guest's static busybox is unpacked from busybox-static by
  # src/lab/vm/busybox-image.sh, never installed: it would replace the machine's busybox.
fi
missing=()
for cmd in "${!provides[@]}"; do
  command -v "$cmd" >/dev/null 2>&1 || [ -x "$cmd" ] || missing+=("${provides[$cmd]}")
done
if [ ${#missing[@]} -gt 0 ]; then
  mapfile -t missing < <(printf '%s\n' "${missing[@]}" | sort -u)
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "setup: installing ${missing[*]} (apt-get)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "setup: missing packages: ${missing[*]} (run as root on Debian/Ubuntu to install them)" >&2
  fi
fi

# npm dependencies: install when node_modules is missing or older than the lock file.
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "installing npm dependencies (npm ci)"
  npm ci --no-audit --no-fund --loglevel=error
fi

# build when dist/ is missing or any source is newer than the last build
stamp=dist/.build-stamp
if [ ! -f "$stamp" ] || [ -n "$(find src scripts package.json package-lock.json tsconfig.json tsconfig.build.json -newer "$stamp" -print -quit)" ]; then
  say "building (tsc)"
  npm run --silent build
  touch "$stamp"
fi
