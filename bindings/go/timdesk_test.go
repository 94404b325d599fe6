package timdesk_test

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"reflect"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	timdesk "github.com/timdesk/timdesk/bindings/go"
	"github.com/timdesk/timdesk/bindings/go/timdesktest"
)

const (
	alice = "fd8a2e30-54de-4e40-bcaf-02718409c5cf"
	bob   = "b0f4ca12-4850-4218-a284-efe679a87066"
	carol = "a97d3e1f-a88b-403b-9b3a-7bc6554ea05d"
)

// ctx is the context of the calls whose context is not what a test is about.
var ctx = context.Background()

func setup(t testing.TB) (*timdesktest.Emulator, *timdesk.Client) {
	t.Helper()
	emu, err := timdesktest.StartEmulator()
	if err != nil {
		t.Fatal(err)
	}
	cfg := emu.Config()
	cfg.RetryBaseDelay = 5 * time.Millisecond
	client, err := timdesk.NewClient(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		client.Close()
		emu.Close()
	})
	return emu, client
}

func control(t *testing.T, emu *timdesktest.Emulator, method, path string, body any) json.RawMessage {
	t.Helper()
	answer, err := emu.Control(method, path, body)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	return answer
}

func TestWholeSession(t *testing.T) {
	emu, client := setup(t)
	group := uint64(3067)
	tr, err := client.TransferToHuman(ctx, alice, timdesk.TransferOptions{AgentGroupID: &group})
	if err != nil || tr.AgentID != "shannon@qq.com" || tr.IsInQueue {
		t.Fatalf("transfer: %+v %v", tr, err)
	}
	random := uint32(99)
	card := timdesk.Card("Order", "2 items", "p", "u")
	sound := timdesk.JSONElement(`{"MsgType":"TIMSoundElem","MsgContent":{"Url":"https://x/s.mp3","Size":1,"Second":1}}`)
	body := []timdesk.Element{timdesk.Text(`a "quoted" line`), card, sound}
	got, err := client.SendMsg(ctx, timdesk.Message{SessionID: alice, Body: body, MsgRandom: &random, CloudCustomData: "ccd"})
	if err != nil || got != 99 {
		t.Fatalf("send: %d %v", got, err)
	}
	session := string(control(t, emu, "GET", "/sessions/"+alice, nil))
	if !strings.Contains(session, `"msg_random":99`) || !strings.Contains(session, "TIMCustomElem") ||
		!strings.Contains(session, `a \"quoted\" line`) || !strings.Contains(session, "TIMSoundElem") {
		t.Fatalf("not delivered: %s", session)
	}
	if _, err := client.SendMsg(ctx, timdesk.Message{SessionID: alice, Body: []timdesk.Element{{}}}); !errors.Is(err, timdesk.ErrInvalidArgument) {
		t.Fatalf("a zero Element: %v", err)
	}
	if _, err := client.SendMsg(ctx, timdesk.Message{SessionID: alice, Body: []timdesk.Element{timdesk.JSONElement(`{"MsgContent":{}}`)}}); !errors.Is(err, timdesk.ErrInvalidArgument) {
		t.Fatalf("an element without MsgType: %v", err)
	}
	if err := client.EndSession(ctx, alice); err != nil {
		t.Fatal(err)
	}
	page, err := client.DescribeIMCdrList(ctx, timdesk.CdrQuery{Start: 0, End: 4_000_000_000, Limit: 100})
	if err != nil || page.TotalCount != 1 || page.Records[0].SessionID != alice || page.Records[0].EndStatus != "AgentEndedSession" {
		t.Fatalf("cdr: %+v %v", page, err)
	}
	if _, err := client.SendMsg(ctx, timdesk.Message{FromAccount: "shannon@qq.com", ToAccount: "user_alice", Body: []timdesk.Element{timdesk.Text("bye")}}); err != nil {
		t.Fatal(err)
	}
	if err := client.DeleteRecentContact(ctx, "user_alice", "shannon@qq.com", "", true); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(control(t, emu, "GET", "/conversations/user_alice", nil)), "shannon@qq.com") {
		t.Fatal("conversation not deleted")
	}
}

