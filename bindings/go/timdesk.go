// Package timdesk is a client of the Tencent Cloud Chat Desk (contact-center) server API,
// over the static libtimdesk (the Rust core's C ABI). bindings/go/README.md has the whole
// guide.
//
// Build with libtimdesk installed (scripts/install-c) and PKG_CONFIG_PATH pointing at its
// lib/pkgconfig:
//
//	client, err := timdesk.NewClient(timdesk.Config{SDKAppID: 1400000000, SecretKey: key, Region: "singapore"})
//	defer client.Close()
//	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
//	defer cancel()
//	t, err := client.TransferToHuman(ctx, sessionID, timdesk.TransferOptions{})
//	if errors.Is(err, timdesk.ErrNoAgentOnline) { ... }
//
// Every method that does I/O takes a context.Context first. A context already done
// refuses before anything starts; one cancelled (or past its deadline) while the call is
// in flight aborts the request in the library, closing its connection (the client stays
// usable), and the call returns an error for which errors.Is(err, context.Canceled) (or
// context.DeadlineExceeded) holds. A request already sent may still take effect on the
// server. Within the context, the client's own timeouts and retries apply.
//
// One Client is safe for concurrent use, from any number of goroutines. Every method that
// calls the server (the iterators' page fetches and StreamMsg's chunks too) starts its
// call with a short cgo call and waits on the library's completion queue through Go's
// netpoller, so a call in flight holds no OS thread.
//
// Strings cross to the library as C strings, which end at a NUL byte: a string holding
// one is refused (ErrInvalidArgument, naming the field) before anything is sent.
package timdesk

/*
#cgo pkg-config: timdesk-static
#include <stdlib.h>
#include "timdesk.h"
*/
import "C"

import (
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"runtime"
	"strings"
	"sync"
	"time"
	"unsafe"
)

// Error is every error this package returns. Match a kind with errors.Is against the
// sentinels (ErrNoAgentOnline, ...), or get the details with errors.As.
type Error struct {
	Status       Status
	Kind         string // e.g. "no_agent_online"; for UserSig failures the reason, e.g. "expired"
	Code         uint32 // the server's ErrorCode, 0 when the server did not answer with one
	Message      string
	Retryable    bool // the same request may succeed later
	MaybeApplied bool // the request may have taken effect despite the error
}

func (e *Error) Error() string {
	if e.Message == "" {
		return fmt.Sprintf("timdesk: status %d", e.Status)
	}
	return "timdesk: " + e.Message
}

// Is reports whether target is a sentinel (or Error) of the same status. ErrClosed
// matches only errors from closed handles, and they match nothing else.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	if !ok {
		return false
	}
	if e.Kind == kindClosed || t.Kind == kindClosed {
		return e.Kind == t.Kind
	}
	return t.Status == e.Status
}

const kindClosed = "closed"

// ErrClosed is returned by calls on a closed Client (or a closed timdesktest.Emulator).
// The sentinels of the error kinds and statuses are in errors_generated.go.
var ErrClosed = &Error{Status: StatusInvalidArgument, Kind: kindClosed, Message: "use of a closed handle"}

// coreKind is an error kind as the core lists it through the C ABI.
type coreKind struct {
	name   string
	status Status
}

// coreKinds lists the core's error kinds with their statuses.
func coreKinds() []coreKind {
	n := int(C.timdesk_error_kind_count())
	kinds := make([]coreKind, 0, n)
	for i := 0; i < n; i++ {
		var status cStatus
		name := C.timdesk_error_kind_at(C.size_t(i), &status)
		kinds = append(kinds, coreKind{name: C.GoString(name), status: Status(status)})
	}
	return kinds
}

// cStatus is what cgo makes of the C ABI's `enum timdesk_status`: its values are Status's.
type cStatus = uint32

// check turns a status and its C error into a Go error, freeing the C error.
func check(status cStatus, cerr *C.timdesk_error) error {
	defer C.timdesk_error_free(cerr)
	if Status(status) == StatusOK {
		return nil
	}
	return &Error{
		Status:       Status(status),
		Kind:         C.GoString(C.timdesk_error_kind(cerr)),
		Code:         uint32(C.timdesk_error_code(cerr)),
		Message:      C.GoString(C.timdesk_error_message(cerr)),
		Retryable:    bool(C.timdesk_error_retryable(cerr)),
		MaybeApplied: bool(C.timdesk_error_maybe_applied(cerr)),
	}
}

// cstrings owns C copies of Go strings for the length of one call. A C string ends at its
// first NUL byte, so a Go string holding one would reach the library cut short (a message
// text losing its end): of refuses it instead. It remembers the first such field as err,
// which check and started return, and hands the library a string it refuses as invalid
// UTF-8 before sending anything, so nothing goes out even where err is not looked at.
type cstrings struct {
	ptrs []*C.char
	err  error
}

// refusedString is not UTF-8: every function of the library refuses it.
var refusedString = C.CString("\xff")

