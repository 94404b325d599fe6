/* The C ABI against the in-process emulator: every function, every error path, hostile
 * input. Built with -std=c11 -Wall -Wextra -Werror -pedantic; run plain, under
 * ASan+UBSan and under valgrind by ctest. Prints "N passed, M failed". */
#define _POSIX_C_SOURCE 200809L
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "timdesk.h"
#include "timdesk_testing.h"
#include "check.h"


#define ALICE "fd8a2e30-54de-4e40-bcaf-02718409c5cf"
#define BOB "b0f4ca12-4850-4218-a284-efe679a87066"
#define CAROL "a97d3e1f-a88b-403b-9b3a-7bc6554ea05d"
#define TEXT_BODY "[{\"MsgType\":\"TIMTextElem\",\"MsgContent\":{\"Text\":\"hello\"}}]"

static const char INVALID_UTF8[] = {'a', (char)0xff, (char)0xfe, 0};

/* Checks that a call failed with `status`, returns the error's kind for further checks. */
static void expect_status(timdesk_status got, timdesk_error *err, timdesk_status want, const char *what) {
    if (got != want) {
        failed++;
        fprintf(stderr, "%s: status %u, wanted %u (%s)\n", what, got, want, timdesk_error_message(err));
    } else {
        passed++;
    }
    if (want != TIMDESK_STATUS_OK) {
        CHECK(err != NULL);
        CHECK(timdesk_error_status(err) == want);
        CHECK(strlen(timdesk_error_message(err)) > 0);
    }
}

/* Runs `call` first, then checks its status and the error it left in `err`. */
#define EXPECT(call, want, what)                      \
    do {                                              \
        timdesk_status status_ = (call);              \
        expect_status(status_, err, (want), (what));  \
    } while (0)

static timdesk_client *client_for(timdesk_emulator *emu) {
    timdesk_config config = TIMDESK_CONFIG_INIT;
    config.sdkappid = timdesk_emulator_sdkappid(emu);
    config.secret_key = timdesk_emulator_secret_key(emu);
    config.admin = timdesk_emulator_admin(emu);
    config.endpoint = timdesk_emulator_base_url(emu);
    config.retry_base_delay_ms = 5;
    timdesk_client *client = NULL;
    timdesk_error *err = NULL;
    timdesk_status s = timdesk_client_new(&config, &client, &err);
    expect_status(s, err, TIMDESK_STATUS_OK, "timdesk_client_new");
    timdesk_error_free(err);
    return client;
}

static void control(timdesk_emulator *emu, const char *method, const char *path, const char *body) {
    timdesk_error *err = NULL;
    timdesk_status s = timdesk_emulator_control(emu, method, path, body, NULL, &err);
    expect_status(s, err, TIMDESK_STATUS_OK, path);
    timdesk_error_free(err);
}

static void test_version(void) {
    char expected[32];
    snprintf(expected, sizeof expected, "%d.%d.%d", TIMDESK_VERSION_MAJOR, TIMDESK_VERSION_MINOR, TIMDESK_VERSION_PATCH);
    CHECK(strcmp(timdesk_version(), expected) == 0);
}

/* The built-in data set as the testing library declares it is what a fresh emulator holds. */
static void test_seed(timdesk_emulator *emu) {
    size_t sessions = 0, agents = 0, groups = 0, users = 0;
    const timdesk_emulator_seed_session *session = timdesk_emulator_seed_sessions(&sessions);
    const timdesk_emulator_seed_agent *agent = timdesk_emulator_seed_agents(&agents);
    const timdesk_emulator_seed_group *group = timdesk_emulator_seed_groups(&groups);
    const char *const *user = timdesk_emulator_seed_users(&users);
    CHECK(sessions == 3 && agents == 3 && groups == 2 && users == 1);
    CHECK(strcmp(session[0].session_id, ALICE) == 0 && strcmp(session[0].client_user_id, "user_alice") == 0);
    CHECK(strcmp(session[1].session_id, BOB) == 0 && strcmp(session[1].channel, "Web") == 0);
    CHECK(timdesk_emulator_seed_sessions(NULL) == session); /* one static array */
    char *state = NULL;
    timdesk_error *err = NULL;
    EXPECT(timdesk_emulator_control(emu, "GET", "/state", NULL, &state, &err), TIMDESK_STATUS_OK, "GET /state");
    for (size_t i = 0; i < sessions; i++) {
        CHECK(strstr(state, session[i].session_id) != NULL);
    }
    for (size_t i = 0; i < agents; i++) {
        CHECK(strstr(state, agent[i].agent_id) != NULL);
        CHECK(agent[i].capacity > 0);
    }
    CHECK(strcmp(agent[2].agent_id, "night_agent@qq.com") == 0 && !agent[2].online);
    CHECK(group[0].group_id == 3067 && strcmp(group[1].name, "VIP support") == 0);
    CHECK(strstr(state, user[0]) != NULL);
    timdesk_string_free(state);
}

static void test_client_construction(timdesk_emulator *emu) {
    timdesk_client *client = (timdesk_client *)0x1;
    timdesk_error *err = NULL;
    EXPECT(timdesk_client_new(NULL, &client, &err), TIMDESK_STATUS_INVALID_ARGUMENT, "NULL config");
    CHECK(client == (timdesk_client *)0x1); /* nothing written on failure */
    CHECK(strstr(timdesk_error_message(err), "config") != NULL);
    timdesk_error_free(err);

    timdesk_config unsized = {0};
    unsized.sdkappid = 1;
    unsized.secret_key = "k";
    err = NULL;
    EXPECT(timdesk_client_new(&unsized, &client, &err), TIMDESK_STATUS_INVALID_ARGUMENT, "size 0");
    CHECK(strstr(timdesk_error_message(err), "config.size") != NULL);
    CHECK(strstr(timdesk_error_message(err), "TIMDESK_CONFIG_INIT") != NULL);
    timdesk_error_free(err);

    /* A program built against an older, smaller timdesk_config still works: the fields
     * its header lacked take their defaults. */
    timdesk_config older = TIMDESK_CONFIG_INIT;
    older.size = offsetof(timdesk_config, send_msg_retry);
    older.sdkappid = 1;
    older.secret_key = "k";
    older.send_msg_retry = 77; /* beyond the declared size: never read */
    client = NULL;
    CHECK(timdesk_client_new(&older, &client, NULL) == TIMDESK_STATUS_OK);
    timdesk_client_free(client);
    client = (timdesk_client *)0x1;

    timdesk_config config = TIMDESK_CONFIG_INIT;
    config.sdkappid = 1;
    config.secret_key = "k";
    config.send_msg_retry = 77;
    err = NULL;
    EXPECT(timdesk_client_new(&config, &client, &err), TIMDESK_STATUS_INVALID_ARGUMENT, "bad send_msg_retry");
    CHECK(strstr(timdesk_error_message(err), "send_msg_retry") != NULL);
    timdesk_error_free(err);
    config.send_msg_retry = TIMDESK_SEND_MSG_AT_MOST_ONCE;
    config.secret_key = NULL;
    err = NULL;
    EXPECT(timdesk_client_new(&config, &client, &err), TIMDESK_STATUS_INVALID_ARGUMENT, "NULL key");
    CHECK(strstr(timdesk_error_message(err), "secret_key") != NULL);
    CHECK(strcmp(timdesk_error_kind(err), "invalid_argument") == 0);
    timdesk_error_free(err);

    config.secret_key = "k";
    config.region = "mars";
    err = NULL;
    EXPECT(timdesk_client_new(&config, &client, &err), TIMDESK_STATUS_INVALID_ARGUMENT, "bad region");
    CHECK(strstr(timdesk_error_message(err), "mars") != NULL);
    timdesk_error_free(err);

    config.region = "singapore";
    config.endpoint = "http://127.0.0.1:1";
    err = NULL;
    EXPECT(timdesk_client_new(&config, &client, &err), TIMDESK_STATUS_INVALID_ARGUMENT, "region and endpoint");
    timdesk_error_free(err);

    config.region = NULL;
    config.admin = INVALID_UTF8;
    err = NULL;
    EXPECT(timdesk_client_new(&config, &client, &err), TIMDESK_STATUS_INVALID_ARGUMENT, "invalid UTF-8");
    CHECK(strstr(timdesk_error_message(err), "UTF-8") != NULL);
    timdesk_error_free(err);

    config.admin = NULL;
    CHECK(timdesk_client_new(&config, NULL, NULL) == TIMDESK_STATUS_OK); /* NULL out: validates only */

    const char *regions[] = {"china", "singapore", "seoul", "tokyo", "frankfurt", "silicon-valley", "jakarta", "mumbai"};
    config.endpoint = NULL;
    for (size_t i = 0; i < sizeof regions / sizeof regions[0]; i++) {
        config.region = regions[i];
        client = NULL;
        CHECK(timdesk_client_new(&config, &client, NULL) == TIMDESK_STATUS_OK);
        CHECK(client != NULL);
        timdesk_client_free(client);
    }

    char sdkappid[32];
    snprintf(sdkappid, sizeof sdkappid, "%llu", (unsigned long long)timdesk_emulator_sdkappid(emu));
    setenv("TIMDESK_SDKAPPID", sdkappid, 1);
    setenv("TIMDESK_SECRET_KEY", timdesk_emulator_secret_key(emu), 1);
    setenv("TIMDESK_ENDPOINT", timdesk_emulator_base_url(emu), 1);
    unsetenv("TIMDESK_REGION");
    client = NULL;
    CHECK(timdesk_client_from_env(&client, NULL) == TIMDESK_STATUS_OK);
    char *page = NULL;
    CHECK(timdesk_describe_im_cdr_list(client, 0, 1, 0, 0, NULL, &page, NULL) == TIMDESK_STATUS_OK);
    timdesk_string_free(page);
    timdesk_client_free(client);
    unsetenv("TIMDESK_SECRET_KEY");
    err = NULL;
    EXPECT(timdesk_client_from_env(&client, &err), TIMDESK_STATUS_INVALID_ARGUMENT, "env without key");
    timdesk_error_free(err);
}