func TestErrorsMatchSentinelsAndCarryFields(t *testing.T) {
	emu, client := setup(t)
	if _, err := client.TransferToHuman(ctx, alice, timdesk.TransferOptions{}); err != nil {
		t.Fatal(err)
	}
	_, err := client.TransferToHuman(ctx, alice, timdesk.TransferOptions{})
	var e *timdesk.Error
	if !errors.Is(err, timdesk.ErrNotTransferable) || !errors.As(err, &e) || e.Code != 141003 || e.Retryable {
		t.Fatalf("got %#v", err)
	}
	if err := client.EndSession(ctx, "5f0e2c4a-0000-4000-8000-000000000000"); !errors.Is(err, timdesk.ErrNotFound) {
		t.Fatalf("got %v", err)
	}
	if _, err := client.SendMsg(ctx, timdesk.Message{SessionID: alice}); !errors.Is(err, timdesk.ErrInvalidArgument) || !strings.Contains(err.Error(), "MsgBody") {
		t.Fatalf("got %v", err)
	}
	if _, err := client.Call(ctx, "bad path", map[string]any{}, false); !errors.Is(err, timdesk.ErrInvalidArgument) {
		t.Fatalf("got %v", err)
	}
	control(t, emu, "POST", "/agents/shannon@qq.com/online", map[string]any{"online": false})
	control(t, emu, "POST", "/agents/test_agent@qq.com/online", map[string]any{"online": false})
	if _, err := client.TransferToHuman(ctx, bob, timdesk.TransferOptions{SendTipIfNoAgentOnline: true}); !errors.Is(err, timdesk.ErrNoAgentOnline) {
		t.Fatalf("got %v", err)
	}
	control(t, emu, "POST", "/faults", map[string]any{"kind": "http_status", "status": 502, "count": -1})
	if err := client.EndSession(ctx, carol); !errors.Is(err, timdesk.ErrServer) || !errors.As(err, &e) || !e.Retryable {
		t.Fatalf("got %v", err)
	}
	control(t, emu, "DELETE", "/faults", nil)
	if _, err := emu.Control("GET", "/nowhere", nil); !errors.Is(err, timdesk.ErrEmulator) {
		t.Fatalf("got %v", err)
	}
	if _, err := timdesk.NewClient(timdesk.Config{SDKAppID: 1}); !errors.Is(err, timdesk.ErrInvalidArgument) || !strings.Contains(err.Error(), "secret_key") {
		t.Fatalf("got %v", err)
	}
}

func storedRandoms(t *testing.T, emu *timdesktest.Emulator, session string) []uint64 {
	t.Helper()
	var state struct {
		Messages []struct {
			MsgRandom uint64 `json:"msg_random"`
		}
	}
	if err := json.Unmarshal(control(t, emu, "GET", "/sessions/"+session, nil), &state); err != nil {
		t.Fatal(err)
	}
	randoms := []uint64{}
	for _, m := range state.Messages {
		randoms = append(randoms, m.MsgRandom)
	}
	return randoms
}

func TestSendMsgIsAtMostOnceByDefault(t *testing.T) {
	emu, client := setup(t)
	control(t, emu, "POST", "/faults", map[string]any{"kind": "drop_after_apply", "path": "desk_http_svc/send_msg"})
	random := uint32(31)
	_, err := client.SendMsg(ctx, timdesk.Message{SessionID: alice, Body: []timdesk.Element{timdesk.Text("once")}, MsgRandom: &random})
	var e *timdesk.Error
	if !errors.As(err, &e) || !e.MaybeApplied || !strings.Contains(e.Message, "MsgRandom 31") {
		t.Fatalf("got %v", err)
	}
	if got := storedRandoms(t, emu, alice); len(got) != 1 || got[0] != 31 {
		t.Fatalf("stored %v: applied once, not repeated", got)
	}
}

