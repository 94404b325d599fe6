/* The conformance cases of tests/conformance (argv[1]) run from C: each case a JSON body
 * can carry through timdesk_call is sent to a fresh emulator, and its documented
 * ErrorCode (or, for success, the documented shape of the answer) must reach the C
 * caller. The same cases run from Rust, Python and Go; this runner only reads them
 * (cJSON) and fills their placeholders. */
#include <cJSON.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <timdesk.h>
#include <timdesk_testing.h>

static int ran, failed;

static char *read_file(const char *path) {
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        return NULL;
    }
    fseek(f, 0, SEEK_END);
    long len = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *text = malloc((size_t)len + 1);
    size_t got = fread(text, 1, (size_t)len, f);
    text[got] = '\0';
    fclose(f);
    return text;
}

/* A fresh session of the emulator's, for "$seeded_session"; NULL when refused. */
static char *seeded_session(timdesk_emulator *emu) {
    char *answer = NULL;
    if (timdesk_emulator_control(emu, "POST", "/sessions", "{\"client_user_id\":\"conformance_c\"}", &answer, NULL) !=
        TIMDESK_STATUS_OK) {
        return NULL;
    }
    cJSON *parsed = cJSON_Parse(answer);
    timdesk_string_free(answer);
    const cJSON *id = cJSON_GetObjectItemCaseSensitive(parsed, "session_id");
    char *session = cJSON_IsString(id) ? strdup(id->valuestring) : NULL;
    cJSON_Delete(parsed);
    return session;
}

/* Replaces the placeholders of the README's format in `value`, recursively. */
static void fill(cJSON *value, timdesk_emulator *emu, int *n) {
    cJSON *item = NULL;
    if (cJSON_IsObject(value) || cJSON_IsArray(value)) {
        cJSON_ArrayForEach(item, value) { fill(item, emu, n); }
        return;
    }
    if (!cJSON_IsString(value)) {
        return;
    }
    char buf[64];
    ++*n;
    if (strcmp(value->valuestring, "$unknown_session") == 0) {
        snprintf(buf, sizeof buf, "00000000-0000-4000-a000-%012d", *n);
        cJSON_SetValuestring(value, buf);
    } else if (strcmp(value->valuestring, "$unknown_user") == 0) {
        snprintf(buf, sizeof buf, "conformance_c_%d", *n);
        cJSON_SetValuestring(value, buf);
    } else if (strcmp(value->valuestring, "$big_text") == 0) {
        char *big = malloc(13001);
        memset(big, 'x', 13000);
        big[13000] = '\0';
        cJSON_SetValuestring(value, big);
        free(big);
    } else if (strcmp(value->valuestring, "$seeded_session") == 0) {
        char *session = seeded_session(emu);
        cJSON_SetValuestring(value, session != NULL ? session : "");
        free(session);
    }
}

/* Whether `answer` has each field of `shape` with the documented JSON type. */
static int has_shape(const char *answer, const cJSON *shape, const char *name) {
    cJSON *parsed = cJSON_Parse(answer);
    int ok = parsed != NULL;
    const cJSON *want = NULL;
    cJSON_ArrayForEach(want, shape) {
        const cJSON *got = cJSON_GetObjectItemCaseSensitive(parsed, want->string);
        const char *kind = cJSON_IsString(want) ? want->valuestring : "";
        int match = (strcmp(kind, "integer") == 0 && cJSON_IsNumber(got)) ||
                    (strcmp(kind, "string") == 0 && cJSON_IsString(got)) ||
                    (strcmp(kind, "array") == 0 && cJSON_IsArray(got)) ||
                    (strcmp(kind, "object") == 0 && cJSON_IsObject(got));
        if (!match) {
            fprintf(stderr, "FAIL %s: %s is not a %s in %s\n", name, want->string, kind, answer);
            ok = 0;
        }
    }
    cJSON_Delete(parsed);
    return ok;
}

/* Whether the documented codes (a number or an array of them) include `code`. */
static int code_listed(const cJSON *codes, double code) {
    if (cJSON_IsNumber(codes)) {
        return codes->valuedouble == code;
    }
    const cJSON *item = NULL;
    cJSON_ArrayForEach(item, codes) {
        if (cJSON_IsNumber(item) && item->valuedouble == code) {
            return 1;
        }
    }
    return 0;
}

