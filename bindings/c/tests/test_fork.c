/* A client made before fork() works in the child and in the parent afterwards, as in a
 * prefork server (Apache prefork, PHP-FPM, daemons that fork workers); a grandchild too.
 * Built with -std=c11 -Wall -Wextra -Werror -pedantic; run plain and under valgrind.
 * Prints "N passed, M failed". */
#define _POSIX_C_SOURCE 200809L
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "timdesk.h"
#include "timdesk_testing.h"
#include "check.h"

#define ALICE "fd8a2e30-54de-4e40-bcaf-02718409c5cf"
#define TEXT_BODY "[{\"MsgType\":\"TIMTextElem\",\"MsgContent\":{\"Text\":\"hello\"}}]"


static int send_random(timdesk_client *client, uint32_t random) {
    timdesk_message msg = TIMDESK_MESSAGE_INIT;
    msg.session_id = ALICE;
    msg.msg_body_json = TEXT_BODY;
    msg.has_msg_random = true;
    msg.msg_random = random;
    timdesk_error *err = NULL;
    timdesk_status s = timdesk_send_msg(client, &msg, NULL, &err);
    if (s != TIMDESK_STATUS_OK) {
        fprintf(stderr, "pid %d: send_msg %u: %s\n", (int)getpid(), random, timdesk_error_message(err));
    }
    timdesk_error_free(err);
    return s == TIMDESK_STATUS_OK;
}

/* Waits up to 60 s (valgrind is slow) for a child; kills it when it hangs. */
static int wait_child(pid_t pid) {
    for (int i = 0; i < 6000; i++) {
        int status = 0;
        pid_t done = waitpid(pid, &status, WNOHANG);
        if (done == pid) {
            return WIFEXITED(status) ? WEXITSTATUS(status) : 100;
        }
        struct timespec tick = {0, 10 * 1000 * 1000};
        nanosleep(&tick, NULL);
    }
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
    fprintf(stderr, "child %d hung\n", (int)pid);
    return 101;
}

int main(void) {
    timdesk_emulator *emu = NULL;
    if (timdesk_emulator_start(0, NULL, NULL, 0, &emu, NULL) != TIMDESK_STATUS_OK) {
        fprintf(stderr, "cannot start the emulator\n");
        return 1;
    }
    timdesk_config config = TIMDESK_CONFIG_INIT;
    config.sdkappid = timdesk_emulator_sdkappid(emu);
    config.secret_key = timdesk_emulator_secret_key(emu);
    config.endpoint = timdesk_emulator_base_url(emu);
    timdesk_client *client = NULL;
    CHECK(timdesk_client_new(&config, &client, NULL) == TIMDESK_STATUS_OK);
    CHECK(send_random(client, 1)); /* the parent's I/O thread and connections exist */

    pid_t child = fork();
    if (child == 0) {
        int ok = send_random(client, 2) && send_random(client, 3);
        pid_t grandchild = fork();
        if (grandchild == 0) {
            int grand_ok = send_random(client, 4);
            timdesk_client_free(client);
            _exit(grand_ok ? 0 : 1);
        }
        ok = ok && wait_child(grandchild) == 0 && send_random(client, 5);
        timdesk_client_free(client);
        _exit(ok ? 0 : 1);
    }
    CHECK(send_random(client, 6)); /* the parent keeps working meanwhile */
    CHECK(wait_child(child) == 0);
    CHECK(send_random(client, 7));

    char *session = NULL;
    CHECK(timdesk_emulator_control(emu, "GET", "/sessions/" ALICE, NULL, &session, NULL) == TIMDESK_STATUS_OK);
    for (int r = 1; r <= 7; r++) {
        char needle[32];
        snprintf(needle, sizeof needle, "\"msg_random\":%d,", r);
        CHECK(session != NULL && strstr(session, needle) != NULL);
    }
    timdesk_string_free(session);
    timdesk_client_free(client);
    timdesk_emulator_free(emu);
    printf("%d passed, %d failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}
