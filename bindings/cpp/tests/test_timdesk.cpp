// The C++ wrapper against the in-process emulator (GoogleTest).
#include <atomic>
#include <functional>
#include <thread>
#include <type_traits>

#include <gtest/gtest.h>

#include "timdesk_testing.hpp"

namespace {

const std::string ALICE = "fd8a2e30-54de-4e40-bcaf-02718409c5cf";
const std::string BOB = "b0f4ca12-4850-4218-a284-efe679a87066";
timdesk::MessageBody text(const std::string &t = "hello") { return std::move(timdesk::MessageBody().text(t)); }

static_assert(!std::is_copy_constructible_v<timdesk::Client>, "Client is move-only");
static_assert(!std::is_copy_assignable_v<timdesk::Client>, "Client is move-only");
static_assert(std::is_nothrow_move_constructible_v<timdesk::Client>, "Client moves");
static_assert(!std::is_copy_constructible_v<timdesk::Emulator>, "Emulator is move-only");
static_assert(!std::is_copy_constructible_v<timdesk::CdrIterator>, "CdrIterator is move-only");
static_assert(!std::is_copy_constructible_v<timdesk::ChatMessageIterator>, "ChatMessageIterator is move-only");

class TimdeskTest : public ::testing::Test {
protected:
    timdesk::Emulator emulator;
    timdesk::Client client{[this] {
        auto c = emulator.config();
        c.retry_base_delay_ms = 5;
        return c;
    }()};
};

TEST_F(TimdeskTest, WholeSession) {
    timdesk::TransferOptions wanted;
    wanted.agent_ids = {"test_agent@qq.com"};
    auto t = client.transfer_to_human(ALICE, wanted);
    EXPECT_EQ(t.agent_id, "test_agent@qq.com");
    EXPECT_FALSE(t.in_queue);
    timdesk::MessageOptions options;
    options.msg_random = 77;
    options.cloud_custom_data = "ccd";
    EXPECT_EQ(client.send_msg_in_session(ALICE, text(), options), 77u);
    EXPECT_NE(emulator.control("GET", "/sessions/" + ALICE).find("\"msg_random\":77"), std::string::npos);
    timdesk::MessageBody card;
    card.card("Order 42", "2 items", "https://x/p.jpg", "https://x/o").text("a \"quoted\" line\n");
    EXPECT_EQ(card.size(), 2u);
    client.send_msg_between("shannon@qq.com", "user_alice", card);
    auto roaming = emulator.control("GET", "/conversations/user_alice");
    EXPECT_NE(roaming.find("Order 42"), std::string::npos) << roaming;
    EXPECT_NE(roaming.find(R"(a \"quoted\" line\n)"), std::string::npos) << roaming;
    EXPECT_THROW(timdesk::MessageBody().json(R"({"MsgContent":{}})"), timdesk::Error);
    timdesk::MessageBody every;
    every.custom("{}", "desc", "ext").face(3).location("Shenzhen", 22.5, 114.0).sound("https://x/s", 1, 2)
        .file("https://x/f", 3, "f.pdf").video("https://x/v", 1, 2, "mp4", "https://x/t", 3, 4, 5, "JPG");
    EXPECT_EQ(every.size(), 6u);
    try {
        timdesk::MessageBody().json(R"({"MsgType":"TIMFileElem","MsgContent":{"Url":"u","FileSize":1}})");
        ADD_FAILURE() << "a file element without FileName was accepted";
    } catch (const timdesk::Error &e) {
        EXPECT_NE(std::string(e.what()).find("MsgContent.FileName"), std::string::npos) << e.what();
    }
    client.end_session(ALICE);
    auto page = client.describe_im_cdr_list(0, 4000000000ull, 100);
    EXPECT_NE(page.find("\"TotalCount\":1"), std::string::npos);
    EXPECT_NE(page.find("AgentEndedSession"), std::string::npos);
    client.delete_recent_contact("user_alice", "shannon@qq.com", true);
    emulator.control("POST", "/conversations/user_alice/groups", R"({"group_id":"@TGS#1"})");
    client.delete_group_contact("user_alice", "@TGS#1");
    auto conversations = emulator.control("GET", "/conversations/user_alice");
    EXPECT_EQ(conversations.find("shannon@qq.com"), std::string::npos) << conversations;
    EXPECT_NE(conversations.find(R"("in_recent_contacts":false,"peer":"@TGS#1")"), std::string::npos) << conversations;
}

TEST_F(TimdeskTest, TransferOptionsReachTheServer) {
    timdesk::TransferOptions vip;
    vip.agent_group_id = 2473;
    vip.priority = 0;
    vip.queue_timeout = 60;
    EXPECT_EQ(client.transfer_to_human(ALICE, vip).agent_id, "test_agent@qq.com");
    timdesk::TransferOptions busy = vip;
    busy.disable_queuing = true;
    try {
        client.transfer_to_human(BOB, busy);
        FAIL() << "expected agents busy";
    } catch (const timdesk::Error &e) {
        EXPECT_EQ(e.status(), TIMDESK_STATUS_AGENT_BUSY);
        EXPECT_EQ(e.code(), 141012u);
    }
    EXPECT_TRUE(client.transfer_to_human(BOB, vip).in_queue);
    EXPECT_NE(emulator.control("GET", "/queue").find("\"priority\":0"), std::string::npos);
    timdesk::TransferOptions bad;
    bad.priority = 10;
    try {
        client.transfer_to_human(ALICE, bad);
        FAIL() << "expected an invalid argument";
    } catch (const timdesk::Error &e) {
        EXPECT_EQ(e.status(), TIMDESK_STATUS_INVALID_ARGUMENT);
        EXPECT_NE(std::string(e.what()).find("Priority"), std::string::npos);
    }
}

TEST_F(TimdeskTest, SendMsgIsAtMostOnceUnlessAskedOtherwise) {
    emulator.control("POST", "/clock", R"({"freeze_at":1700000000})");
    emulator.control("POST", "/faults", R"({"kind":"drop_after_apply","path":"desk_http_svc/send_msg"})");
    timdesk::MessageOptions options;
    options.msg_random = 91;
    try {
        client.send_msg_in_session(ALICE, text(), options);
        FAIL() << "expected a lost answer";
    } catch (const timdesk::Error &e) {
        EXPECT_TRUE(e.maybe_applied());
        EXPECT_NE(std::string(e.what()).find("MsgRandom 91"), std::string::npos);
    }
    auto config = emulator.config();
    config.retry_base_delay_ms = 5;
    config.send_msg_retry = timdesk::SendMsgRetry::at_least_once;
    timdesk::Client repeating(config);
    emulator.control("POST", "/faults", R"({"kind":"drop_after_apply","path":"desk_http_svc/send_msg"})");
    options.msg_random = 92;
    EXPECT_EQ(repeating.send_msg_in_session(ALICE, text(), options), 92u);
}

TEST(Config, EveryOptionReachesTheCore) {
    timdesk::Config c;
    c.sdkappid = 7;
    c.secret_key = "k";
    c.admin = "boss";
    c.endpoint = "http://127.0.0.1:9";
    c.timeout_ms = 1500;
    c.connect_timeout_ms = 500;
    c.max_attempts = 2;
    c.retry_base_delay_ms = 10;
    c.retry_max_delay_ms = 500;
    c.retry_max_elapsed_ms = 3000;
    c.usersig_ttl_s = 3600;
    c.proxy = "http://127.0.0.1:8";
    c.max_requests_per_second = 9;
    c.send_msg_retry = timdesk::SendMsgRetry::at_least_once;
    auto options = timdesk::Client(c).options_json();
    for (const char *want : {R"("sdkappid":7)", R"("admin":"boss")", R"("timeout":1.5)", R"("connect_timeout":0.5)",
                             R"("max_attempts":2)", R"("retry_base_delay":0.01)", R"("retry_max_delay":0.5)",
                             R"("retry_max_elapsed":3.0)", R"("usersig_ttl":3600)", R"("proxy":"<set>")",
                             R"("max_requests_per_second":9)", R"("send_msg_retry":"at_least_once")"}) {
        EXPECT_NE(options.find(want), std::string::npos) << want << " in " << options;
    }
}

TEST_F(TimdeskTest, ErrorsCarryTheCFields) {
    client.transfer_to_human(ALICE);
    try {
        client.transfer_to_human(ALICE);
        FAIL() << "expected NotTransferable";
    } catch (const timdesk::Error &e) {
        EXPECT_EQ(e.status(), TIMDESK_STATUS_NOT_TRANSFERABLE);
        EXPECT_EQ(e.kind(), "not_transferable");
        EXPECT_EQ(e.code(), 141003u);
        EXPECT_FALSE(e.retryable());
        EXPECT_FALSE(e.maybe_applied());
        EXPECT_NE(std::string(e.what()).find("141003"), std::string::npos);
    }
    EXPECT_THROW(client.end_session("5f0e2c4a-0000-4000-8000-000000000000"), timdesk::Error);
    EXPECT_THROW(client.send_msg_in_session(ALICE, timdesk::MessageBody()), timdesk::Error);
    EXPECT_THROW(client.call("no slash", "{}"), timdesk::Error);
    EXPECT_THROW(timdesk::Client(timdesk::Config{}), timdesk::Error);
    emulator.control("POST", "/faults", R"({"kind":"http_status","status":502,"count":-1})");
    try {
        client.end_session(BOB);
        FAIL() << "expected a server error";
    } catch (const timdesk::Error &e) {
        EXPECT_EQ(e.status(), TIMDESK_STATUS_SERVER);
        EXPECT_TRUE(e.retryable());
    }
    EXPECT_THROW(emulator.control("GET", "/nowhere"), timdesk::Error);
}

TEST_F(TimdeskTest, CdrIteratorAndGenericCall) {
    for (int i = 0; i < 105; ++i) {
        auto created = emulator.control("POST", "/sessions", R"({"client_user_id":"it","started_at":)" + std::to_string(7000 + i) + "}");
        auto id = created.substr(created.find("\"session_id\":\"") + 14, 36);
        emulator.control("POST", "/sessions/" + id + "/end");
    }
    auto records = client.cdrs(7000, 8000, std::string("it"));
    int count = 0;
    while (auto record = records.next()) {
        ++count;
        EXPECT_NE(record->find("UserEndedSession"), std::string::npos);
    }
    EXPECT_EQ(count, 105);
    EXPECT_FALSE(records.next().has_value());
    auto answer = client.call("desk_http_svc/transfer_to_human", R"({"SessionId":")" + ALICE + "\"}");
    EXPECT_NE(answer.find("shannon@qq.com"), std::string::npos);
}

TEST_F(TimdeskTest, ChatMessageIteratorWalksTheHistoryInOrder) {
    for (int i = 0; i < 110; ++i) {
        emulator.control("POST", std::string("/sessions/") + ALICE + "/messages",
                         R"({"from":"user","text":"line )" + std::to_string(i) + "\"}");
    }
    auto messages = client.chat_messages(ALICE, 1);
    int count = 0;
    std::string last;
    while (auto message = messages.next()) {
        ++count;
        last = *message;
    }
    EXPECT_GE(count, 110);
    EXPECT_NE(last.find("\"line 109\""), std::string::npos);
    EXPECT_FALSE(messages.next().has_value());
    try {
        client.chat_messages(ALICE, 3);
        ADD_FAILURE() << "order 3 was accepted";
    } catch (const timdesk::Error &e) {
        EXPECT_EQ(e.status(), TIMDESK_STATUS_INVALID_ARGUMENT);
        EXPECT_NE(std::string(e.what()).find("Order"), std::string::npos);
    }
}

TEST_F(TimdeskTest, MovedFromClientIsEmptyAndTheMovedToWorks) {
    timdesk::Client moved = std::move(client);
    EXPECT_EQ(client.get(), nullptr);
    EXPECT_NE(moved.get(), nullptr);
    EXPECT_EQ(moved.transfer_to_human(ALICE).agent_id, "shannon@qq.com");
    EXPECT_THROW(client.end_session(ALICE), timdesk::Error);
}

TEST_F(TimdeskTest, ThreadsShareOneClient) {
    std::atomic<int> ok{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&] {
            for (int i = 0; i < 20; ++i) {
                client.send_msg_between("shannon@qq.com", "user_dave", text());
                ++ok;
            }
        });
    }
    for (auto &t : threads) t.join();
    EXPECT_EQ(ok.load(), 80);
}