// of is a C copy of s, the value of field.
func (c *cstrings) of(field, s string) *C.char {
	if at := strings.IndexByte(s, 0); at >= 0 {
		if c.err == nil {
			c.err = &Error{Status: StatusInvalidArgument, Kind: "invalid_argument",
				Message: fmt.Sprintf("invalid argument: %s: holds a NUL byte (at byte %d), which a C string cannot carry", field, at)}
		}
		return refusedString
	}
	p := C.CString(s)
	c.ptrs = append(c.ptrs, p)
	return p
}

// optional is NULL for "".
func (c *cstrings) optional(field, s string) *C.char {
	if s == "" {
		return nil
	}
	return c.of(field, s)
}

// optionalPtr is NULL for nil, else a C copy of *s (which may be "").
func (c *cstrings) optionalPtr(field string, s *string) *C.char {
	if s == nil {
		return nil
	}
	return c.of(field, *s)
}

// check is check(status, cerr), except that a string of refused is the error.
func (c *cstrings) check(status cStatus, cerr *C.timdesk_error) error {
	err := check(status, cerr)
	if c.err != nil {
		return c.err
	}
	return err
}

func (c *cstrings) free() {
	for _, p := range c.ptrs {
		C.free(unsafe.Pointer(p))
	}
}

// take copies and frees a library string.
func take(s *C.char) string {
	defer C.timdesk_string_free(s)
	return C.GoString(s)
}

// Version is the library's version, e.g. "0.1.0".
func Version() string { return C.GoString(C.timdesk_version()) }

// SendMsgRetry is what SendMsg does after an attempt whose answer was lost. The server
// deduplicates a MsgRandom within the same second only.
type SendMsgRetry uint32

const (
	// AtMostOnce never repeats it: the error has MaybeApplied and names the MsgRandom.
	// The default.
	AtMostOnce SendMsgRetry = C.TIMDESK_SEND_MSG_AT_MOST_ONCE
	// AtLeastOnce repeats it with the same MsgRandom: nothing is lost, but a repeat in a
	// later second than the lost attempt delivers the message twice.
	AtLeastOnce SendMsgRetry = C.TIMDESK_SEND_MSG_AT_LEAST_ONCE
)

// Config configures a Client; zero values take the library's defaults.
type Config struct {
	SDKAppID       uint64
	SecretKey      string
	Admin          string        // default "administrator"
	Region         string        // china, singapore, seoul, tokyo, frankfurt, silicon-valley, jakarta, mumbai
	Endpoint       string        // an explicit base URL instead of a region (e.g. the emulator's)
	Timeout        time.Duration // per attempt; default 10 s
	ConnectTimeout time.Duration // default 5 s
	MaxAttempts    uint32        // default 4
	RetryBaseDelay time.Duration // default 100 ms, doubling
	Proxy          string        // an http:// proxy URL, passed through by CONNECT; empty follows HTTPS_PROXY/NO_PROXY
	CABundlePEM    string        // extra trusted CA certificates, PEM
	// MaxRequestsPerSecond paces this client's requests across goroutines; 0 for none.
	MaxRequestsPerSecond uint32
	// SendMsgRetry is what SendMsg does after a lost answer; AtMostOnce by default.
	SendMsgRetry    SendMsgRetry
	RetryMaxDelay   time.Duration // longest delay between attempts; default 2 s
	RetryMaxElapsed time.Duration // no retry starts after this; default 15 s
	UserSigTTL      time.Duration // administrator UserSig validity (whole seconds); default a day
}

// Client is a client of one application's server API, safe for concurrent use.
type Client struct {
	mu  sync.RWMutex
	ptr *C.timdesk_client
	// calls delivers the outcomes of Call and CallEndpoint (made on first use).
	calls     *dispatcher
	callsOnce sync.Once
	callsErr  error
}

func millis(d time.Duration) C.uint32_t {
	if d <= 0 {
		return 0
	}
	if ms := d.Milliseconds(); ms < 1<<32 && ms > 0 {
		return C.uint32_t(ms)
	}
	return 1
}

// NewClient builds a client from cfg.
func NewClient(cfg Config) (*Client, error) {
	var cs cstrings
	defer cs.free()
	config := C.timdesk_config{
		size:                    C.size_t(unsafe.Sizeof(C.timdesk_config{})),
		sdkappid:                C.uint64_t(cfg.SDKAppID),
		secret_key:              cs.optional("secret_key", cfg.SecretKey),
		admin:                   cs.optional("admin", cfg.Admin),
		region:                  cs.optional("region", cfg.Region),
		endpoint:                cs.optional("endpoint", cfg.Endpoint),
		timeout_ms:              millis(cfg.Timeout),
		connect_timeout_ms:      millis(cfg.ConnectTimeout),
		max_attempts:            C.uint32_t(cfg.MaxAttempts),
		retry_base_delay_ms:     millis(cfg.RetryBaseDelay),
		proxy:                   cs.optional("proxy", cfg.Proxy),
		ca_bundle_pem:           cs.optional("ca_bundle_pem", cfg.CABundlePEM),
		max_requests_per_second: C.uint32_t(cfg.MaxRequestsPerSecond),
		send_msg_retry:          C.timdesk_send_msg_retry(cfg.SendMsgRetry),
		retry_max_delay_ms:      millis(cfg.RetryMaxDelay),
		retry_max_elapsed_ms:    millis(cfg.RetryMaxElapsed),
		usersig_ttl_s:           C.uint32_t(min(cfg.UserSigTTL/time.Second, 1<<32-1)),
	}
	var ptr *C.timdesk_client
	var cerr *C.timdesk_error
	if err := cs.check(C.timdesk_client_new(&config, &ptr, &cerr), cerr); err != nil {
		return nil, err
	}
	return newClient(ptr), nil
}

