// timdesk_testing.hpp: the C++ side of libtimdesk_testing (timdesk_testing.h), the
// emulator of the Desk server for test suites. Link timdesk::testing (CMake) or
// timdesk-testing (pkg-config) beside the client library; applications do not.
//
//   timdesk::Emulator emulator;
//   timdesk::Client client(emulator.config());
#ifndef TIMDESK_TESTING_HPP
#define TIMDESK_TESTING_HPP

#include <cstdint>
#include <memory>
#include <string>

#include "timdesk.hpp"
#include "timdesk_testing.h"

namespace timdesk {

/// The built-in emulator, in-process on 127.0.0.1; stops when destroyed.
class Emulator {
public:
    /// The built-in app on a free port.
    Emulator() : Emulator(0, "", "", 0) {}

    Emulator(uint64_t sdkappid, const std::string &secret_key, const std::string &admin, uint16_t port) {
        timdesk_emulator *raw = nullptr;
        detail::call([&](timdesk_error **err) {
            return timdesk_emulator_start(sdkappid, detail::or_null("secret_key", secret_key), detail::or_null("admin", admin), port, &raw, err);
        });
        handle_.reset(raw);
    }

    std::string base_url() const { return timdesk_emulator_base_url(handle_.get()); }
    uint64_t sdkappid() const { return timdesk_emulator_sdkappid(handle_.get()); }
    std::string secret_key() const { return timdesk_emulator_secret_key(handle_.get()); }
    std::string admin() const { return timdesk_emulator_admin(handle_.get()); }

    /// A Config for a client of this emulator.
    Config config() const {
        Config c;
        c.sdkappid = sdkappid();
        c.secret_key = secret_key();
        c.admin = admin();
        c.endpoint = base_url();
        return c;
    }

    /// A control API call (method and path as under /__control); returns the JSON answer.
    std::string control(const std::string &method, const std::string &path, const std::string &body_json = "") const {
        char *answer = nullptr;
        detail::call([&](timdesk_error **err) { return timdesk_emulator_control(handle_.get(), detail::c_str("method", method), detail::c_str("path", path),
                                               detail::or_null("body_json", body_json), &answer, err); });
        return detail::take(answer);
    }

private:
    struct EmulatorDeleter {
        void operator()(timdesk_emulator *e) const noexcept { timdesk_emulator_free(e); }
    };
    std::unique_ptr<timdesk_emulator, EmulatorDeleter> handle_;
};

} // namespace timdesk

#endif // TIMDESK_TESTING_HPP