static void test_session_lifecycle(timdesk_emulator *emu, timdesk_client *client) {
    /* Freeze the emulator's clock: repeats land in the same second, which the server
     * deduplicates. */
    control(emu, "POST", "/clock", "{\"freeze_at\":1700000000}");
    char *agent = NULL;
    bool in_queue = true;
    timdesk_error *err = NULL;
    const char *wanted[] = {"test_agent@qq.com"};
    timdesk_transfer_options options = TIMDESK_TRANSFER_OPTIONS_INIT;
    options.agent_ids = wanted;
    options.agent_ids_len = 1;
    timdesk_status s = timdesk_transfer_to_human(client, ALICE, &options, &agent, &in_queue, &err);
    expect_status(s, err, TIMDESK_STATUS_OK, "transfer");
    CHECK(agent != NULL && strcmp(agent, "test_agent@qq.com") == 0);
    CHECK(!in_queue);
    timdesk_string_free(agent);

    agent = (char *)0x1;
    s = timdesk_transfer_to_human(client, ALICE, NULL, &agent, &in_queue, &err);
    expect_status(s, err, TIMDESK_STATUS_NOT_TRANSFERABLE, "second transfer");
    CHECK(timdesk_error_code(err) == 141003);
    CHECK(!timdesk_error_retryable(err));
    CHECK(!timdesk_error_maybe_applied(err));
    CHECK(strcmp(timdesk_error_kind(err), "not_transferable") == 0);
    CHECK(agent == (char *)0x1);
    timdesk_error_free(err);

    const char *holes[] = {"a@x.com", NULL};
    timdesk_transfer_options bad_options = TIMDESK_TRANSFER_OPTIONS_INIT;
    bad_options.agent_ids = holes;
    bad_options.agent_ids_len = 2;
    err = NULL;
    s = timdesk_transfer_to_human(client, BOB, &bad_options, &agent, &in_queue, &err);
    expect_status(s, err, TIMDESK_STATUS_INVALID_ARGUMENT, "a NULL agent id");
    CHECK(strstr(timdesk_error_message(err), "agent_ids[1]") != NULL);
    timdesk_error_free(err);
    bad_options = (timdesk_transfer_options)TIMDESK_TRANSFER_OPTIONS_INIT;
    bad_options.has_priority = true;
    bad_options.priority = 10;
    err = NULL;
    s = timdesk_transfer_to_human(client, BOB, &bad_options, &agent, &in_queue, &err);
    expect_status(s, err, TIMDESK_STATUS_INVALID_ARGUMENT, "priority 10");
    CHECK(strstr(timdesk_error_message(err), "Priority") != NULL);
    timdesk_error_free(err);
    timdesk_transfer_options unsized = {0};
    err = NULL;
    s = timdesk_transfer_to_human(client, BOB, &unsized, &agent, &in_queue, &err);
    expect_status(s, err, TIMDESK_STATUS_INVALID_ARGUMENT, "options of size 0");
    CHECK(strstr(timdesk_error_message(err), "TIMDESK_TRANSFER_OPTIONS_INIT") != NULL);
    timdesk_error_free(err);

    timdesk_transfer_options busy = TIMDESK_TRANSFER_OPTIONS_INIT;
    busy.has_agent_group_id = true;
    busy.agent_group_id = 2473;
    busy.disable_queuing = true;
    err = NULL;
    s = timdesk_transfer_to_human(client, BOB, &busy, NULL, NULL, &err);
    expect_status(s, err, TIMDESK_STATUS_AGENT_BUSY, "agents busy with queueing disabled");
    CHECK(timdesk_error_code(err) == 141012);
    CHECK(strcmp(timdesk_error_kind(err), "agent_busy") == 0);
    timdesk_error_free(err);

    timdesk_transfer_options queued = TIMDESK_TRANSFER_OPTIONS_INIT;
    queued.has_agent_group_id = true;
    queued.agent_group_id = 2473;
    queued.has_priority = true;
    queued.priority = 2;
    queued.has_queue_timeout = true;
    queued.queue_timeout = 3600;
    err = NULL;
    s = timdesk_transfer_to_human(client, BOB, &queued, &agent, &in_queue, &err);
    expect_status(s, err, TIMDESK_STATUS_OK, "queued transfer");
    CHECK(in_queue && strcmp(agent, "") == 0);
    timdesk_string_free(agent);
    char *queue = NULL;
    CHECK(timdesk_emulator_control(emu, "GET", "/queue", NULL, &queue, NULL) == TIMDESK_STATUS_OK);
    CHECK(queue != NULL && strstr(queue, "\"priority\":2") != NULL && strstr(queue, BOB) != NULL);
    timdesk_string_free(queue);

    timdesk_message msg = TIMDESK_MESSAGE_INIT;
    msg.session_id = ALICE;
    msg.msg_body_json = TEXT_BODY;
    msg.cloud_custom_data = "ccd";
    msg.has_msg_random = true;
    msg.msg_random = 4242;
    uint32_t random = 0;
    err = NULL;
    s = timdesk_send_msg(client, &msg, &random, &err);
    expect_status(s, err, TIMDESK_STATUS_OK, "send_msg");
    CHECK(random == 4242);
    CHECK(timdesk_send_msg(client, &msg, NULL, NULL) == TIMDESK_STATUS_OK); /* deduplicated */
    char *state = NULL;
    CHECK(timdesk_emulator_control(emu, "GET", "/sessions/" ALICE, NULL, &state, NULL) == TIMDESK_STATUS_OK);
    CHECK(state != NULL && strstr(state, "\"msg_random\":4242") != NULL && strstr(state, "\"ccd\"") != NULL);
    CHECK(state != NULL && strstr(strstr(state, "\"msg_random\":4242") + 1, "\"msg_random\":4242") == NULL);
    timdesk_string_free(state);

    timdesk_message direct = TIMDESK_MESSAGE_INIT;
    direct.from_account = "shannon@qq.com";
    direct.to_account = "user_dave";
    direct.msg_body_json = TEXT_BODY;
    CHECK(timdesk_send_msg(client, &direct, &random, NULL) == TIMDESK_STATUS_OK);

    timdesk_message bad = msg;
    bad.msg_body_json = "[]";
    err = NULL;
    EXPECT(timdesk_send_msg(client, &bad, NULL, &err), TIMDESK_STATUS_INVALID_ARGUMENT, "empty body");
    CHECK(strstr(timdesk_error_message(err), "MsgBody") != NULL);
    timdesk_error_free(err);
    bad.msg_body_json = "{\"MsgType\":1}";
    err = NULL;
    EXPECT(timdesk_send_msg(client, &bad, NULL, &err), TIMDESK_STATUS_INVALID_ARGUMENT, "body not array");
    timdesk_error_free(err);
    bad.msg_body_json = TEXT_BODY;
    bad.from_account = "x";
    err = NULL;
    EXPECT(timdesk_send_msg(client, &bad, NULL, &err), TIMDESK_STATUS_INVALID_ARGUMENT, "both targets");
    timdesk_error_free(err);

    err = NULL;
    EXPECT(timdesk_end_session(client, ALICE, &err), TIMDESK_STATUS_OK, "end_session");
    EXPECT(timdesk_end_session(client, ALICE, &err), TIMDESK_STATUS_NOT_FOUND, "end again");
    CHECK(timdesk_error_code(err) == 141005);
    timdesk_error_free(err);

    char *page = NULL;
    err = NULL;
    EXPECT(timdesk_describe_im_cdr_list(client, 0, 4000000000u, 100, 0, "user_alice", &page, &err), TIMDESK_STATUS_OK, "describe");
    CHECK(page != NULL && strstr(page, "\"TotalCount\":1") != NULL && strstr(page, "AgentEndedSession") != NULL);
    timdesk_string_free(page);
    err = NULL;
    EXPECT(timdesk_describe_im_cdr_list(client, 0, 1, 101, 0, NULL, &page, &err), TIMDESK_STATUS_INVALID_ARGUMENT, "limit 101");
    CHECK(strstr(timdesk_error_message(err), "Limit") != NULL);
    timdesk_error_free(err);

    err = NULL;
    EXPECT(timdesk_delete_recent_contact(client, "user_dave", "shannon@qq.com", NULL, true, &err), TIMDESK_STATUS_OK, "delete");
    EXPECT(timdesk_delete_recent_contact(client, "user_dave", NULL, NULL, true, &err), TIMDESK_STATUS_INVALID_ARGUMENT, "delete no peer");
    timdesk_error_free(err);
    err = NULL;
    EXPECT(timdesk_delete_recent_contact(client, "ghost", NULL, "@TGS#1", false, &err), TIMDESK_STATUS_NOT_FOUND, "delete ghost");
    CHECK(timdesk_error_code(err) == 50001);
    timdesk_error_free(err);

    control(emu, "POST", "/agents/shannon@qq.com/online", "{\"online\":false}");
    control(emu, "POST", "/agents/test_agent@qq.com/online", "{\"online\":false}");
    timdesk_transfer_options tip = TIMDESK_TRANSFER_OPTIONS_INIT;
    tip.send_tip_if_no_agent_online = true;
    err = NULL;
    s = timdesk_transfer_to_human(client, CAROL, &tip, &agent, &in_queue, &err);
    expect_status(s, err, TIMDESK_STATUS_NO_AGENT_ONLINE, "no agent online");
    CHECK(timdesk_error_code(err) == 141001);
    timdesk_error_free(err);
}

static void test_cdr_iterator(timdesk_emulator *emu, timdesk_client *client) {
    for (int i = 0; i < 130; i++) {
        char body[128], *answer = NULL;
        snprintf(body, sizeof body, "{\"client_user_id\":\"iter_user\",\"started_at\":%d}", 9000 + i);
        CHECK(timdesk_emulator_control(emu, "POST", "/sessions", body, &answer, NULL) == TIMDESK_STATUS_OK);
        char path[128];
        const char *id = strstr(answer, "\"session_id\":\"") + 14;
        snprintf(path, sizeof path, "/sessions/%.36s/end", id);
        control(emu, "POST", path, "{\"end_status\":\"UserTimeout\"}");
        timdesk_string_free(answer);
    }
    timdesk_cdr_iter *iter = NULL;
    CHECK(timdesk_cdr_iter_new(client, 9000, 9999, "iter_user", &iter, NULL) == TIMDESK_STATUS_OK);
    int count = 0;
    char *record = NULL;
    timdesk_status s;
    while ((s = timdesk_cdr_iter_next(iter, &record, NULL)) == TIMDESK_STATUS_OK) {
        count++;
        if (count == 1) {
            CHECK(strstr(record, "\"Timestamp\":9000") != NULL);
        }
        timdesk_string_free(record);
    }
    CHECK(s == TIMDESK_STATUS_DONE);
    CHECK(count == 130);
    CHECK(timdesk_cdr_iter_next(iter, &record, NULL) == TIMDESK_STATUS_DONE);
    timdesk_cdr_iter_free(iter);
    timdesk_error *err = NULL;
    EXPECT(timdesk_cdr_iter_new(client, 5, 1, NULL, &iter, &err), TIMDESK_STATUS_INVALID_ARGUMENT, "iter start > end");
    timdesk_error_free(err);
}