// NewClientFromEnv builds a client from TIMDESK_SDKAPPID, TIMDESK_SECRET_KEY,
// TIMDESK_ADMIN, and TIMDESK_REGION or TIMDESK_ENDPOINT.
func NewClientFromEnv() (*Client, error) {
	var ptr *C.timdesk_client
	var cerr *C.timdesk_error
	if err := check(C.timdesk_client_from_env(&ptr, &cerr), cerr); err != nil {
		return nil, err
	}
	return newClient(ptr), nil
}

func newClient(ptr *C.timdesk_client) *Client {
	c := &Client{ptr: ptr}
	runtime.SetFinalizer(c, func(c *Client) { _ = c.Close() })
	return c
}

// Close frees the client; calls made afterwards return ErrClosed. Idempotent; it waits
// for calls in flight.
func (c *Client) Close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.ptr != nil {
		// Calls hold the read lock until their outcome arrives: none is in flight here.
		if c.calls != nil {
			c.calls.close()
			c.calls = nil
		}
		C.timdesk_client_free(c.ptr)
		c.ptr = nil
	}
	return nil
}

// dispatcher is the client's completion dispatcher, made on first use.
func (c *Client) dispatcher() (*dispatcher, error) {
	c.callsOnce.Do(func() { c.calls, c.callsErr = newDispatcher() })
	return c.calls, c.callsErr
}

// Options are the options the client was made with, as the core uses them (durations in
// seconds, the key redacted).
func (c *Client) Options() (map[string]any, error) {
	var options map[string]any
	err := c.with(func(ptr *C.timdesk_client) error {
		var out *C.char
		var cerr *C.timdesk_error
		if err := check(C.timdesk_client_options_json(ptr, &out, &cerr), cerr); err != nil {
			return err
		}
		return json.Unmarshal([]byte(take(out)), &options)
	})
	return options, err
}

// optionNames lists the core's client options.
func optionNames() []string {
	n := int(C.timdesk_client_option_count())
	names := make([]string, 0, n)
	for i := 0; i < n; i++ {
		names = append(names, C.GoString(C.timdesk_client_option_at(C.size_t(i))))
	}
	return names
}

// with runs f with the live handle, holding Close off until it returns.
func (c *Client) with(f func(*C.timdesk_client) error) error {
	c.mu.RLock()
	defer c.mu.RUnlock()
	if c.ptr == nil {
		return ErrClosed
	}
	err := f(c.ptr)
	runtime.KeepAlive(c)
	return err
}

// TransferOptions are the optional fields of TransferToHuman (wire names in brackets).
type TransferOptions struct {
	AgentIDs                        []string // preferred agents [AgentIdList]
	AgentGroupID                    *uint64  // [AgentGroupId]; nil for the default policy
	SendTipIfNoAgentOnline          bool     // [SendTipIfNoAgentOnline]
	CheckIfDuringWorkingHours       bool     // [CheckIfDuringWorkingHours]
	SendPromptNotDuringWorkingHours bool     // [SendPromptNotDuringWorkingHours]
	EndSessionWhenNoMemberOnline    bool     // [EndSessionWhenNoMemberOnline]
	DisableQueuing                  bool     // [DisableQueuing]: agents busy is ErrAgentBusy
	AllowAssignBusyMember           bool     // [AllowAssignBusyMember]
	Priority                        *uint8   // [Priority] 0 (highest) to 9; nil for none
	QueueTimeout                    *uint32  // [QueueTimeout]; nil for none
}

// Transfer is the outcome of TransferToHuman, with the answer's wire names.
type Transfer struct {
	AgentID   string `json:"AgentId"`   // "" while queued or outside working hours
	IsInQueue bool   `json:"IsInQueue"` // queued for an agent
}

