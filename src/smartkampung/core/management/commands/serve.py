"""The production server: Granian (a Rust HTTP server running Django's WSGI application in worker
processes); whitenoise serves the static files; and one background task worker (django-tasks'
`db_worker`) for long jobs such as targeting runs and imports.

Why Granian and not gunicorn: HTTP parsing, keep-alive and the connection queue are Rust, so a worker's
Python thread spends its time in Django. Under the Cek Bansos rush on 2 cores that halved the server's
CPU per check (2.05 -> 1.17 ms) and took the check from 883 to 1,331 checks/s (bench/RESULTS.md section 5)."""

import atexit
import ctypes
import multiprocessing
import signal
import subprocess
import sys

from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from smartkampung.core.commands import DomainCommand, bad_input


class Command(DomainCommand):
    help = "Serve Smart Kampung (Granian) on the configured database."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=multiprocessing.cpu_count(), help="worker processes (default: one per core)")
        parser.add_argument("--threads", type=int, default=2,
                            help="Python threads per worker: more let a slow request (an export, a PDF) wait beside quick ones")
        parser.add_argument("--access-log", action="store_true", help="log every request to stdout")
        parser.add_argument("--no-task-worker", action="store_true",
                            help="do not start a background task worker (run `smartkampung db_worker` elsewhere)")

    def handle(self, *args, host, port, workers, threads, access_log, no_task_worker=False, **options):
        if workers < 1 or threads < 1 or not 0 < port < 65536:
            raise bad_input("--workers and --threads must be at least 1 and --port 1-65535")
        executor = MigrationExecutor(connection)
        if executor.migration_plan(executor.loader.graph.leaf_nodes()):
            raise bad_input("The database has unapplied migrations: run `smartkampung migrate` first")
        if settings.SECRET_KEY.startswith("insecure-"):
            self.stderr.write("Warning: SMARTKAMPUNG_SECRET_KEY is not set; fine for a local demo, never in production.")
        call_command("collectstatic", interactive=False, verbosity=0)
        connection.close()  # do not share the parent's connection with forked workers
        if not no_task_worker:
            _start_task_worker()

        from granian import Granian
        from granian.constants import Interfaces

        self.stdout.write(f"Smart Kampung on http://{host}:{port}/ ({workers} workers x {threads} threads)")
        self.stdout.flush()
        Granian(
            "smartkampung.wsgi:application",
            address=host,
            port=port,
            interface=Interfaces.WSGI,
            workers=workers,
            blocking_threads=threads,
            respawn_failed_workers=True,  # a worker that dies is replaced, as gunicorn's master did
            workers_kill_timeout=10,  # graceful stop: requests in flight get 10 s
            log_access=access_log,
        ).serve()


def _die_with_parent() -> None:
    # Linux: the task worker gets SIGTERM when `serve` goes away, however it goes.
    libc = ctypes.CDLL("libc.so.6", use_errno=True)
    libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def _start_task_worker() -> None:
    worker = subprocess.Popen([sys.executable, "-m", "smartkampung", "db_worker", "--interval", "1", "--no-reload"],
                              preexec_fn=_die_with_parent if sys.platform == "linux" else None)

    def stop() -> None:
        if worker.poll() is None:
            worker.terminate()
            try:
                worker.wait(timeout=10)
            except subprocess.TimeoutExpired:
                worker.kill()

    atexit.register(stop)