func TestSendMsgAtLeastOnceRepeatsWithinTheSecond(t *testing.T) {
	emu, _ := setup(t)
	control(t, emu, "POST", "/clock", map[string]any{"freeze_at": 1700000000})
	cfg := emu.Config()
	cfg.RetryBaseDelay = 5 * time.Millisecond
	cfg.SendMsgRetry = timdesk.AtLeastOnce
	client, err := timdesk.NewClient(cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	control(t, emu, "POST", "/faults", map[string]any{"kind": "drop_after_apply", "path": "desk_http_svc/send_msg"})
	if _, err := client.SendMsg(ctx, timdesk.Message{SessionID: alice, Body: []timdesk.Element{timdesk.Text("once")}}); err != nil {
		t.Fatal(err)
	}
	if got := storedRandoms(t, emu, alice); len(got) != 1 {
		t.Fatalf("stored %v", got)
	}
}

func TestTransferOptionsReachTheServer(t *testing.T) {
	emu, client := setup(t)
	group, priority, timeout := uint64(2473), uint8(1), uint32(600)
	opts := timdesk.TransferOptions{AgentGroupID: &group, Priority: &priority, QueueTimeout: &timeout}
	if got, err := client.TransferToHuman(ctx, alice, opts); err != nil || got.AgentID != "test_agent@qq.com" {
		t.Fatalf("%+v %v", got, err)
	}
	busy := opts
	busy.DisableQueuing = true
	if _, err := client.TransferToHuman(ctx, bob, busy); !errors.Is(err, timdesk.ErrAgentBusy) {
		t.Fatalf("got %v", err)
	}
	if got, err := client.TransferToHuman(ctx, bob, opts); err != nil || !got.IsInQueue {
		t.Fatalf("%+v %v", got, err)
	}
	if queue := string(control(t, emu, "GET", "/queue", nil)); !strings.Contains(queue, `"priority":1`) {
		t.Fatal(queue)
	}
	bad := uint8(10)
	if _, err := client.TransferToHuman(ctx, carol, timdesk.TransferOptions{Priority: &bad, AgentIDs: []string{"a@x.com"}}); !errors.Is(err, timdesk.ErrInvalidArgument) || !strings.Contains(err.Error(), "Priority") {
		t.Fatalf("got %v", err)
	}
}

func TestEveryCoreErrorKindHasItsSentinel(t *testing.T) {
	core := timdesk.CoreKinds()
	if len(core) != len(timdesk.KindSentinels) {
		t.Fatalf("the core has %d kinds, Go %d", len(core), len(timdesk.KindSentinels))
	}
	for _, sentinel := range timdesk.KindSentinels {
		status, ok := core[sentinel.Kind]
		if !ok || status != sentinel.Status {
			t.Fatalf("sentinel %s (status %d): core says %d, %v", sentinel.Kind, sentinel.Status, status, ok)
		}
		for _, other := range timdesk.KindSentinels {
			if other != sentinel && errors.Is(sentinel, other) {
				t.Fatalf("%s matches %s", sentinel.Kind, other.Kind)
			}
		}
		if errors.Is(sentinel, timdesk.ErrClosed) || errors.Is(timdesk.ErrClosed, sentinel) {
			t.Fatalf("%s and ErrClosed are not distinguishable", sentinel.Kind)
		}
	}
}

func TestCdrIteratorAndCall(t *testing.T) {
	emu, client := setup(t)
	for i := 0; i < 120; i++ {
		var created struct {
			SessionID string `json:"session_id"`
		}
		json.Unmarshal(control(t, emu, "POST", "/sessions", map[string]any{"client_user_id": "go", "started_at": 3000 + i}), &created)
		control(t, emu, "POST", "/sessions/"+created.SessionID+"/end", map[string]any{"end_status": "UserTimeout"})
	}
	count := 0
	for record, err := range client.Cdrs(ctx, 3000, 4000, "go") {
		if err != nil {
			t.Fatal(err)
		}
		if record.EndStatus != "UserTimeout" {
			t.Fatalf("%+v", record)
		}
		count++
	}
	if count != 120 {
		t.Fatalf("%d records", count)
	}
	answer, err := client.Call(ctx, "desk_http_svc/transfer_to_human", map[string]any{"SessionId": alice}, false)
	if err != nil || answer["AgentId"] != "shannon@qq.com" {
		t.Fatalf("%v %v", answer, err)
	}
}

func TestCloseIsIdempotentAndLaterCallsFail(t *testing.T) {
	_, client := setup(t)
	if err := client.Close(); err != nil {
		t.Fatal(err)
	}
	if err := client.Close(); err != nil {
		t.Fatal(err)
	}
	if err := client.EndSession(ctx, alice); !errors.Is(err, timdesk.ErrClosed) {
		t.Fatalf("got %v", err)
	}
}

func TestGoroutinesShareOneClient(t *testing.T) {
	_, client := setup(t)
	var wg sync.WaitGroup
	errs := make(chan error, 200)
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 25; i++ {
				_, err := client.SendMsg(ctx, timdesk.Message{FromAccount: "shannon@qq.com", ToAccount: "user_dave", Body: []timdesk.Element{timdesk.Text("x")}})
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
}

func TestUserSig(t *testing.T) {
	issued := time.Unix(1_700_000_000, 0)
	sig, err := timdesk.GenUserSig(1400000000, "key", "admin", 10*time.Minute, []byte{1, 2}, issued)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := timdesk.VerifyUserSig(1400000000, "key", "admin", sig, issued.Add(time.Minute))
	if err != nil || doc.Identifier != "admin" || doc.ExpiresAt != 1_700_000_600 || doc.UserbufHex == nil || *doc.UserbufHex != "0102" {
		t.Fatalf("%+v %v", doc, err)
	}
	_, err = timdesk.VerifyUserSig(1400000000, "key", "admin", sig, issued.Add(11*time.Minute))
	var e *timdesk.Error
	if !errors.Is(err, timdesk.ErrUserSigInvalid) || !errors.As(err, &e) || e.Kind != "expired" {
		t.Fatalf("got %v", err)
	}
	if decoded, err := timdesk.DecodeUserSig(sig); err != nil || decoded.SDKAppID != 1400000000 {
		t.Fatalf("%+v %v", decoded, err)
	}
	if _, err := timdesk.DecodeUserSig("not a usersig"); !errors.Is(err, timdesk.ErrUserSigInvalid) {
		t.Fatalf("got %v", err)
	}
	if timdesk.Version() == "" {
		t.Fatal("no version")
	}
}

func rssKiB(t *testing.T) int {
	t.Helper()
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(status), "\n") {
		if strings.HasPrefix(line, "VmRSS:") {
			kib, _ := strconv.Atoi(strings.Fields(line)[1])
			return kib
		}
	}
	t.Fatal("no VmRSS")
	return 0
}

func TestSixteenGoroutinesFiveHundredMixedCallsMemoryFlat(t *testing.T) {
	emu, client := setup(t)
	control(t, emu, "POST", "/rate_limits", map[string]any{"path": "recentcontact/delete", "per_second": nil})
	// The emulator shares this process: with its clock stopped, each goroutine's repeated
	// MsgRandom stays one stored message (same-second dedup), so RSS measures the client.
	control(t, emu, "POST", "/clock", map[string]any{"freeze_at": 1700000000})
	load := func(calls int) int {
		var wg sync.WaitGroup
		var mu sync.Mutex
		failures := 0
		for g := 0; g < 16; g++ {
			wg.Add(1)
			go func(g uint32) {
				defer wg.Done()
				random := g
				for i := 0; i < calls; i++ {
					var err error
					switch i % 4 {
					case 0:
						_, err = client.SendMsg(ctx, timdesk.Message{SessionID: alice, Body: []timdesk.Element{timdesk.Text("same")}, MsgRandom: &random})
					case 1:
						_, err = client.DescribeIMCdrList(ctx, timdesk.CdrQuery{Start: 0, End: 1})
					case 2:
						err = client.DeleteRecentContact(ctx, "user_dave", "nobody", "", false)
					default:
						_, err = client.Call(ctx, "desk_http_svc/describe_im_cdr_list", map[string]any{"StartTimestamp": 0, "EndTimestamp": 1}, true)
					}
					if err != nil {
						mu.Lock()
						failures++
						mu.Unlock()
					}
				}
			}(uint32(g))
		}
		wg.Wait()
		return failures
	}
	if n := load(100); n != 0 {
		t.Fatalf("%d failures in the warm-up", n)
	}
	debug.FreeOSMemory()
	warm := rssKiB(t)
	if n := load(500); n != 0 {
		t.Fatalf("%d failures", n)
	}
	debug.FreeOSMemory()
	after := rssKiB(t)
	t.Logf("RSS %d KiB after warm-up, %d KiB after 16 x 500 calls", warm, after)
	if after > warm+warm/10+4096 {
		t.Fatalf("RSS grew from %d KiB to %d KiB", warm, after)
	}
}

// TestEveryOptionReachesTheCore: Config has one field per core option, and each takes effect.
func TestEveryOptionReachesTheCore(t *testing.T) {
	if got, want := reflect.TypeOf(timdesk.Config{}).NumField(), len(timdesk.OptionNames()); got != want {
		t.Fatalf("Config has %d fields, the core %d options: %v", got, want, timdesk.OptionNames())
	}
	client, err := timdesk.NewClient(timdesk.Config{
		SDKAppID: 7, SecretKey: "k", Admin: "boss", Endpoint: "http://127.0.0.1:9",
		Timeout: 1500 * time.Millisecond, ConnectTimeout: 500 * time.Millisecond, MaxAttempts: 2,
		RetryBaseDelay: 10 * time.Millisecond, RetryMaxDelay: 500 * time.Millisecond,
		RetryMaxElapsed: 3 * time.Second, UserSigTTL: time.Hour, Proxy: "http://127.0.0.1:8",
		MaxRequestsPerSecond: 9, SendMsgRetry: timdesk.AtLeastOnce,
	})
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	options, err := client.Options()
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"sdkappid": 7.0, "secret_key": "<redacted>", "admin": "boss", "region": nil,
		"endpoint": "http://127.0.0.1:9", "timeout": 1.5, "connect_timeout": 0.5, "max_attempts": 2.0,
		"retry_base_delay": 0.01, "retry_max_delay": 0.5, "retry_max_elapsed": 3.0, "usersig_ttl": 3600.0,
		"proxy": "<set>", "ca_bundle": nil, "max_requests_per_second": 9.0, "send_msg_retry": "at_least_once",
	}
	if !reflect.DeepEqual(options, want) {
		t.Fatalf("options %v\nwant %v", options, want)
	}
}

