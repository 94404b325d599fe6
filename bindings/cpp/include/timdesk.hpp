// timdesk.hpp: C++17 header-only wrapper over the C ABI of timdesk (timdesk.h).
//
// Move-only RAII classes own the C handles (std::unique_ptr with the C free function as
// deleter); every failure throws timdesk::Error carrying the C error's fields.
//
//   timdesk::Client client({.sdkappid = 1400000000, .secret_key = key, .region = "singapore"});
//   auto t = client.transfer_to_human(session_id);
//   client.send_msg_in_session(session_id, timdesk::MessageBody().text("Hi"));
#ifndef TIMDESK_HPP
#define TIMDESK_HPP

#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "timdesk.h"

namespace timdesk {

/// A failed call: the C status, kind, server code, message, and retry facts.
class Error : public std::runtime_error {
public:
    Error(timdesk_status status, std::string kind, uint32_t code, const std::string &message, bool retryable,
          bool maybe_applied)
        : std::runtime_error(message), status_(status), kind_(std::move(kind)), code_(code), retryable_(retryable),
          maybe_applied_(maybe_applied) {}

    /// The TIMDESK_STATUS_* value.
    timdesk_status status() const noexcept { return status_; }
    /// The kind, e.g. "no_agent_online" (for UserSig failures, the reason, e.g. "expired").
    const std::string &kind() const noexcept { return kind_; }
    /// The server's ErrorCode, 0 when the server did not answer with one.
    uint32_t code() const noexcept { return code_; }
    /// Whether the same request may succeed later.
    bool retryable() const noexcept { return retryable_; }
    /// Whether the request may have taken effect despite the failure.
    bool maybe_applied() const noexcept { return maybe_applied_; }

private:
    timdesk_status status_;
    std::string kind_;
    uint32_t code_;
    bool retryable_;
    bool maybe_applied_;
};

namespace detail {

struct ErrorDeleter {
    void operator()(timdesk_error *e) const noexcept { timdesk_error_free(e); }
};
struct StringDeleter {
    void operator()(char *s) const noexcept { timdesk_string_free(s); }
};
struct ClientDeleter {
    void operator()(timdesk_client *c) const noexcept { timdesk_client_free(c); }
};
struct CallbackVerifierDeleter {
    void operator()(timdesk_callback_verifier *v) const noexcept { timdesk_callback_verifier_free(v); }
};
struct MessageBodyDeleter {
    void operator()(timdesk_message_body *b) const noexcept { timdesk_message_body_free(b); }
};

/// Throws timdesk::Error unless `status` is OK; frees `raw` in every case.
inline void check(timdesk_status status, timdesk_error *raw) {
    std::unique_ptr<timdesk_error, ErrorDeleter> err(raw);
    if (status == TIMDESK_STATUS_OK) {
        return;
    }
    throw Error(status, timdesk_error_kind(err.get()), timdesk_error_code(err.get()),
                err ? timdesk_error_message(err.get()) : "timdesk call failed", timdesk_error_retryable(err.get()),
                timdesk_error_maybe_applied(err.get()));
}

/// Calls `f(&err)`, a C function returning a status, then throws on failure. The call is
/// sequenced before `err` is read (function arguments are evaluated in no set order).
template <typename F>
inline void call(F &&f) {
    timdesk_error *err = nullptr;
    timdesk_status status = f(&err);
    check(status, err);
}

/// Takes ownership of a library string.
inline std::string take(char *s) {
    std::unique_ptr<char, StringDeleter> owned(s);
    return owned ? std::string(owned.get()) : std::string();
}

/// `s` as a C string. A C string ends at its first NUL byte, so a string holding one would
/// reach the library cut short (a message text losing its end): it is refused instead,
/// naming `field`, before anything is sent.
inline const char *c_str(const char *field, const std::string &s) {
    auto at = s.find('\0');
    if (at != std::string::npos) {
        throw Error(TIMDESK_STATUS_INVALID_ARGUMENT, "invalid_argument", 0,
                    std::string("invalid argument: ") + field + ": holds a NUL byte (at byte " + std::to_string(at) +
                        "), which a C string cannot carry",
                    false, false);
    }
    return s.c_str();
}

/// NULL for an empty or absent string, so that C takes its default; otherwise c_str.
inline const char *or_null(const char *field, const std::string &s) { return s.empty() ? nullptr : c_str(field, s); }
inline const char *or_null(const char *field, const std::optional<std::string> &s) {
    return s ? c_str(field, *s) : nullptr;
}

} // namespace detail

/// What send_msg does after an attempt whose answer was lost. The server deduplicates a
/// MsgRandom within the same second only.
enum class SendMsgRetry : timdesk_send_msg_retry {
    /// Never repeat it: the Error says maybe_applied() and names the MsgRandom (default).
    at_most_once = TIMDESK_SEND_MSG_AT_MOST_ONCE,
    /// Repeat it with the same MsgRandom: nothing lost, but a repeat in a later second
    /// delivers the message twice.
    at_least_once = TIMDESK_SEND_MSG_AT_LEAST_ONCE,
};

/// How to build a Client; empty strings and zeros take the library's defaults.
struct Config {
    uint64_t sdkappid = 0;
    std::string secret_key;
    std::string admin;       ///< default "administrator"
    std::string region;      ///< china, singapore, seoul, tokyo, frankfurt, silicon-valley, jakarta, mumbai
    std::string endpoint;    ///< an explicit base URL instead of a region
    uint32_t timeout_ms = 0; ///< per attempt; default 10 s
    uint32_t connect_timeout_ms = 0;
    uint32_t max_attempts = 0;
    uint32_t retry_base_delay_ms = 0;
    std::string proxy;       ///< an http:// proxy URL, passed through by CONNECT; empty follows HTTPS_PROXY/NO_PROXY
    std::string ca_bundle_pem;
    uint32_t max_requests_per_second = 0; ///< client-side pacing across threads; 0 for none
    SendMsgRetry send_msg_retry = SendMsgRetry::at_most_once;
    uint32_t retry_max_delay_ms = 0;   ///< longest delay between attempts; default 2 s
    uint32_t retry_max_elapsed_ms = 0; ///< no retry starts after this; default 15 s
    uint32_t usersig_ttl_s = 0;        ///< administrator UserSig validity; default a day
};

/// The options of transfer_to_human (the wire names in brackets); unset ones are the
/// server's defaults.
struct TransferOptions {
    std::vector<std::string> agent_ids;           ///< [AgentIdList]
    std::optional<uint64_t> agent_group_id;       ///< [AgentGroupId]
    bool send_tip_if_no_agent_online = false;     ///< [SendTipIfNoAgentOnline]
    bool check_if_during_working_hours = false;   ///< [CheckIfDuringWorkingHours]
    bool send_prompt_not_during_working_hours = false; ///< [SendPromptNotDuringWorkingHours]
    bool end_session_when_no_member_online = false; ///< [EndSessionWhenNoMemberOnline]
    bool disable_queuing = false;                 ///< [DisableQueuing]
    bool allow_assign_busy_member = false;        ///< [AllowAssignBusyMember]
    std::optional<uint8_t> priority;              ///< [Priority] lower first; model bounds
    std::optional<uint32_t> queue_timeout;        ///< [QueueTimeout]
};

/// The outcome of transfer_to_human.
struct Transfer {
    std::string agent_id; ///< "" while queued or outside working hours
    bool in_queue = false;
};

} // namespace timdesk