// TransferToHuman hands a session from the chatbot to a human agent.
func (c *Client) TransferToHuman(ctx context.Context, sessionID string, opts TransferOptions) (Transfer, error) {
	var cs cstrings
	defer cs.free()
	options := C.timdesk_transfer_options{
		size:                                 C.size_t(unsafe.Sizeof(C.timdesk_transfer_options{})),
		agent_ids_len:                        C.size_t(len(opts.AgentIDs)),
		send_tip_if_no_agent_online:          C.bool(opts.SendTipIfNoAgentOnline),
		check_if_during_working_hours:        C.bool(opts.CheckIfDuringWorkingHours),
		send_prompt_not_during_working_hours: C.bool(opts.SendPromptNotDuringWorkingHours),
		end_session_when_no_member_online:    C.bool(opts.EndSessionWhenNoMemberOnline),
		disable_queuing:                      C.bool(opts.DisableQueuing),
		allow_assign_busy_member:             C.bool(opts.AllowAssignBusyMember),
	}
	if len(opts.AgentIDs) > 0 {
		// The list lives in C memory: cgo forbids passing Go memory holding pointers.
		ids := (*[1 << 28]*C.char)(C.malloc(C.size_t(len(opts.AgentIDs)) * C.size_t(unsafe.Sizeof((*C.char)(nil)))))
		defer C.free(unsafe.Pointer(ids))
		for i, id := range opts.AgentIDs {
			ids[i] = cs.of("AgentIdList", id)
		}
		options.agent_ids = &ids[0]
	}
	if opts.AgentGroupID != nil {
		options.has_agent_group_id = true
		options.agent_group_id = C.uint64_t(*opts.AgentGroupID)
	}
	if opts.Priority != nil {
		options.has_priority = true
		options.priority = C.uint8_t(*opts.Priority)
	}
	if opts.QueueTimeout != nil {
		options.has_queue_timeout = true
		options.queue_timeout = C.uint32_t(*opts.QueueTimeout)
	}
	var out Transfer
	err := c.started(ctx, &cs, &out, func(ptr *C.timdesk_client, queue *C.timdesk_completions, tag C.uint64_t, cerr **C.timdesk_error) cStatus {
		return C.timdesk_transfer_to_human_start(ptr, cs.of("SessionId", sessionID), &options, queue, tag, cerr)
	})
	return out, err
}

// Element is one MsgBody element: make it with its constructor (Text, Custom, Video, ...:
// elements_generated.go has one per element declared in models/library/elements.json with
// a C builder), or with JSONElement for any other (an image). The core builds each
// element's JSON, so the message format is defined once.
type Element struct {
	add func(body *C.timdesk_message_body, cs *cstrings, cerr **C.timdesk_error) cStatus
	// err refuses the element when the body is built (more than one options value).
	err error
}

// oneOptions is the options value of the element constructor name: the zero value when
// opts is empty, its one value, or an error when more than one was passed.
func oneOptions[T any](name string, opts []T) (T, error) {
	var zero T
	switch len(opts) {
	case 0:
		return zero, nil
	case 1:
		return opts[0], nil
	}
	return zero, &Error{Status: StatusInvalidArgument, Kind: "invalid_argument",
		Message: fmt.Sprintf("invalid argument: %s: takes at most one %sOptions, not %d", name, name, len(opts))}
}

// JSONElement is any other element from its JSON form, {"MsgType": ..., "MsgContent": {...}}.
func JSONElement(element string) Element {
	return Element{add: func(body *C.timdesk_message_body, cs *cstrings, cerr **C.timdesk_error) cStatus {
		return C.timdesk_message_body_add_json(body, cs.of("element", element), cerr)
	}}
}

// buildBody builds the C message body of elements; free it with timdesk_message_body_free.
func buildBody(elements []Element, cs *cstrings) (*C.timdesk_message_body, error) {
	var body *C.timdesk_message_body
	var cerr *C.timdesk_error
	if err := check(C.timdesk_message_body_new(&body, &cerr), cerr); err != nil {
		return nil, err
	}
	for _, element := range elements {
		if element.err != nil {
			C.timdesk_message_body_free(body)
			return nil, element.err
		}
		if element.add == nil {
			C.timdesk_message_body_free(body)
			return nil, &Error{Status: StatusInvalidArgument, Kind: "invalid_argument", Message: "invalid argument: MsgBody: a zero Element; make elements with their constructors (Text, Custom, ...) or JSONElement"}
		}
		var cerr *C.timdesk_error
		if err := cs.check(element.add(body, cs, &cerr), cerr); err != nil {
			C.timdesk_message_body_free(body)
			return nil, err
		}
	}
	return body, nil
}

// Message is a message for SendMsg: set SessionID, or FromAccount and ToAccount.
type Message struct {
	SessionID                  string
	FromAccount                string
	ToAccount                  string
	Body                       []Element
	MsgRandom                  *uint32 // generated when nil; kept across retries
	CloudCustomData            string
	ExcludeFromUserRespTimeout bool
}

// SendMsg sends a message and returns its MsgRandom. At most once unless the Config asks
// for AtLeastOnce: an error with MaybeApplied names the MsgRandom used.
func (c *Client) SendMsg(ctx context.Context, m Message) (uint32, error) {
	var cs cstrings
	defer cs.free()
	body, err := buildBody(m.Body, &cs)
	if err != nil {
		return 0, err
	}
	defer C.timdesk_message_body_free(body)
	msg := C.timdesk_message{
		size:                           C.size_t(unsafe.Sizeof(C.timdesk_message{})),
		session_id:                     cs.optional("SessionId", m.SessionID),
		from_account:                   cs.optional("FromAccount", m.FromAccount),
		to_account:                     cs.optional("ToAccount", m.ToAccount),
		body:                           body,
		cloud_custom_data:              cs.optional("CloudCustomData", m.CloudCustomData),
		exclude_from_user_resp_timeout: C.bool(m.ExcludeFromUserRespTimeout),
	}
	if m.MsgRandom != nil {
		msg.has_msg_random = true
		msg.msg_random = C.uint32_t(*m.MsgRandom)
	}
	var sent struct{ MsgRandom uint32 }
	err = c.started(ctx, &cs, &sent, func(ptr *C.timdesk_client, queue *C.timdesk_completions, tag C.uint64_t, cerr **C.timdesk_error) cStatus {
		return C.timdesk_send_msg_start(ptr, &msg, queue, tag, cerr)
	})
	return sent.MsgRandom, err
}

