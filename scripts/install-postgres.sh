#!/usr/bin/env bash
# PostgreSQL + pgvector for the store tests (and for a local TANYA_DATABASE_URL server), runnable on any x86-64 CPU.
#
# The server comes from Debian's `postgresql` packages. Debian bookworm has no pgvector package, so pgvector is built
# from Debian's own `pgvector` source package (from the next release's source index, read into a private apt list
# folder; apt checks its signature and hashes) with portable flags: OPTFLAGS="" drops pgvector's default
# -march=native and -DDISABLE_DISPATCH its AVX-512 code paths. A build for the CPU it was made on is what crashed with
# SIGILL (illegal instruction) on an AVX2-only EPYC. The script ends by checking that the installed library uses no
# AVX or AVX-512 register (objdump), and exits non-zero when anything fails. Idempotent: a sound install is kept.
# Needs root (apt-get and the server's library folder).
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
quiet() { "$@" >/tmp/tanya-install-postgres.log 2>&1 || { tail -20 /tmp/tanya-install-postgres.log; exit 1; }; }

if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || ! command -v objdump >/dev/null || ! command -v make >/dev/null; then
  quiet apt-get update -q
  quiet apt-get install -y -q postgresql binutils gcc make
fi
major=$(ls /usr/lib/postgresql | sort -n | tail -1)
bin=/usr/lib/postgresql/$major/bin
lib=$("$bin/pg_config" --pkglibdir 2>/dev/null || echo "/usr/lib/postgresql/$major/lib")
share=/usr/share/postgresql/$major

portable() { [ -f "$lib/vector.so" ] && [ -f "$share/extension/vector.control" ] &&
  ! objdump -d --no-show-raw-insn "$lib/vector.so" | grep -q -E '%(zmm|ymm)'; }

if ! portable; then
  if [ ! -x "$bin/pg_config" ] || [ ! -d "/usr/include/postgresql/$major/server" ]; then
    quiet apt-get update -q
    quiet apt-get install -y -q "postgresql-server-dev-$major"
  fi
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  mkdir -p "$work/lists/partial"
  echo "deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian trixie main" >"$work/sources.list"
  apt=(-o "Dir::Etc::SourceList=$work/sources.list" -o Dir::Etc::SourceParts=/dev/null -o "Dir::State::Lists=$work/lists")
  quiet apt-get "${apt[@]}" update -q
  (cd "$work" && quiet apt-get "${apt[@]}" source --download-only pgvector)
  tar -xzf "$work"/pgvector_*.orig.tar.gz -C "$work"
  src=$(ls -d "$work"/pgvector-*/ | head -1)
  version=$(basename "$src" | sed 's/^pgvector-//')
  case "$version" in 0.[0-7].*) echo "pgvector $version is older than 0.8 (no iterative index scans)"; exit 1 ;; esac
  quiet make -C "$src" PG_CONFIG="$bin/pg_config" OPTFLAGS="" PG_CPPFLAGS="-DDISABLE_DISPATCH"
  quiet make -C "$src" PG_CONFIG="$bin/pg_config" OPTFLAGS="" PG_CPPFLAGS="-DDISABLE_DISPATCH" install
fi

if ! portable; then
  echo "pgvector at $lib/vector.so is missing or uses AVX/AVX-512 instructions after the build" >&2
  exit 1
fi
echo "PostgreSQL $major + pgvector $(sed -n "s/^default_version = '\(.*\)'/\1/p" "$share/extension/vector.control") at $lib/vector.so: no AVX/AVX-512 instructions (objdump: 0 zmm, 0 ymm)"