#include "timdesk_elements.hpp"

namespace timdesk {

/// A message body built element by element (no JSON by hand); move-only. The builders of
/// the declared elements (`text`, `custom`, `card`, `face`, `location`, `sound`, `file`,
/// `video`) come from ElementBuilders (timdesk_elements.hpp, generated).
class MessageBody : public ElementBuilders<MessageBody> {
public:
    MessageBody() {
        timdesk_message_body *raw = nullptr;
        detail::call([&](timdesk_error **err) { return timdesk_message_body_new(&raw, err); });
        body_.reset(raw);
    }

    /// Any element from its JSON form (an image, or a MsgType this library does not declare);
    /// a declared MsgType missing a required content field is refused, naming it.
    MessageBody &json(const std::string &element_json) {
        detail::call(
            [&](timdesk_error **err) { return timdesk_message_body_add_json(get(), detail::c_str("element_json", element_json), err); });
        return *this;
    }

    /// How many elements.
    size_t size() const noexcept { return timdesk_message_body_len(get()); }

    /// The C handle, still owned by this object.
    timdesk_message_body *get() const noexcept { return body_.get(); }

private:
    std::unique_ptr<timdesk_message_body, detail::MessageBodyDeleter> body_;
};

/// Optional fields of a message.
struct MessageOptions {
    std::optional<uint32_t> msg_random;   ///< generated when absent; kept across retries
    std::optional<std::string> cloud_custom_data;
    bool exclude_from_user_resp_timeout = false;
};

namespace detail {
/// A C page iterator (`Next` gives JSON text, `Free` ends it) as a move-only object.
template <typename Iter, timdesk_status (*Next)(Iter *, char **, timdesk_error **), void (*Free)(Iter *)>
class JsonPages {
public:
    explicit JsonPages(Iter *raw) : iter_(raw) {}

