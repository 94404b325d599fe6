"""A good citizen of the host process: a client made before fork() works in the child
(gunicorn --preload, celery prefork, multiprocessing), Ctrl-C interrupts a call, and no
call hangs."""
import multiprocessing
import os
import signal
import subprocess
import sys
import threading
import time

import pytest

import timdesk
from timdesk.testing import Emulator

ALICE = Emulator.WAITING_SESSIONS[0]

# A module-level client, as services make them at import time; set by each test.
CLIENT = None


def _send(random):
    """A pool task: send a message with the inherited module-level client."""
    return CLIENT.send_msg(session_id=ALICE, body=[timdesk.Text(f"from {os.getpid()}")],
                           msg_random=random).msg_random


def _wait_for_child(pid, timeout=20.0):
    """The child's exit code; kills it and fails when it hangs."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return os.waitstatus_to_exitcode(status)
        time.sleep(0.02)
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    pytest.fail(f"child {pid} hung for {timeout} s")


def _in_child(work):
    """Forks; the child runs `work` and exits 0 on success, 1 on an exception."""
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            work()
            code = 0
        except BaseException as e:  # report anything, then leave without cleanup
            os.write(2, f"child {os.getpid()}: {e!r}\n".encode())
        os._exit(code)
    return pid


@pytest.fixture
def shared_client(timdesk_emulator):
    global CLIENT
    CLIENT = timdesk_emulator.client(timeout=5.0)
    CLIENT.describe_im_cdr_list(start=0, end=1)  # the parent's I/O thread and pool exist
    yield CLIENT
    CLIENT = None


def test_a_fork_pool_uses_the_module_level_client(timdesk_emulator, shared_client):
    context = multiprocessing.get_context("fork")
    with context.Pool(3) as pool:
        sent = pool.map_async(_send, range(1, 13)).get(timeout=30)
    assert sorted(sent) == list(range(1, 13))
    stored = sorted(m["msg_random"] for m in timdesk_emulator.messages(ALICE))
    assert stored == list(range(1, 13)), "every worker's messages reached the server once"
    assert shared_client.send_msg(session_id=ALICE, body=[timdesk.Text("parent")], msg_random=99)


def test_os_fork_children_and_grandchildren_use_the_inherited_client(timdesk_emulator, shared_client):
    def child():
        shared_client.send_msg(session_id=ALICE, body=[timdesk.Text("child")], msg_random=201)
        grandchild = _in_child(lambda: shared_client.send_msg(
            session_id=ALICE, body=[timdesk.Text("grandchild")], msg_random=202))
        assert _wait_for_child(grandchild) == 0
        shared_client.send_msg(session_id=ALICE, body=[timdesk.Text("child again")], msg_random=203)

    assert _wait_for_child(_in_child(child)) == 0
    shared_client.send_msg(session_id=ALICE, body=[timdesk.Text("parent")], msg_random=204)
    stored = [m["msg_random"] for m in timdesk_emulator.messages(ALICE)]
    assert sorted(stored) == [201, 202, 203, 204]


def test_the_emulator_in_a_child_refuses_stale_control_calls_and_never_hangs(timdesk_emulator):
    def child():
        with pytest.raises(ValueError, match="forked child"):
            timdesk_emulator.messages(ALICE)
        timdesk_emulator.stop()  # leaves the parent serving

    assert _wait_for_child(_in_child(child)) == 0
    assert timdesk_emulator.session(ALICE)["state"] == "chatbot_reception"


def _cpu_hogs(count):
    """Busy processes that keep every core loaded (the CI machine has two)."""
    return [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(count)]


class _Interrupter:
    """A thread that sends SIGINT to the main thread once the call has started and
    ``ready(seconds_since_the_call_started)`` holds, unless the call has ended first (then
    it sends nothing). Nothing is sent before ``call_starting()``, so no KeyboardInterrupt
    can land outside the test's ``pytest.raises`` (e.g. in ``Thread.start()``) and stop the
    whole run; it gives up after ``patience`` seconds, and the test then fails."""

    def __init__(self, ready, patience=5.0):
        self.sent_at = None
        self._ready = ready
        self._patience = patience
        self._lock = threading.Lock()
        self._started_at = None
        self._call_ended = False
        self._main = threading.main_thread().ident
        self._thread = threading.Thread(target=self._run)
        self._thread.start()

    def _run(self):
        deadline = time.monotonic() + self._patience
        while time.monotonic() < deadline:
            with self._lock:
                if self._call_ended:
                    return
                if self._started_at is not None and self._ready(time.monotonic() - self._started_at):
                    self.sent_at = time.monotonic()
                    signal.pthread_kill(self._main, signal.SIGINT)
                    return
            time.sleep(0.005)

    def call_starting(self):
        """From now on a signal may be sent (call it inside ``pytest.raises``)."""
        with self._lock:
            self._started_at = time.monotonic()

    def call_ended(self):
        """No signal is sent after this returns (one sent before it still arrives)."""
        with self._lock:
            self._call_ended = True

    def join(self):
        self._thread.join()


@pytest.mark.parametrize("loaded", [False, True], ids=["idle", "every-core-busy"])
def test_ctrl_c_interrupts_a_slow_call_and_the_client_stays_usable(timdesk_emulator, shared_client,
                                                                   loaded):
    """Ctrl-C raises KeyboardInterrupt within 0.5 s wherever it lands: while the server holds
    the request, or before the request was even written; the client serves the next call.

    The emulator holding the request is observed (its delay fault consumed), not assumed
    after a sleep: on a loaded machine a request can take longer than any fixed sleep to be
    written, and a signal then cancels it before it reaches the server, leaving the fault
    armed for the next call."""
    hogs = _cpu_hogs(3) if loaded else []
    try:
        for round_ in range(6):
            timdesk_emulator.inject_fault("delay", path="desk_http_svc/describe_im_cdr_list", ms=6000)
            if round_ % 2 == 0:
                def ready(_since):  # the server holds the request
                    return timdesk_emulator.control("GET", "/faults") == []
            else:
                def ready(since, after=0.01 * round_):  # early: maybe before the request is written
                    return since >= after
            interrupter = _Interrupter(ready)
            try:
                with pytest.raises(KeyboardInterrupt):
                    try:
                        interrupter.call_starting()
                        shared_client.describe_im_cdr_list(start=0, end=1)
                    finally:
                        interrupter.call_ended()
                    time.sleep(1.0)  # the call returned: a signal already sent lands here
            finally:
                interrupter.join()
            assert interrupter.sent_at is not None, f"round {round_}: the server never held the request"
            delay = time.monotonic() - interrupter.sent_at
            assert delay < 0.5, f"round {round_}: KeyboardInterrupt came {delay:.3f} s after SIGINT"
            timdesk_emulator.clear_faults()  # an early signal leaves the fault armed
            started = time.monotonic()
            assert shared_client.describe_im_cdr_list(start=0, end=1).total_count == 0
            assert time.monotonic() - started < 1.0, f"round {round_}: the next call was slow"
    finally:
        for hog in hogs:
            hog.kill()
            hog.wait()


def test_a_signal_handler_that_raises_interrupts_the_call_too(timdesk_emulator, shared_client):
    class Stop(Exception):
        pass

    def handler(signum, frame):
        raise Stop()

    previous = signal.signal(signal.SIGUSR1, handler)
    try:
        timdesk_emulator.inject_fault("delay", path="desk_http_svc/end_session", ms=4000)
        threading.Timer(0.2, os.kill, (os.getpid(), signal.SIGUSR1)).start()
        started = time.monotonic()
        with pytest.raises(Stop):
            shared_client.end_session(ALICE)
        assert time.monotonic() - started < 0.8
    finally:
        signal.signal(signal.SIGUSR1, previous)