// EndSession ends a session that was transferred to a human.
func (c *Client) EndSession(ctx context.Context, sessionID string) error {
	var cs cstrings
	defer cs.free()
	return c.started(ctx, &cs, nil, func(ptr *C.timdesk_client, queue *C.timdesk_completions, tag C.uint64_t, cerr **C.timdesk_error) cStatus {
		return C.timdesk_end_session_start(ptr, cs.of("SessionId", sessionID), queue, tag, cerr)
	})
}

// CdrRecord is a session service record, with the server's field names.
type CdrRecord struct {
	SessionID            string `json:"SessionId"`
	AgentGroupID         string `json:"AgentGroupId"`
	AgentGroupName       string `json:"AgentGroupName"`
	AgentID              string `json:"AgentId"`
	ChannelType          string `json:"ChannelType"`
	ClientUserID         string `json:"ClientUserId"`
	ClientUserNickName   string `json:"ClientUserNickName"`
	Duration             uint64 `json:"Duration"`
	EndStatus            string `json:"EndStatus"`
	SatisfactionSelected uint64 `json:"SatisfactionSelected"`
	Timestamp            uint64 `json:"Timestamp"`
}

// CdrPage is one page of DescribeIMCdrList.
type CdrPage struct {
	TotalCount uint64      `json:"TotalCount"`
	Records    []CdrRecord `json:"IMCdrList"`
}

// CdrQuery selects CDR records with a session time in [Start, End].
type CdrQuery struct {
	Start, End   uint64
	Limit        uint32 // within the model's bounds (docs/api.md); 0 for the server's default
	Offset       uint32
	ClientUserID string
}

// DescribeIMCdrList returns one page of CDR records.
func (c *Client) DescribeIMCdrList(ctx context.Context, q CdrQuery) (CdrPage, error) {
	var cs cstrings
	defer cs.free()
	var page CdrPage
	err := c.started(ctx, &cs, &page, func(ptr *C.timdesk_client, queue *C.timdesk_completions, tag C.uint64_t, cerr **C.timdesk_error) cStatus {
		return C.timdesk_describe_im_cdr_list_start(ptr, C.uint64_t(q.Start), C.uint64_t(q.End), C.uint32_t(q.Limit), C.uint32_t(q.Offset), cs.optional("ClientUserId", q.ClientUserID), queue, tag, cerr)
	})
	return page, err
}

// pageStep starts the next page step of a C iterator (its `_next_page_start`).
type pageStep func(queue *C.timdesk_completions, tag C.uint64_t, cerr **C.timdesk_error) cStatus

// walk is the iterator the paged methods share: each range over it opens a C iterator with
// open (under the client's lock), fetches a page per step through the completion queue
// under ctx, and yields the page's items one by one, with no lock held (so the loop may
// use the client). The walk ends at the last item, after yielding its one error (a
// refused request, a failed page, ctx ending), or when the loop breaks; however it ends,
// the C iterator is freed.
func walk[T any](ctx context.Context, c *Client, open func(ptr *C.timdesk_client) (pageStep, func(), error)) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		var zero T
		var step pageStep
		var free func()
		err := c.with(func(ptr *C.timdesk_client) error {
			var err error
			step, free, err = open(ptr)
			return err
		})
		if err != nil {
			yield(zero, err)
			return
		}
		defer free()
		for {
			var items []T
			err := c.started(ctx, &cstrings{}, &items, func(_ *C.timdesk_client, queue *C.timdesk_completions, tag C.uint64_t, cerr **C.timdesk_error) cStatus {
				return step(queue, tag, cerr)
			})
			if err != nil {
				yield(zero, err)
				return
			}
			if len(items) == 0 {
				return
			}
			for _, item := range items {
				if ctx.Err() != nil {
					yield(zero, ctxError(ctx, false))
					return
				}
				if !yield(item, nil) {
					return
				}
			}
		}
	}
}

// Cdrs walks every CDR record of [start, end] (of one user when clientUserID is set),
// fetching a page of 100 per step under ctx:
//
//	for record, err := range client.Cdrs(ctx, start, end, "") {
//		if err != nil { ... } // the walk ends after its one error
//		use(record)
//	}
//
// Breaking out of the loop frees the walk; each range walks afresh.
func (c *Client) Cdrs(ctx context.Context, start, end uint64, clientUserID string) iter.Seq2[CdrRecord, error] {
	return walk[CdrRecord](ctx, c, func(ptr *C.timdesk_client) (pageStep, func(), error) {
		var cs cstrings
		defer cs.free()
		var it *C.timdesk_cdr_iter
		var cerr *C.timdesk_error
		if err := cs.check(C.timdesk_cdr_iter_new(ptr, C.uint64_t(start), C.uint64_t(end), cs.optional("ClientUserId", clientUserID), &it, &cerr), cerr); err != nil {
			return nil, nil, err
		}
		step := func(queue *C.timdesk_completions, tag C.uint64_t, cerr **C.timdesk_error) cStatus {
			return C.timdesk_cdr_iter_next_page_start(it, queue, tag, cerr)
		}
		return step, func() { C.timdesk_cdr_iter_free(it) }, nil
	})
}

