package timdesk_test

import (
	"encoding/json"
	"errors"
	"testing"

	timdesk "github.com/timdesk/timdesk/bindings/go"
)

func TestRestoreMemberOnline(t *testing.T) {
	emu, client := setup(t)
	const agent = "test_agent@qq.com"
	online := func() bool {
		var agents []struct {
			AgentID string `json:"agent_id"`
			Online  bool   `json:"online"`
		}
		if err := json.Unmarshal(control(t, emu, "GET", "agents", nil), &agents); err != nil {
			t.Fatal(err)
		}
		for _, a := range agents {
			if a.AgentID == agent {
				return a.Online
			}
		}
		t.Fatalf("no agent %s", agent)
		return false
	}
	control(t, emu, "POST", "agents/"+agent+"/online", map[string]any{"online": false})
	if err := client.RestoreMemberOnline(ctx, agent); err != nil || !online() {
		t.Fatalf("RestoreMemberOnline: %v, online %v", err, online())
	}
	var terr *timdesk.Error
	err := client.RestoreMemberOnline(ctx, "nobody@qq.com")
	if !errors.As(err, &terr) || terr.Code != 141010 {
		t.Fatalf("an unknown member: %v", err)
	}
}