TEST_F(TimdeskTest, CallEndpointChecksTheModel) {
    EXPECT_NE(client.call_endpoint("get_session_state", R"({"SessionId":")" + BOB + R"("})").find("CurrentState"),
              std::string::npos);
    try {
        client.call_endpoint("modify_msg", R"({"SessionId":"x"})");
        FAIL() << "a body breaking the model must be refused";
    } catch (const timdesk::Error &e) {
        EXPECT_EQ(e.status(), TIMDESK_STATUS_INVALID_ARGUMENT);
    }
    try {
        client.call_endpoint("describe_im_cdr_list", R"({"StartTimestamp":0,"EndTimestamp":1,"Limti":5})");
        FAIL() << "a misspelt field must be refused";
    } catch (const timdesk::Error &e) {
        EXPECT_EQ(e.status(), TIMDESK_STATUS_INVALID_ARGUMENT);
        EXPECT_NE(std::string(e.what()).find("Limti: is not a field of describe_im_cdr_list"), std::string::npos)
            << e.what();
    }
}

TEST_F(TimdeskTest, GeneratedEndpointsAreTyped) {
    const std::string sid = "5d0c1f4e-2b7a-4c8e-9f3d-6a1b2c3d4e5f";
    emulator.control("POST", "/sessions", R"({"session_id":")" + sid + R"(","client_user_id":"gen_user"})");
    timdesk::GetSessionStateOptions by_session;
    by_session.session_id = sid;
    auto state = client.get_session_state(by_session);
    EXPECT_EQ(state.current_state, "Chatbot");
    EXPECT_EQ(state.agent_id, "");

    auto first = client.send_stream_msg(sid, "Hello, ");
    ASSERT_FALSE(first.msg_key.empty());
    timdesk::SendStreamMsgOptions last;
    last.msg_key = first.msg_key;
    last.finish = true;
    EXPECT_EQ(client.send_stream_msg(sid, "world", last).msg_key, first.msg_key);
    client.modify_msg(sid, first.msg_key, timdesk::MessageBody().text("edited \"text\""));

    timdesk::DescribeChatMessagesOptions page;
    page.limit = 10;
    auto history = client.describe_chat_messages(sid, page);
    EXPECT_GE(history.total_count, 1u);
    EXPECT_NE(history.messages_json.find(R"(edited \"text\")"), std::string::npos) << history.messages_json;

    try {
        client.end_queuing(sid);
        FAIL() << "a session not queued cannot leave the queue";
    } catch (const timdesk::Error &e) {
        EXPECT_EQ(e.code(), 141027);
    }
    page.limit = 1000;
    try {
        client.describe_chat_messages(sid, page);
        FAIL() << "Limit over the model's maximum must be refused";
    } catch (const timdesk::Error &e) {
        EXPECT_EQ(e.status(), TIMDESK_STATUS_INVALID_ARGUMENT);
        EXPECT_NE(std::string(e.what()).find("Limit"), std::string::npos) << e.what();
    }
}

