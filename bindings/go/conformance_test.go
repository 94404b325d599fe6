package timdesk_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	timdesk "github.com/timdesk/timdesk/bindings/go"
	"github.com/timdesk/timdesk/bindings/go/timdesktest"
)

// conformanceCase is one documented request of tests/conformance and its answer.
type conformanceCase struct {
	Name   string         `json:"name"`
	From   string         `json:"from"`
	Path   string         `json:"path"`
	Body   map[string]any `json:"body"`
	Query  map[string]any `json:"query"`
	Expect struct {
		ErrorCode json.RawMessage   `json:"ErrorCode"`
		Shape     map[string]string `json:"shape"`
	} `json:"expect"`
}

func (c conformanceCase) codes(t *testing.T) []uint32 {
	var one uint32
	if json.Unmarshal(c.Expect.ErrorCode, &one) == nil {
		return []uint32{one}
	}
	var many []uint32
	if err := json.Unmarshal(c.Expect.ErrorCode, &many); err != nil {
		t.Fatalf("%s: ErrorCode: %v", c.Name, err)
	}
	return many
}

// fill replaces the placeholders of a case body.
func fill(value any, emu *timdesktest.Emulator, t *testing.T, n *int) any {
	switch v := value.(type) {
	case map[string]any:
		out := map[string]any{}
		for k, item := range v {
			out[k] = fill(item, emu, t, n)
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, item := range v {
			out[i] = fill(item, emu, t, n)
		}
		return out
	case string:
		*n++
		switch v {
		case "$unknown_session":
			return fmt.Sprintf("00000000-0000-4000-a000-%012d", *n)
		case "$unknown_user":
			return fmt.Sprintf("conformance_go_%d", *n)
		case "$big_text":
			return strings.Repeat("x", 13000)
		case "$seeded_session":
			var created struct {
				SessionID string `json:"session_id"`
			}
			if err := json.Unmarshal(control(t, emu, "POST", "/sessions", map[string]any{"client_user_id": "conformance_go"}), &created); err != nil {
				t.Fatal(err)
			}
			return created.SessionID
		}
	}
	return value
}

// TestDocumentedCases runs the cases of tests/conformance that a JSON body can carry
// through the generic call: each documented code reaches a Go caller as that code.
func TestDocumentedCases(t *testing.T) {
	files, err := filepath.Glob("../../tests/conformance/*.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("no case files: %v", err)
	}
	ran := 0
	for _, file := range files {
		text, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		var suite struct {
			Endpoint string            `json:"endpoint"`
			Cases    []conformanceCase `json:"cases"`
		}
		if err := json.Unmarshal(text, &suite); err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		for _, c := range suite.Cases {
			if c.Body == nil || len(c.Query) > 0 {
				continue
			}
			ran++
			t.Run(filepath.Base(file)+": "+c.Name, func(t *testing.T) {
				emu, _ := setup(t)
				cfg := emu.Config()
				cfg.MaxAttempts = 1
				client, err := timdesk.NewClient(cfg)
				if err != nil {
					t.Fatal(err)
				}
				defer client.Close()
				path := c.Path
				if path == "" {
					path = suite.Endpoint
				}
				n := 0
				body := fill(map[string]any(c.Body), emu, t, &n).(map[string]any)
				answer, err := client.Call(ctx, path, body, false)
				codes := c.codes(t)
				if slices.Equal(codes, []uint32{0}) {
					if err != nil {
						t.Fatalf("%s: %v", c.From, err)
					}
					for field, kind := range c.Expect.Shape {
						ok := false
						switch answer[field].(type) {
						case float64:
							ok = kind == "integer"
						case string:
							ok = kind == "string"
						case []any:
							ok = kind == "array"
						case map[string]any:
							ok = kind == "object"
						}
						if !ok {
							t.Fatalf("%s is %v, not a %s", field, answer[field], kind)
						}
					}
					return
				}
				var e *timdesk.Error
				if !errors.As(err, &e) || !slices.Contains(codes, e.Code) {
					t.Fatalf("%s: expected %v, got %v", c.From, codes, err)
				}
			})
		}
	}
	if ran < 15 {
		t.Fatalf("only %d cases ran", ran)
	}
}
