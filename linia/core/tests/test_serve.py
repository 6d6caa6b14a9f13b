import os
import signal
import sys
import threading
import time
from io import StringIO

from django.core.management.base import BaseCommand, OutputWrapper

from linia.core.management.commands.serve import Command, Supervisor

SLEEPER = [sys.executable, "-c", "import time; time.sleep(60)"]


def make_command() -> tuple[BaseCommand, StringIO, StringIO]:
    out, err = StringIO(), StringIO()
    command = Command()
    command.stdout = OutputWrapper(out)
    command.stderr = OutputWrapper(err)
    return command, out, err


def test_a_dying_child_stops_the_other_and_fails() -> None:
    command, _out, err = make_command()
    supervisor = Supervisor(
        {"web": [sys.executable, "-c", "raise SystemExit(3)"], "tasks": SLEEPER}, command
    )
    started = time.monotonic()
    assert supervisor.run() == 3
    assert time.monotonic() - started < 10
    assert all(child.poll() is not None for child in supervisor.children.values())
    assert "The web process stopped (exit code 3)" in err.getvalue()


def test_a_stop_signal_stops_both_children() -> None:
    command, out, _err = make_command()
    supervisor = Supervisor({"web": SLEEPER, "tasks": SLEEPER}, command)
    previous = signal.getsignal(signal.SIGTERM), signal.getsignal(signal.SIGINT)
    timer = threading.Timer(0.5, os.kill, args=(os.getpid(), signal.SIGTERM))
    timer.start()
    try:
        assert supervisor.run() == 0
    finally:
        timer.cancel()
        signal.signal(signal.SIGTERM, previous[0])
        signal.signal(signal.SIGINT, previous[1])
    assert [child.returncode for child in supervisor.children.values()] == [
        -signal.SIGTERM,
        -signal.SIGINT,
    ]
    assert out.getvalue().strip() == "Linia stopped."


def test_display_url_of_the_bind_address() -> None:
    assert Command._url("127.0.0.1:8000") == "http://127.0.0.1:8000"
    assert Command._url("0.0.0.0:9000") == "http://127.0.0.1:9000"
    assert Command._url("unix:/run/linia.sock") == "unix:/run/linia.sock"
