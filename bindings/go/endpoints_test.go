package timdesk_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	timdesk "github.com/timdesk/timdesk/bindings/go"
)

// The generated methods: required fields as arguments, optional ones in an options
// struct, typed answers.
func TestGeneratedEndpointsAreTyped(t *testing.T) {
	emu, client := setup(t)
	const sid = "5d0c1f4e-2b7a-4c8e-9f3d-6a1b2c3d4e5f"
	control(t, emu, "POST", "/sessions", map[string]any{"session_id": sid, "client_user_id": "gen_user"})

	state, err := client.GetSessionState(ctx, timdesk.GetSessionStateOptions{SessionID: sid})
	if err != nil || state.CurrentState != "Chatbot" || state.AgentID != "" {
		t.Fatalf("GetSessionState = %+v, %v", state, err)
	}
	var invalid *timdesk.Error
	if _, err := client.GetSessionState(ctx, timdesk.GetSessionStateOptions{}); !errors.As(err, &invalid) ||
		invalid.Status != timdesk.StatusInvalidArgument || !strings.Contains(invalid.Message, "SessionId") {
		t.Fatalf("GetSessionState without a key: %v", err)
	}

	first, err := client.SendStreamMsg(ctx, sid, "Hello, ", timdesk.SendStreamMsgOptions{})
	if err != nil || first.MsgKey == "" {
		t.Fatalf("first chunk: %+v, %v", first, err)
	}
	last, err := client.SendStreamMsg(ctx, sid, "world", timdesk.SendStreamMsgOptions{MsgKey: first.MsgKey, Finish: true})
	if err != nil || last.MsgKey != first.MsgKey {
		t.Fatalf("last chunk: %+v, %v", last, err)
	}
	if err := client.ModifyMsg(ctx, sid, first.MsgKey, []timdesk.Element{timdesk.Text(`edited "text"`)}, timdesk.ModifyMsgOptions{}); err != nil {
		t.Fatalf("ModifyMsg: %v", err)
	}
	limit := uint64(10)
	history, err := client.DescribeChatMessages(ctx, sid, timdesk.DescribeChatMessagesOptions{Limit: &limit})
	if err != nil || history.TotalCount < 1 || len(history.Messages) != int(history.TotalCount) {
		t.Fatalf("DescribeChatMessages = %+v, %v", history, err)
	}
	found := false
	for _, m := range history.Messages {
		found = found || strings.Contains(toJSON(t, m), `edited \"text\"`)
	}
	if !found {
		t.Fatalf("the edited message is not in the history: %+v", history.Messages)
	}

	var unknown *timdesk.Error
	if err := client.EndQueuing(ctx, sid); !errors.As(err, &unknown) || unknown.Code != 141027 {
		t.Fatalf("EndQueuing of a session not queued: %v", err)
	}
	tooMany := uint64(1000)
	if _, err := client.DescribeChatMessages(ctx, sid, timdesk.DescribeChatMessagesOptions{Limit: &tooMany}); !errors.Is(err, timdesk.ErrInvalidArgument) {
		t.Fatalf("Limit over the model's maximum: %v", err)
	}
	if _, err := client.ContactUser(ctx, "", "gen_user", timdesk.ContactUserOptions{}); err == nil {
		t.Fatal("ContactUser with an empty agent must fail")
	}
}

func toJSON(t *testing.T, value any) string {
	t.Helper()
	text, err := json.Marshal(value)
	if err != nil {
		t.Fatal(err)
	}
	return string(text)
}

// StreamMsg takes an iterator of chunks, as an LLM produces them.
func TestStreamMsgSendsAnIteratorAsOneFinishedMessage(t *testing.T) {
	emu, client := setup(t)
	const sid = "6e1d2f5a-3c8b-4d9f-8a4e-7b2c3d4e5f60"
	control(t, emu, "POST", "/sessions", map[string]any{"session_id": sid, "client_user_id": "stream_user"})
	tokens := func(yield func(string) bool) {
		for _, token := range []string{"Your ", "order ", "ships."} {
			if !yield(token) {
				return
			}
		}
	}
	key, err := client.StreamMsg(ctx, sid, tokens, timdesk.StreamMsgOptions{CloudCustomData: "llm"})
	if err != nil || key == "" {
		t.Fatalf("StreamMsg = %q, %v", key, err)
	}
	history, err := client.DescribeChatMessages(ctx, sid, timdesk.DescribeChatMessagesOptions{})
	if err != nil || len(history.Messages) != 1 || !strings.Contains(toJSON(t, history.Messages[0]), "Your order ships.") {
		t.Fatalf("history = %+v, %v", history, err)
	}
	var late *timdesk.Error
	if _, err := client.SendStreamMsg(ctx, sid, "more", timdesk.SendStreamMsgOptions{MsgKey: key}); !errors.As(err, &late) || late.Code != 141004 {
		t.Fatalf("the last chunk did not carry Finish: %v", err)
	}
	empty := func(func(string) bool) {}
	if _, err := client.StreamMsg(ctx, sid, empty, timdesk.StreamMsgOptions{}); !errors.Is(err, timdesk.ErrInvalidArgument) {
		t.Fatalf("no chunk: %v", err)
	}
}
