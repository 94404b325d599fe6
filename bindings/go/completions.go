package timdesk

/*
#include "timdesk.h"
*/
import "C"

import (
	"context"
	"fmt"
	"os"
	"sync"
	"syscall"
)

// dispatcher delivers the outcomes of calls started with the C ABI's `_start` functions
// (timdesk_call_start, timdesk_send_msg_start, ...). The library queues each finished
// call and makes a descriptor readable; one goroutine waits on it through Go's netpoller
// and hands each outcome to the goroutine that started the call. So a call in flight
// holds no OS thread (a blocking cgo call would), and starting one is a short cgo call.
type dispatcher struct {
	queue   *C.timdesk_completions
	file    *os.File
	mu      sync.Mutex
	waiting map[uint64]chan outcome
	next    uint64
	stopped chan struct{}
}

// outcome is a finished call: its answer JSON, or its error.
type outcome struct {
	answer string
	err    error
}

func newDispatcher() (*dispatcher, error) {
	var queue *C.timdesk_completions
	var cerr *C.timdesk_error
	if err := check(C.timdesk_completions_new(&queue, &cerr), cerr); err != nil {
		return nil, err
	}
	// Go owns a duplicate of the descriptor, so closing the file leaves the queue's own.
	fd, err := syscall.Dup(int(C.timdesk_completions_fd(queue)))
	if err == nil {
		err = syscall.SetNonblock(fd, true)
	}
	if err != nil {
		C.timdesk_completions_free(queue)
		return nil, &Error{Status: StatusNetwork, Kind: "network", Message: "network: completion queue: " + err.Error()}
	}
	d := &dispatcher{
		queue:   queue,
		file:    os.NewFile(uintptr(fd), "timdesk-completions"),
		waiting: map[uint64]chan outcome{},
		stopped: make(chan struct{}),
	}
	go d.loop()
	return d, nil
}

// loop waits for the descriptor and delivers what finished, until the file is closed.
func (d *dispatcher) loop() {
	defer close(d.stopped)
	buf := make([]byte, 64)
	for {
		if _, err := d.file.Read(buf); err != nil {
			return
		}
		for {
			var tag C.uint64_t
			var status cStatus
			var answer *C.char
			var cerr *C.timdesk_error
			if !C.timdesk_completions_next(d.queue, &tag, &status, &answer, &cerr) {
				break
			}
			var result outcome
			if err := check(status, cerr); err != nil {
				result.err = err
			} else {
				result.answer = take(answer)
			}
			d.mu.Lock()
			ch := d.waiting[uint64(tag)]
			delete(d.waiting, uint64(tag))
			d.mu.Unlock()
			if ch != nil {
				ch <- result
			}
		}
	}
}

// await starts a call with `start` (given the queue and a fresh tag) and waits for its
// outcome without holding an OS thread. A context already done refuses to start; one that
// ends first cancels the call in the library (its connection is closed) and returns
// ctxError. If the call finished just before the cancel, its own outcome is returned.
func (d *dispatcher) await(ctx context.Context, start func(queue *C.timdesk_completions, tag C.uint64_t, cerr **C.timdesk_error) cStatus) (string, error) {
	if ctx.Err() != nil {
		return "", ctxError(ctx, false)
	}
	ch := make(chan outcome, 1)
	d.mu.Lock()
	d.next++
	tag := d.next
	d.waiting[tag] = ch
	d.mu.Unlock()
	var cerr *C.timdesk_error
	if err := check(start(d.queue, C.uint64_t(tag), &cerr), cerr); err != nil {
		d.forget(tag)
		return "", err
	}
	select {
	case result := <-ch:
		return result.answer, result.err
	case <-ctx.Done():
		if C.timdesk_completions_cancel(d.queue, C.uint64_t(tag)) {
			// Cancelled in flight: the library queues nothing for it.
			d.forget(tag)
			return "", ctxError(ctx, true)
		}
		// It finished first: its outcome is queued, or about to be.
		result := <-ch
		return result.answer, result.err
	}
}

// forget drops the waiter of a call that will queue no outcome.
func (d *dispatcher) forget(tag uint64) {
	d.mu.Lock()
	delete(d.waiting, tag)
	d.mu.Unlock()
}

// ctxError is the error of a call whose context ended: it wraps ctx.Err() (so errors.Is
// finds context.Canceled or context.DeadlineExceeded) and the context's cause when it has
// its own. It is not an *Error: the library did not fail. sent says whether the call had
// started, in which case a request already sent may still take effect.
func ctxError(ctx context.Context, sent bool) error {
	what := "timdesk: not started"
	if sent {
		what = "timdesk: cancelled in flight (a request already sent may still take effect)"
	}
	err := ctx.Err()
	if cause := context.Cause(ctx); cause != nil && cause != err {
		return fmt.Errorf("%s: %w: %w", what, err, cause)
	}
	return fmt.Errorf("%s: %w", what, err)
}

// close stops the loop and frees the queue; no call may be in flight.
func (d *dispatcher) close() {
	_ = d.file.Close()
	<-d.stopped
	C.timdesk_completions_free(d.queue)
}
