/* A program built from the release archive alone (pkg-config from the unpacked
 * archive): it signs and verifies a UserSig and reports the library's version. */
#include <stdio.h>
#include <string.h>

#include <timdesk.h>

int main(void) {
    char *sig = NULL;
    if (timdesk_usersig_gen(1400000000, "key", "consumer", 600, NULL, 0, -1, &sig, NULL) != TIMDESK_STATUS_OK) {
        fprintf(stderr, "timdesk_usersig_gen failed\n");
        return 1;
    }
    timdesk_status verified = timdesk_usersig_verify(1400000000, "key", "consumer", sig, -1, NULL, NULL);
    timdesk_string_free(sig);
    printf("timdesk %s: UserSig %s\n", timdesk_version(), verified == TIMDESK_STATUS_OK ? "verified" : "refused");
    return verified == TIMDESK_STATUS_OK ? 0 : 1;
}