static void run_case(const char *endpoint, const cJSON *c, const char *file) {
    const cJSON *body = cJSON_GetObjectItemCaseSensitive(c, "body");
    if (!cJSON_IsObject(body) || cJSON_GetObjectItemCaseSensitive(c, "query") != NULL) {
        return; /* query overrides and raw bytes need the Rust runner's signer */
    }
    const cJSON *path = cJSON_GetObjectItemCaseSensitive(c, "path");
    const cJSON *expect = cJSON_GetObjectItemCaseSensitive(c, "expect");
    const cJSON *codes = cJSON_GetObjectItemCaseSensitive(expect, "ErrorCode");
    char name[512];
    snprintf(name, sizeof name, "%s: %s", file, cJSON_GetObjectItemCaseSensitive(c, "name")->valuestring);
    ran++;

    timdesk_emulator *emu = NULL;
    timdesk_client *client = NULL;
    if (timdesk_emulator_start(0, NULL, NULL, 0, &emu, NULL) != TIMDESK_STATUS_OK) {
        fprintf(stderr, "FAIL %s: the emulator did not start\n", name);
        failed++;
        return;
    }
    timdesk_config config = TIMDESK_CONFIG_INIT;
    config.sdkappid = timdesk_emulator_sdkappid(emu);
    config.secret_key = timdesk_emulator_secret_key(emu);
    config.admin = timdesk_emulator_admin(emu);
    config.endpoint = timdesk_emulator_base_url(emu);
    config.max_attempts = 1;
    if (timdesk_client_new(&config, &client, NULL) != TIMDESK_STATUS_OK) {
        fprintf(stderr, "FAIL %s: no client\n", name);
        failed++;
        timdesk_emulator_free(emu);
        return;
    }
    cJSON *filled = cJSON_Duplicate(body, 1);
    int n = 0;
    fill(filled, emu, &n);
    char *body_json = cJSON_PrintUnformatted(filled);
    char *answer = NULL;
    timdesk_error *err = NULL;
    timdesk_status status =
        timdesk_call(client, cJSON_IsString(path) ? path->valuestring : endpoint, body_json, false, &answer, &err);
    int ok;
    if (code_listed(codes, 0)) {
        ok = status == TIMDESK_STATUS_OK &&
             has_shape(answer, cJSON_GetObjectItemCaseSensitive(expect, "shape"), name);
    } else {
        ok = status != TIMDESK_STATUS_OK && code_listed(codes, timdesk_error_code(err));
    }
    if (!ok) {
        char *want = cJSON_PrintUnformatted(codes);
        fprintf(stderr, "FAIL %s: expected ErrorCode %s, got status %u code %u (%s)\n", name, want, (unsigned)status,
                timdesk_error_code(err), err != NULL ? timdesk_error_message(err) : "no error");
        free(want);
        failed++;
    }
    timdesk_error_free(err);
    timdesk_string_free(answer);
    free(body_json);
    cJSON_Delete(filled);
    timdesk_client_free(client);
    timdesk_emulator_free(emu);
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: %s tests/conformance\n", argv[0]);
        return 2;
    }
    DIR *dir = opendir(argv[1]);
    if (dir == NULL) {
        fprintf(stderr, "cannot open %s\n", argv[1]);
        return 2;
    }
    struct dirent *entry;
    while ((entry = readdir(dir)) != NULL) {
        size_t len = strlen(entry->d_name);
        if (len < 6 || strcmp(entry->d_name + len - 5, ".json") != 0) {
            continue;
        }
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", argv[1], entry->d_name);
        char *text = read_file(path);
        cJSON *suite = cJSON_Parse(text);
        free(text);
        if (suite == NULL) {
            fprintf(stderr, "FAIL %s: not JSON\n", path);
            failed++;
            continue;
        }
        const cJSON *endpoint = cJSON_GetObjectItemCaseSensitive(suite, "endpoint");
        const cJSON *c = NULL;
        cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(suite, "cases")) {
            run_case(cJSON_IsString(endpoint) ? endpoint->valuestring : "", c, entry->d_name);
        }
        cJSON_Delete(suite);
    }
    closedir(dir);
    printf("%d conformance cases, %d failed\n", ran, failed);
    /* Fewer cases than the Go and Python runners carry means the reader broke. */
    return failed == 0 && ran >= 18 ? 0 : 1;
}
