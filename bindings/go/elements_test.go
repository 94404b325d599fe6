package timdesk_test

import (
	"encoding/json"
	"errors"
	"go/ast"
	"go/parser"
	"go/token"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	timdesk "github.com/timdesk/timdesk/bindings/go"
	"github.com/timdesk/timdesk/bindings/go/timdesktest"
)

// declaredShape is an element or card of models/library/elements.json.
type declaredShape struct {
	Name   string          `json:"name"`
	Fields []declaredField `json:"fields"`
}

// declaredField is one of its fields; Required is nil for the default, true.
type declaredField struct {
	Type     string `json:"type"`
	Required *bool  `json:"required"`
}

// withCBuilders reads the declaration's elements and cards that have a C builder (no list
// field), so that this test follows the declaration, not a copy of it.
func withCBuilders(t *testing.T) map[string]declaredShape {
	t.Helper()
	text, err := os.ReadFile("../../models/library/elements.json")
	if err != nil {
		t.Fatal(err)
	}
	var d struct {
		Elements []declaredShape `json:"elements"`
		Cards    []declaredShape `json:"cards"`
	}
	if err := json.Unmarshal(text, &d); err != nil {
		t.Fatal(err)
	}
	shapes := map[string]declaredShape{}
	for _, s := range append(d.Elements, d.Cards...) {
		if !slices.ContainsFunc(s.Fields, func(f declaredField) bool { return strings.HasPrefix(f.Type, "list<") }) {
			shapes[s.Name] = s
		}
	}
	return shapes
}

// constructor is a package function returning Element, as its source declares it.
type constructor struct {
	params   []string // the non-variadic parameters' types
	variadic string   // the variadic parameter's element type, "" for none
	builder  string   // the C function it calls
}

