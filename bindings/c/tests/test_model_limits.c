/* The limits the C binding enforces are the models' (the files of models/, read here with cJSON),
 * not numbers retyped in C: for each paged endpoint's Limit, max + 1 and min - 1 are
 * refused before sending, naming the field and the model's rule, and max is accepted. A
 * binding that kept its own copy of a limit fails this suite once the model changes.
 * Usage: test_model_limits MODELS_DIR. Prints "N passed, M failed". */
#include <cJSON.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <timdesk.h>
#include <timdesk_testing.h>

#include "check.h"

/* A waiting session of the emulator's seed. */
#define ALICE "fd8a2e30-54de-4e40-bcaf-02718409c5cf"

/* The parsed model `name` under `dir`, or NULL (reported). */
static cJSON *read_model(const char *dir, const char *name) {
    char path[4096];
    snprintf(path, sizeof path, "%s/%s.json", dir, name);
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        fprintf(stderr, "cannot open %s\n", path);
        return NULL;
    }
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *text = malloc((size_t)size + 1);
    size_t got = text == NULL ? 0 : fread(text, 1, (size_t)size, f);
    fclose(f);
    if (text == NULL || got != (size_t)size) {
        free(text);
        fprintf(stderr, "cannot read %s\n", path);
        return NULL;
    }
    text[size] = 0;
    cJSON *model = cJSON_Parse(text);
    free(text);
    if (model == NULL) {
        fprintf(stderr, "%s is not JSON\n", path);
    }
    return model;
}

/* The `min` and `max` of the request field `field` of `model`; false when either is absent. */
static bool bounds(const cJSON *model, const char *field, int64_t *min, int64_t *max) {
    const cJSON *f = NULL;
    cJSON_ArrayForEach(f, cJSON_GetObjectItemCaseSensitive(model, "request")) {
        const cJSON *name = cJSON_GetObjectItemCaseSensitive(f, "name");
        if (cJSON_IsString(name) && strcmp(name->valuestring, field) == 0) {
            const cJSON *lo = cJSON_GetObjectItemCaseSensitive(f, "min");
            const cJSON *hi = cJSON_GetObjectItemCaseSensitive(f, "max");
            if (!cJSON_IsNumber(lo) || !cJSON_IsNumber(hi)) {
                return false;
            }
            *min = (int64_t)lo->valuedouble;
            *max = (int64_t)hi->valuedouble;
            return true;
        }
    }
    return false;
}

/* Checks a refusal of Limit = `value`: invalid argument, naming Limit and the model's rule. */
static void expect_refused(timdesk_status got, timdesk_error *err, int64_t min, int64_t max, int64_t value,
                           const char *what) {
    char rule[128];
    snprintf(rule, sizeof rule, "must be %" PRId64 " to %" PRId64 ", not %" PRId64, min, max, value);
    CHECK(got == TIMDESK_STATUS_INVALID_ARGUMENT);
    const char *message = err == NULL ? "" : timdesk_error_message(err);
    if (strstr(message, "Limit") == NULL || strstr(message, rule) == NULL) {
        failed++;
        fprintf(stderr, "%s: wanted an error naming Limit and \"%s\", got status %u: %s\n", what, rule, got, message);
    } else {
        passed++;
    }
    timdesk_error_free(err);
}

