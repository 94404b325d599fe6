package timdesk_test

import (
	"context"
	"encoding/json"
	"errors"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"

	timdesk "github.com/timdesk/timdesk/bindings/go"
	"github.com/timdesk/timdesk/bindings/go/timdesktest"
)

const (
	statePath = "desk_http_svc/get_session_state"
	cdrPath   = "desk_http_svc/describe_im_cdr_list"
	chunkPath = "desk_http_svc/send_stream_msg"
)

// counts reads a control route answering {path: count}.
func counts(t *testing.T, emu *timdesktest.Emulator, route string) map[string]int {
	t.Helper()
	var out map[string]int
	if err := json.Unmarshal(control(t, emu, "GET", route, nil), &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// waitFor polls cond for up to two seconds.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(2 * time.Second); !cond(); time.Sleep(2 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("waited 2 s for %s", what)
		}
	}
}

// delay makes the next request to path wait ms milliseconds in the emulator.
func delay(t *testing.T, emu *timdesktest.Emulator, path string, ms int) {
	t.Helper()
	control(t, emu, "POST", "/faults", map[string]any{"kind": "delay", "ms": ms, "path": path})
}

// ended checks that err is a context's error and not the library's.
func ended(t *testing.T, err, want error) {
	t.Helper()
	var e *timdesk.Error
	if !errors.Is(err, want) || errors.As(err, &e) {
		t.Fatalf("got %v (%T), want an error wrapping %v and no *timdesk.Error", err, err, want)
	}
}

// A context cancelled while the emulator holds the request: the call returns at once
// with context.Canceled, the emulator sees the connection closed, and the client serves
// the next call without waiting for the abandoned one.
func TestCancellingAContextAbortsTheCallInTheCore(t *testing.T) {
	emu, client := setup(t)
	delay(t, emu, statePath, 3000)
	cctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := client.GetSessionState(cctx, timdesk.GetSessionStateOptions{SessionID: alice})
		done <- err
	}()
	waitFor(t, "the request to reach the emulator", func() bool { return counts(t, emu, "/requests")[statePath] == 1 })
	cancelled := time.Now()
	cancel()
	err := <-done
	took := time.Since(cancelled)
	t.Logf("returned %v after the cancel: %v", took, err)
	if took > 50*time.Millisecond {
		t.Errorf("returned %v after the cancel, not within 50 ms", took)
	}
	ended(t, err, context.Canceled)
	if !strings.Contains(err.Error(), "may still take effect") {
		t.Errorf("the error does not say the request may have applied: %v", err)
	}
	waitFor(t, "the emulator to see the connection closed", func() bool { return counts(t, emu, "/hangups")[statePath] == 1 })

	next := time.Now()
	state, err := client.GetSessionState(ctx, timdesk.GetSessionStateOptions{SessionID: alice})
	if err != nil || state.CurrentState != "Chatbot" {
		t.Fatalf("the next call: %+v %v", state, err)
	}
	t.Logf("the next call took %v", time.Since(next))
	if time.Since(next) > time.Second {
		t.Errorf("the next call took %v: it waited for the cancelled one", time.Since(next))
	}
	if n := timdesk.Waiting(client); n != 0 {
		t.Errorf("%d calls still awaited", n)
	}
}

// A context already done refuses before anything is sent.
func TestADoneContextSendsNothing(t *testing.T) {
	emu, client := setup(t)
	cctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := client.EndSession(cctx, alice)
	ended(t, err, context.Canceled)
	if _, err := client.Call(cctx, "desk_http_svc/end_session", map[string]any{"SessionId": alice}, false); !errors.Is(err, context.Canceled) {
		t.Fatalf("Call: %v", err)
	}
	steps := 0
	for record, err := range client.Cdrs(cctx, 0, 1, "") {
		steps++
		ended(t, err, context.Canceled)
		if record != (timdesk.CdrRecord{}) {
			t.Fatalf("a record from a done context: %+v", record)
		}
	}
	if steps != 1 {
		t.Fatalf("a walk over a done context yielded %d times, want once with its error", steps)
	}
	if got := counts(t, emu, "/requests"); len(got) != 0 {
		t.Fatalf("requests sent: %v", got)
	}
	// A cause given to the context is kept, with context.Canceled.
	why := errors.New("the user left")
	cctx, cancelCause := context.WithCancelCause(context.Background())
	cancelCause(why)
	if err := client.EndSession(cctx, alice); !errors.Is(err, context.Canceled) || !errors.Is(err, why) {
		t.Fatalf("with a cause: %v", err)
	}
}

