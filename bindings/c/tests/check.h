/* What the C suites share: pass/fail counters and CHECK, which counts and reports. */
#ifndef TIMDESK_TEST_CHECK_H
#define TIMDESK_TEST_CHECK_H

#include <stdio.h>

static int passed, failed;

#define CHECK(cond)                                                              \
    do {                                                                         \
        if (cond) {                                                              \
            passed++;                                                            \
        } else {                                                                 \
            failed++;                                                            \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
        }                                                                        \
    } while (0)

#endif
