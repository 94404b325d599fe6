// Package timdesktest runs the emulator of the Desk server in-process for tests, as
// net/http/httptest runs a server: applications import timdesk only, and the emulator
// (libtimdesk_testing, pkg-config timdesk-testing) is linked into test binaries alone.
//
//	emu, err := timdesktest.StartEmulator()
//	defer emu.Close()
//	client, err := timdesk.NewClient(emu.Config())
package timdesktest

/*
#cgo pkg-config: timdesk-testing
#include <stdlib.h>
#include "timdesk_testing.h"
*/
import "C"

import (
	"encoding/json"
	"runtime"
	"sync"
	"unsafe"

	timdesk "github.com/timdesk/timdesk/bindings/go"
)

// Emulator is the built-in emulator of the server, in-process on 127.0.0.1.
type Emulator struct {
	mu  sync.RWMutex
	ptr *C.timdesk_emulator
}

// check turns a status and its C error into a *timdesk.Error, freeing the C error.
func check(status C.timdesk_status, cerr *C.timdesk_error) error {
	defer C.timdesk_error_free(cerr)
	if timdesk.Status(status) == timdesk.StatusOK {
		return nil
	}
	return &timdesk.Error{
		Status:       timdesk.Status(status),
		Kind:         C.GoString(C.timdesk_error_kind(cerr)),
		Code:         uint32(C.timdesk_error_code(cerr)),
		Message:      C.GoString(C.timdesk_error_message(cerr)),
		Retryable:    bool(C.timdesk_error_retryable(cerr)),
		MaybeApplied: bool(C.timdesk_error_maybe_applied(cerr)),
	}
}

// StartEmulator starts an emulator of the built-in app on a free port.
func StartEmulator() (*Emulator, error) {
	var ptr *C.timdesk_emulator
	var cerr *C.timdesk_error
	if err := check(C.timdesk_emulator_start(0, nil, nil, 0, &ptr, &cerr), cerr); err != nil {
		return nil, err
	}
	e := &Emulator{ptr: ptr}
	runtime.SetFinalizer(e, func(e *Emulator) { _ = e.Close() })
	return e, nil
}

// Config is a client configuration for this emulator.
func (e *Emulator) Config() timdesk.Config {
	e.mu.RLock()
	defer e.mu.RUnlock()
	if e.ptr == nil {
		return timdesk.Config{}
	}
	return timdesk.Config{
		SDKAppID:  uint64(C.timdesk_emulator_sdkappid(e.ptr)),
		SecretKey: C.GoString(C.timdesk_emulator_secret_key(e.ptr)),
		Admin:     C.GoString(C.timdesk_emulator_admin(e.ptr)),
		Endpoint:  C.GoString(C.timdesk_emulator_base_url(e.ptr)),
	}
}

// Control makes a control API call (method and path as under /__control over HTTP) with
// body marshalled to JSON (nil for none), returning the JSON answer.
func (e *Emulator) Control(method, path string, body any) (json.RawMessage, error) {
	e.mu.RLock()
	defer e.mu.RUnlock()
	if e.ptr == nil {
		return nil, timdesk.ErrClosed
	}
	var text []byte
	if body != nil {
		var err error
		if text, err = json.Marshal(body); err != nil {
			return nil, err
		}
	}
	cmethod, cpath := C.CString(method), C.CString(path)
	defer C.free(unsafe.Pointer(cmethod))
	defer C.free(unsafe.Pointer(cpath))
	var cbody *C.char
	if body != nil {
		cbody = C.CString(string(text))
		defer C.free(unsafe.Pointer(cbody))
	}
	var out *C.char
	var cerr *C.timdesk_error
	if err := check(C.timdesk_emulator_control(e.ptr, cmethod, cpath, cbody, &out, &cerr), cerr); err != nil {
		return nil, err
	}
	defer C.timdesk_string_free(out)
	return json.RawMessage(C.GoString(out)), nil
}

// Close stops the emulator (idempotent).
func (e *Emulator) Close() error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.ptr != nil {
		C.timdesk_emulator_free(e.ptr)
		e.ptr = nil
	}
	return nil
}
