package timdesk_test

import (
	"context"
	"encoding/json"
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

// A message body made of the element constructors generated from the declaration; the core
// writes each element's JSON (bindings/go/README.md shows it).
func ExampleElement() {
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
	ctx := context.Background()
	sessionID := "fd8a2e30-54de-4e40-bcaf-02718409c5cf"

	desc := "Your order"
	body := []timdesk.Element{
		timdesk.Text("Here is your invoice:"),
		timdesk.File("https://example.com/invoice.pdf", 48_213, "invoice.pdf"),
		timdesk.Location("Pickup point", 1.2834, 103.8607),
		timdesk.Custom(`{"order": 42}`, timdesk.CustomOptions{Desc: &desc}),
		timdesk.Card("Order 42", "2 items", "https://example.com/p.png", "https://example.com/o/42"),
	}
	if _, err := client.SendMsg(ctx, timdesk.Message{SessionID: sessionID, Body: body}); err != nil {
		log.Fatal(err)
	}

	// What the emulator stored: each element's MsgType.
	session, err := emu.Control("GET", "/sessions/"+sessionID, nil)
	if err != nil {
		log.Fatal(err)
	}
	var s struct {
		Messages []struct {
			MsgBody []struct{ MsgType string } `json:"msg_body"`
		} `json:"messages"`
	}
	if err := json.Unmarshal(session, &s); err != nil {
		log.Fatal(err)
	}
	for _, element := range s.Messages[len(s.Messages)-1].MsgBody {
		fmt.Println(element.MsgType)
	}
	// Output:
	// TIMTextElem
	// TIMFileElem
	// TIMLocationElem
	// TIMCustomElem
	// TIMCustomElem
}
