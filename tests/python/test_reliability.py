"""One client shared by 16 threads making 500 mixed calls each: no errors, memory flat."""
import re
import threading
from pathlib import Path

import timdesk
from timdesk.testing import Emulator

SESSION = Emulator.WAITING_SESSIONS[0]


def rss_kib() -> int:
    return int(re.search(r"VmRSS:\s+(\d+)", Path("/proc/self/status").read_text()).group(1))


def mixed_load(client: timdesk.Client, calls: int) -> list:
    errors = []

    def work(thread: int) -> None:
        for i in range(calls):
            try:
                kind = i % 4
                if kind == 0:
                    client.send_msg(session_id=SESSION, body=[timdesk.Text("same")], msg_random=thread)
                elif kind == 1:
                    client.describe_im_cdr_list(start=0, end=1)
                elif kind == 2:
                    client.delete_recent_contact(from_account="user_dave", to_account="nobody")
                else:
                    client.call("desk_http_svc/describe_im_cdr_list", {"StartTimestamp": 0, "EndTimestamp": 1},
                                idempotent=True)
            except timdesk.TimdeskError as e:  # collected and reported below
                errors.append(e)

    threads = [threading.Thread(target=work, args=(t,)) for t in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return errors


def test_sixteen_threads_five_hundred_mixed_calls_each(timdesk_emulator):
    timdesk_emulator.set_rate_limit("recentcontact/delete", None)
    # The emulator shares this process: with its clock stopped, each thread's repeated
    # MsgRandom stays one stored message (same-second dedup), so RSS measures the client.
    timdesk_emulator.freeze_clock(1_700_000_000)
    client = timdesk_emulator.client()
    assert mixed_load(client, 100) == []
    warm = rss_kib()
    assert mixed_load(client, 500) == []
    after = rss_kib()
    assert after <= warm + warm // 10 + 4096, f"RSS grew from {warm} KiB to {after} KiB"
    assert len(timdesk_emulator.messages(SESSION)) == 16, "each thread's message once within the second"


def test_no_secret_in_exceptions_reprs_or_logs(timdesk_emulator, caplog):
    key = timdesk_emulator.secret_key
    closed = timdesk.Client(sdkappid=timdesk_emulator.sdkappid, secret_key=key, endpoint="http://127.0.0.1:9",
                            max_attempts=2, retry_base_delay=0.001)
    try:
        closed.end_session(SESSION)
    except timdesk.NetworkError as e:
        text = f"{e} {e!r} {e.info}"
    assert key not in text and "usersig=" not in text
    assert key not in repr(closed) and key not in repr(timdesk_emulator.client())
    assert all(key not in r.getMessage() and "usersig=" not in r.getMessage() for r in caplog.records)