// constructors reads the package's non-test sources for its Element constructors, except
// JSONElement (the raw form, for elements without a C builder).
func constructors(t *testing.T) map[string]constructor {
	t.Helper()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	found := map[string]constructor{}
	fset := token.NewFileSet()
	for _, file := range files {
		if strings.HasSuffix(file, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, file, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, decl := range f.Decls {
			fn, ok := decl.(*ast.FuncDecl)
			if !ok || fn.Recv != nil || !fn.Name.IsExported() || fn.Name.Name == "JSONElement" ||
				fn.Type.Results == nil || len(fn.Type.Results.List) != 1 {
				continue
			}
			if result, ok := fn.Type.Results.List[0].Type.(*ast.Ident); !ok || result.Name != "Element" {
				continue
			}
			var c constructor
			for _, p := range fn.Type.Params.List {
				if e, ok := p.Type.(*ast.Ellipsis); ok {
					c.variadic = e.Elt.(*ast.Ident).Name
					continue
				}
				for range p.Names {
					c.params = append(c.params, p.Type.(*ast.Ident).Name)
				}
			}
			ast.Inspect(fn.Body, func(n ast.Node) bool {
				if sel, ok := n.(*ast.SelectorExpr); ok && strings.HasPrefix(sel.Sel.Name, "timdesk_message_body_add_") {
					c.builder = sel.Sel.Name
				}
				return true
			})
			found[fn.Name.Name] = c
		}
	}
	return found
}

func TestTheConstructorsAreTheDeclaredElementsWithCBuilders(t *testing.T) {
	declared := withCBuilders(t)
	got := constructors(t)
	names := func(m any) []string {
		var out []string
		for _, k := range reflect.ValueOf(m).MapKeys() {
			out = append(out, k.String())
		}
		slices.Sort(out)
		return out
	}
	if !slices.Equal(names(got), names(declared)) {
		t.Fatalf("constructors %v, declared elements with a C builder %v", names(got), names(declared))
	}
	goType := map[string]string{"string": "string", "json_text": "string", "integer": "int64", "number": "float64"}
	for name, shape := range declared {
		c := got[name]
		var params []string
		optional := false
		for _, f := range shape.Fields {
			if f.Required != nil && !*f.Required {
				optional = true
				continue
			}
			params = append(params, goType[f.Type])
		}
		if !slices.Equal(c.params, params) {
			t.Errorf("%s takes %v, want the required fields' %v", name, c.params, params)
		}
		if want := map[bool]string{true: name + "Options"}[optional]; c.variadic != want {
			t.Errorf("%s's variadic options %q, want %q", name, c.variadic, want)
		}
		if strings.ReplaceAll(strings.TrimPrefix(c.builder, "timdesk_message_body_add_"), "_", "") != strings.ToLower(name) {
			t.Errorf("%s calls %q, not its C builder", name, c.builder)
		}
	}
}

// stored is the MsgBody the emulator stored for the message of session sent with random.
func stored(t *testing.T, emu *timdesktest.Emulator, session string, random uint32) any {
	t.Helper()
	var s struct {
		Messages []struct {
			MsgRandom uint32          `json:"msg_random"`
			MsgBody   json.RawMessage `json:"msg_body"`
		} `json:"messages"`
	}
	if err := json.Unmarshal(control(t, emu, "GET", "/sessions/"+session, nil), &s); err != nil {
		t.Fatal(err)
	}
	for _, m := range s.Messages {
		if m.MsgRandom == random {
			var body any
			if err := json.Unmarshal(m.MsgBody, &body); err != nil {
				t.Fatal(err)
			}
			return body
		}
	}
	t.Fatalf("session %s holds no message with MsgRandom %d", session, random)
	return nil
}

func ptr[T any](v T) *T { return &v }

func TestNewElementsAreStoredWithTheirWireNames(t *testing.T) {
	emu, client := setup(t)
	random := uint32(4242)
	body := []timdesk.Element{
		timdesk.Face(7, timdesk.FaceOptions{Data: ptr("wink")}),
		timdesk.Face(8),
		timdesk.Location("Shenzhen", 22.54, 114.06),
		timdesk.Sound("https://x/s.mp3", 2048, 3),
		timdesk.File("https://x/f.pdf", 4096, "f.pdf"),
		timdesk.Video("https://x/v.mp4", 1<<20, 12, "mp4", "https://x/t.jpg", 512, 320, 240, "JPG"),
		// A set pointer to "" is sent as "", a nil one is left out.
		timdesk.Custom(`{"k":1}`, timdesk.CustomOptions{Desc: ptr("push text"), Ext: ptr("")}),
		timdesk.Custom("plain"),
	}
	if _, err := client.SendMsg(ctx, timdesk.Message{SessionID: alice, Body: body, MsgRandom: &random}); err != nil {
		t.Fatal(err)
	}
	var want any
	if err := json.Unmarshal([]byte(`[
		{"MsgType": "TIMFaceElem", "MsgContent": {"Index": 7, "Data": "wink"}},
		{"MsgType": "TIMFaceElem", "MsgContent": {"Index": 8}},
		{"MsgType": "TIMLocationElem", "MsgContent": {"Desc": "Shenzhen", "Latitude": 22.54, "Longitude": 114.06}},
		{"MsgType": "TIMSoundElem", "MsgContent": {"Url": "https://x/s.mp3", "Size": 2048, "Second": 3, "Download_Flag": 2}},
		{"MsgType": "TIMFileElem", "MsgContent": {"Url": "https://x/f.pdf", "FileSize": 4096, "FileName": "f.pdf", "Download_Flag": 2}},
		{"MsgType": "TIMVideoFileElem", "MsgContent": {"VideoUrl": "https://x/v.mp4", "VideoSize": 1048576, "VideoSecond": 12,
			"VideoFormat": "mp4", "ThumbUrl": "https://x/t.jpg", "ThumbSize": 512, "ThumbWidth": 320, "ThumbHeight": 240,
			"ThumbFormat": "JPG", "VideoDownloadFlag": 2, "ThumbDownloadFlag": 2}},
		{"MsgType": "TIMCustomElem", "MsgContent": {"Data": "{\"k\":1}", "Desc": "push text", "Ext": ""}},
		{"MsgType": "TIMCustomElem", "MsgContent": {"Data": "plain"}}
	]`), &want); err != nil {
		t.Fatal(err)
	}
	if got := stored(t, emu, alice, random); !reflect.DeepEqual(got, want) {
		g, _ := json.Marshal(got)
		w, _ := json.Marshal(want)
		t.Fatalf("stored\n%s\nwant\n%s", g, w)
	}
}

func TestABadElementIsRefusedNamingItsFieldBeforeSending(t *testing.T) {
	emu, client := setup(t)
	before := string(control(t, emu, "GET", "/requests", nil))
	cases := []struct {
		element timdesk.Element
		names   string
	}{
		{timdesk.Video("https://x/v.mp4", 1, 1, "mp4", "https://x/t.jpg", 1, 1, 1, "J\x00PG"), "ThumbFormat: holds a NUL byte"},
		{timdesk.File("https://x/f", 1, "a\x00b"), "FileName: holds a NUL byte"},
		{timdesk.Face(1, timdesk.FaceOptions{Data: ptr("\x00")}), "Data: holds a NUL byte"},
		{timdesk.Custom("{}", timdesk.CustomOptions{Sound: ptr("ding\x00")}), "Sound: holds a NUL byte"},
		{timdesk.Location("here", math.NaN(), 0), "latitude"},
		{timdesk.Custom("{}", timdesk.CustomOptions{}, timdesk.CustomOptions{}), "Custom: takes at most one CustomOptions, not 2"},
	}
	for _, c := range cases {
		// The bad element comes after a good one: the whole message is refused.
		body := []timdesk.Element{timdesk.Text("before"), c.element}
		_, err := client.SendMsg(ctx, timdesk.Message{SessionID: alice, Body: body})
		if !errors.Is(err, timdesk.ErrInvalidArgument) || !strings.Contains(err.Error(), c.names) {
			t.Errorf("got %v, want an invalid argument naming %q", err, c.names)
		}
	}
	if after := string(control(t, emu, "GET", "/requests", nil)); after != before {
		t.Fatalf("requests reached the emulator: before %s, after %s", before, after)
	}
}