// ChatMessages walks every message of a session (desk_http_svc/describe_chat_messages) in
// order (1 oldest first, 2 newest first, 0 the server's default: newest first), fetching a
// page of 100 per step under ctx. Each message is the server's JSON object (FromAccount,
// FromAccountRole, MsgBody, Timestamp):
//
//	for message, err := range client.ChatMessages(ctx, sessionID, 1) {
//		if err != nil { ... }
//		use(message)
//	}
//
// The request is checked before any is sent: a bad order is yielded as an *Error matching
// ErrInvalidArgument. Breaking out of the loop frees the walk.
func (c *Client) ChatMessages(ctx context.Context, sessionID string, order uint32) iter.Seq2[map[string]any, error] {
	return walk[map[string]any](ctx, c, func(ptr *C.timdesk_client) (pageStep, func(), error) {
		var cs cstrings
		defer cs.free()
		var it *C.timdesk_chat_message_iter
		var cerr *C.timdesk_error
		if err := cs.check(C.timdesk_chat_message_iter_new(ptr, cs.of("SessionId", sessionID), C.uint32_t(order), &it, &cerr), cerr); err != nil {
			return nil, nil, err
		}
		step := func(queue *C.timdesk_completions, tag C.uint64_t, cerr **C.timdesk_error) cStatus {
			return C.timdesk_chat_message_iter_next_page_start(it, queue, tag, cerr)
		}
		return step, func() { C.timdesk_chat_message_iter_free(it) }, nil
	})
}

// DeleteRecentContact removes fromAccount's conversation with toAccount (one-to-one), or
// with the group toGroup when toAccount is "": exactly one of them set.
func (c *Client) DeleteRecentContact(ctx context.Context, fromAccount, toAccount, toGroup string, clearRoaming bool) error {
	var cs cstrings
	defer cs.free()
	return c.started(ctx, &cs, nil, func(ptr *C.timdesk_client, queue *C.timdesk_completions, tag C.uint64_t, cerr **C.timdesk_error) cStatus {
		return C.timdesk_delete_recent_contact_start(ptr, cs.of("From_Account", fromAccount), cs.optional("To_Account", toAccount), cs.optional("ToGroupid", toGroup), C.bool(clearRoaming), queue, tag, cerr)
	})
}

// Call sends a request to any v4 endpoint ("service/command") with body marshalled to a
// JSON object, and returns the answer. With idempotent, lost answers are retried too.
func (c *Client) Call(ctx context.Context, path string, body any, idempotent bool) (map[string]any, error) {
	return c.callJSON(ctx, body, func(ptr *C.timdesk_client, cs *cstrings, cbody *C.char, queue *C.timdesk_completions, tag C.uint64_t, cerr **C.timdesk_error) cStatus {
		return C.timdesk_call_start(ptr, cs.of("path", path), cbody, C.bool(idempotent), queue, tag, cerr)
	})
}

// callJSON marshals body, starts the call with `start` under ctx and unmarshals the answer.
func (c *Client) callJSON(ctx context.Context, body any, start func(ptr *C.timdesk_client, cs *cstrings, cbody *C.char, queue *C.timdesk_completions, tag C.uint64_t, cerr **C.timdesk_error) cStatus) (map[string]any, error) {
	text, err := json.Marshal(body)
	if err != nil {
		return nil, &Error{Status: StatusInvalidArgument, Kind: "invalid_argument", Message: "invalid argument: body: " + err.Error()}
	}
	var cs cstrings
	defer cs.free()
	cbody := cs.of("body", string(text))
	var answer map[string]any
	err = c.started(ctx, &cs, &answer, func(ptr *C.timdesk_client, queue *C.timdesk_completions, tag C.uint64_t, cerr **C.timdesk_error) cStatus {
		return start(ptr, &cs, cbody, queue, tag, cerr)
	})
	return answer, err
}

// started makes a call under ctx with start, a `_start` function of the C ABI given
// strings from cs, and decodes the answer JSON it queues into out (nil to ignore it). The
// call waits on the completion queue, so no OS thread waits meanwhile; it holds Close off
// until the answer arrives or ctx ends (which cancels the call).
func (c *Client) started(ctx context.Context, cs *cstrings, out any, start func(ptr *C.timdesk_client, queue *C.timdesk_completions, tag C.uint64_t, cerr **C.timdesk_error) cStatus) error {
	return c.with(func(ptr *C.timdesk_client) error {
		calls, err := c.dispatcher()
		if err != nil {
			return err
		}
		answer, err := calls.await(ctx, func(queue *C.timdesk_completions, tag C.uint64_t, cerr **C.timdesk_error) cStatus {
			return start(ptr, queue, tag, cerr)
		})
		if cs.err != nil {
			return cs.err
		}
		if err != nil || out == nil {
			return err
		}
		if err := json.Unmarshal([]byte(answer), out); err != nil {
			return &Error{Status: StatusBadResponse, Kind: "bad_response", Message: "bad response: " + err.Error()}
		}
		return nil
	})
}