    /// The next item as JSON, or nothing when the walk is over.
    std::optional<std::string> next() {
        char *item = nullptr;
        timdesk_error *err = nullptr;
        timdesk_status status = Next(iter_.get(), &item, &err);
        if (status == TIMDESK_STATUS_DONE) {
            timdesk_error_free(err);
            return std::nullopt;
        }
        check(status, err);
        return take(item);
    }

private:
    struct Deleter {
        void operator()(Iter *i) const noexcept { Free(i); }
    };
    std::unique_ptr<Iter, Deleter> iter_;
};
}  // namespace detail

/// Iterates over CDR records (JSON text each), fetching a page at a time as needed.
using CdrIterator = detail::JsonPages<timdesk_cdr_iter, timdesk_cdr_iter_next, timdesk_cdr_iter_free>;

/// Iterates over a session's messages (the server's JSON object each: FromAccount,
/// FromAccountRole, MsgBody, Timestamp), fetching a page at a time as needed.
using ChatMessageIterator = detail::JsonPages<timdesk_chat_message_iter, timdesk_chat_message_iter_next,
                                              timdesk_chat_message_iter_free>;

} // namespace timdesk

// The generated endpoints' option and answer structs and the Endpoints base of Client
// (timdesk-codegen, from models/).
#include "timdesk_endpoints.hpp"

namespace timdesk {

/// A client of one application's server API; move-only, safe to share across threads
/// by reference. The generated endpoints' methods come from its base Endpoints
/// (timdesk_endpoints.hpp).
class Client : public Endpoints<Client> {
public:
    explicit Client(const Config &c) {
        timdesk_config config{};
        config.size = sizeof config;
        config.sdkappid = c.sdkappid;
        config.secret_key = detail::c_str("secret_key", c.secret_key);
        config.admin = detail::or_null("admin", c.admin);
        config.region = detail::or_null("region", c.region);
        config.endpoint = detail::or_null("endpoint", c.endpoint);
        config.timeout_ms = c.timeout_ms;
        config.connect_timeout_ms = c.connect_timeout_ms;
        config.max_attempts = c.max_attempts;
        config.retry_base_delay_ms = c.retry_base_delay_ms;
        config.proxy = detail::or_null("proxy", c.proxy);
        config.ca_bundle_pem = detail::or_null("ca_bundle_pem", c.ca_bundle_pem);
        config.max_requests_per_second = c.max_requests_per_second;
        config.send_msg_retry = static_cast<timdesk_send_msg_retry>(c.send_msg_retry);
        config.retry_max_delay_ms = c.retry_max_delay_ms;
        config.retry_max_elapsed_ms = c.retry_max_elapsed_ms;
        config.usersig_ttl_s = c.usersig_ttl_s;
        timdesk_client *raw = nullptr;
        detail::call([&](timdesk_error **err) { return timdesk_client_new(&config, &raw, err); });
        handle_.reset(raw);
    }

