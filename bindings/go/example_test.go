package timdesk_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"time"

	timdesk "github.com/timdesk/timdesk/bindings/go"
	"github.com/timdesk/timdesk/bindings/go/timdesktest"
)

// A first call with a deadline, against the emulator (bindings/go/README.md shows it).
func Example() {
	emu, err := timdesktest.StartEmulator()
	if err != nil {
		log.Fatal(err)
	}
	defer emu.Close()
	client, err := timdesk.NewClient(emu.Config()) // or Config{SDKAppID: ..., SecretKey: ..., Region: "singapore"}
	if err != nil {
		log.Fatal(err)
	}
	defer client.Close()

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	t, err := client.TransferToHuman(ctx, "fd8a2e30-54de-4e40-bcaf-02718409c5cf", timdesk.TransferOptions{})
	switch {
	case errors.Is(err, timdesk.ErrNoAgentOnline):
		fmt.Println("nobody is online")
	case errors.Is(err, context.DeadlineExceeded):
		fmt.Println("no answer within 5 s; the transfer may still have happened")
	case err != nil:
		log.Fatal(err)
	default:
		fmt.Println(t.AgentID, t.IsInQueue)
	}
	// Output: shannon@qq.com false
}

// Paged answers are iterators: a page is fetched per step, under the context.
func ExampleClient_Cdrs() {
	emu, err := timdesktest.StartEmulator()
	if err != nil {
		log.Fatal(err)
	}
	defer emu.Close()
	client, err := timdesk.NewClient(emu.Config())
	if err != nil {
		log.Fatal(err)
	}
	defer client.Close()
	// The user ends a session: it leaves a CDR record.
	if _, err := emu.Control("POST", "/sessions/fd8a2e30-54de-4e40-bcaf-02718409c5cf/end", nil); err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()

	for record, err := range client.Cdrs(ctx, 0, uint64(time.Now().Unix())+60, "") {
		if err != nil {
			log.Fatal(err) // the walk ends after its one error
		}
		fmt.Println(record.ClientUserID, record.EndStatus)
	}
	// Output: user_alice UserEndedSession
}
