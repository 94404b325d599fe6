// timdesk.h compiles as C++ (cpp_compat) and links from C++.
#include "timdesk.h"

int main() {
    timdesk_error_free(nullptr);
    return TIMDESK_STATUS_OK;
}