    /// A client from the TIMDESK_* environment variables.
    static Client from_env() {
        timdesk_client *raw = nullptr;
        detail::call([&](timdesk_error **err) { return timdesk_client_from_env(&raw, err); });
        return Client(raw);
    }

    Client(Client &&) noexcept = default;
    Client &operator=(Client &&) noexcept = default;
    Client(const Client &) = delete;
    Client &operator=(const Client &) = delete;

    /// desk_http_svc/transfer_to_human.
    Transfer transfer_to_human(const std::string &session_id, const TransferOptions &o = {}) const {
        std::vector<const char *> ids;
        for (const auto &id : o.agent_ids) {
            ids.push_back(detail::c_str("agent_ids", id));
        }
        timdesk_transfer_options options{};
        options.size = sizeof options;
        options.agent_ids = ids.data();
        options.agent_ids_len = ids.size();
        options.has_agent_group_id = o.agent_group_id.has_value();
        options.agent_group_id = o.agent_group_id.value_or(0);
        options.send_tip_if_no_agent_online = o.send_tip_if_no_agent_online;
        options.check_if_during_working_hours = o.check_if_during_working_hours;
        options.send_prompt_not_during_working_hours = o.send_prompt_not_during_working_hours;
        options.end_session_when_no_member_online = o.end_session_when_no_member_online;
        options.disable_queuing = o.disable_queuing;
        options.allow_assign_busy_member = o.allow_assign_busy_member;
        options.has_priority = o.priority.has_value();
        options.priority = o.priority.value_or(0);
        options.has_queue_timeout = o.queue_timeout.has_value();
        options.queue_timeout = o.queue_timeout.value_or(0);
        char *agent = nullptr;
        bool queued = false;
        detail::call([&](timdesk_error **err) {
            return timdesk_transfer_to_human(get(), detail::c_str("SessionId", session_id), &options, &agent, &queued, err);
        });
        return Transfer{detail::take(agent), queued};
    }

    /// desk_http_svc/send_msg within a session. Returns the MsgRandom used. At most once
    /// unless the Config asks for at least once.
    uint32_t send_msg_in_session(const std::string &session_id, const MessageBody &body,
                                 const MessageOptions &options = {}) const {
        timdesk_message m = message();
        m.session_id = detail::c_str("SessionId", session_id);
        return send(m, body, options);
    }

    /// desk_http_svc/send_msg from a customer-service account to a user.
    uint32_t send_msg_between(const std::string &from_account, const std::string &to_account,
                              const MessageBody &body, const MessageOptions &options = {}) const {
        timdesk_message m = message();
        m.from_account = detail::c_str("FromAccount", from_account);
        m.to_account = detail::c_str("ToAccount", to_account);
        return send(m, body, options);
    }

    /// desk_http_svc/end_session.
    void end_session(const std::string &session_id) const {
        detail::call([&](timdesk_error **err) { return timdesk_end_session(get(), detail::c_str("SessionId", session_id), err); });
    }

    /// desk_http_svc/describe_im_cdr_list: one page as JSON {"TotalCount", "IMCdrList"}.
    std::string describe_im_cdr_list(uint64_t start, uint64_t end, uint32_t limit = 0, uint32_t offset = 0,
                                     const std::optional<std::string> &client_user_id = std::nullopt) const {
        char *page = nullptr;
        detail::call([&](timdesk_error **err) { return timdesk_describe_im_cdr_list(get(), start, end, limit, offset, detail::or_null("ClientUserId", client_user_id),
                                                   &page, err); });
        return detail::take(page);
    }

    /// Every CDR record of [start, end], lazily.
    CdrIterator cdrs(uint64_t start, uint64_t end,
                     const std::optional<std::string> &client_user_id = std::nullopt) const {
        timdesk_cdr_iter *iter = nullptr;
        detail::call([&](timdesk_error **err) { return timdesk_cdr_iter_new(get(), start, end, detail::or_null("ClientUserId", client_user_id), &iter, err); });
        return CdrIterator(iter);
    }