static void test_chat_message_iterator(timdesk_emulator *emu, timdesk_client *client) {
    const char *session = "7e1d2c3b-4a59-4687-b5c4-d3e2f1a0b9c8";
    control(emu, "POST", "/sessions", "{\"session_id\":\"7e1d2c3b-4a59-4687-b5c4-d3e2f1a0b9c8\",\"client_user_id\":\"history_user\"}");
    for (int i = 0; i < 120; i++) {
        char body[64];
        snprintf(body, sizeof body, "{\"from\":\"user\",\"text\":\"line %d\"}", i);
        control(emu, "POST", "/sessions/7e1d2c3b-4a59-4687-b5c4-d3e2f1a0b9c8/messages", body);
    }
    timdesk_chat_message_iter *iter = NULL;
    CHECK(timdesk_chat_message_iter_new(client, session, 1, &iter, NULL) == TIMDESK_STATUS_OK);
    int count = 0;
    char *message = NULL, last[32] = "";
    timdesk_status s;
    while ((s = timdesk_chat_message_iter_next(iter, &message, NULL)) == TIMDESK_STATUS_OK) {
        if (count == 0) {
            CHECK(strstr(message, "\"line 0\"") != NULL);
        }
        const char *text = strstr(message, "\"line ");
        if (text != NULL) {
            snprintf(last, sizeof last, "%.9s", text);
        }
        count++;
        timdesk_string_free(message);
    }
    CHECK(s == TIMDESK_STATUS_DONE);
    CHECK(count == 120); /* two pages: 100, then 20 */
    CHECK(strcmp(last, "\"line 119") == 0);
    CHECK(timdesk_chat_message_iter_next(iter, &message, NULL) == TIMDESK_STATUS_DONE);
    timdesk_chat_message_iter_free(iter);
    timdesk_chat_message_iter_free(NULL);
    timdesk_error *err = NULL;
    EXPECT(timdesk_chat_message_iter_new(client, session, 3, &iter, &err), TIMDESK_STATUS_INVALID_ARGUMENT, "order 3");
    CHECK(strstr(timdesk_error_message(err), "Order") != NULL);
    timdesk_error_free(err);
    err = NULL;
    EXPECT(timdesk_chat_message_iter_new(client, NULL, 0, &iter, &err), TIMDESK_STATUS_INVALID_ARGUMENT, "NULL session");
    timdesk_error_free(err);
    err = NULL;
    EXPECT(timdesk_chat_message_iter_next(NULL, &message, &err), TIMDESK_STATUS_INVALID_ARGUMENT, "NULL iterator");
    timdesk_error_free(err);
}

static void test_generic_call_and_faults(timdesk_emulator *emu, timdesk_client *client) {
    char *answer = NULL;
    timdesk_error *err = NULL;
    EXPECT(timdesk_call(client, "desk_http_svc/describe_im_cdr_list", "{\"StartTimestamp\":0,\"EndTimestamp\":1}", false, &answer, &err),
           TIMDESK_STATUS_OK, "call");
    CHECK(answer != NULL && strstr(answer, "\"ActionStatus\":\"OK\"") != NULL);
    timdesk_string_free(answer);
    EXPECT(timdesk_call(client, "openim/unknown", "{}", false, &answer, &err), TIMDESK_STATUS_CONFIGURATION, "unknown endpoint");
    CHECK(timdesk_error_code(err) == 60009);
    CHECK(strcmp(timdesk_error_kind(err), "configuration") == 0);
    timdesk_error_free(err);
    err = NULL;
    EXPECT(timdesk_call(client, "bad path", "{}", false, &answer, &err), TIMDESK_STATUS_INVALID_ARGUMENT, "bad path");
    timdesk_error_free(err);
    err = NULL;
    EXPECT(timdesk_call(client, "a/b", "[1,", false, &answer, &err), TIMDESK_STATUS_INVALID_ARGUMENT, "bad body");
    timdesk_error_free(err);
    err = NULL;

    EXPECT(timdesk_call_endpoint(client, "get_session_state", "{\"SessionId\":\"b0f4ca12-4850-4218-a284-efe679a87066\"}", &answer, &err),
           TIMDESK_STATUS_OK, "call_endpoint");
    CHECK(answer != NULL && strstr(answer, "\"CurrentState\"") != NULL);
    timdesk_string_free(answer);
    answer = NULL;
    EXPECT(timdesk_call_endpoint(client, "modify_msg", "{\"SessionId\":\"b0f4ca12-4850-4218-a284-efe679a87066\"}", &answer, &err),
           TIMDESK_STATUS_INVALID_ARGUMENT, "call_endpoint checks the model");
    CHECK(answer == NULL && strstr(timdesk_error_message(err), "MsgKey") != NULL);
    timdesk_error_free(err);
    err = NULL;
    /* A misspelt field is refused by name, with the known ones, before sending. */
    EXPECT(timdesk_call_endpoint(client, "get_session_state", "{\"SessionID\":\"b0f4ca12-4850-4218-a284-efe679a87066\"}",
                                 &answer, &err),
           TIMDESK_STATUS_INVALID_ARGUMENT, "call_endpoint refuses an unknown field");
    CHECK(answer == NULL && timdesk_error_code(err) == 0);
    CHECK(strstr(timdesk_error_message(err), "SessionID: is not a field of get_session_state (its fields: SessionId, "
                                             "ClientUserId, CustomerServiceId)") != NULL);
    timdesk_error_free(err);
    err = NULL;
    EXPECT(timdesk_call_endpoint(client, NULL, "{}", &answer, &err), TIMDESK_STATUS_INVALID_ARGUMENT, "call_endpoint NULL name");
    timdesk_error_free(err);

    control(emu, "POST", "/faults", "{\"kind\":\"http_status\",\"status\":502,\"count\":-1}");
    err = NULL;
    EXPECT(timdesk_end_session(client, BOB, &err), TIMDESK_STATUS_SERVER, "502");
    CHECK(timdesk_error_retryable(err));
    timdesk_error_free(err);
    control(emu, "DELETE", "/faults", NULL);
    control(emu, "POST", "/faults", "{\"kind\":\"malformed_json\",\"count\":-1}");
    err = NULL;
    EXPECT(timdesk_end_session(client, BOB, &err), TIMDESK_STATUS_BAD_RESPONSE, "malformed");
    timdesk_error_free(err);
    control(emu, "DELETE", "/faults", NULL);
    /* send_msg is at most once by default: a lost answer is reported, not repeated. */
    control(emu, "POST", "/faults", "{\"kind\":\"drop_after_apply\",\"path\":\"desk_http_svc/send_msg\"}");
    timdesk_message msg = TIMDESK_MESSAGE_INIT;
    msg.session_id = BOB;
    msg.msg_body_json = TEXT_BODY;
    msg.has_msg_random = true;
    msg.msg_random = 777;
    uint32_t random = 0;
    err = NULL;
    EXPECT(timdesk_send_msg(client, &msg, &random, &err), TIMDESK_STATUS_NETWORK, "lost answer");
    CHECK(timdesk_error_maybe_applied(err));
    CHECK(strstr(timdesk_error_message(err), "MsgRandom 777") != NULL);
    CHECK(random == 0); /* nothing written on failure */
    timdesk_error_free(err);
    /* With TIMDESK_SEND_MSG_AT_LEAST_ONCE it is repeated, within the same (frozen) second. */
    timdesk_config config = TIMDESK_CONFIG_INIT;
    config.sdkappid = timdesk_emulator_sdkappid(emu);
    config.secret_key = timdesk_emulator_secret_key(emu);
    config.endpoint = timdesk_emulator_base_url(emu);
    config.retry_base_delay_ms = 5;
    config.send_msg_retry = TIMDESK_SEND_MSG_AT_LEAST_ONCE;
    timdesk_client *repeating = NULL;
    CHECK(timdesk_client_new(&config, &repeating, NULL) == TIMDESK_STATUS_OK);
    control(emu, "POST", "/faults", "{\"kind\":\"drop_after_apply\",\"path\":\"desk_http_svc/send_msg\"}");
    msg.msg_random = 778;
    CHECK(timdesk_send_msg(repeating, &msg, &random, NULL) == TIMDESK_STATUS_OK && random == 778);
    timdesk_client_free(repeating);
    char *session = NULL;
    CHECK(timdesk_emulator_control(emu, "GET", "/sessions/" BOB, NULL, &session, NULL) == TIMDESK_STATUS_OK);
    CHECK(session != NULL && strstr(session, "\"msg_random\":777") != NULL);
    CHECK(session != NULL && strstr(strstr(session, "\"msg_random\":778") + 1, "\"msg_random\":778") == NULL);
    timdesk_string_free(session);

    err = NULL;
    EXPECT(timdesk_emulator_control(emu, "GET", "/nowhere", NULL, &answer, &err), TIMDESK_STATUS_EMULATOR, "bad control route");
    timdesk_error_free(err);
}

static char *read_file(const char *path) {
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        return NULL;
    }
    static char text[16384];
    size_t n = fread(text, 1, sizeof text - 1, f);
    fclose(f);
    text[n] = 0;
    return text;
}

/* Each core option is a timdesk_config field (with its unit), and each takes effect: the
 * client reports what the core really uses. */
/* The generated endpoint functions: required fields as parameters, optional ones in a
 * sized options struct, answers through out parameters that may each be NULL. */
