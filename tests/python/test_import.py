"""`import timdesk` imports no server code and starts nothing: the emulator's Python side
(timdesk.testing) is imported only by tests, and no thread or socket exists after import."""
import json
import subprocess
import sys

PROBE = """
import json, os, sys, threading
import timdesk
def target(fd):
    try:
        return os.readlink(f'/proc/self/fd/{fd}')
    except OSError:  # the descriptor listdir itself used
        return ''
sockets = [fd for fd in os.listdir('/proc/self/fd') if target(fd).startswith('socket:')]
print(json.dumps({"modules": sorted(m for m in sys.modules if m.startswith('timdesk')),
                  "threads": threading.active_count(),
                  "os_threads": int(next(l for l in open('/proc/self/status') if l.startswith('Threads:')).split()[1]),
                  "sockets": len(sockets)}))
"""


def test_import_timdesk_starts_no_server():
    seen = json.loads(subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True,
                                     check=True).stdout)
    assert "timdesk.testing" not in seen["modules"], seen
    assert seen["modules"] == ["timdesk", "timdesk._error_base", "timdesk._error_kinds", "timdesk._native",
                               "timdesk.exceptions", "timdesk.messages"], seen
    assert seen["threads"] == 1 and seen["os_threads"] == 1, seen
    assert seen["sockets"] == 0, seen
