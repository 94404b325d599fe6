#!/usr/bin/env python3
"""Time the reference package `tls-sig-api-v2` generating a UserSig (µs per call).

Prints one line, `reference_gen_us <median µs>`, for scripts/bench-usersig.
"""
import statistics
import timeit

import TLSSigAPIv2

api = TLSSigAPIv2.TLSSigAPIv2(1400000000, "5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e")
runs = timeit.repeat(lambda: api.gen_sig("user_000123", 180 * 86400), number=2000, repeat=7)
print(f"reference_gen_us {statistics.median(runs) / 2000 * 1e6:.2f}")
