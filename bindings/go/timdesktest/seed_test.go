package timdesktest_test

import (
	"encoding/json"
	"testing"

	"github.com/timdesk/timdesk/bindings/go/timdesktest"
)

// The seed lists are what a fresh emulator holds, so a test can name its sessions and
// agents without retyping them.
func TestTheSeedIsWhatAFreshEmulatorHolds(t *testing.T) {
	emu, err := timdesktest.StartEmulator()
	if err != nil {
		t.Fatal(err)
	}
	defer emu.Close()
	raw, err := emu.Control("GET", "state", nil)
	if err != nil {
		t.Fatal(err)
	}
	var state struct {
		Accounts []string `json:"accounts"`
		Agents   []struct {
			AgentID string `json:"agent_id"`
			Online  bool   `json:"online"`
		} `json:"agents"`
		Sessions []struct {
			SessionID string `json:"session_id"`
		} `json:"sessions"`
	}
	if err := json.Unmarshal(raw, &state); err != nil {
		t.Fatal(err)
	}
	if len(timdesktest.WaitingSessions) != 3 || timdesktest.WaitingSessions[0].SessionID != "fd8a2e30-54de-4e40-bcaf-02718409c5cf" || timdesktest.WaitingSessions[0].ClientUserID != "user_alice" {
		t.Errorf("waiting sessions %+v", timdesktest.WaitingSessions)
	}
	for _, s := range timdesktest.WaitingSessions {
		found := false
		for _, held := range state.Sessions {
			found = found || held.SessionID == s.SessionID
		}
		if !found {
			t.Errorf("seed session %s is not in the emulator's state", s.SessionID)
		}
	}
	online := map[string]bool{}
	for _, a := range state.Agents {
		online[a.AgentID] = a.Online
	}
	for _, a := range timdesktest.SeedAgents {
		if held, ok := online[a.AgentID]; !ok || held != a.Online {
			t.Errorf("seed agent %+v; emulator has %v %v", a, held, ok)
		}
	}
	if len(timdesktest.SeedGroups) != 2 || timdesktest.SeedGroups[0].GroupID != 3067 {
		t.Errorf("groups %+v", timdesktest.SeedGroups)
	}
	if len(timdesktest.SeedUsers) != 1 || timdesktest.SeedUsers[0] != "user_dave" {
		t.Errorf("users %v", timdesktest.SeedUsers)
	}
}