    /// Every message of a session, lazily: `order` 1 oldest first, 2 newest first, 0 the
    /// server's default (newest first). A bad order throws before any request.
    ChatMessageIterator chat_messages(const std::string &session_id, uint32_t order = 0) const {
        timdesk_chat_message_iter *iter = nullptr;
        detail::call([&](timdesk_error **err) { return timdesk_chat_message_iter_new(get(), detail::c_str("SessionId", session_id), order, &iter, err); });
        return ChatMessageIterator(iter);
    }

    /// recentcontact/delete of a one-to-one conversation.
    void delete_recent_contact(const std::string &from_account, const std::string &to_account,
                               bool clear_roaming = false) const {
        detail::call([&](timdesk_error **err) { return timdesk_delete_recent_contact(get(), detail::c_str("From_Account", from_account), detail::c_str("To_Account", to_account), nullptr,
                                                    clear_roaming, err); });
    }

    /// recentcontact/delete of a group conversation.
    void delete_group_contact(const std::string &from_account, const std::string &group_id,
                              bool clear_roaming = false) const {
        detail::call([&](timdesk_error **err) { return timdesk_delete_recent_contact(get(), detail::c_str("From_Account", from_account), nullptr, detail::c_str("ToGroupid", group_id),
                                                    clear_roaming, err); });
    }

    /// Any v4 endpoint ("service/command") with a JSON body; returns the JSON answer.
    std::string call(const std::string &path, const std::string &body_json, bool idempotent = false) const {
        char *answer = nullptr;
        detail::call([&](timdesk_error **err) { return timdesk_call(get(), detail::c_str("path", path), detail::c_str("body_json", body_json), idempotent, &answer, err); });
        return detail::take(answer);
    }

    /// A modelled endpoint by name (e.g. "get_session_state"; see docs/api.md) with a JSON
    /// object body, checked against its model before sending; returns the JSON answer.
    std::string call_endpoint(const std::string &name, const std::string &body_json) const {
        char *answer = nullptr;
        detail::call([&](timdesk_error **err) { return timdesk_call_endpoint(get(), detail::c_str("name", name), detail::c_str("body_json", body_json), &answer, err); });
        return detail::take(answer);
    }

    /// The options the client was made with, as JSON: what the core really uses.
    std::string options_json() const {
        char *json = nullptr;
        detail::call([&](timdesk_error **err) { return timdesk_client_options_json(get(), &json, err); });
        return detail::take(json);
    }

    /// The C handle, still owned by this object.
    timdesk_client *get() const noexcept { return handle_.get(); }

private:
    explicit Client(timdesk_client *raw) : handle_(raw) {}

    static timdesk_message message() {
        timdesk_message m{};
        m.size = sizeof m;
        return m;
    }

    uint32_t send(timdesk_message &m, const MessageBody &body, const MessageOptions &options) const {
        m.body = body.get();
        m.cloud_custom_data = detail::or_null("CloudCustomData", options.cloud_custom_data);
        m.exclude_from_user_resp_timeout = options.exclude_from_user_resp_timeout;
        m.has_msg_random = options.msg_random.has_value();
        m.msg_random = options.msg_random.value_or(0);
        uint32_t random = 0;
        detail::call([&](timdesk_error **err) { return timdesk_send_msg(get(), &m, &random, err); });
        return random;
    }