// A C string ends at its first NUL byte: a string holding one is refused, naming the
// field, before anything is sent, instead of reaching the server cut short.
TEST_F(TimdeskTest, NulBytesAreRefusedNamingTheFieldAndNothingIsSent) {
    using namespace std::string_literals;
    const std::string sid = "8f2e3d4c-5b6a-4f7e-9d8c-0b1a2f3e4d5c";
    emulator.control("POST", "/sessions", R"({"session_id":")" + sid + R"(","client_user_id":"nul_user"})");
    auto refused = [](const std::string &what, const std::string &field, const std::function<void()> &f) {
        try {
            f();
            ADD_FAILURE() << what << ": not refused";
        } catch (const timdesk::Error &e) {
            EXPECT_EQ(e.status(), TIMDESK_STATUS_INVALID_ARGUMENT) << what;
            EXPECT_NE(std::string(e.what()).find(field + ": holds a NUL byte"), std::string::npos) << what << ": " << e.what();
        }
    };
    refused("a text element", "Text", [] { timdesk::MessageBody().text("visible\0hidden"s); });
    refused("end_session", "SessionId", [&] { client.end_session(sid + "\0"s); });
    timdesk::GetSessionStateOptions cut;
    cut.session_id = sid + "\0"s;
    refused("a generated method's option", "SessionId", [&] { client.get_session_state(cut); });
    refused("a generated method's argument", "Chunk", [&] { client.send_stream_msg(sid, "chunk\0"s); });
    refused("call's path", "path", [&] { client.call("desk_http_svc/end_session\0"s, R"({"SessionId":")" + sid + R"("})"); });
    refused("usersig::gen", "secret_key", [] { timdesk::usersig::gen(1400000000, "secret\0key"s, "administrator"); });

    // Nothing reached the server: the session is open and holds no message.
    timdesk::GetSessionStateOptions by;
    by.session_id = sid;
    EXPECT_EQ(client.get_session_state(by).current_state, "Chatbot");
    EXPECT_EQ(client.describe_chat_messages(sid).total_count, 0u);
}