static void test_generated_endpoints(timdesk_emulator *emu, timdesk_client *client) {
    const char *sid = "5d0c1f4e-2b7a-4c8e-9f3d-6a1b2c3d4e5f";
    control(emu, "POST", "/sessions", "{\"session_id\":\"5d0c1f4e-2b7a-4c8e-9f3d-6a1b2c3d4e5f\",\"client_user_id\":\"gen_user\"}");
    timdesk_error *err = NULL;
    char *state = NULL;
    char *agent = (char *)0x1;
    timdesk_get_session_state_options by_session = TIMDESK_GET_SESSION_STATE_OPTIONS_INIT;
    by_session.session_id = sid;
    EXPECT(timdesk_get_session_state(client, &by_session, NULL, &state, &agent, &err), TIMDESK_STATUS_OK, "get_session_state");
    CHECK(state != NULL && strcmp(state, "Chatbot") == 0);
    CHECK(agent != NULL && agent != (char *)0x1 && strcmp(agent, "") == 0);
    timdesk_string_free(state);
    timdesk_string_free(agent);
    /* No session and no user: the core refuses it before sending, naming the fields. */
    EXPECT(timdesk_get_session_state(client, NULL, NULL, NULL, NULL, &err), TIMDESK_STATUS_INVALID_ARGUMENT, "get_session_state without a key");
    CHECK(strstr(timdesk_error_message(err), "give SessionId, or ClientUserId with CustomerServiceId") != NULL);
    CHECK(timdesk_error_code(err) == 0); /* refused here: the server never answered */
    timdesk_error_free(err);
    err = NULL;
    timdesk_get_session_state_options user_only = TIMDESK_GET_SESSION_STATE_OPTIONS_INIT;
    user_only.client_user_id = "user_alice";
    EXPECT(timdesk_get_session_state(client, &user_only, NULL, NULL, NULL, &err), TIMDESK_STATUS_INVALID_ARGUMENT,
           "a user without an IM agent");
    CHECK(strncmp(timdesk_error_message(err), "invalid argument: CustomerServiceId", 35) == 0);
    CHECK(timdesk_error_code(err) == 0);
    timdesk_error_free(err);
    err = NULL;
    /* An options struct nobody initialised is refused, naming its initialiser. */
    timdesk_get_session_state_options unset;
    memset(&unset, 0, sizeof unset);
    EXPECT(timdesk_get_session_state(client, &unset, NULL, NULL, NULL, &err), TIMDESK_STATUS_INVALID_ARGUMENT, "options without size");
    CHECK(strstr(timdesk_error_message(err), "TIMDESK_GET_SESSION_STATE_OPTIONS_INIT") != NULL);
    timdesk_error_free(err);
    err = NULL;

    /* A streamed reply: the first chunk returns the MsgKey, the last one finishes it. */
    char *key = NULL;
    EXPECT(timdesk_send_stream_msg(client, sid, "Hello, ", NULL, &key, &err), TIMDESK_STATUS_OK, "first chunk");
    CHECK(key != NULL && strlen(key) > 0);
    timdesk_send_stream_msg_options more = TIMDESK_SEND_STREAM_MSG_OPTIONS_INIT;
    more.msg_key = key;
    more.finish = true;
    EXPECT(timdesk_send_stream_msg(client, sid, "world", &more, NULL, &err), TIMDESK_STATUS_OK, "last chunk");

    /* The body of modify_msg comes from the element builder: no JSON by hand. */
    timdesk_message_body *body = NULL;
    CHECK(timdesk_message_body_new(&body, NULL) == TIMDESK_STATUS_OK);
    CHECK(timdesk_message_body_add_text(body, "Hello, \"world\"\n", NULL) == TIMDESK_STATUS_OK);
    EXPECT(timdesk_modify_msg(client, sid, key, body, NULL, &err), TIMDESK_STATUS_OK, "modify_msg");
    EXPECT(timdesk_modify_msg(client, sid, key, NULL, NULL, &err), TIMDESK_STATUS_INVALID_ARGUMENT, "modify_msg without a body");
    CHECK(strstr(timdesk_error_message(err), "msg_body") != NULL);
    timdesk_error_free(err);
    err = NULL;
    timdesk_message_body_free(body);
    timdesk_string_free(key);

    uint64_t total = 0;
    char *messages = NULL;
    timdesk_describe_chat_messages_options page = TIMDESK_DESCRIBE_CHAT_MESSAGES_OPTIONS_INIT;
    page.has_limit = true;
    page.limit = 10;
    EXPECT(timdesk_describe_chat_messages(client, sid, &page, &total, &messages, &err), TIMDESK_STATUS_OK, "describe_chat_messages");
    CHECK(total >= 1);
    CHECK(messages != NULL && strstr(messages, "Hello, \\\"world\\\"\\n") != NULL);
    timdesk_string_free(messages);
    page.limit = 1000;
    EXPECT(timdesk_describe_chat_messages(client, sid, &page, NULL, NULL, &err), TIMDESK_STATUS_INVALID_ARGUMENT, "Limit over the model's maximum");
    CHECK(strstr(timdesk_error_message(err), "Limit") != NULL);
    timdesk_error_free(err);
    err = NULL;

    /* A session not queued: end_queuing reports the code its page lists. */
    EXPECT(timdesk_end_queuing(client, sid, &err), TIMDESK_STATUS_UNKNOWN, "end_queuing, not queued");
    CHECK(timdesk_error_code(err) == 141027);
    timdesk_error_free(err);
    err = NULL;
    /* A reply streamed chunk by chunk: the core holds one back so the last carries Finish. */
    timdesk_msg_stream *stream = NULL;
    EXPECT(timdesk_msg_stream_new(client, sid, NULL, &stream, &err), TIMDESK_STATUS_OK, "msg_stream_new");
    const char *chunks[] = {"Your ", "order ", "ships."};
    for (size_t i = 0; i < 3; i++) {
        EXPECT(timdesk_msg_stream_push(stream, chunks[i], &err), TIMDESK_STATUS_OK, "msg_stream_push");
    }
    char *streamed = NULL;
    EXPECT(timdesk_msg_stream_finish(stream, &streamed, &err), TIMDESK_STATUS_OK, "msg_stream_finish");
    CHECK(streamed != NULL && strlen(streamed) > 0);
    EXPECT(timdesk_msg_stream_push(stream, "late", &err), TIMDESK_STATUS_INVALID_ARGUMENT, "push after finish");
    CHECK(strstr(timdesk_error_message(err), "stream: is finished (MsgKey ") != NULL);
    timdesk_error_free(err);
    err = NULL;
    /* Finishing twice says the stream is finished, not that it lacks a chunk. */
    EXPECT(timdesk_msg_stream_finish(stream, NULL, &err), TIMDESK_STATUS_INVALID_ARGUMENT, "finish after finish");
    CHECK(strstr(timdesk_error_message(err), "stream: is finished (MsgKey ") != NULL);
    CHECK(strstr(timdesk_error_message(err), streamed) != NULL);
    timdesk_error_free(err);
    err = NULL;
    timdesk_msg_stream_free(stream);
    timdesk_send_stream_msg_options late = TIMDESK_SEND_STREAM_MSG_OPTIONS_INIT;
    late.msg_key = streamed;
    EXPECT(timdesk_send_stream_msg(client, sid, "more", &late, NULL, &err), TIMDESK_STATUS_INVALID_ARGUMENT, "the stream was finished");
    CHECK(timdesk_error_code(err) == 141004);
    timdesk_error_free(err);
    err = NULL;
    timdesk_string_free(streamed);
    stream = NULL;
    CHECK(timdesk_msg_stream_new(client, sid, "ccd", &stream, NULL) == TIMDESK_STATUS_OK);
    EXPECT(timdesk_msg_stream_finish(stream, NULL, &err), TIMDESK_STATUS_INVALID_ARGUMENT, "finish without a chunk");
    CHECK(strstr(timdesk_error_message(err), "Chunk") != NULL);
    timdesk_error_free(err);
    err = NULL;
    EXPECT(timdesk_msg_stream_push(stream, NULL, &err), TIMDESK_STATUS_INVALID_ARGUMENT, "NULL chunk");
    timdesk_error_free(err);
    err = NULL;
    timdesk_msg_stream_free(stream);
    timdesk_msg_stream_free(NULL);

    char *member = NULL;
    EXPECT(timdesk_contact_user(client, NULL, "gen_user", NULL, &member, &err), TIMDESK_STATUS_INVALID_ARGUMENT, "contact_user NULL agent");
    CHECK(member == NULL && strstr(timdesk_error_message(err), "im_agent_user_id") != NULL);
    timdesk_error_free(err);
}

/* One finished call taken from a completion queue. */
typedef struct {
    uint64_t tag;
    timdesk_status status;
    char *answer;         /* on success; free with timdesk_string_free */
    timdesk_error *error; /* on failure; free with timdesk_error_free */
} completion;

/* Polls the queue's descriptor (5 s at most per wait) and takes finished calls until
 * `count` have arrived, keeping the first `count` in `out`; returns how many arrived. */
static int await_completions(timdesk_completions *queue, completion *out, int count) {
    int seen = 0;
    for (int round = 0; round < 100 && seen < count; round++) {
        struct pollfd p = {.fd = timdesk_completions_fd(queue), .events = POLLIN};
        CHECK(poll(&p, 1, 5000) == 1);
        completion c = {0, TIMDESK_STATUS_PANIC, NULL, NULL};
        while (timdesk_completions_next(queue, &c.tag, &c.status, &c.answer, &c.error)) {
            if (seen < count) {
                out[seen] = c;
            } else {
                timdesk_string_free(c.answer);
                timdesk_error_free(c.error);
            }
            seen++;
            c = (completion){0, TIMDESK_STATUS_PANIC, NULL, NULL};
        }
    }
    return seen;
}

/* The call with `tag` among `n` finished ones, or NULL. */
static const completion *with_tag(const completion *done, int n, uint64_t tag) {
    for (int i = 0; i < n; i++) {
        if (done[i].tag == tag) {
            return &done[i];
        }
    }
    return NULL;
}

static void free_completions(completion *done, int n) {
    for (int i = 0; i < n; i++) {
        timdesk_string_free(done[i].answer);
        timdesk_error_free(done[i].error);
    }
}

/* Calls that return at once: outcomes arrive on a completion queue whose descriptor
 * becomes readable, each with the tag given at the start. */
static void test_completion_queue(timdesk_client *client) {
    timdesk_completions *queue = NULL;
    timdesk_error *err = NULL;
    EXPECT(timdesk_completions_new(&queue, &err), TIMDESK_STATUS_OK, "completions_new");
    CHECK(timdesk_completions_fd(queue) >= 0);
    CHECK(timdesk_completions_fd(NULL) == -1);
    CHECK(!timdesk_completions_next(queue, NULL, NULL, NULL, NULL)); /* nothing yet */
    EXPECT(timdesk_call_endpoint_start(client, "get_session_state", "{\"SessionId\":\"" BOB "\"}", queue, 41, &err),
           TIMDESK_STATUS_OK, "start get_session_state");
    EXPECT(timdesk_call_start(client, "desk_http_svc/end_session", "{\"SessionId\":\"00000000-0000-4000-a000-000000000042\"}",
                              false, queue, 42, &err),
           TIMDESK_STATUS_OK, "start end_session");
    /* Refused before anything starts: bad JSON, a NULL queue. */
    EXPECT(timdesk_call_start(client, "a/b", "[1,", false, queue, 43, &err), TIMDESK_STATUS_INVALID_ARGUMENT, "bad JSON");
    timdesk_error_free(err);
    err = NULL;
    EXPECT(timdesk_call_endpoint_start(client, "get_session_state", "{}", NULL, 44, &err), TIMDESK_STATUS_INVALID_ARGUMENT,
           "NULL queue");
    timdesk_error_free(err);
    err = NULL;
    completion done[2];
    CHECK(await_completions(queue, done, 2) == 2);
    const completion *state = with_tag(done, 2, 41), *ended = with_tag(done, 2, 42);
    CHECK(state != NULL && state->status == TIMDESK_STATUS_OK && state->answer != NULL &&
          strstr(state->answer, "\"CurrentState\"") != NULL);
    CHECK(ended != NULL && ended->status == TIMDESK_STATUS_NOT_FOUND && ended->error != NULL &&
          timdesk_error_code(ended->error) == 141005);
    free_completions(done, 2);
    timdesk_completions_free(queue);
    timdesk_completions_free(NULL);
}