    std::unique_ptr<timdesk_client, detail::ClientDeleter> handle_;
};

/// UserSig tools.
namespace usersig {

/// A UserSig for `identifier`, valid `expire` seconds from `time` (negative: now).
inline std::string gen(uint64_t sdkappid, const std::string &secret_key, const std::string &identifier,
                       uint64_t expire = 180ull * 86400, const std::optional<std::string> &userbuf = std::nullopt,
                       int64_t time = -1) {
    char *sig = nullptr;
    const uint8_t *buf = userbuf ? reinterpret_cast<const uint8_t *>(userbuf->data()) : nullptr;
    detail::call([&](timdesk_error **err) {
        return timdesk_usersig_gen(sdkappid, detail::c_str("secret_key", secret_key), detail::c_str("identifier", identifier), expire, buf,
                                   userbuf ? userbuf->size() : 0, time, &sig, err);
    });
    return detail::take(sig);
}

/// Verifies a UserSig (expiry judged at `at`, negative: now); returns its fields as JSON
/// or throws Error with status TIMDESK_STATUS_USERSIG_INVALID and the reason as kind().
inline std::string verify(uint64_t sdkappid, const std::string &secret_key, const std::string &identifier,
                          const std::string &usersig, int64_t at = -1) {
    char *doc = nullptr;
    detail::call([&](timdesk_error **err) {
        return timdesk_usersig_verify(sdkappid, detail::c_str("secret_key", secret_key), detail::c_str("identifier", identifier),
                                      detail::c_str("usersig", usersig), at, &doc, err);
    });
    return detail::take(doc);
}

/// Decodes a UserSig without the key; returns its fields as JSON.
inline std::string decode(const std::string &usersig) {
    char *doc = nullptr;
    detail::call([&](timdesk_error **err) { return timdesk_usersig_decode(detail::c_str("usersig", usersig), &doc, err); });
    return detail::take(doc);
}

} // namespace usersig

/// Desk callbacks (webhooks): verification and answers.
namespace callbacks {

/// Checks and parses one application's callbacks; thread-safe. Keep one per app so that
/// retries (a RequestID already handled) are recognised.
class Verifier {
public:
    /// Verifies `sdkappid`'s callbacks; with a `token`, every callback must carry a
    /// matching Sign and a RequestTime within a minute.
    explicit Verifier(uint64_t sdkappid, const std::optional<std::string> &token = std::nullopt) {
        timdesk_callback_verifier *raw = nullptr;
        detail::call([&](timdesk_error **err) {
            return timdesk_callback_verifier_new(sdkappid, detail::or_null("token", token), &raw, err);
        });
        handle_.reset(raw);
    }

    /// Verifies a callback (the URL's query string and the body); returns it as JSON with
    /// `command` and snake_case fields, or throws Error (TIMDESK_STATUS_INVALID_ARGUMENT)
    /// whose kind() is the reason: "replayed", "malformed", "wrong_sdkappid", ...
    std::string verify(const std::string &query, const std::string &body) const {
        char *json = nullptr;
        detail::call([&](timdesk_error **err) {
            return timdesk_callback_verify(handle_.get(), detail::c_str("query", query), reinterpret_cast<const uint8_t *>(body.data()),
                                           body.size(), &json, err);
        });
        return detail::take(json);
    }

private:
    std::unique_ptr<timdesk_callback_verifier, detail::CallbackVerifierDeleter> handle_;
};

/// The JSON answer to ChatBot.OnAssignHuman: the group (negative for none) and/or agents.
inline std::string assign_human_answer(int64_t agent_group_id, const std::vector<std::string> &agent_ids = {}) {
    std::vector<const char *> ids;
    for (const auto &id : agent_ids) {
        ids.push_back(detail::c_str("agent_ids", id));
    }
    char *json = nullptr;
    detail::call([&](timdesk_error **err) {
        return timdesk_callback_assign_human_answer(agent_group_id, ids.data(), ids.size(), &json, err);
    });
    return detail::take(json);
}

/// The JSON answer to Chatbot.InterfaceInvocation returning `variables_json` (an object);
/// without it, the acknowledgement of Desk.SessionEventNotify.
inline std::string answer(const std::optional<std::string> &variables_json = std::nullopt) {
    char *json = nullptr;
    detail::call([&](timdesk_error **err) { return timdesk_callback_answer(detail::or_null("variables_json", variables_json), &json, err); });
    return detail::take(json);
}

} // namespace callbacks

/// The library's version, e.g. "0.1.0".
inline std::string version() { return timdesk_version(); }

} // namespace timdesk

#endif // TIMDESK_HPP
