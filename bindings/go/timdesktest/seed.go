package timdesktest

/*
#include "timdesk_testing.h"
*/
import "C"

import "unsafe"

// SeedGroup is an agent group of the emulator's built-in data set.
type SeedGroup struct {
	GroupID uint64 // AgentGroupId
	Name    string
}

// SeedAgent is an agent of the built-in data set, free when online.
type SeedAgent struct {
	AgentID  string // the agent's UserID (AgentId)
	GroupID  uint64 // the AgentGroupId of its group
	Online   bool
	Capacity uint32 // how many sessions it serves at once
}

// SeedSession is a session of the built-in data set waiting in chatbot reception.
type SeedSession struct {
	SessionID    string
	ClientUserID string
	Nickname     string
	Channel      string // "SDK" or "Web"
}

// The built-in data set every emulator starts with (and holds again after POST /reset),
// read from the testing library, which declares it once for every binding; see
// docs/emulator.md.
var (
	SeedGroups      = seedGroups()
	SeedAgents      = seedAgents()
	WaitingSessions = seedSessions()
	// SeedUsers are users imported without a session.
	SeedUsers = seedUsers()
)

func seedGroups() []SeedGroup {
	var n C.size_t
	rows := unsafe.Slice(C.timdesk_emulator_seed_groups(&n), int(n))
	out := make([]SeedGroup, 0, len(rows))
	for _, r := range rows {
		out = append(out, SeedGroup{GroupID: uint64(r.group_id), Name: C.GoString(r.name)})
	}
	return out
}

func seedAgents() []SeedAgent {
	var n C.size_t
	rows := unsafe.Slice(C.timdesk_emulator_seed_agents(&n), int(n))
	out := make([]SeedAgent, 0, len(rows))
	for _, r := range rows {
		out = append(out, SeedAgent{
			AgentID:  C.GoString(r.agent_id),
			GroupID:  uint64(r.group_id),
			Online:   bool(r.online),
			Capacity: uint32(r.capacity),
		})
	}
	return out
}

func seedSessions() []SeedSession {
	var n C.size_t
	rows := unsafe.Slice(C.timdesk_emulator_seed_sessions(&n), int(n))
	out := make([]SeedSession, 0, len(rows))
	for _, r := range rows {
		out = append(out, SeedSession{
			SessionID:    C.GoString(r.session_id),
			ClientUserID: C.GoString(r.client_user_id),
			Nickname:     C.GoString(r.nickname),
			Channel:      C.GoString(r.channel),
		})
	}
	return out
}

func seedUsers() []string {
	var n C.size_t
	rows := unsafe.Slice(C.timdesk_emulator_seed_users(&n), int(n))
	out := make([]string, 0, len(rows))
	for _, r := range rows {
		out = append(out, C.GoString(r))
	}
	return out
}