static double now_ms(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

static void sleep_us(long us) {
    struct timespec t = {us / 1000000, (us % 1000000) * 1000};
    nanosleep(&t, NULL);
}

/* Takes and frees whatever arrives on the queue within `ms`; returns how many arrived and
 * whether any of them had a tag in [first, first + n) marked in `refused`. */
static int drain_for(timdesk_completions *queue, int ms, uint64_t first, const bool *refused, int n, bool *stray) {
    int seen = 0;
    double until = now_ms() + ms;
    for (double left = ms; left > 0; left = until - now_ms()) {
        struct pollfd p = {.fd = timdesk_completions_fd(queue), .events = POLLIN};
        if (poll(&p, 1, (int)left + 1) != 1) {
            continue;
        }
        uint64_t tag = 0;
        char *answer = NULL;
        timdesk_error *error = NULL;
        while (timdesk_completions_next(queue, &tag, NULL, &answer, &error)) {
            seen++;
            if (refused != NULL && tag >= first && tag < first + (uint64_t)n && refused[tag - first]) {
                *stray = true;
            }
            timdesk_string_free(answer);
            timdesk_error_free(error);
            answer = NULL;
            error = NULL;
        }
    }
    return seen;
}

/* How many requests to `path` the emulator saw hung up by their client. */
static int hangups(timdesk_emulator *emu, const char *path) {
    char *answer = NULL;
    if (timdesk_emulator_control(emu, "GET", "/hangups", NULL, &answer, NULL) != TIMDESK_STATUS_OK) {
        return -1;
    }
    int count = 0;
    const char *at = strstr(answer, path);
    if (at != NULL) {
        count = atoi(at + strlen(path) + 2); /* past `path":` */
    }
    timdesk_string_free(answer);
    return count;
}

/* timdesk_completions_cancel: a call cancelled in flight closes its connection (the
 * emulator sees the hang-up), queues nothing, frees its tag, and leaves the client
 * serving; a call finishing while it is cancelled gives exactly one of its outcome or
 * true, never both or neither. */
static void test_cancel(timdesk_emulator *emu, timdesk_client *client) {
    timdesk_completions *queue = NULL;
    timdesk_error *err = NULL;
    CHECK(timdesk_completions_new(&queue, NULL) == TIMDESK_STATUS_OK);
    CHECK(!timdesk_completions_cancel(NULL, 1));
    CHECK(!timdesk_completions_cancel(queue, 90)); /* nothing in flight */

    const char *state = "{\"SessionId\":\"" BOB "\"}";
    control(emu, "POST", "/faults", "{\"path\":\"desk_http_svc/get_session_state\",\"kind\":\"delay\",\"ms\":1000}");
    double started = now_ms();
    EXPECT(timdesk_call_endpoint_start(client, "get_session_state", state, queue, 91, &err), TIMDESK_STATUS_OK,
           "start a delayed call");
    EXPECT(timdesk_call_endpoint_start(client, "get_session_state", state, queue, 91, &err),
           TIMDESK_STATUS_INVALID_ARGUMENT, "a second call with a tag in flight");
    CHECK(err != NULL && strstr(timdesk_error_message(err), "tag") != NULL);
    timdesk_error_free(err);
    err = NULL;
    sleep_us(50000); /* the request reaches the emulator */
    CHECK(timdesk_completions_cancel(queue, 91));
    CHECK(!timdesk_completions_cancel(queue, 91)); /* once */
    int seen = 0;
    for (int i = 0; i < 200 && (seen = hangups(emu, "desk_http_svc/get_session_state")) < 1; i++) {
        sleep_us(10000);
    }
    CHECK(seen == 1); /* the connection was closed, not abandoned */

    /* The tag is free again and the client answers at once, long before the delay ends. */
    EXPECT(timdesk_call_endpoint_start(client, "get_session_state", state, queue, 91, &err), TIMDESK_STATUS_OK,
           "the tag again");
    completion done[1];
    CHECK(await_completions(queue, done, 1) == 1);
    CHECK(done[0].tag == 91 && done[0].status == TIMDESK_STATUS_OK);
    CHECK(now_ms() - started < 900);
    free_completions(done, 1);
    /* Nothing of the cancelled call arrives, even once its delay is over. */
    bool stray = false;
    CHECK(drain_for(queue, (int)(started + 1200 - now_ms()), 0, NULL, 0, &stray) == 0);

    /* Cancels racing with the outcomes: every call gives exactly one of the two. */
    enum { RACES = 200 };
    static bool cancelled[RACES];
    int cancels = 0;
    for (int i = 0; i < RACES; i++) {
        EXPECT(timdesk_call_endpoint_start(client, "get_session_state", state, queue, 1000 + (uint64_t)i, &err),
               TIMDESK_STATUS_OK, "start a racing call");
        sleep_us((i % 25) * 100);
        cancelled[i] = timdesk_completions_cancel(queue, 1000 + (uint64_t)i);
        cancels += cancelled[i];
    }
    int outcomes = 0;
    double until = now_ms() + 10000;
    while (outcomes < RACES - cancels && now_ms() < until) {
        outcomes += drain_for(queue, 100, 1000, cancelled, RACES, &stray);
    }
    outcomes += drain_for(queue, 200, 1000, cancelled, RACES, &stray);
    CHECK(outcomes == RACES - cancels);
    CHECK(!stray); /* no outcome of a cancelled call */
    timdesk_completions_free(queue);
}

static void test_every_option_takes_effect(void) {
    static const char *fields[] = {
        "sdkappid",        "secret_key",        "admin",       "region",    "endpoint",
        "timeout",         "connect_timeout",   "max_attempts", "retry_base_delay",
        "retry_max_delay", "retry_max_elapsed", "usersig_ttl", "proxy",     "ca_bundle",
        "max_requests_per_second",              "send_msg_retry",
    };
    size_t count = timdesk_client_option_count();
    CHECK(count == sizeof fields / sizeof fields[0]);
    for (size_t i = 0; i < count && i < sizeof fields / sizeof fields[0]; i++) {
        const char *name = timdesk_client_option_at(i);
        CHECK(name != NULL && strcmp(name, fields[i]) == 0);
    }
    CHECK(timdesk_client_option_at(count) == NULL);

    timdesk_config config = TIMDESK_CONFIG_INIT;
    config.sdkappid = 7;
    config.secret_key = "c-options-secret";
    config.admin = "boss";
    config.endpoint = "http://127.0.0.1:9";
    config.timeout_ms = 1500;
    config.connect_timeout_ms = 500;
    config.max_attempts = 2;
    config.retry_base_delay_ms = 10;
    config.retry_max_delay_ms = 500;
    config.retry_max_elapsed_ms = 3000;
    config.usersig_ttl_s = 3600;
    config.proxy = "http://127.0.0.1:8";
    config.ca_bundle_pem = read_file(TIMDESK_TEST_CA);
    config.max_requests_per_second = 9;
    config.send_msg_retry = TIMDESK_SEND_MSG_AT_LEAST_ONCE;
    CHECK(config.ca_bundle_pem != NULL);
    timdesk_client *client = NULL;
    char *options = NULL;
    CHECK(timdesk_client_new(&config, &client, NULL) == TIMDESK_STATUS_OK);
    CHECK(timdesk_client_options_json(client, &options, NULL) == TIMDESK_STATUS_OK);
    const char *expected[] = {
        "\"sdkappid\":7", "\"secret_key\":\"<redacted>\"", "\"admin\":\"boss\"", "\"region\":null",
        "\"endpoint\":\"http://127.0.0.1:9\"", "\"timeout\":1.5", "\"connect_timeout\":0.5",
        "\"max_attempts\":2", "\"retry_base_delay\":0.01", "\"retry_max_delay\":0.5",
        "\"retry_max_elapsed\":3.0", "\"usersig_ttl\":3600", "\"proxy\":\"<set>\"", "\"ca_bundle\":\"<",
        "\"max_requests_per_second\":9", "\"send_msg_retry\":\"at_least_once\"",
    };
    for (size_t i = 0; i < sizeof expected / sizeof expected[0]; i++) {
        if (options == NULL || strstr(options, expected[i]) == NULL) {
            fprintf(stderr, "options lack %s: %s\n", expected[i], options ? options : "NULL");
        }
        CHECK(options != NULL && strstr(options, expected[i]) != NULL);
    }
    CHECK(options != NULL && strstr(options, "c-options-secret") == NULL);
    timdesk_string_free(options);
    timdesk_client_free(client);
}

/* The C status of every error kind the core knows: a kind added to the core without a
 * status here fails this test. */
/* The run-time list of kinds holds together with the header: names and statuses distinct,
 * none of them OK, and the constants a C program compiles against name the same kinds. A
 * new kind (one entry in models/library/error_kinds.json) needs no edit here. */
static void test_error_kinds(void) {
    size_t count = timdesk_error_kind_count();
    CHECK(count > 0);
    bool invalid_argument = false, unknown = false, no_agent_online = false;
    for (size_t i = 0; i < count; i++) {
        timdesk_status status = 9999;
        const char *name = timdesk_error_kind_at(i, &status);
        CHECK(name != NULL && status != TIMDESK_STATUS_OK && status != 9999);
        for (size_t j = 0; name != NULL && j < i; j++) {
            timdesk_status other = 9999;
            const char *earlier = timdesk_error_kind_at(j, &other);
            CHECK(earlier != NULL && strcmp(earlier, name) != 0 && other != status);
        }
        if (name == NULL) {
            continue;
        }
        invalid_argument |= strcmp(name, "invalid_argument") == 0 && status == TIMDESK_STATUS_INVALID_ARGUMENT;
        unknown |= strcmp(name, "unknown") == 0 && status == TIMDESK_STATUS_UNKNOWN;
        no_agent_online |= strcmp(name, "no_agent_online") == 0 && status == TIMDESK_STATUS_NO_AGENT_ONLINE;
    }
    CHECK(invalid_argument && unknown && no_agent_online);
    CHECK(timdesk_error_kind_at(count, NULL) == NULL);
}

/* A body built element by element: user text never goes through hand-made JSON. */
static void test_message_body_builder(timdesk_emulator *emu, timdesk_client *client) {
    timdesk_message_body *body = NULL;
    timdesk_error *err = NULL;
    EXPECT(timdesk_message_body_new(&body, &err), TIMDESK_STATUS_OK, "body");
    const char *tricky = "quote \" backslash \\ newline \n tab \t, 中文";
    CHECK(timdesk_message_body_add_text(body, tricky, NULL) == TIMDESK_STATUS_OK);
    CHECK(timdesk_message_body_add_card(body, "Order 42", "2 items", "https://x/p.jpg", "https://x/o", NULL) == TIMDESK_STATUS_OK);
    CHECK(timdesk_message_body_add_custom(body, "{\"k\":1}", "desc", NULL, NULL, NULL) == TIMDESK_STATUS_OK);
    CHECK(timdesk_message_body_add_face(body, 3, NULL, NULL) == TIMDESK_STATUS_OK);
    CHECK(timdesk_message_body_add_location(body, "Shenzhen", 22.5, 114.0, NULL) == TIMDESK_STATUS_OK);
    CHECK(timdesk_message_body_add_json(body, "{\"MsgType\":\"TIMSoundElem\",\"MsgContent\":{\"Url\":\"https://x/s.mp3\",\"Size\":1,\"Second\":1}}", NULL) == TIMDESK_STATUS_OK);
    CHECK(timdesk_message_body_add_file(body, "https://x/f.pdf", 10, "f.pdf", NULL) == TIMDESK_STATUS_OK);
    CHECK(timdesk_message_body_add_video(body, "https://x/v.mp4", 1, 2, "mp4", "https://x/t.jpg", 3, 4, 5, "JPG", NULL) == TIMDESK_STATUS_OK);
    CHECK(timdesk_message_body_len(body) == 8);
    err = NULL;
    EXPECT(timdesk_message_body_add_sound(body, "https://x/s.mp3", 1, 1, NULL), TIMDESK_STATUS_OK, "sound");
    EXPECT(timdesk_message_body_add_file(body, NULL, 1, "f", &err), TIMDESK_STATUS_INVALID_ARGUMENT, "file without url");
    CHECK(strstr(timdesk_error_message(err), "url") != NULL);
    timdesk_error_free(err);
    err = NULL;
    /* A declared element given as JSON without a required content field: refused, naming it. */
    EXPECT(timdesk_message_body_add_json(body, "{\"MsgType\":\"TIMFileElem\",\"MsgContent\":{\"Url\":\"u\",\"FileSize\":1}}", &err),
           TIMDESK_STATUS_INVALID_ARGUMENT, "file element without FileName");
    CHECK(strstr(timdesk_error_message(err), "MsgContent.FileName") != NULL);
    timdesk_error_free(err);
    err = NULL;
    EXPECT(timdesk_message_body_add_card(body, NULL, "d", "p", "u", &err), TIMDESK_STATUS_INVALID_ARGUMENT, "card without header");
    CHECK(strstr(timdesk_error_message(err), "header") != NULL);
    timdesk_error_free(err);
    err = NULL;
    EXPECT(timdesk_message_body_add_json(body, "{\"MsgContent\":{}}", &err), TIMDESK_STATUS_INVALID_ARGUMENT, "element without MsgType");
    timdesk_error_free(err);
    CHECK(timdesk_message_body_len(body) == 9); /* refused elements are not added */
    CHECK(timdesk_message_body_add_text(NULL, "x", NULL) == TIMDESK_STATUS_INVALID_ARGUMENT);

    char *session = NULL;
    CHECK(timdesk_emulator_control(emu, "POST", "/sessions", "{\"client_user_id\":\"builder\"}", &session, NULL) == TIMDESK_STATUS_OK);
    char id[40] = {0};
    const char *at = session ? strstr(session, "\"session_id\":\"") : NULL;
    if (at != NULL) {
        memcpy(id, at + 14, 36);
    }
    timdesk_string_free(session);
    timdesk_message msg = TIMDESK_MESSAGE_INIT;
    msg.session_id = id;
    msg.body = body;
    err = NULL;
    EXPECT(timdesk_send_msg(client, &msg, NULL, &err), TIMDESK_STATUS_OK, "send a built body");
    char path[64], *stored = NULL;
    snprintf(path, sizeof path, "/sessions/%s", id);
    CHECK(timdesk_emulator_control(emu, "GET", path, NULL, &stored, NULL) == TIMDESK_STATUS_OK);
    CHECK(stored != NULL && strstr(stored, "quote \\\" backslash") != NULL && strstr(stored, "Order 42") != NULL);
    CHECK(stored != NULL && strstr(stored, "TIMLocationElem") != NULL && strstr(stored, "TIMSoundElem") != NULL);
    CHECK(stored != NULL && strstr(stored, "TIMFileElem") != NULL && strstr(stored, "TIMVideoFileElem") != NULL);
    timdesk_string_free(stored);

    msg.msg_body_json = TEXT_BODY; /* both: refused */
    err = NULL;
    EXPECT(timdesk_send_msg(client, &msg, NULL, &err), TIMDESK_STATUS_INVALID_ARGUMENT, "body and msg_body_json");
    CHECK(strstr(timdesk_error_message(err), "exactly one") != NULL);
    timdesk_error_free(err);
    timdesk_message_body_free(body);
    timdesk_message_body_free(NULL);
}

static void test_usersig(void) {
    const uint8_t userbuf[] = {0, 255, 10};
    char *sig = NULL, *doc = NULL;
    CHECK(timdesk_usersig_gen(1400000000, "key", "admin", 600, userbuf, sizeof userbuf, 1700000000, &sig, NULL) == TIMDESK_STATUS_OK);
    CHECK(timdesk_usersig_verify(1400000000, "key", "admin", sig, 1700000100, &doc, NULL) == TIMDESK_STATUS_OK);
    CHECK(doc != NULL && strstr(doc, "\"userbuf_hex\":\"00ff0a\"") != NULL && strstr(doc, "\"expires_at\":1700000600") != NULL);
    timdesk_string_free(doc);
    timdesk_error *err = NULL;
    EXPECT(timdesk_usersig_verify(1400000000, "key", "admin", sig, 1700000601, NULL, &err), TIMDESK_STATUS_USERSIG_INVALID, "expired");
    CHECK(strcmp(timdesk_error_kind(err), "expired") == 0);
    timdesk_error_free(err);
    err = NULL;
    EXPECT(timdesk_usersig_verify(1400000000, "other", "admin", sig, -1, NULL, &err), TIMDESK_STATUS_USERSIG_INVALID, "bad key");
    CHECK(strcmp(timdesk_error_kind(err), "bad_signature") == 0);
    CHECK(strstr(timdesk_error_message(err), "key") == NULL || strstr(timdesk_error_message(err), "other") == NULL);
    timdesk_error_free(err);
    CHECK(timdesk_usersig_decode(sig, &doc, NULL) == TIMDESK_STATUS_OK);
    CHECK(strstr(doc, "\"identifier\":\"admin\"") != NULL);
    timdesk_string_free(doc);
    timdesk_string_free(sig);
    err = NULL;
    EXPECT(timdesk_usersig_decode("!!garbage", &doc, &err), TIMDESK_STATUS_USERSIG_INVALID, "decode garbage");
    CHECK(strcmp(timdesk_error_kind(err), "not_base64") == 0);
    timdesk_error_free(err);
    CHECK(timdesk_usersig_gen(1, "k", "u", 60, NULL, 0, -1, &sig, NULL) == TIMDESK_STATUS_OK);
    CHECK(timdesk_usersig_verify(1, "k", "u", sig, -1, NULL, NULL) == TIMDESK_STATUS_OK);
    timdesk_string_free(sig);
}

static void test_callbacks(void) {
    timdesk_callback_verifier *v = NULL;
    timdesk_error *err = NULL;
    CHECK(timdesk_callback_verifier_new(1400000000, NULL, &v, NULL) == TIMDESK_STATUS_OK);
    const char *query = "SdkAppid=1400000000&CallbackCommand=Desk.SessionEventNotify&RequestID=c1";
    const char *body = "{\"CallbackCommand\":\"Desk.SessionEventNotify\",\"SessionId\":\"s1\","
                       "\"Event\":\"SessionBegin\",\"EventTime\":1731488371784}";
    char *json = NULL;
    CHECK(timdesk_callback_verify(v, query, (const uint8_t *)body, strlen(body), &json, NULL) == TIMDESK_STATUS_OK);
    CHECK(json != NULL && strstr(json, "\"command\":\"Desk.SessionEventNotify\"") != NULL);
    CHECK(json != NULL && strstr(json, "\"session_id\":\"s1\"") != NULL && strstr(json, "\"event_time_ms\":1731488371784") != NULL);
    timdesk_string_free(json);
    json = NULL;
    EXPECT(timdesk_callback_verify(v, query, (const uint8_t *)body, strlen(body), &json, &err), TIMDESK_STATUS_INVALID_ARGUMENT, "a retry");
    CHECK(json == NULL && strcmp(timdesk_error_kind(err), "replayed") == 0);
    timdesk_error_free(err);
    err = NULL;
    const char *no_session = "{\"CallbackCommand\":\"Desk.SessionEventNotify\",\"Event\":\"SessionBegin\"}";
    EXPECT(timdesk_callback_verify(v, "SdkAppid=1400000000", (const uint8_t *)no_session, strlen(no_session), NULL, &err),
           TIMDESK_STATUS_INVALID_ARGUMENT, "no SessionId");
    CHECK(strcmp(timdesk_error_kind(err), "malformed") == 0 && strstr(timdesk_error_message(err), "SessionId") != NULL);
    timdesk_error_free(err);
    err = NULL;
    EXPECT(timdesk_callback_verify(v, "SdkAppid=1400000000", NULL, 5, NULL, &err), TIMDESK_STATUS_INVALID_ARGUMENT, "NULL body");
    CHECK(strstr(timdesk_error_message(err), "body") != NULL);
    timdesk_error_free(err);
    err = NULL;
    EXPECT(timdesk_callback_verify(NULL, query, NULL, 0, NULL, &err), TIMDESK_STATUS_INVALID_ARGUMENT, "NULL verifier");
    timdesk_error_free(err);
    err = NULL;
    const uint8_t not_utf8[] = {0xff, 0xfe, 0x00};
    EXPECT(timdesk_callback_verify(v, "SdkAppid=1400000000", not_utf8, 3, NULL, &err), TIMDESK_STATUS_INVALID_ARGUMENT, "bytes");
    CHECK(strcmp(timdesk_error_kind(err), "malformed") == 0);
    timdesk_error_free(err);
    timdesk_callback_verifier_free(v);
    timdesk_callback_verifier_free(NULL);

    err = NULL;
    EXPECT(timdesk_callback_verifier_new(0, NULL, &v, &err), TIMDESK_STATUS_INVALID_ARGUMENT, "sdkappid 0");
    CHECK(strstr(timdesk_error_message(err), "sdkappid") != NULL);
    timdesk_error_free(err);
    CHECK(timdesk_callback_verifier_new(1400000000, "callback-token-value", &v, NULL) == TIMDESK_STATUS_OK);
    err = NULL;
    EXPECT(timdesk_callback_verify(v, "SdkAppid=1400000000&RequestID=c2", (const uint8_t *)body, strlen(body), NULL, &err),
           TIMDESK_STATUS_INVALID_ARGUMENT, "unsigned with a token");
    CHECK(strcmp(timdesk_error_kind(err), "bad_signature") == 0 && strstr(timdesk_error_message(err), "callback-token-value") == NULL);
    timdesk_error_free(err);
    timdesk_callback_verifier_free(v);

    const char *agents[] = {"a@x.com"};
    CHECK(timdesk_callback_assign_human_answer(2473, agents, 1, &json, NULL) == TIMDESK_STATUS_OK);
    CHECK(strstr(json, "\"AgentGroupId\":2473") != NULL && strstr(json, "\"AgentIdList\":[\"a@x.com\"]") != NULL);
    timdesk_string_free(json);
    CHECK(timdesk_callback_assign_human_answer(-1, NULL, 0, &json, NULL) == TIMDESK_STATUS_OK);
    CHECK(strstr(json, "AgentGroupId") == NULL && strstr(json, "\"ActionStatus\":\"OK\"") != NULL);
    timdesk_string_free(json);
    CHECK(timdesk_callback_answer("{\"k\":1}", &json, NULL) == TIMDESK_STATUS_OK);
    CHECK(strstr(json, "\"Body\":{\"k\":1}") != NULL);
    timdesk_string_free(json);
    err = NULL;
    EXPECT(timdesk_callback_answer("[1]", &json, &err), TIMDESK_STATUS_INVALID_ARGUMENT, "variables not an object");
    CHECK(strstr(timdesk_error_message(err), "variables_json") != NULL);
    timdesk_error_free(err);
}

static void test_hostile_input(timdesk_client *client) {
    char *out = NULL;
    bool flag = false;
    /* NULL everywhere: an error status, never a crash. */
    CHECK(timdesk_transfer_to_human(NULL, ALICE, NULL, &out, &flag, NULL) == TIMDESK_STATUS_INVALID_ARGUMENT);
    CHECK(timdesk_transfer_to_human(client, NULL, NULL, &out, &flag, NULL) == TIMDESK_STATUS_INVALID_ARGUMENT);
    /* Out parameters may be NULL: the call goes through (ALICE's session has ended). */
    CHECK(timdesk_transfer_to_human(client, ALICE, NULL, NULL, NULL, NULL) == TIMDESK_STATUS_NOT_FOUND);

    /* A non-NULL *err on entry is refused, not overwritten (which would leak it). */
    timdesk_error *held = NULL;
    CHECK(timdesk_end_session(client, NULL, &held) == TIMDESK_STATUS_INVALID_ARGUMENT);
    timdesk_error *before = held;
    CHECK(timdesk_end_session(client, NULL, &held) == TIMDESK_STATUS_INVALID_ARGUMENT);
    CHECK(held == before);
    timdesk_error_free(held);
    CHECK(timdesk_send_msg(client, NULL, NULL, NULL) == TIMDESK_STATUS_INVALID_ARGUMENT);
    timdesk_message empty = TIMDESK_MESSAGE_INIT;
    CHECK(timdesk_send_msg(client, &empty, NULL, NULL) == TIMDESK_STATUS_INVALID_ARGUMENT);
    CHECK(timdesk_end_session(client, NULL, NULL) == TIMDESK_STATUS_INVALID_ARGUMENT);
    CHECK(timdesk_end_session(NULL, ALICE, NULL) == TIMDESK_STATUS_INVALID_ARGUMENT);
    /* Every out parameter may be NULL: the result is discarded. */
    CHECK(timdesk_describe_im_cdr_list(client, 0, 1, 0, 0, NULL, NULL, NULL) == TIMDESK_STATUS_OK);
    CHECK(timdesk_cdr_iter_new(client, 0, 1, NULL, NULL, NULL) == TIMDESK_STATUS_OK);
    CHECK(timdesk_call(client, "desk_http_svc/describe_im_cdr_list", "{\"StartTimestamp\":0,\"EndTimestamp\":1}", true, NULL, NULL) == TIMDESK_STATUS_OK);
    CHECK(timdesk_usersig_gen(1, "k", "u", 60, NULL, 0, -1, NULL, NULL) == TIMDESK_STATUS_OK);
    CHECK(timdesk_cdr_iter_new(client, 2, 1, NULL, NULL, NULL) == TIMDESK_STATUS_INVALID_ARGUMENT); /* still checked */
    CHECK(timdesk_cdr_iter_next(NULL, &out, NULL) == TIMDESK_STATUS_INVALID_ARGUMENT);
    CHECK(timdesk_delete_recent_contact(client, NULL, "a", NULL, false, NULL) == TIMDESK_STATUS_INVALID_ARGUMENT);
    CHECK(timdesk_call(client, NULL, "{}", false, &out, NULL) == TIMDESK_STATUS_INVALID_ARGUMENT);
    CHECK(timdesk_call(client, "a/b", NULL, false, &out, NULL) == TIMDESK_STATUS_INVALID_ARGUMENT);
    CHECK(timdesk_usersig_gen(1, NULL, "u", 60, NULL, 0, -1, &out, NULL) == TIMDESK_STATUS_INVALID_ARGUMENT);
    CHECK(timdesk_usersig_verify(1, "k", "u", NULL, -1, NULL, NULL) == TIMDESK_STATUS_INVALID_ARGUMENT);
    CHECK(timdesk_usersig_decode(NULL, &out, NULL) == TIMDESK_STATUS_INVALID_ARGUMENT);
    CHECK(timdesk_emulator_control(NULL, "GET", "/state", NULL, &out, NULL) == TIMDESK_STATUS_INVALID_ARGUMENT);
    CHECK(timdesk_emulator_start(0, NULL, NULL, 0, NULL, NULL) == TIMDESK_STATUS_OK); /* started, then stopped */

    /* Invalid UTF-8. */
    timdesk_error *err = NULL;
    EXPECT(timdesk_end_session(client, INVALID_UTF8, &err), TIMDESK_STATUS_INVALID_ARGUMENT, "invalid UTF-8 session");
    CHECK(strstr(timdesk_error_message(err), "session_id") != NULL);
    timdesk_error_free(err);
    CHECK(timdesk_usersig_decode(INVALID_UTF8, &out, NULL) == TIMDESK_STATUS_INVALID_ARGUMENT);

    /* A 1 MB string. */
    size_t size = 1024 * 1024;
    char *big = malloc(size + 1);
    memset(big, 'x', size);
    big[size] = 0;
    CHECK(timdesk_end_session(client, big, NULL) != TIMDESK_STATUS_OK);
    CHECK(timdesk_usersig_decode(big, &out, NULL) == TIMDESK_STATUS_USERSIG_INVALID);
    char *body = malloc(size + 64);
    snprintf(body, size + 64, "[{\"MsgType\":\"TIMTextElem\",\"MsgContent\":{\"Text\":\"%s\"}}]", big);
    timdesk_message huge = TIMDESK_MESSAGE_INIT;
    huge.session_id = BOB;
    huge.msg_body_json = body;
    err = NULL;
    EXPECT(timdesk_send_msg(client, &huge, NULL, &err), TIMDESK_STATUS_INVALID_ARGUMENT, "1 MB message");
    CHECK(strstr(timdesk_error_message(err), "12288") != NULL);
    timdesk_error_free(err);
    free(body);
    free(big);

    /* A refused connection: the error names the failure, never the key or the UserSig. */
    timdesk_config refused = TIMDESK_CONFIG_INIT;
    refused.sdkappid = 1;
    refused.secret_key = "c-suite-secret-key";
    refused.endpoint = "http://127.0.0.1:9";
    refused.max_attempts = 1;
    timdesk_client *nowhere = NULL;
    CHECK(timdesk_client_new(&refused, &nowhere, NULL) == TIMDESK_STATUS_OK);
    err = NULL;
    EXPECT(timdesk_end_session(nowhere, ALICE, &err), TIMDESK_STATUS_NETWORK, "refused connection");
    CHECK(strstr(timdesk_error_message(err), "c-suite-secret-key") == NULL);
    CHECK(strstr(timdesk_error_message(err), "usersig=") == NULL);
    timdesk_error_free(err);
    timdesk_client_free(nowhere);

    /* Freeing NULL, and NULL errors. */
    timdesk_client_free(NULL);
    timdesk_cdr_iter_free(NULL);
    timdesk_emulator_free(NULL);
    timdesk_error_free(NULL);
    timdesk_string_free(NULL);
    CHECK(timdesk_error_code(NULL) == 0);
    CHECK(strcmp(timdesk_error_message(NULL), "") == 0);
    CHECK(strcmp(timdesk_error_kind(NULL), "") == 0);
    CHECK(!timdesk_error_retryable(NULL));
    CHECK(strcmp(timdesk_emulator_base_url(NULL), "") == 0);
}

struct thread_args {
    timdesk_client *client;
    int ok;
};

static void *send_many(void *p) {
    struct thread_args *args = p;
    timdesk_message msg = TIMDESK_MESSAGE_INIT;
    msg.from_account = "shannon@qq.com";
    msg.to_account = "user_dave";
    msg.msg_body_json = TEXT_BODY;
    for (int i = 0; i < 25; i++) {
        if (timdesk_send_msg(args->client, &msg, NULL, NULL) == TIMDESK_STATUS_OK) {
            args->ok++;
        }
    }
    return NULL;
}

static void test_threads_share_a_client(timdesk_client *client) {
    pthread_t threads[4];
    struct thread_args args[4];
    for (int i = 0; i < 4; i++) {
        args[i].client = client;
        args[i].ok = 0;
        pthread_create(&threads[i], NULL, send_many, &args[i]);
    }
    int ok = 0;
    for (int i = 0; i < 4; i++) {
        pthread_join(threads[i], NULL);
        ok += args[i].ok;
    }
    CHECK(ok == 100);
}

/* Each typed endpoint's _start twin: it reads and copies its arguments before it returns
 * (they are freed at once here, which ASan would catch), and the answer arrives on the
 * queue as JSON with the wire names. */
static void test_typed_starts(timdesk_client *client) {
    timdesk_completions *queue = NULL;
    timdesk_error *err = NULL;
    EXPECT(timdesk_completions_new(&queue, &err), TIMDESK_STATUS_OK, "completions_new");

    timdesk_message_body *body = NULL;
    CHECK(timdesk_message_body_new(&body, NULL) == TIMDESK_STATUS_OK);
    CHECK(timdesk_message_body_add_text(body, "started", NULL) == TIMDESK_STATUS_OK);
    char *to = strdup("user_dave");
    timdesk_message direct = TIMDESK_MESSAGE_INIT;
    direct.from_account = "shannon@qq.com";
    direct.to_account = to;
    direct.body = body;
    direct.has_msg_random = true;
    direct.msg_random = 515151;
    EXPECT(timdesk_send_msg_start(client, &direct, queue, 61, &err), TIMDESK_STATUS_OK, "send_msg_start");
    timdesk_message_body_free(body);
    free(to);

    char *sid = strdup(BOB);
    timdesk_get_session_state_options state = TIMDESK_GET_SESSION_STATE_OPTIONS_INIT;
    state.session_id = sid;
    EXPECT(timdesk_get_session_state_start(client, &state, queue, 62, &err), TIMDESK_STATUS_OK, "get_session_state_start");
    free(sid);

    /* The model's rules are checked before sending; the refusal is the call's outcome. */
    EXPECT(timdesk_end_session_start(client, "", queue, 63, &err), TIMDESK_STATUS_OK, "end_session_start");
    /* What cannot be read is refused at once, and nothing is queued for it. */
    EXPECT(timdesk_send_msg_start(client, NULL, queue, 64, &err), TIMDESK_STATUS_INVALID_ARGUMENT, "NULL message");
    CHECK(strstr(timdesk_error_message(err), "message") != NULL);
    timdesk_error_free(err);
    err = NULL;
    EXPECT(timdesk_transfer_to_human_start(client, NULL, NULL, queue, 65, &err), TIMDESK_STATUS_INVALID_ARGUMENT,
           "NULL session_id");
    CHECK(strstr(timdesk_error_message(err), "session_id") != NULL);
    timdesk_error_free(err);
    err = NULL;

    completion done[3];
    CHECK(await_completions(queue, done, 3) == 3);
    const completion *sent = with_tag(done, 3, 61), *stated = with_tag(done, 3, 62), *refused = with_tag(done, 3, 63);
    CHECK(sent != NULL && sent->status == TIMDESK_STATUS_OK && sent->answer != NULL &&
          strcmp(sent->answer, "{\"MsgRandom\":515151}") == 0);
    CHECK(stated != NULL && stated->status == TIMDESK_STATUS_OK && stated->answer != NULL &&
          strstr(stated->answer, "\"SessionId\":\"" BOB "\"") != NULL && strstr(stated->answer, "\"CurrentState\":") != NULL);
    CHECK(refused != NULL && refused->status == TIMDESK_STATUS_INVALID_ARGUMENT && refused->error != NULL &&
          strstr(timdesk_error_message(refused->error), "SessionId") != NULL);
    free_completions(done, 3);
    timdesk_completions_free(queue);
}

/* How many times `needle` occurs in `text`. */
static int occurrences(const char *text, const char *needle) {
    int n = 0;
    for (const char *at = strstr(text, needle); at != NULL; at = strstr(at + 1, needle)) {
        n++;
    }
    return n;
}

/* test_cdr_iterator's walk again, a page at a time on a completion queue: 100 records,
 * 30, then [] for the end. One step at a time: another, page-wise or blocking, is refused
 * while one is under way (its answer delayed here so that it surely is). */
static void test_iterator_pages(timdesk_emulator *emu, timdesk_client *client) {
    timdesk_completions *queue = NULL;
    CHECK(timdesk_completions_new(&queue, NULL) == TIMDESK_STATUS_OK);
    timdesk_cdr_iter *iter = NULL;
    CHECK(timdesk_cdr_iter_new(client, 9000, 9999, "iter_user", &iter, NULL) == TIMDESK_STATUS_OK);
    control(emu, "POST", "/faults", "{\"kind\":\"delay\",\"ms\":300,\"count\":1,\"path\":\"desk_http_svc/describe_im_cdr_list\"}");
    int records[3] = {-1, -1, -1};
    for (int page = 0; page < 3; page++) {
        CHECK(timdesk_cdr_iter_next_page_start(iter, queue, 70 + page, NULL) == TIMDESK_STATUS_OK);
        if (page == 0) {
            timdesk_error *err = NULL;
            EXPECT(timdesk_cdr_iter_next_page_start(iter, queue, 79, &err), TIMDESK_STATUS_INVALID_ARGUMENT, "a second step");
            CHECK(strstr(timdesk_error_message(err), "under way") != NULL);
            timdesk_error_free(err);
            char *record = NULL;
            CHECK(timdesk_cdr_iter_next(iter, &record, NULL) == TIMDESK_STATUS_INVALID_ARGUMENT && record == NULL);
        }
        completion done[1];
        CHECK(await_completions(queue, done, 1) == 1);
        CHECK(done[0].tag == (uint64_t)(70 + page) && done[0].status == TIMDESK_STATUS_OK && done[0].answer != NULL);
        if (done[0].answer != NULL) {
            records[page] = occurrences(done[0].answer, "\"SessionId\":");
        }
        free_completions(done, 1);
    }
    CHECK(records[0] == 100 && records[1] == 30 && records[2] == 0);
    timdesk_error *err = NULL;
    EXPECT(timdesk_cdr_iter_next_page_start(NULL, queue, 80, &err), TIMDESK_STATUS_INVALID_ARGUMENT, "NULL iterator");
    timdesk_error_free(err);
    timdesk_cdr_iter_free(iter);
    timdesk_completions_free(queue);
}

/* A reply streamed on a completion queue: each push and the finish return at once; one
 * call at a time per stream (the second chunk's push, which sends the first, is delayed
 * here so that it is surely under way when the next is tried). The chunks are freed as
 * soon as their start returns. */
static void test_stream_starts(timdesk_emulator *emu, timdesk_client *client) {
    const char *sid = "3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f";
    control(emu, "POST", "/sessions", "{\"session_id\":\"3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f\",\"client_user_id\":\"stream_c\"}");
    timdesk_completions *queue = NULL;
    CHECK(timdesk_completions_new(&queue, NULL) == TIMDESK_STATUS_OK);
    timdesk_msg_stream *stream = NULL;
    CHECK(timdesk_msg_stream_new(client, sid, NULL, &stream, NULL) == TIMDESK_STATUS_OK);
    completion done[1];
    char *chunk = strdup("Your ");
    CHECK(timdesk_msg_stream_push_start(stream, chunk, queue, 90, NULL) == TIMDESK_STATUS_OK);
    free(chunk);
    CHECK(await_completions(queue, done, 1) == 1);
    CHECK(done[0].tag == 90 && done[0].status == TIMDESK_STATUS_OK && done[0].answer != NULL && strcmp(done[0].answer, "{}") == 0);
    free_completions(done, 1);

    control(emu, "POST", "/faults", "{\"kind\":\"delay\",\"ms\":300,\"count\":1,\"path\":\"desk_http_svc/send_stream_msg\"}");
    chunk = strdup("order ships.");
    CHECK(timdesk_msg_stream_push_start(stream, chunk, queue, 91, NULL) == TIMDESK_STATUS_OK);
    free(chunk);
    timdesk_error *err = NULL;
    EXPECT(timdesk_msg_stream_push_start(stream, "x", queue, 92, &err), TIMDESK_STATUS_INVALID_ARGUMENT, "a second push");
    CHECK(strstr(timdesk_error_message(err), "under way") != NULL);
    timdesk_error_free(err);
    CHECK(timdesk_msg_stream_push(stream, "x", NULL) == TIMDESK_STATUS_INVALID_ARGUMENT);
    CHECK(await_completions(queue, done, 1) == 1);
    CHECK(done[0].tag == 91 && done[0].status == TIMDESK_STATUS_OK);
    free_completions(done, 1);

    CHECK(timdesk_msg_stream_finish_start(stream, queue, 93, NULL) == TIMDESK_STATUS_OK);
    CHECK(await_completions(queue, done, 1) == 1);
    CHECK(done[0].tag == 93 && done[0].status == TIMDESK_STATUS_OK && done[0].answer != NULL &&
          strstr(done[0].answer, "{\"MsgKey\":\"") == done[0].answer && strlen(done[0].answer) > 12);
    free_completions(done, 1);
    char *messages = NULL;
    CHECK(timdesk_describe_chat_messages(client, sid, NULL, NULL, &messages, NULL) == TIMDESK_STATUS_OK);
    CHECK(messages != NULL && strstr(messages, "Your order ships.") != NULL);
    timdesk_string_free(messages);
    err = NULL;
    EXPECT(timdesk_msg_stream_finish_start(NULL, queue, 94, &err), TIMDESK_STATUS_INVALID_ARGUMENT, "NULL stream");
    timdesk_error_free(err);
    timdesk_msg_stream_free(stream);
    timdesk_completions_free(queue);
}

int main(void) {
    test_version();
    timdesk_emulator *emu = NULL;
    timdesk_error *err = NULL;
    timdesk_status s = timdesk_emulator_start(0, NULL, NULL, 0, &emu, &err);
    expect_status(s, err, TIMDESK_STATUS_OK, "emulator start");
    if (emu == NULL) {
        fprintf(stderr, "cannot start the emulator: %s\n", timdesk_error_message(err));
        return 1;
    }
    CHECK(strncmp(timdesk_emulator_base_url(emu), "http://127.0.0.1:", 17) == 0);
    CHECK(timdesk_emulator_sdkappid(emu) == 1400000000u);
    CHECK(strcmp(timdesk_emulator_admin(emu), "administrator") == 0);

    test_seed(emu);
    test_client_construction(emu);
    timdesk_client *client = client_for(emu);
    test_session_lifecycle(emu, client);
    test_cdr_iterator(emu, client);
    test_chat_message_iterator(emu, client);
    test_generic_call_and_faults(emu, client);
    test_usersig();
    test_callbacks();
    test_message_body_builder(emu, client);
    test_generated_endpoints(emu, client);
    test_completion_queue(client);
    test_cancel(emu, client);
    test_typed_starts(client);
    test_iterator_pages(emu, client);
    test_stream_starts(emu, client);
    test_error_kinds();
    test_every_option_takes_effect();
    test_hostile_input(client);
    test_threads_share_a_client(client);

    timdesk_client_free(client);
    timdesk_emulator_free(emu);
    printf("%d passed, %d failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}
