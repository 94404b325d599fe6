"""Where an AsyncClient call's CPU goes: per-thread user and system time per call (from
/proc), with 200 calls in flight from one event loop. Run it like bench/python_bench.py,
with TIMDESK_ENDPOINT pointing at `timdesk emulator` on the other core:

    taskset -c 1 target/release/timdesk emulator --port 8765 &
    TIMDESK_ENDPOINT=http://127.0.0.1:8765 taskset -c 0 target/venv/bin/python bench/async_threads.py
"""
import asyncio
import os
import sys
import time

import timdesk

SDKAPPID, KEY, ADMIN = 1400000000, "timdesk-emulator-secret", "administrator"
IN_FLIGHT = 200


def thread_times() -> dict:
    """Per thread: its name, user and system clock ticks."""
    out = {}
    for tid in os.listdir("/proc/self/task"):
        with open(f"/proc/self/task/{tid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        with open(f"/proc/self/task/{tid}/comm") as f:
            out[tid] = (f.read().strip(), int(fields[11]), int(fields[12]))
    return out


async def drive(client: timdesk.AsyncClient, calls: int) -> None:
    left = iter(range(calls))

    async def lane() -> None:
        for _ in left:
            await client.describe_im_cdr_list(start=0, end=2000000000, limit=20)
    await asyncio.gather(*[lane() for _ in range(IN_FLIGHT)])


async def main(calls: int) -> None:
    client = timdesk.AsyncClient(sdkappid=SDKAPPID, secret_key=KEY, admin=ADMIN,
                                 endpoint=os.environ["TIMDESK_ENDPOINT"])
    await drive(client, 2000)  # warm-up: connections, caches
    before, started, cpu = thread_times(), time.perf_counter(), os.times()
    await drive(client, calls)
    after, elapsed, spent = thread_times(), time.perf_counter() - started, os.times()
    tick = os.sysconf("SC_CLK_TCK")
    print(f"{calls / elapsed:.0f} calls/s; per call: user {(spent.user - cpu.user) / calls * 1e6:.1f} us, "
          f"system {(spent.system - cpu.system) / calls * 1e6:.1f} us")
    for tid, (name, user, system) in after.items():
        _, user0, system0 = before.get(tid, (name, 0, 0))
        if user + system > user0 + system0:
            print(f"  {name:16} user {(user - user0) / tick / calls * 1e6:5.1f} us   "
                  f"system {(system - system0) / tick / calls * 1e6:5.1f} us")
    await client.aclose()


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 30000))