/* The typed CDR call: `limit` 0 means the server's default, so min - 1 is tried when it is not 0. */
static void test_cdr_limit(timdesk_client *client, const cJSON *model) {
    int64_t min = 0, max = 0;
    CHECK(bounds(model, "Limit", &min, &max));
    CHECK(min >= 1 && max >= min && max < (int64_t)UINT32_MAX);
    timdesk_error *err = NULL;
    char *page = NULL;
    timdesk_status s = timdesk_describe_im_cdr_list(client, 0, 1, (uint32_t)(max + 1), 0, NULL, &page, &err);
    expect_refused(s, err, min, max, max + 1, "describe_im_cdr_list, Limit max + 1");
    CHECK(page == NULL);
    if (min > 1) {
        err = NULL;
        s = timdesk_describe_im_cdr_list(client, 0, 1, (uint32_t)(min - 1), 0, NULL, &page, &err);
        expect_refused(s, err, min, max, min - 1, "describe_im_cdr_list, Limit min - 1");
    }
    err = NULL;
    s = timdesk_describe_im_cdr_list(client, 0, 1, (uint32_t)max, 0, NULL, &page, &err);
    CHECK(s == TIMDESK_STATUS_OK && page != NULL && strstr(page, "\"TotalCount\"") != NULL);
    timdesk_string_free(page);
    timdesk_error_free(err);
}

/* The generated chat-message call, whose options say whether Limit is set. */
static void test_chat_messages_limit(timdesk_client *client, const cJSON *model) {
    int64_t min = 0, max = 0;
    CHECK(bounds(model, "Limit", &min, &max));
    CHECK(min >= 1 && max >= min);
    timdesk_describe_chat_messages_options options = TIMDESK_DESCRIBE_CHAT_MESSAGES_OPTIONS_INIT;
    options.has_limit = true;
    timdesk_error *err = NULL;
    options.limit = (uint64_t)(max + 1);
    timdesk_status s = timdesk_describe_chat_messages(client, ALICE, &options, NULL, NULL, &err);
    expect_refused(s, err, min, max, max + 1, "describe_chat_messages, Limit max + 1");
    err = NULL;
    options.limit = (uint64_t)(min - 1);
    s = timdesk_describe_chat_messages(client, ALICE, &options, NULL, NULL, &err);
    expect_refused(s, err, min, max, min - 1, "describe_chat_messages, Limit min - 1");
    err = NULL;
    options.limit = (uint64_t)max;
    uint64_t total = UINT64_MAX;
    char *messages = NULL;
    s = timdesk_describe_chat_messages(client, ALICE, &options, &total, &messages, &err);
    if (s != TIMDESK_STATUS_OK) {
        fprintf(stderr, "describe_chat_messages, Limit max: %s\n", timdesk_error_message(err));
    }
    CHECK(s == TIMDESK_STATUS_OK && total != UINT64_MAX && messages != NULL);
    timdesk_string_free(messages);
    timdesk_error_free(err);
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: %s MODELS_DIR\n", argv[0]);
        return 2;
    }
    cJSON *cdr = read_model(argv[1], "describe_im_cdr_list");
    cJSON *chat = read_model(argv[1], "describe_chat_messages");
    timdesk_emulator *emu = NULL;
    timdesk_error *err = NULL;
    if (cdr == NULL || chat == NULL || timdesk_emulator_start(0, NULL, NULL, 0, &emu, &err) != TIMDESK_STATUS_OK) {
        fprintf(stderr, "cannot start: %s\n", err == NULL ? "no model" : timdesk_error_message(err));
        timdesk_error_free(err);
        cJSON_Delete(cdr);
        cJSON_Delete(chat);
        return 1;
    }
    timdesk_config config = TIMDESK_CONFIG_INIT;
    config.sdkappid = timdesk_emulator_sdkappid(emu);
    config.secret_key = timdesk_emulator_secret_key(emu);
    config.admin = timdesk_emulator_admin(emu);
    config.endpoint = timdesk_emulator_base_url(emu);
    timdesk_client *client = NULL;
    CHECK(timdesk_client_new(&config, &client, &err) == TIMDESK_STATUS_OK);
    timdesk_error_free(err);
    if (client != NULL) {
        test_cdr_limit(client, cdr);
        test_chat_messages_limit(client, chat);
    }
    timdesk_client_free(client);
    timdesk_emulator_free(emu);
    cJSON_Delete(cdr);
    cJSON_Delete(chat);
    printf("%d passed, %d failed\n", passed, failed);
    return failed == 0 && passed > 0 ? 0 : 1;
}