// CallEndpoint calls a modelled endpoint by its model's name (e.g. "get_session_state",
// "modify_msg"; the list is in docs/api.md) with body marshalled to a JSON object. The body
// is checked against the model before sending (an *Error matching ErrInvalidArgument names
// the field and the rule) and the model's retry rule applies.
func (c *Client) CallEndpoint(ctx context.Context, name string, body any) (map[string]any, error) {
	return c.callJSON(ctx, body, func(ptr *C.timdesk_client, cs *cstrings, cbody *C.char, queue *C.timdesk_completions, tag C.uint64_t, cerr **C.timdesk_error) cStatus {
		return C.timdesk_call_endpoint_start(ptr, cs.of("name", name), cbody, queue, tag, cerr)
	})
}

// StreamMsgOptions holds the optional fields of StreamMsg.
type StreamMsgOptions struct {
	CloudCustomData string // sent with every chunk; "" for none
}

// StreamMsg streams chunks (an LLM's tokens, say) as one reply in a session with
// send_stream_msg, and returns its MsgKey. The core sends each chunk when the next one
// arrives, so that the last carries Finish; no chunk at all is refused before sending.
// Each push runs under ctx: when ctx ends, the push under way is cancelled and the reply
// stays unfinished on the server. The iterator runs without the client's lock held, so it
// may use the client.
func (c *Client) StreamMsg(ctx context.Context, sessionID string, chunks iter.Seq[string], opts StreamMsgOptions) (string, error) {
	var stream *C.timdesk_msg_stream
	err := c.with(func(ptr *C.timdesk_client) error {
		var cs cstrings
		defer cs.free()
		var data *C.char
		if opts.CloudCustomData != "" {
			data = cs.of("CloudCustomData", opts.CloudCustomData)
		}
		var cerr *C.timdesk_error
		return cs.check(C.timdesk_msg_stream_new(ptr, cs.of("SessionId", sessionID), data, &stream, &cerr), cerr)
	})
	if err != nil {
		return "", err
	}
	defer C.timdesk_msg_stream_free(stream)
	for chunk := range chunks {
		var cs cstrings
		err := c.started(ctx, &cs, nil, func(_ *C.timdesk_client, queue *C.timdesk_completions, tag C.uint64_t, cerr **C.timdesk_error) cStatus {
			return C.timdesk_msg_stream_push_start(stream, cs.of("Chunk", chunk), queue, tag, cerr)
		})
		cs.free()
		if err != nil {
			return "", err
		}
	}
	var finished struct{ MsgKey string }
	err = c.started(ctx, &cstrings{}, &finished, func(_ *C.timdesk_client, queue *C.timdesk_completions, tag C.uint64_t, cerr **C.timdesk_error) cStatus {
		return C.timdesk_msg_stream_finish_start(stream, queue, tag, cerr)
	})
	if err != nil {
		return "", err
	}
	return finished.MsgKey, nil
}

// GenUserSig makes a UserSig valid expire from issued (the zero time: now), carrying
// userbuf when it is not nil.
func GenUserSig(sdkappid uint64, secretKey, identifier string, expire time.Duration, userbuf []byte, issued time.Time) (string, error) {
	var cs cstrings
	defer cs.free()
	when := C.int64_t(-1)
	if !issued.IsZero() {
		when = C.int64_t(issued.Unix())
	}
	var buf *C.uint8_t
	if userbuf != nil {
		p := C.CBytes(append(userbuf, 0))
		defer C.free(p)
		buf = (*C.uint8_t)(p)
	}
	var out *C.char
	var cerr *C.timdesk_error
	status := C.timdesk_usersig_gen(C.uint64_t(sdkappid), cs.of("secret_key", secretKey), cs.of("identifier", identifier), C.uint64_t(expire/time.Second), buf, C.size_t(len(userbuf)), when, &out, &cerr)
	if err := cs.check(status, cerr); err != nil {
		return "", err
	}
	return take(out), nil
}

// UserSig is a decoded UserSig.
type UserSig struct {
	Version    string  `json:"version"`
	Identifier string  `json:"identifier"`
	SDKAppID   uint64  `json:"sdkappid"`
	Time       uint64  `json:"time"`
	Expire     uint64  `json:"expire"`
	ExpiresAt  uint64  `json:"expires_at"`
	UserbufHex *string `json:"userbuf_hex"`
}

