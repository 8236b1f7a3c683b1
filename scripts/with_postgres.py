#!/usr/bin/env python3
"""Run a command against a throwaway PostgreSQL cluster: initdb in a temp folder, start on 127.0.0.1,
export SMARTKAMPUNG_DATABASE_URL, run the command, stop and delete the cluster.

    scripts/with_postgres.py -- pytest -m "not browser"
    scripts/with_postgres.py --durable -- python bench/synth_full.py   # fsync on, as in production

As root, initdb refuses to run, so the cluster belongs to the `postgres` system user (runuser).
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import sys
import tempfile


def _bindir() -> str:
    for candidate in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        if os.path.exists(os.path.join(candidate, "initdb")):
            return candidate
    found = shutil.which("initdb")
    if found:
        return os.path.dirname(found)
    sys.exit("PostgreSQL server binaries not found (apt-get install postgresql); `make test` installs them.")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main() -> int:
    args = sys.argv[1:]
    durable = bool(args) and args[0] == "--durable"
    if durable:
        args = args[1:]
    if args and args[0] == "--":
        args = args[1:]
    if not args:
        sys.exit("usage: with_postgres.py -- COMMAND [ARGS...]")
    bindir = _bindir()
    as_root = os.geteuid() == 0
    owner = "postgres" if as_root else None
    prefix = ["runuser", "-u", owner, "--"] if as_root else []
    workdir = tempfile.mkdtemp(prefix="smartkampung-pg-")
    data = os.path.join(workdir, "data")
    if as_root:
        shutil.chown(workdir, user=owner)
        os.chmod(workdir, 0o700)
    port = _free_port()
    env = {**os.environ, "LC_ALL": "C.UTF-8", "LANG": "C.UTF-8"}
    subprocess.run([*prefix, f"{bindir}/initdb", "-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C.UTF-8"],
                   check=True, stdout=subprocess.DEVNULL, env=env)
    options = f"-p {port} -k {workdir} -c listen_addresses=127.0.0.1 -c shared_buffers=512MB"
    if not durable:  # a throwaway test cluster need not survive a power cut
        options += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    subprocess.run([*prefix, f"{bindir}/pg_ctl", "-D", data, "-o", options, "-l", os.path.join(workdir, "server.log"), "-w", "start"],
                   check=True, stdout=subprocess.DEVNULL, env=env)
    try:
        url = f"postgres://postgres@127.0.0.1:{port}/smartkampung"
        subprocess.run([f"{bindir}/createdb", "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", "smartkampung"], check=True, env=env)
        print(f"PostgreSQL {os.path.basename(os.path.dirname(bindir))} on 127.0.0.1:{port} (throwaway, {workdir})", flush=True)
        return subprocess.run(args, env={**os.environ, "SMARTKAMPUNG_DATABASE_URL": url}).returncode
    finally:
        subprocess.run([*prefix, f"{bindir}/pg_ctl", "-D", data, "-m", "fast", "-w", "stop"], stdout=subprocess.DEVNULL, env=env)
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