// A deadline passing during a call ends it as cancelling does, with DeadlineExceeded.
func TestADeadlinePassingAbortsTheCall(t *testing.T) {
	emu, client := setup(t)
	delay(t, emu, chunkPath, 3000)
	dctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	started := time.Now()
	_, err := client.SendStreamMsg(dctx, alice, "late", timdesk.SendStreamMsgOptions{})
	took := time.Since(started)
	ended(t, err, context.DeadlineExceeded)
	if took > 400*time.Millisecond {
		t.Errorf("returned after %v with a 200 ms deadline", took)
	}
	waitFor(t, "the emulator to see the connection closed", func() bool { return counts(t, emu, "/hangups")[chunkPath] == 1 })
}

// seedCdrs makes n CDR records of user "ctx" from time 5000 on.
func seedCdrs(t *testing.T, emu *timdesktest.Emulator, n int) {
	t.Helper()
	for i := 0; i < n; i++ {
		var created struct {
			SessionID string `json:"session_id"`
		}
		if err := json.Unmarshal(control(t, emu, "POST", "/sessions", map[string]any{"client_user_id": "ctx", "started_at": 5000 + i}), &created); err != nil {
			t.Fatal(err)
		}
		control(t, emu, "POST", "/sessions/"+created.SessionID+"/end", map[string]any{"end_status": "UserTimeout"})
	}
}

// An iterator whose context is cancelled mid-walk: during a page fetch the fetch is
// aborted in the core, between the items of a page the walk stops at the next item;
// either way it yields the context's error once and ends. Breaking out fetches no more.
func TestIteratorsEndWhenTheirContextDoes(t *testing.T) {
	emu, client := setup(t)
	seedCdrs(t, emu, 150)

	t.Run("during a page fetch", func(t *testing.T) {
		cctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		var records int
		var errs []error
		var cancelled time.Time
		for record, err := range client.Cdrs(cctx, 5000, 6000, "ctx") {
			if err != nil {
				errs = append(errs, err)
				continue
			}
			records++
			if record.ClientUserID != "ctx" {
				t.Fatalf("%+v", record)
			}
			if records == 100 { // the first page's last: the next step fetches, slowly
				delay(t, emu, cdrPath, 3000)
				time.AfterFunc(100*time.Millisecond, func() { cancelled = time.Now(); cancel() })
			}
		}
		took := time.Since(cancelled)
		if records != 100 || len(errs) != 1 {
			t.Fatalf("%d records and errors %v", records, errs)
		}
		ended(t, errs[0], context.Canceled)
		if took > 200*time.Millisecond {
			t.Errorf("the walk ended %v after the cancel", took)
		}
		waitFor(t, "the emulator to see the page fetch hung up", func() bool { return counts(t, emu, "/hangups")[cdrPath] == 1 })
	})

	t.Run("between the items of a page", func(t *testing.T) {
		cctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		before := counts(t, emu, "/requests")[cdrPath]
		var records int
		var errs []error
		for _, err := range client.Cdrs(cctx, 5000, 6000, "ctx") {
			if err != nil {
				errs = append(errs, err)
				continue
			}
			if records++; records == 10 {
				cancel()
			}
		}
		if records != 10 || len(errs) != 1 || !errors.Is(errs[0], context.Canceled) {
			t.Fatalf("%d records and errors %v", records, errs)
		}
		if fetched := counts(t, emu, "/requests")[cdrPath] - before; fetched != 1 {
			t.Fatalf("%d pages fetched", fetched)
		}
	})

	t.Run("breaking out", func(t *testing.T) {
		before := counts(t, emu, "/requests")[cdrPath]
		for range client.Cdrs(ctx, 5000, 6000, "ctx") {
			break
		}
		if fetched := counts(t, emu, "/requests")[cdrPath] - before; fetched != 1 {
			t.Fatalf("%d pages fetched", fetched)
		}
	})
	if n := timdesk.Waiting(client); n != 0 {
		t.Errorf("%d calls still awaited", n)
	}
}

