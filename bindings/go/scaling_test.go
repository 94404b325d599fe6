package timdesk_test

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	timdesk "github.com/timdesk/timdesk/bindings/go"
)

// osThreads is the process's thread count (Linux).
func osThreads() int64 {
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(status), "\n") {
		if rest, ok := strings.CutPrefix(line, "Threads:"); ok {
			n, _ := strconv.ParseInt(strings.TrimSpace(rest), 10, 64)
			return n
		}
	}
	return 0
}

// BenchmarkGoroutinesShareOneClient measures one client under N goroutines: calls per
// second and the peak OS threads of the process, for the generic Call and a typed method
// (DescribeIMCdrList). The library's own threads stay constant (one I/O thread serves
// every call), and both wait on the completion queue rather than in a cgo call, so the
// process's threads stay flat whatever the calls in flight.
//
//	go test -run '^$' -bench GoroutinesShareOneClient
func BenchmarkGoroutinesShareOneClient(b *testing.B) {
	_, client := setup(b)
	body := map[string]any{"StartTimestamp": 0, "EndTimestamp": 2000000000, "Limit": 1}
	methods := []struct {
		name string
		call func() error
	}{
		{"Call", func() error {
			_, err := client.Call(ctx, "desk_http_svc/describe_im_cdr_list", body, true)
			return err
		}},
		{"DescribeIMCdrList", func() error {
			_, err := client.DescribeIMCdrList(ctx, timdesk.CdrQuery{Start: 0, End: 2000000000, Limit: 1})
			return err
		}},
	}
	for _, method := range methods {
		for _, goroutines := range []int{1, 8, 64, 256} {
			b.Run(fmt.Sprintf("%s/goroutines=%d", method.name, goroutines), func(b *testing.B) {
				stop := watchThreads(2 * time.Millisecond)
				var next atomic.Int64
				var wg sync.WaitGroup
				b.ResetTimer()
				for g := 0; g < goroutines; g++ {
					wg.Add(1)
					go func() {
						defer wg.Done()
						for next.Add(1) <= int64(b.N) {
							if err := method.call(); err != nil {
								b.Error(err)
								return
							}
						}
					}()
				}
				wg.Wait()
				b.StopTimer()
				b.ReportMetric(float64(stop()), "peak-threads")
			})
		}
	}
}

// watchThreads samples the process's OS threads every interval until the returned stop
// is called, which returns the most it saw.
func watchThreads(interval time.Duration) (stop func() int64) {
	var peak atomic.Int64
	peak.Store(osThreads())
	done := make(chan struct{})
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		for {
			select {
			case <-done:
				return
			case <-time.After(interval):
				if n := osThreads(); n > peak.Load() {
					peak.Store(n)
				}
			}
		}
	}()
	return func() int64 {
		close(done)
		<-sampled
		return peak.Load()
	}
}

// peakThreads runs goroutines × rounds of call at once and returns the most OS threads
// the process had meanwhile.
func peakThreads(t *testing.T, goroutines, rounds int, call func() error) int64 {
	t.Helper()
	stop := watchThreads(500 * time.Microsecond)
	var wg sync.WaitGroup
	for g := 0; g < goroutines; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for r := 0; r < rounds; r++ {
				if err := call(); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	return stop()
}

// Every call waits on the completion queue, as Call does: 64 goroutines with a slow call
// each in flight add no OS thread per call. A generated method (GetSessionState), a
// hand-written one (DescribeIMCdrList), a CDR walk and a streamed reply are measured;
// calls waiting in C would take one thread each, over 64 (71 measured when StreamMsg still
// did).
func TestCallsHoldNoThreadWhileWaiting(t *testing.T) {
	emu, client := setup(t)
	const sid = "7e1d2c3b-4a5f-4e6d-8c7b-9a0f1e2d3c4b"
	control(t, emu, "POST", "/sessions", map[string]any{"session_id": sid, "client_user_id": "scaling_user"})
	control(t, emu, "POST", "/faults", map[string]any{"kind": "delay", "ms": 50, "count": -1, "path": "desk_http_svc/describe_im_cdr_list"})
	control(t, emu, "POST", "/faults", map[string]any{"kind": "delay", "ms": 50, "count": -1, "path": "desk_http_svc/get_session_state"})
	control(t, emu, "POST", "/faults", map[string]any{"kind": "delay", "ms": 50, "count": -1, "path": "desk_http_svc/send_stream_msg"})
	calls := map[string]func() error{
		"GetSessionState": func() error {
			state, err := client.GetSessionState(ctx, timdesk.GetSessionStateOptions{SessionID: sid})
			if err == nil && state.CurrentState != "Chatbot" {
				err = fmt.Errorf("GetSessionState = %+v", state)
			}
			return err
		},
		"DescribeIMCdrList": func() error {
			_, err := client.DescribeIMCdrList(ctx, timdesk.CdrQuery{Start: 0, End: 1})
			return err
		},
		"Cdrs": func() error {
			for _, err := range client.Cdrs(ctx, 0, 1, "") {
				if err != nil {
					return err
				}
			}
			return nil
		},
		// Two chunks: the first goes out when the second arrives, the second at the end.
		"StreamMsg": func() error {
			_, err := client.StreamMsg(ctx, sid, func(yield func(string) bool) { _ = yield("one ") && yield("two") }, timdesk.StreamMsgOptions{})
			return err
		},
	}
	const goroutines = 64
	for name, call := range calls {
		before := osThreads()
		start := time.Now()
		peak := peakThreads(t, goroutines, 2, call)
		elapsed := time.Since(start)
		t.Logf("%s: threads before %d, peak %d with %d goroutines (%v for %d calls of 50 ms)", name, before, peak, goroutines, elapsed, 2*goroutines)
		// The Go runtime may start a few threads of its own (GC, sysmon, the netpoller).
		if peak > before+8 {
			t.Errorf("%s: %d goroutines took the process from %d to %d threads", name, goroutines, before, peak)
		}
		// The calls were in flight together: 128 calls of 50 ms one after another take 6.4 s.
		if elapsed > 3*time.Second {
			t.Errorf("%s: %d calls took %v: they did not overlap", name, 2*goroutines, elapsed)
		}
	}
}
