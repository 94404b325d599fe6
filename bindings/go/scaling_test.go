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
	"github.com/timdesk/timdesk/bindings/go/timdesktest"
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
// second and the peak OS threads of the process. The library's own threads stay constant
// (one I/O thread serves every call); a goroutine blocked in a cgo call holds a thread of
// the Go runtime, so the process's threads follow the calls in flight.
//
//	go test -run '^$' -bench GoroutinesShareOneClient
func BenchmarkGoroutinesShareOneClient(b *testing.B) {
	emu, err := timdesktest.StartEmulator()
	if err != nil {
		b.Fatal(err)
	}
	defer emu.Close()
	client, err := timdesk.NewClient(emu.Config())
	if err != nil {
		b.Fatal(err)
	}
	defer client.Close()
	body := map[string]any{"StartTimestamp": 0, "EndTimestamp": 2000000000, "Limit": 1}
	for _, goroutines := range []int{1, 8, 64, 256} {
		b.Run(fmt.Sprintf("goroutines=%d", goroutines), func(b *testing.B) {
			var peak atomic.Int64
			stop := make(chan struct{})
			go func() {
				for {
					select {
					case <-stop:
						return
					case <-time.After(2 * time.Millisecond):
						if n := osThreads(); n > peak.Load() {
							peak.Store(n)
						}
					}
				}
			}()
			var next atomic.Int64
			var wg sync.WaitGroup
			b.ResetTimer()
			for g := 0; g < goroutines; g++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for next.Add(1) <= int64(b.N) {
						if _, err := client.Call("desk_http_svc/describe_im_cdr_list", body, true); err != nil {
							b.Error(err)
							return
						}
					}
				}()
			}
			wg.Wait()
			b.StopTimer()
			close(stop)
			b.ReportMetric(float64(peak.Load()), "peak-threads")
		})
	}
}