// A streamed reply whose context is cancelled during a push: the push is aborted, no
// further chunk is asked of the iterator, and StreamMsg returns context.Canceled.
func TestAStreamPushIsCancelledWithItsContext(t *testing.T) {
	emu, client := setup(t)
	delay(t, emu, chunkPath, 3000)
	cctx, cancel := context.WithCancel(context.Background())
	var asked []string
	var cancelled time.Time
	chunks := func(yield func(string) bool) {
		for _, chunk := range []string{"one ", "two ", "three"} {
			asked = append(asked, chunk)
			if chunk == "two " {
				// Pushing it sends "one ", which the emulator holds.
				time.AfterFunc(100*time.Millisecond, func() { cancelled = time.Now(); cancel() })
			}
			if !yield(chunk) {
				return
			}
		}
	}
	_, err := client.StreamMsg(cctx, alice, chunks, timdesk.StreamMsgOptions{})
	took := time.Since(cancelled)
	ended(t, err, context.Canceled)
	if took > 200*time.Millisecond {
		t.Errorf("StreamMsg returned %v after the cancel", took)
	}
	if len(asked) != 2 {
		t.Errorf("chunks asked after the cancel: %q", asked)
	}
	waitFor(t, "the emulator to see the push hung up", func() bool { return counts(t, emu, "/hangups")[chunkPath] == 1 })
}

// Contexts ending at any moment, as calls start, run and finish: every call returns its
// outcome or its context's error, none is left awaited, and the client stays usable.
func TestContextsEndingAtAnyMomentLeaveNothingBehind(t *testing.T) {
	_, client := setup(t)
	var wg sync.WaitGroup
	var mu sync.Mutex
	outcomes := map[string]int{}
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 40; i++ {
				cctx, cancel := context.WithTimeout(context.Background(), time.Duration(rand.IntN(20000))*time.Microsecond)
				_, err := client.GetSessionState(cctx, timdesk.GetSessionStateOptions{SessionID: bob})
				cancel()
				kind := "answered"
				switch {
				case errors.Is(err, context.DeadlineExceeded):
					kind = "ended"
				case err != nil:
					t.Error(err)
				}
				mu.Lock()
				outcomes[kind]++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	t.Logf("outcomes: %v", outcomes)
	if n := timdesk.Waiting(client); n != 0 {
		t.Errorf("%d calls still awaited", n)
	}
	if _, err := client.GetSessionState(ctx, timdesk.GetSessionStateOptions{SessionID: bob}); err != nil {
		t.Fatal(err)
	}
}

// A call whose task the core stops at its time budget (here: held by the pacer past it)
// still ends, with ErrTimeout and MaybeApplied, rather than leaving its caller waiting.
func TestACallStoppedAtItsBudgetStillEnds(t *testing.T) {
	emu, _ := setup(t)
	cfg := emu.Config()
	cfg.Timeout = 100 * time.Millisecond
	cfg.MaxAttempts = 1
	cfg.RetryMaxDelay = 10 * time.Millisecond
	cfg.MaxRequestsPerSecond = 1 // the calls queue in the pacer, past the 1.11 s budget
	client, err := timdesk.NewClient(cfg)
	if err != nil {
		t.Fatal(err)
	}
	// Closed at the end only: Close waits for calls in flight, which a failure leaves.
	const calls = 5
	errs := make(chan error, calls)
	for i := 0; i < calls; i++ {
		go func() {
			_, err := client.GetSessionState(ctx, timdesk.GetSessionStateOptions{SessionID: bob})
			errs <- err
		}()
	}
	stopped := 0
	for i := 0; i < calls; i++ {
		select {
		case err := <-errs:
			var e *timdesk.Error
			if errors.As(err, &e) && errors.Is(err, timdesk.ErrTimeout) && e.MaybeApplied {
				stopped++
			} else if err != nil {
				t.Errorf("got %v", err)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("%d calls never ended", calls-i)
		}
	}
	if stopped == 0 {
		t.Fatal("no call reached its budget: the test shows nothing")
	}
	t.Logf("%d of %d calls stopped at their budget", stopped, calls)
	client.Close()
}
