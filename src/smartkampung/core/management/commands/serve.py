"""The production server: gunicorn with several workers; whitenoise serves the static files; and one
background task worker (django-tasks' `db_worker`) for long jobs such as targeting runs and imports."""

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
    help = "Serve Smart Kampung with gunicorn on the configured database."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=min(2 * multiprocessing.cpu_count() + 1, 8))
        parser.add_argument("--threads", type=int, default=1)
        parser.add_argument("--access-log", action="store_true", help="log every request to stdout")
        parser.add_argument("--no-task-worker", action="store_true",
                            help="do not start a background task worker (run `smartkampung db_worker` elsewhere)")

    def handle(self, *args, host, port, workers, threads, access_log, no_task_worker=False, **options):
        if workers < 1 or not 0 < port < 65536:
            raise bad_input("--workers must be at least 1 and --port 1-65535")
        executor = MigrationExecutor(connection)
        if executor.migration_plan(executor.loader.graph.leaf_nodes()):
            raise bad_input("The database has unapplied migrations: run `smartkampung migrate` first")
        if settings.SECRET_KEY.startswith("insecure-"):
            self.stderr.write("Warning: SMARTKAMPUNG_SECRET_KEY is not set; fine for a local demo, never in production.")
        call_command("collectstatic", interactive=False, verbosity=0)
        connection.close()  # do not share the parent's connection with forked workers
        if not no_task_worker:
            _start_task_worker()

        from gunicorn.app.base import BaseApplication

        from smartkampung.wsgi import application

        class Server(BaseApplication):
            def load_config(self):
                self.cfg.set("bind", f"{host}:{port}")
                self.cfg.set("workers", workers)
                self.cfg.set("threads", threads)
                self.cfg.set("timeout", 60)
                self.cfg.set("graceful_timeout", 10)
                self.cfg.set("proc_name", "smartkampung")
                if "control_socket_disable" in self.cfg.settings:
                    # gunicorn >= 25 opens a control socket in $HOME; two servers on one machine would clash.
                    self.cfg.set("control_socket_disable", True)
                if access_log:
                    self.cfg.set("accesslog", "-")

            def load(self):
                return application

        self.stdout.write(f"Smart Kampung on http://{host}:{port}/ ({workers} workers)")
        self.stdout.flush()
        sys.argv = [sys.argv[0]]  # gunicorn reads argv; ours are already parsed
        Server().run()


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