// VerifyUserSig checks a UserSig (expiry judged at at; the zero time: now). A refusal is an
// *Error matching ErrUserSigInvalid whose Kind is the reason ("expired", "bad_signature", ...).
func VerifyUserSig(sdkappid uint64, secretKey, identifier, usersig string, at time.Time) (UserSig, error) {
	var cs cstrings
	defer cs.free()
	when := C.int64_t(-1)
	if !at.IsZero() {
		when = C.int64_t(at.Unix())
	}
	var out *C.char
	var cerr *C.timdesk_error
	var doc UserSig
	if err := cs.check(C.timdesk_usersig_verify(C.uint64_t(sdkappid), cs.of("secret_key", secretKey), cs.of("identifier", identifier), cs.of("usersig", usersig), when, &out, &cerr), cerr); err != nil {
		return doc, err
	}
	err := json.Unmarshal([]byte(take(out)), &doc)
	return doc, err
}

// DecodeUserSig reads a UserSig's fields without the key.
func DecodeUserSig(usersig string) (UserSig, error) {
	var cs cstrings
	defer cs.free()
	var out *C.char
	var cerr *C.timdesk_error
	var doc UserSig
	if err := cs.check(C.timdesk_usersig_decode(cs.of("usersig", usersig), &out, &cerr), cerr); err != nil {
		return doc, err
	}
	err := json.Unmarshal([]byte(take(out)), &doc)
	return doc, err
}

// CallbackVerifier checks and parses one application's Desk callbacks (webhooks); safe for
// concurrent use. Keep one per app so that retries (a RequestID already handled) are
// recognised. Close frees it.
type CallbackVerifier struct {
	mu  sync.RWMutex
	ptr *C.timdesk_callback_verifier
}

// NewCallbackVerifier verifies sdkappid's callbacks; with a token ("" for none) every
// callback must carry a matching Sign and a RequestTime within a minute.
func NewCallbackVerifier(sdkappid uint64, token string) (*CallbackVerifier, error) {
	var cs cstrings
	defer cs.free()
	var ptr *C.timdesk_callback_verifier
	var cerr *C.timdesk_error
	if err := cs.check(C.timdesk_callback_verifier_new(C.uint64_t(sdkappid), cs.optional("token", token), &ptr, &cerr), cerr); err != nil {
		return nil, err
	}
	v := &CallbackVerifier{ptr: ptr}
	runtime.SetFinalizer(v, func(v *CallbackVerifier) { _ = v.Close() })
	return v, nil
}

// Verify checks a callback (the URL's raw query string and the body) and returns it with
// its "command" and snake_case fields. A refusal is an *Error matching ErrInvalidArgument
// whose Kind is the reason: "wrong_sdkappid", "malformed", "unknown_command", "replayed"
// (a retry already handled: acknowledge it, do not act twice), "bad_signature", "stale".
func (v *CallbackVerifier) Verify(query string, body []byte) (map[string]any, error) {
	v.mu.RLock()
	defer v.mu.RUnlock()
	if v.ptr == nil {
		return nil, ErrClosed
	}
	var cs cstrings
	defer cs.free()
	var buf *C.uint8_t
	if len(body) > 0 {
		p := C.CBytes(body)
		defer C.free(p)
		buf = (*C.uint8_t)(p)
	}
	var out *C.char
	var cerr *C.timdesk_error
	status := C.timdesk_callback_verify(v.ptr, cs.of("query", query), buf, C.size_t(len(body)), &out, &cerr)
	runtime.KeepAlive(v)
	if err := cs.check(status, cerr); err != nil {
		return nil, err
	}
	var callback map[string]any
	err := json.Unmarshal([]byte(take(out)), &callback)
	return callback, err
}

// Close frees the verifier; later calls return ErrClosed. Idempotent.
func (v *CallbackVerifier) Close() error {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.ptr != nil {
		C.timdesk_callback_verifier_free(v.ptr)
		v.ptr = nil
	}
	return nil
}

// AssignHumanAnswer is the JSON answer to ChatBot.OnAssignHuman: the group agentGroupID
// (negative for none) and/or agentIDs (Desk's default policy when neither).
func AssignHumanAnswer(agentGroupID int64, agentIDs []string) ([]byte, error) {
	var cs cstrings
	defer cs.free()
	// Go memory holding only C pointers may be passed to C.
	var ids **C.char
	if len(agentIDs) > 0 {
		arr := make([]*C.char, len(agentIDs))
		for i, id := range agentIDs {
			arr[i] = cs.of("agent_ids", id)
		}
		ids = &arr[0]
	}
	var out *C.char
	var cerr *C.timdesk_error
	if err := cs.check(C.timdesk_callback_assign_human_answer(C.int64_t(agentGroupID), ids, C.size_t(len(agentIDs)), &out, &cerr), cerr); err != nil {
		return nil, err
	}
	return []byte(take(out)), nil
}

// CallbackAnswer is the JSON answer to Chatbot.InterfaceInvocation returning variables to
// the flow; with nil variables, the acknowledgement of Desk.SessionEventNotify.
func CallbackAnswer(variables map[string]any) ([]byte, error) {
	var cs cstrings
	defer cs.free()
	var vars *C.char
	if variables != nil {
		text, err := json.Marshal(variables)
		if err != nil {
			return nil, err
		}
		vars = cs.of("variables", string(text))
	}
	var out *C.char
	var cerr *C.timdesk_error
	if err := cs.check(C.timdesk_callback_answer(vars, &out, &cerr), cerr); err != nil {
		return nil, err
	}
	return []byte(take(out)), nil
}
