/* Hand a waiting user to a human agent and greet them, against the built-in emulator.
 * With a real app, fill timdesk_config with your sdkappid, key and region instead. */
#include <stdio.h>

#include "timdesk.h"
#include "timdesk_testing.h"

int main(void) {
    timdesk_emulator *emu = NULL;
    timdesk_client *client = NULL;
    timdesk_error *err = NULL;
    timdesk_message_body *body = NULL;
    char *agent = NULL;
    bool queued = false;
    int rc = 1;

    if (timdesk_emulator_start(0, NULL, NULL, 0, &emu, &err) != TIMDESK_STATUS_OK) goto done;
    timdesk_config config = TIMDESK_CONFIG_INIT;
    config.sdkappid = timdesk_emulator_sdkappid(emu);
    config.secret_key = timdesk_emulator_secret_key(emu);
    config.endpoint = timdesk_emulator_base_url(emu);
    if (timdesk_client_new(&config, &client, &err) != TIMDESK_STATUS_OK) goto done;

    const char *session = "fd8a2e30-54de-4e40-bcaf-02718409c5cf";
    timdesk_transfer_options options = TIMDESK_TRANSFER_OPTIONS_INIT;
    options.has_agent_group_id = true;
    options.agent_group_id = 3067;
    if (timdesk_transfer_to_human(client, session, &options, &agent, &queued, &err) != TIMDESK_STATUS_OK) goto done;
    printf("session %s is with %s%s\n", session, agent, queued ? " (queued)" : "");

    if (timdesk_message_body_new(&body, &err) != TIMDESK_STATUS_OK) goto done;
    if (timdesk_message_body_add_text(body, "Hello from C", &err) != TIMDESK_STATUS_OK) goto done;
    if (timdesk_message_body_add_card(body, "Order 42", "2 items", "https://example.com/p.jpg",
                                      "https://example.com/o/42", &err) != TIMDESK_STATUS_OK) goto done;
    timdesk_message msg = TIMDESK_MESSAGE_INIT;
    msg.session_id = session;
    msg.body = body;
    uint32_t msg_random = 0;
    if (timdesk_send_msg(client, &msg, &msg_random, &err) != TIMDESK_STATUS_OK) goto done;
    printf("sent MsgRandom %u\n", msg_random);
    rc = 0;

done:
    if (err != NULL) {
        fprintf(stderr, "error %u (%s, code %u): %s\n", timdesk_error_status(err), timdesk_error_kind(err),
                timdesk_error_code(err), timdesk_error_message(err));
    }
    timdesk_error_free(err);
    timdesk_string_free(agent);
    timdesk_message_body_free(body);
    timdesk_client_free(client);
    timdesk_emulator_free(emu);
    return rc;
}