func TestChatMessagesWalkTheWholeHistoryInEitherOrder(t *testing.T) {
	emu, client := setup(t)
	for i := 0; i < 130; i++ {
		control(t, emu, "POST", "sessions/"+carol+"/messages", map[string]any{"from": "user", "text": "line " + strconv.Itoa(i)})
	}
	texts := func(order uint32) []string {
		var out []string
		for message, err := range client.ChatMessages(ctx, carol, order) {
			if err != nil {
				t.Fatal(err)
			}
			body := message["MsgBody"].([]any)[0].(map[string]any)
			out = append(out, body["MsgContent"].(map[string]any)["Text"].(string))
		}
		return out
	}
	oldest, newest := texts(1), texts(2)
	if len(oldest) < 130 || oldest[len(oldest)-1] != "line 129" {
		t.Fatalf("oldest first: %d messages, last %q", len(oldest), oldest[len(oldest)-1])
	}
	for i := range oldest {
		if oldest[i] != newest[len(newest)-1-i] {
			t.Fatalf("the two orders differ at %d: %q vs %q", i, oldest[i], newest[len(newest)-1-i])
		}
	}
	var errs []error
	for message, err := range client.ChatMessages(ctx, carol, 3) {
		if message != nil {
			t.Fatalf("order 3 gave a message: %v", message)
		}
		errs = append(errs, err)
	}
	if len(errs) != 1 || !errors.Is(errs[0], timdesk.ErrInvalidArgument) || !strings.Contains(errs[0].Error(), "Order") {
		t.Fatalf("order 3: %v", errs)
	}
}

