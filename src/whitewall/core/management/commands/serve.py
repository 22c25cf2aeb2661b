"""Run the web server and the job queue consumer together; one Ctrl-C stops both.

If either process dies, the other is stopped and the exit is reported with its code.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Start the web server (gunicorn) and the Huey consumer together."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=None, help="default: WHITEWALL_PORT or 8000")
        parser.add_argument("--workers", type=int, default=2)

    def handle(self, *args, host, port, workers, **options):
        from whitewall.config import env

        port = port or env.get_int("WHITEWALL_PORT", 8000, minimum=1, maximum=65535)
        python = sys.executable
        commands = {
            "web": [
                python,
                "-m",
                "gunicorn",
                "whitewall.config.wsgi:application",
                "--bind",
                f"{host}:{port}",
                "--workers",
                str(workers),
                "--threads",
                "4",
                "--access-logfile",
                "-",
                "--graceful-timeout",
                "10",
            ],
            # An idle consumer polls at most every 2 s (Huey's default backs off to 10 s), so a job
            # started from a page (an export, a verification) begins within seconds.
            "queue": [
                python,
                "-m",
                "whitewall",
                "run_huey",
                "--workers",
                "2",
                "--worker-type",
                "thread",
                "--max-delay",
                "2",
            ],
        }
        environment = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "whitewall.config.settings"),
        }
        processes: dict[str, subprocess.Popen] = {}
        stopping = False

        def stop(*_args):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        for name, command in commands.items():
            processes[name] = subprocess.Popen(command, env=environment, start_new_session=True)  # noqa: S603
        self.stdout.write(
            self.style.SUCCESS(f"Whitewall is running at http://{host}:{port}/  (console: /console/)")
        )
        self.stdout.write(f"Data directory: {settings.DATA_DIR}. Press Ctrl-C to stop.")
        failed = None
        try:
            while not stopping:
                for name, process in processes.items():
                    code = process.poll()
                    if code is not None:
                        failed = (name, code)
                        stopping = True
                        break
                time.sleep(0.3)
        finally:
            # gunicorn stops gracefully on SIGTERM; Huey finishes running jobs on SIGINT.
            graceful = {"web": signal.SIGTERM, "queue": signal.SIGINT}
            for name, process in processes.items():
                if process.poll() is None:
                    process.send_signal(graceful[name])
            deadline = time.monotonic() + 15
            for process in processes.values():
                try:
                    process.wait(timeout=max(0.1, deadline - time.monotonic()))
                except subprocess.TimeoutExpired:
                    process.kill()
        if failed:
            raise CommandError(
                f"the {failed[0]} process exited with code {failed[1]}; stopped the other one too."
            )
        self.stdout.write("Stopped.")