TEST(UserSig, GenVerifyDecode) {
    auto sig = timdesk::usersig::gen(1400000000, "key", "admin", 600, std::string("\x01\x02", 2), 1700000000);
    auto doc = timdesk::usersig::verify(1400000000, "key", "admin", sig, 1700000001);
    EXPECT_NE(doc.find("\"userbuf_hex\":\"0102\""), std::string::npos);
    EXPECT_NE(timdesk::usersig::decode(sig).find("\"identifier\":\"admin\""), std::string::npos);
    try {
        timdesk::usersig::verify(1400000000, "key", "admin", sig, 1700000601);
        FAIL() << "expected expiry";
    } catch (const timdesk::Error &e) {
        EXPECT_EQ(e.status(), TIMDESK_STATUS_USERSIG_INVALID);
        EXPECT_EQ(e.kind(), "expired");
    }
    EXPECT_EQ(timdesk::version(), std::to_string(TIMDESK_VERSION_MAJOR) + "." + std::to_string(TIMDESK_VERSION_MINOR) +
                                      "." + std::to_string(TIMDESK_VERSION_PATCH));
}

TEST(Callbacks, VerifyRecognisesRetriesAndAnswers) {
    timdesk::callbacks::Verifier verifier(1400000000);
    const std::string query = "SdkAppid=1400000000&CallbackCommand=Desk.SessionEventNotify&RequestID=x1";
    const std::string body = R"({"CallbackCommand":"Desk.SessionEventNotify","SessionId":"s1","Event":"SessionBegin"})";
    auto json = verifier.verify(query, body);
    EXPECT_NE(json.find("\"session_id\":\"s1\""), std::string::npos);
    try {
        verifier.verify(query, body);
        FAIL() << "a retry must be recognised";
    } catch (const timdesk::Error &e) {
        EXPECT_EQ(e.status(), TIMDESK_STATUS_INVALID_ARGUMENT);
        EXPECT_EQ(e.kind(), "replayed");
    }
    EXPECT_THROW(timdesk::callbacks::Verifier(0), timdesk::Error);
    EXPECT_NE(timdesk::callbacks::assign_human_answer(7, {"a@x.com"}).find("\"AgentIdList\":[\"a@x.com\"]"),
              std::string::npos);
    EXPECT_NE(timdesk::callbacks::answer().find("\"ActionStatus\":\"OK\""), std::string::npos);
    EXPECT_THROW(timdesk::callbacks::answer(std::string("[1]")), timdesk::Error);
}

} // namespace
