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
			_, err := client.Call("desk_http_svc/describe_im_cdr_list", body, true)
			return err
		}},
		{"DescribeIMCdrList", func() error {
			_, err := client.DescribeIMCdrList(timdesk.CdrQuery{Start: 0, End: 2000000000, Limit: 1})
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

// Typed calls and iterator steps wait on the completion queue, as Call does: 64
// goroutines with a slow call each in flight add no OS thread per call, with the blocking
// bound out of the way. A generated method (GetSessionState), a hand-written one
// (DescribeIMCdrList) and a CDR walk are measured; calls waiting in C would take one
// thread each, over 64.
func TestTypedCallsHoldNoThreadWhileWaiting(t *testing.T) {
	emu, client := setup(t)
	defer timdesk.SetMaxBlockingCalls(timdesk.DefaultMaxBlockingCalls)
	timdesk.SetMaxBlockingCalls(1000)
	const sid = "7e1d2c3b-4a5f-4e6d-8c7b-9a0f1e2d3c4b"
	control(t, emu, "POST", "/sessions", map[string]any{"session_id": sid, "client_user_id": "scaling_user"})
	control(t, emu, "POST", "/faults", map[string]any{"kind": "delay", "ms": 50, "count": -1, "path": "desk_http_svc/describe_im_cdr_list"})
	control(t, emu, "POST", "/faults", map[string]any{"kind": "delay", "ms": 50, "count": -1, "path": "desk_http_svc/get_session_state"})
	calls := map[string]func() error{
		"GetSessionState": func() error {
			state, err := client.GetSessionState(timdesk.GetSessionStateOptions{SessionID: sid})
			if err == nil && state.CurrentState != "Chatbot" {
				err = fmt.Errorf("GetSessionState = %+v", state)
			}
			return err
		},
		"DescribeIMCdrList": func() error {
			_, err := client.DescribeIMCdrList(timdesk.CdrQuery{Start: 0, End: 1})
			return err
		},
		"Cdrs": func() error {
			records := client.Cdrs(0, 1, "")
			defer records.Close()
			for records.Next() {
			}
			return records.Err()
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

// StreamMsg's chunks wait in C, each holding an OS thread; SetMaxBlockingCalls bounds
// how many do at once, and the rest wait in Go without a thread. Measured both ways in
// one run: the bound must be what keeps the threads down.
func TestStreamMsgHoldsNoMoreThreadsThanTheBlockingBound(t *testing.T) {
	emu, client := setup(t)
	defer timdesk.SetMaxBlockingCalls(timdesk.DefaultMaxBlockingCalls)
	const sid = "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d"
	control(t, emu, "POST", "/sessions", map[string]any{"session_id": sid, "client_user_id": "bound_user"})
	// Slow answers keep every goroutine's chunk in C at once.
	control(t, emu, "POST", "/faults", map[string]any{"kind": "delay", "ms": 20, "count": -1, "path": "desk_http_svc/send_stream_msg"})
	// One chunk: nothing is sent until the stream finishes, which sends it in C.
	call := func() error {
		_, err := client.StreamMsg(sid, func(yield func(string) bool) { yield("token") }, timdesk.StreamMsgOptions{})
		return err
	}
	const bound, goroutines = 4, 64
	before := osThreads()
	timdesk.SetMaxBlockingCalls(bound)
	start := time.Now()
	bounded := peakThreads(t, goroutines, 2, call)
	elapsed := time.Since(start)
	timdesk.SetMaxBlockingCalls(1000)
	unbounded := peakThreads(t, goroutines, 2, call)
	t.Logf("threads before %d; peak with %d slots %d (%v for %d streams), with 1000 slots %d", before, bound, bounded, elapsed, 2*goroutines, unbounded)
	// The Go runtime may start a few threads of its own (GC, sysmon, the netpoller).
	if bounded > before+bound+6 {
		t.Errorf("with %d slots the process reached %d threads from %d", bound, bounded, before)
	}
	if unbounded <= before+bound+6 {
		t.Errorf("without a bound the process stayed at %d threads: this test measures nothing", unbounded)
	}
	// 128 streams of 20 ms through 4 slots take at least 32 rounds of 20 ms.
	if elapsed < 600*time.Millisecond {
		t.Errorf("128 streams through %d slots took %v: the slots did not bound them", bound, elapsed)
	}
}
