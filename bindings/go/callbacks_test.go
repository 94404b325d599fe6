package timdesk_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	timdesk "github.com/timdesk/timdesk/bindings/go"
)

// A net/http webhook handler on CallbackVerifier, posted to as Desk would.
func TestWebhookHandlerVerifiesAnswersAndRecognisesRetries(t *testing.T) {
	verifier, err := timdesk.NewCallbackVerifier(1400000000, "")
	if err != nil {
		t.Fatal(err)
	}
	defer verifier.Close()
	var mu sync.Mutex
	var handled []map[string]any
	server := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		callback, err := verifier.Verify(r.URL.RawQuery, body)
		var tdErr *timdesk.Error
		switch {
		case errors.As(err, &tdErr) && tdErr.Kind == "replayed":
			answer, _ := timdesk.CallbackAnswer(nil)
			_, _ = w.Write(answer)
			return
		case err != nil:
			http.Error(w, tdErr.Kind+": "+err.Error(), http.StatusBadRequest)
			return
		}
		mu.Lock()
		handled = append(handled, callback)
		mu.Unlock()
		var answer []byte
		if callback["command"] == "ChatBot.OnAssignHuman" {
			answer, _ = timdesk.AssignHumanAnswer(2473, []string{"a@x.com"})
		} else {
			answer, _ = timdesk.CallbackAnswer(nil)
		}
		_, _ = w.Write(answer)
	}))
	defer server.Close()
	post := func(query, body string) (int, string) {
		resp, err := http.Post(server.URL+"/desk?"+query, "application/json", bytes.NewBufferString(body))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		text, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(text)
	}

	event := `{"CallbackCommand":"Desk.SessionEventNotify","SessionId":"s1","Event":"SessionBegin","EventTime":1731488371784,"MsgKey":"1_2_3"}`
	query := "SdkAppid=1400000000&CallbackCommand=Desk.SessionEventNotify&RequestID=g1"
	for i := 0; i < 2; i++ {
		if status, text := post(query, event); status != 200 || !strings.Contains(text, `"ActionStatus":"OK"`) {
			t.Fatalf("attempt %d: %d %s", i, status, text)
		}
	}
	status, text := post("SdkAppid=1400000000&RequestID=g2", `{"CallbackCommand":"ChatBot.OnAssignHuman","SessionId":"s2","EventTime":5}`)
	var answer map[string]any
	if err := json.Unmarshal([]byte(text), &answer); err != nil || status != 200 {
		t.Fatalf("%d %s %v", status, text, err)
	}
	if answer["AgentGroupId"] != float64(2473) || answer["AgentIdList"].([]any)[0] != "a@x.com" {
		t.Errorf("assign answer %v", answer)
	}
	if status, text := post("SdkAppid=1400000001", event); status != 400 || !strings.HasPrefix(text, "wrong_sdkappid") {
		t.Errorf("wrong app: %d %s", status, text)
	}
	if status, text := post("SdkAppid=1400000000", `{"CallbackCommand":"Desk.SessionEventNotify","Event":"x"}`); status != 400 || !strings.Contains(text, "SessionId") {
		t.Errorf("no SessionId: %d %s", status, text)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(handled) != 2 || handled[0]["session_id"] != "s1" || handled[0]["msg_key"] != "1_2_3" || handled[1]["session_id"] != "s2" {
		t.Errorf("handled %v: each callback once, the retry not again", handled)
	}
}

func TestCallbackVerifierRefusalsAndClose(t *testing.T) {
	if _, err := timdesk.NewCallbackVerifier(0, ""); !errors.Is(err, timdesk.ErrInvalidArgument) || !strings.Contains(err.Error(), "sdkappid") {
		t.Errorf("sdkappid 0: %v", err)
	}
	verifier, err := timdesk.NewCallbackVerifier(1400000000, "callback-token-value")
	if err != nil {
		t.Fatal(err)
	}
	_, err = verifier.Verify("SdkAppid=1400000000", []byte(`{"CallbackCommand":"Desk.SessionEventNotify","SessionId":"s","Event":"e"}`))
	var tdErr *timdesk.Error
	if !errors.As(err, &tdErr) || tdErr.Kind != "bad_signature" || strings.Contains(err.Error(), "callback-token-value") {
		t.Errorf("unsigned with a token: %v", err)
	}
	if _, err := timdesk.CallbackAnswer(map[string]any{"k": 1}); err != nil {
		t.Error(err)
	}
	_ = verifier.Close()
	_ = verifier.Close()
	if _, err := verifier.Verify("SdkAppid=1400000000", nil); !errors.Is(err, timdesk.ErrClosed) {
		t.Errorf("after Close: %v", err)
	}
}

// The conversation endpoints reach Go through the core's models, checks included.
func TestCallEndpointReachesTheModelledEndpoints(t *testing.T) {
	emu, client := setup(t)
	key, err := emu.Control("POST", "sessions/"+alice+"/messages", map[string]any{"from": "user", "text": "typo"})
	if err != nil {
		t.Fatal(err)
	}
	var said struct {
		MsgKey string `json:"msg_key"`
	}
	if err := json.Unmarshal(key, &said); err != nil {
		t.Fatal(err)
	}
	state, err := client.CallEndpoint(ctx, "get_session_state", map[string]any{"SessionId": alice})
	if err != nil || state["CurrentState"] != "Chatbot" {
		t.Fatalf("state %v %v", state, err)
	}
	body := []map[string]any{{"MsgType": "TIMTextElem", "MsgContent": map[string]any{"Text": "fixed"}}}
	if _, err := client.CallEndpoint(ctx, "modify_msg", map[string]any{"SessionId": alice, "MsgKey": said.MsgKey, "MsgBody": body}); err != nil {
		t.Fatal(err)
	}
	_, err = client.CallEndpoint(ctx, "modify_msg", map[string]any{"SessionId": alice})
	if !errors.Is(err, timdesk.ErrInvalidArgument) || !strings.Contains(err.Error(), "MsgKey") {
		t.Errorf("missing MsgKey: %v", err)
	}
	_, err = client.CallEndpoint(ctx, "get_session_state", map[string]any{"SessionID": alice})
	if !errors.Is(err, timdesk.ErrInvalidArgument) || !strings.Contains(err.Error(), "SessionID: is not a field of get_session_state (its fields: SessionId,") {
		t.Errorf("misspelt field: %v", err)
	}
	if _, err := client.CallEndpoint(ctx, "nope", map[string]any{}); !errors.Is(err, timdesk.ErrInvalidArgument) {
		t.Errorf("unknown endpoint: %v", err)
	}
}
