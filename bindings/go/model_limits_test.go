package timdesk_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"

	timdesk "github.com/timdesk/timdesk/bindings/go"
)

// modelLimit reads a request field's min and max from models/<endpoint>.json, so that this
// test follows the model: a binding that retyped the limit fails here once the model
// changes and the one command has run.
func modelLimit(t *testing.T, endpoint, field string) (lo, hi uint64) {
	t.Helper()
	text, err := os.ReadFile("../../models/" + endpoint + ".json")
	if err != nil {
		t.Fatal(err)
	}
	var model struct {
		Request []struct {
			Name string  `json:"name"`
			Min  *uint64 `json:"min"`
			Max  *uint64 `json:"max"`
		} `json:"request"`
	}
	if err := json.Unmarshal(text, &model); err != nil {
		t.Fatal(err)
	}
	for _, f := range model.Request {
		if f.Name == field && f.Min != nil && f.Max != nil {
			return *f.Min, *f.Max
		}
	}
	t.Fatalf("models/%s.json has no %s with min and max", endpoint, field)
	return 0, 0
}

// refusedByTheModel checks err is the refusal the core words from the model, made before
// sending.
func refusedByTheModel(t *testing.T, what string, err error, lo, hi, value uint64) {
	t.Helper()
	rule := fmt.Sprintf("Limit: must be %d to %d, not %d", lo, hi, value)
	if !errors.Is(err, timdesk.ErrInvalidArgument) || !strings.Contains(err.Error(), rule) {
		t.Errorf("%s with Limit %d: %v, want the model's rule %q", what, value, err, rule)
	}
}

func TestLimitsComeFromTheModel(t *testing.T) {
	_, client := setup(t)

	lo, hi := modelLimit(t, "describe_im_cdr_list", "Limit")
	query := func(limit uint64) error {
		_, err := client.DescribeIMCdrList(ctx, timdesk.CdrQuery{Start: 0, End: 1, Limit: uint32(limit)})
		return err
	}
	refusedByTheModel(t, "DescribeIMCdrList", query(hi+1), lo, hi, hi+1)
	if lo > 1 { // 0 asks for the server's default
		refusedByTheModel(t, "DescribeIMCdrList", query(lo-1), lo, hi, lo-1)
	}
	if err := query(hi); err != nil {
		t.Errorf("DescribeIMCdrList with the model's largest Limit %d: %v", hi, err)
	}

	lo, hi = modelLimit(t, "describe_chat_messages", "Limit")
	messages := func(limit uint64) error {
		_, err := client.DescribeChatMessages(ctx, alice, timdesk.DescribeChatMessagesOptions{Limit: &limit})
		return err
	}
	refusedByTheModel(t, "DescribeChatMessages", messages(hi+1), lo, hi, hi+1)
	if lo > 0 {
		refusedByTheModel(t, "DescribeChatMessages", messages(lo-1), lo, hi, lo-1)
	}
	if err := messages(hi); err != nil {
		t.Errorf("DescribeChatMessages with the model's largest Limit %d: %v", hi, err)
	}
}