// A C string ends at its first NUL byte: a Go string holding one is refused, naming the
// field, before anything is sent, instead of reaching the server cut short.
func TestNULBytesAreRefusedNamingTheFieldAndNothingIsSent(t *testing.T) {
	emu, client := setup(t)
	const sid = "8f2e3d4c-5b6a-4f7e-9d8c-0b1a2f3e4d5c"
	control(t, emu, "POST", "/sessions", map[string]any{"session_id": sid, "client_user_id": "nul_user"})
	refused := func(what, field string, err error) {
		t.Helper()
		var e *timdesk.Error
		if !errors.As(err, &e) || e.Status != timdesk.StatusInvalidArgument || !strings.Contains(e.Message, field+": holds a NUL byte") {
			t.Errorf("%s: %v", what, err)
		}
	}
	_, err := client.SendMsg(ctx, timdesk.Message{SessionID: sid, Body: []timdesk.Element{timdesk.Text("visible\x00hidden")}})
	refused("a text element", "Text", err)
	_, err = client.SendMsg(ctx, timdesk.Message{SessionID: sid, CloudCustomData: "a\x00b", Body: []timdesk.Element{timdesk.Text("x")}})
	refused("SendMsg's CloudCustomData", "CloudCustomData", err)
	_, err = client.GetSessionState(ctx, timdesk.GetSessionStateOptions{SessionID: sid + "\x00"})
	refused("a generated method's option", "SessionId", err)
	err = client.ModifyMsg(ctx, sid, "key", []timdesk.Element{timdesk.Text("edited\x00")}, timdesk.ModifyMsgOptions{})
	refused("a generated method's body", "Text", err)
	err = client.EndSession(ctx, sid+"\x00")
	refused("EndSession", "SessionId", err)
	_, err = client.Call(ctx, "desk_http_svc/end_session\x00", map[string]any{"SessionId": sid}, false)
	refused("Call's path", "path", err)
	chunks := func(yield func(string) bool) { _ = yield("one ") && yield("two\x00") }
	_, err = client.StreamMsg(ctx, sid, chunks, timdesk.StreamMsgOptions{})
	refused("a StreamMsg chunk", "Chunk", err)
	_, err = timdesk.GenUserSig(1400000000, "secret\x00key", "administrator", time.Hour, nil, time.Time{})
	refused("GenUserSig", "secret_key", err)
	if err != nil && strings.Contains(err.Error(), "secret\x00key") {
		t.Errorf("the error shows the key: %v", err)
	}
	cfg := emu.Config()
	cfg.Admin = "admin\x00istrator"
	_, err = timdesk.NewClient(cfg)
	refused("NewClient", "admin", err)

	// Nothing reached the server: the session is open and holds no message.
	state, err := client.GetSessionState(ctx, timdesk.GetSessionStateOptions{SessionID: sid})
	if err != nil || state.CurrentState != "Chatbot" {
		t.Fatalf("the session after the refusals: %+v, %v", state, err)
	}
	history, err := client.DescribeChatMessages(ctx, sid, timdesk.DescribeChatMessagesOptions{})
	if err != nil || len(history.Messages) != 0 {
		t.Fatalf("messages sent despite the refusals: %+v, %v", history, err)
	}
}
