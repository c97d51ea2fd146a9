package runner

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"strings"
	"testing"
)

// serve runs one client with the given input to its end and returns the
// lines printed.
func serve(t *testing.T, p *Plugin, f Format, input string) []string {
	t.Helper()
	var out bytes.Buffer
	s := &Server{Plugin: p, Format: f}
	if err := s.Serve(context.Background(), strings.NewReader(input), &out); err != nil {
		t.Fatal(err)
	}
	return strings.Split(strings.TrimRight(out.String(), "\n"), "\n")
}

func parse(t *testing.T, line string) GenericResponse {
	t.Helper()
	var r GenericResponse
	if err := json.Unmarshal([]byte(line), &r); err != nil {
		t.Fatalf("line %q: %v", line, err)
	}
	return r
}

func TestJSONFrontEnd(t *testing.T) {
	p, _ := start(t, "", nil)
	lines := serve(t, p, JSON, `{"invoke_id":"1","type":"tool","action":"invoke_tool","request":{"provider":"double","tool":"echo","credentials":{},"tool_parameters":{"text":"hi <b>"}}}`+"\n")
	want := []string{
		`{"invoke_id":"","type":"plugin_ready","response":{"info":"plugin loaded"}}`,
		`{"invoke_id":"","type":"info","response":{"info":"received request"}}`,
		`{"invoke_id":"1","type":"plugin_response","response":{"message":{"text":"hi \u003cb\u003e"},"meta":null,"type":"text"}}`,
		`{"invoke_id":"1","type":"plugin_invoke_end","response":{"info":"plugin invoke end"}}`,
	}
	if strings.Join(lines, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(lines, "\n"), strings.Join(want, "\n"))
	}
}

func TestJSONFrontEndErrors(t *testing.T) {
	p, _ := start(t, "", nil)
	input := strings.Join([]string{
		`not json`,
		`{"invoke_id":"2","type":"tool"}`,
		`{"invoke_id":"3","type":"tool","action":"invoke_tool","request":{"provider":"double","tool":"boom","credentials":{},"tool_parameters":{}}}`,
		``,
	}, "\n")
	lines := serve(t, p, JSON, input)
	var got []GenericResponse
	for _, l := range lines[1:] {
		got = append(got, parse(t, l))
	}
	byID := map[string][]GenericResponse{}
	for _, r := range got {
		byID[r.InvokeID] = append(byID[r.InvokeID], r)
	}
	// Bad JSON: an error line with no invoke id, and no end.
	var badJSON bool
	for _, r := range byID[""] {
		if r.Type == TypeError && r.Response["error"] == "the line is not JSON: invalid character 'o' in literal null (expecting 'u') (at byte 2)" {
			badJSON = true
		}
	}
	if !badJSON {
		t.Errorf("no error for bad JSON in %v", byID[""])
	}
	if r := byID["2"]; len(r) != 1 || r[0].Type != TypeError || r[0].Response["error"] != "action and type are required" {
		t.Errorf("a request without an action: %+v", r)
	}
	r := byID["3"]
	if len(r) != 2 || r[0].Type != TypeError || r[1].Type != TypeInvokeEnd {
		t.Fatalf("a failing request: %+v", r)
	}
	var e map[string]any
	if err := json.Unmarshal([]byte(r[0].Response["error"].(string)), &e); err != nil || e["error_type"] != "ValueError" {
		t.Errorf("the error is not the daemon's JSON string: %v (%v)", r[0].Response["error"], err)
	}
	// One "received request" per line.
	n := 0
	for _, r := range byID[""] {
		if r.Type == TypeInfo {
			n++
		}
	}
	if n != 3 {
		t.Errorf("%d received-request lines for 3 requests", n)
	}
}

func TestTextFrontEnd(t *testing.T) {
	p, _ := start(t, "", nil)
	lines := serve(t, p, Text, strings.Join([]string{
		`{"type":"tool","action":"invoke_tool","request":{"provider":"double","tool":"echo","credentials":{},"tool_parameters":{"text":"hi"}}}`,
	}, "\n"))
	out := strings.Join(lines, "\n")
	for _, want := range []string{"Plugin ready.", `[#1] {"message":{"text":"hi"},"meta":null,"type":"text"}`, "[#1] end"} {
		if !strings.Contains(out, want) {
			t.Errorf("text output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "map[") || strings.Contains(out, "received request") {
		t.Errorf("text output has Go maps or noise:\n%s", out)
	}

	lines = serve(t, p, Text, `{"invoke_id":"b","type":"tool","action":"invoke_tool","request":{"provider":"double","tool":"boom","credentials":{},"tool_parameters":{}}}`)
	out = strings.Join(lines, "\n")
	for _, want := range []string{"[b] error: ValueError: the double was told to fail", "  Traceback (most recent call last):", "[b] end"} {
		if !strings.Contains(out, want) {
			t.Errorf("text output lacks %q:\n%s", want, out)
		}
	}
}

// At EOF the client's requests in flight finish before Serve returns.
func TestEOFFinishesRequestsInFlight(t *testing.T) {
	p, _ := start(t, "", nil)
	lines := serve(t, p, JSON, `{"invoke_id":"s","type":"tool","action":"invoke_tool","request":{"provider":"double","tool":"slow","credentials":{},"tool_parameters":{"seconds":0.5}}}`)
	last := parse(t, lines[len(lines)-1])
	if last.InvokeID != "s" || last.Type != TypeInvokeEnd {
		t.Errorf("Serve returned before the request ended: %v", lines)
	}
}

func TestTCPClients(t *testing.T) {
	p, _ := start(t, "", nil)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- (&Server{Plugin: p, Format: JSON}).ServeTCP(ctx, ln) }()

	for _, id := range []string{"a", "b"} {
		conn, err := net.Dial("tcp", ln.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		r := bufio.NewReader(conn)
		if first := readResponse(t, r); first.Type != TypeReady {
			t.Errorf("client %s first got %+v", id, first)
		}
		io.WriteString(conn, `{"invoke_id":"`+id+`","type":"tool","action":"invoke_tool","request":{"provider":"double","tool":"echo","credentials":{},"tool_parameters":{"text":"`+id+`"}}}`+"\n")
		for {
			resp := readResponse(t, r)
			if resp.Type == TypeResponse {
				if resp.InvokeID != id || resp.Response["message"].(map[string]any)["text"] != id {
					t.Errorf("client %s got %+v", id, resp)
				}
				break
			}
		}
		conn.Close()
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("ServeTCP: %v", err)
	}
}

func readResponse(t *testing.T, r *bufio.Reader) GenericResponse {
	t.Helper()
	line, err := r.ReadString('\n')
	if err != nil {
		t.Fatal(err)
	}
	return parse(t, line)
}
