#!/usr/bin/env python3
"""timdesk from Python against the usual alternatives, side by side in one run.

1. UserSig generation: timdesk.gen_usersig against the reference package tls-sig-api-v2.
2. Signed API calls against an emulator in another process (TIMDESK_ENDPOINT): the timdesk
   Client against a requests.Session client making the same signed calls (the approach of
   the existing Python SDKs: a UserSig from tls-sig-api-v2, reused, a fresh random per
   call, the JSON answer parsed). Calls per second (wall) and CPU per call (this process,
   all threads) for each.

    scripts/bench-python
"""
import json
import os
import random
import statistics
import subprocess
import sys
import time
import timeit

import requests
import TLSSigAPIv2

import timdesk

SDKAPPID, KEY, ADMIN = 1400000000, "timdesk-emulator-secret", "administrator"
BODY = {"StartTimestamp": 0, "EndTimestamp": 2000000000, "Limit": 20}
CALLS, ROUNDS = 1000, 5


REFERENCE_ALONE = """
import timeit, TLSSigAPIv2
api = TLSSigAPIv2.TLSSigAPIv2(1400000000, "timdesk-emulator-secret")
print(min(timeit.repeat(lambda: api.gen_sig("user_000123", 86400), number=2000, repeat=5)) / 2000)
"""


def bench_usersig() -> None:
    # The reference's cost depends on glibc's malloc state: zlib.compress allocates about
    # 256 KiB of deflate state per call, an mmap/munmap pair in a fresh interpreter, but a
    # reuse of heap memory once other imports have raised glibc's dynamic mmap threshold.
    # So it is timed both in a fresh interpreter and here, beside timdesk and requests.
    alone = float(subprocess.run([sys.executable, "-c", REFERENCE_ALONE], capture_output=True, text=True,
                                 check=True).stdout)
    reference = TLSSigAPIv2.TLSSigAPIv2(SDKAPPID, KEY)
    beside = min(timeit.repeat(lambda: reference.gen_sig("user_000123", 86400), number=2000, repeat=5)) / 2000
    ours = min(timeit.repeat(lambda: timdesk.gen_usersig(sdkappid=SDKAPPID, secret_key=KEY, identifier="user_000123",
                                                         expire=86400), number=20000, repeat=5)) / 20000
    print(f"gen_usersig  timdesk.gen_usersig                          {ours * 1e6:6.2f} us")
    print(f"gen_usersig  tls-sig-api-v2, fresh interpreter            {alone * 1e6:6.2f} us  ({alone / ours:4.0f}x slower)")
    print(f"gen_usersig  tls-sig-api-v2, same process (malloc warmed) {beside * 1e6:6.2f} us  ({beside / ours:4.0f}x slower)")


def run(call) -> tuple:
    started, cpu = time.perf_counter(), time.process_time()
    for _ in range(CALLS):
        call()
    return CALLS / (time.perf_counter() - started), (time.process_time() - cpu) / CALLS


def bench_calls(endpoint: str) -> None:
    client = timdesk.Client(sdkappid=SDKAPPID, secret_key=KEY, admin=ADMIN, endpoint=endpoint)
    usersig = TLSSigAPIv2.TLSSigAPIv2(SDKAPPID, KEY).gen_sig(ADMIN)
    session = requests.Session()
    url = f"{endpoint}/v4/desk_http_svc/describe_im_cdr_list"

    def with_requests():
        params = {"sdkappid": SDKAPPID, "identifier": ADMIN, "usersig": usersig,
                  "random": random.randint(0, 2**32 - 1), "contenttype": "json"}
        answer = session.post(url, params=params, data=json.dumps(BODY), timeout=10).json()
        assert answer["ErrorCode"] == 0, answer

    def with_timdesk():
        client.describe_im_cdr_list(start=0, end=2000000000, limit=20)

    run(with_requests), run(with_timdesk)  # warm-up: connections, caches
    results = {"requests.Session": [], "timdesk.Client": []}
    for _ in range(ROUNDS):
        results["requests.Session"].append(run(with_requests))
        results["timdesk.Client"].append(run(with_timdesk))
    summary = {name: (statistics.median(r for r, _ in runs), statistics.median(c for _, c in runs))
               for name, runs in results.items()}
    for name, (rate, cpu) in summary.items():
        print(f"describe_im_cdr_list {name:17} {rate:7.0f} calls/s   {cpu * 1e6:6.0f} us CPU per call")
    (r_rate, r_cpu), (t_rate, t_cpu) = summary["requests.Session"], summary["timdesk.Client"]
    print(f"timdesk: {t_rate / r_rate:.1f}x the calls per second, {t_cpu / r_cpu:.2f} of the CPU per call")


if __name__ == "__main__":
    bench_usersig()
    bench_calls(os.environ["TIMDESK_ENDPOINT"])
