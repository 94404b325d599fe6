/* One client shared by 16 threads making 500 mixed calls each: no errors, and memory that
 * stays flat (RSS after the run within 10% + 4 MiB of RSS after a warm-up). */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "timdesk.h"
#include "timdesk_testing.h"

#define SESSION "fd8a2e30-54de-4e40-bcaf-02718409c5cf"
#define THREADS 16

struct work {
    timdesk_client *client;
    int calls;
    int thread;
    int errors;
};

static long rss_kib(void) {
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long kib = -1;
    while (f != NULL && fgets(line, sizeof line, f) != NULL) {
        if (strncmp(line, "VmRSS:", 6) == 0) {
            kib = strtol(line + 6, NULL, 10);
        }
    }
    if (f != NULL) fclose(f);
    return kib;
}

static void *mixed(void *p) {
    struct work *w = p;
    timdesk_message msg = TIMDESK_MESSAGE_INIT;
    msg.session_id = SESSION;
    msg.msg_body_json = "[{\"MsgType\":\"TIMTextElem\",\"MsgContent\":{\"Text\":\"same\"}}]";
    msg.has_msg_random = true;
    msg.msg_random = (uint32_t)w->thread;
    for (int i = 0; i < w->calls; i++) {
        timdesk_status s = TIMDESK_STATUS_OK;
        char *out = NULL;
        switch (i % 4) {
        case 0: s = timdesk_send_msg(w->client, &msg, NULL, NULL); break;
        case 1: s = timdesk_describe_im_cdr_list(w->client, 0, 1, 0, 0, NULL, &out, NULL); break;
        case 2: s = timdesk_delete_recent_contact(w->client, "user_dave", "nobody", NULL, false, NULL); break;
        default: s = timdesk_call(w->client, "desk_http_svc/describe_im_cdr_list", "{\"StartTimestamp\":0,\"EndTimestamp\":1}", true, &out, NULL);
        }
        timdesk_string_free(out);
        if (s != TIMDESK_STATUS_OK) w->errors++;
    }
    return NULL;
}

static int load(timdesk_client *client, int calls) {
    pthread_t threads[THREADS];
    struct work work[THREADS];
    int errors = 0;
    for (int t = 0; t < THREADS; t++) {
        work[t] = (struct work){client, calls, t, 0};
        pthread_create(&threads[t], NULL, mixed, &work[t]);
    }
    for (int t = 0; t < THREADS; t++) {
        pthread_join(threads[t], NULL);
        errors += work[t].errors;
    }
    return errors;
}

int main(void) {
    timdesk_emulator *emu = NULL;
    if (timdesk_emulator_start(0, NULL, NULL, 0, &emu, NULL) != TIMDESK_STATUS_OK) return 1;
    timdesk_emulator_control(emu, "POST", "/rate_limits", "{\"path\":\"recentcontact/delete\",\"per_second\":null}", NULL, NULL);
    /* The emulator shares this process: with its clock stopped, each thread's repeated
     * MsgRandom stays one stored message (same-second dedup), so RSS measures the client. */
    timdesk_emulator_control(emu, "POST", "/clock", "{\"freeze_at\":1700000000}", NULL, NULL);
    timdesk_config config = TIMDESK_CONFIG_INIT;
    config.sdkappid = timdesk_emulator_sdkappid(emu);
    config.secret_key = timdesk_emulator_secret_key(emu);
    config.endpoint = timdesk_emulator_base_url(emu);
    timdesk_client *client = NULL;
    if (timdesk_client_new(&config, &client, NULL) != TIMDESK_STATUS_OK) return 1;

    int passed = 0, failed = 0;
    int warm_errors = load(client, 100);
    long warm = rss_kib();
    int errors = load(client, 500);
    long after = rss_kib();
    printf("16 threads x 500 mixed calls: %d errors; RSS %ld KiB after warm-up, %ld KiB after\n", errors, warm, after);
    if (warm_errors == 0 && errors == 0) passed++; else failed++;
    if (after <= warm + warm / 10 + 4096) passed++; else failed++;

    timdesk_client_free(client);
    timdesk_emulator_free(emu);
    printf("%d passed, %d failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}
