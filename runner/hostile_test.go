//go:build unix

package runner

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"net"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/dify-cli/dify/internal/peak"
)

// within fails the test when f has not returned after a generous time: a
// watchdog for hangs, not a measure.
func within(t *testing.T, what string, f func()) {
	t.Helper()
	done := make(chan struct{})
	go func() { f(); close(done) }()
	select {
	case <-done:
	case <-time.After(60 * time.Second):
		t.Fatalf("%s did not return", what)
	}
}

// A plugin whose child left its process group (a session of its own) and
// holds the pipes: stopping still ends, the child is named, and left
// running.
func TestStopWithAChildInItsOwnSession(t *testing.T) {
	pidfile := filepath.Join(t.TempDir(), "pids")
	p, _ := start(t, "session-child", func(o *Options) { o.Env = append(o.Env, "DOUBLE_PIDFILE="+pidfile) })
	pids := readPids(t, pidfile, 2)
	t.Cleanup(func() { syscall.Kill(pids[1], syscall.SIGKILL) })
	within(t, "Stop", func() { p.Stop() })
	left := p.Leftovers()
	if len(left) != 1 || left[0].Pid != pids[1] || !strings.Contains(left[0].Command, "python") {
		t.Errorf("leftovers %v, want the child %d", left, pids[1])
	}
	if err := p.Err(); err != nil {
		t.Errorf("a stopped plugin reports %v", err)
	}
	waitGone(t, pids[0])
}

// The same child when the plugin exits on its own: the plugin's end is
// still seen, and its request in flight ends.
func TestExitWithAChildInItsOwnSession(t *testing.T) {
	pidfile := filepath.Join(t.TempDir(), "pids")
	p, _ := start(t, "session-child", func(o *Options) { o.Env = append(o.Env, "DOUBLE_PIDFILE="+pidfile) })
	pids := readPids(t, pidfile, 2)
	t.Cleanup(func() { syscall.Kill(pids[1], syscall.SIGKILL) })
	var err error
	within(t, "the request", func() { _, err = invokeTool(t, p, "die", map[string]any{"code": 3}) })
	if err == nil || !strings.Contains(err.Error(), "exit status 3") {
		t.Errorf("the request in flight: %v", err)
	}
	within(t, "the exit", func() { <-p.Exited() })
	if left := p.Leftovers(); len(left) != 1 || left[0].Pid != pids[1] {
		t.Errorf("leftovers %v", left)
	}
}

// When the plugin dies mid-stream, the front end still ends each request
// in flight with an error line and plugin_invoke_end, and returns.
func TestPluginDiesMidStream(t *testing.T) {
	p, _ := start(t, "", nil)
	var lines []string
	within(t, "Serve", func() {
		pr, pw := io.Pipe() // stdin stays open: the exit must end the run
		defer pw.Close()
		go io.WriteString(pw, `{"invoke_id":"s","type":"tool","action":"invoke_tool","request":{"provider":"double","tool":"slow","credentials":{},"tool_parameters":{"seconds":3600}}}`+"\n"+
			`{"invoke_id":"d","type":"tool","action":"invoke_tool","request":{"provider":"double","tool":"die","credentials":{},"tool_parameters":{}}}`+"\n")
		var out syncBuffer
		if err := (&Server{Plugin: p, Format: JSON}).Serve(context.Background(), pr, &out); err != nil {
			t.Errorf("Serve: %v", err)
		}
		lines = strings.Split(strings.TrimSpace(out.String()), "\n")
	})
	for _, id := range []string{"s", "d"} {
		var types []string
		for _, l := range lines {
			if r := parse(t, l); r.InvokeID == id {
				types = append(types, r.Type)
				if r.Type == TypeError && !strings.Contains(r.Response["error"].(string), "exit status 7") {
					t.Errorf("%s: error %v", id, r.Response["error"])
				}
			}
		}
		want := []string{TypeError, TypeInvokeEnd}
		if id == "d" {
			want = []string{TypeResponse, TypeError, TypeInvokeEnd}
		}
		if !slices.Equal(types, want) {
			t.Errorf("request %s got %v, want %v\n%s", id, types, want, strings.Join(lines, "\n"))
		}
	}
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// A request line over the limit is answered with an error naming the
// limit, and the next line is read.
func TestLongRequestLine(t *testing.T) {
	p, _ := start(t, "", nil)
	input := io.MultiReader(strings.NewReader(`{"invoke_id":"big","x":"`), &zeros{n: 20 << 20}, strings.NewReader("\"}\n"),
		strings.NewReader(`{"invoke_id":"1","type":"tool","action":"invoke_tool","request":{"provider":"double","tool":"echo","credentials":{},"tool_parameters":{"text":"next"}}}`+"\n"))
	var out bytes.Buffer
	if err := (&Server{Plugin: p, Format: JSON}).Serve(context.Background(), input, &out); err != nil {
		t.Fatal(err)
	}
	text := out.String()
	if !strings.Contains(text, `"error":"the request line is 20971546 bytes, more than the 15 MiB dify plugin run reads`) || !strings.Contains(text, `"text":"next"`) {
		t.Errorf("output:\n%.2000s", text)
	}
}

// zeros reads as n bytes of '0'.
type zeros struct{ n int64 }

func (z *zeros) Read(p []byte) (int, error) {
	if z.n <= 0 {
		return 0, io.EOF
	}
	n := min(int64(len(p)), z.n)
	for i := range p[:n] {
		p[i] = '0'
	}
	z.n -= n
	return int(n), nil
}

func TestRequestLineErrors(t *testing.T) {
	for line, want := range map[string]string{
		`{"type":"tool","action":"invoke_tool"} {"type":"tool"}`: `the line goes on after its JSON object ("{\"type\":\"tool\"}"): write one request per line`,
		`{"type":1,"action":"invoke_tool"}`:                      `"type" must be a string, not a number`,
		`{"type":"tool","action":"x","request":[1]}`:             `"request" must be an object, not an array`,
		`["tool"]`:        `a request is a JSON object, not an array`,
		`{"type":"tool",`: `the line ends in the middle of its JSON object`,
		`{"type":"tool"}`: `action and type are required`,
		`nope`:            `the line is not JSON: invalid character 'o' in literal null (expecting 'u') (at byte 2)`,
	} {
		_, err := ParseRequest([]byte(line))
		if err == nil || err.Error() != want {
			t.Errorf("%s:\n got %v\nwant %s", line, err, want)
		}
		if err != nil && strings.Contains(err.Error(), "Go ") {
			t.Errorf("%s: a Go type in %v", line, err)
		}
	}
}

// FuzzParseRequest: any line is a request or an error, never a panic, and
// an accepted request has a type and an action.
func FuzzParseRequest(f *testing.F) {
	f.Add([]byte(`{"invoke_id":"1","type":"tool","action":"invoke_tool","request":{"provider":"p","tool":"t"}}`))
	f.Add([]byte(`{"type":"tool","action":"a"}   `))
	f.Add([]byte(`{"type":1}`))
	f.Add([]byte(`[]`))
	f.Add([]byte(`{"type":"t","action":"a"}x`))
	f.Fuzz(func(t *testing.T, line []byte) {
		req, err := ParseRequest(line)
		if err == nil && (req.Type == "" || req.Action == "") {
			t.Fatalf("%q accepted without a type or an action", line)
		}
	})
}

// The memory cases run in a child process whose peak is read; the parent
// asserts the bound.
func TestMemoryIsBounded(t *testing.T) {
	cases := map[string]func(t *testing.T){
		"long-stdout": func(t *testing.T) {
			_, l := start(t, "long-stdout", nil)
			if !l.has("error", "a stdout line of 1073741824 bytes") {
				t.Errorf("the long line is not said: %v", l.lines)
			}
		},
		"long-stderr": func(t *testing.T) {
			p, l := start(t, "long-stderr", nil)
			if chunks, err := invokeTool(t, p, "echo", map[string]any{"text": "alive"}); err != nil || text(chunks[0]) != "alive" {
				t.Errorf("after the long stderr line: %v", err)
			}
			if !l.has("stderr", "xxxx... (1073737728 more bytes)") {
				t.Errorf("the long stderr line is not cut: %d lines", len(l.lines))
			}
		},
		"stdin-line": func(t *testing.T) {
			p, _ := start(t, "", nil)
			input := io.MultiReader(&zeros{n: 1 << 30}, strings.NewReader("\n"))
			var out bytes.Buffer
			if err := (&Server{Plugin: p, Format: JSON}).Serve(context.Background(), input, &out); err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(out.String(), "the request line is 1073741824 bytes") {
				t.Errorf("output: %.500s", out.String())
			}
		},
		"tcp-line": func(t *testing.T) {
			p, _ := start(t, "", nil)
			addr, _ := serveTCPForTest(t, p, 0)
			conn, err := net.Dial("tcp", addr)
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			r := bufio.NewReader(conn)
			readResponse(t, r)
			go func() {
				io.Copy(conn, &zeros{n: 1 << 30})
				io.WriteString(conn, "\n")
			}()
			for {
				resp := readResponse(t, r)
				if resp.Type == TypeError {
					if !strings.Contains(resp.Response["error"].(string), "the request line is 1073741824 bytes") {
						t.Errorf("error: %v", resp.Response["error"])
					}
					return
				}
			}
		},
		"tcp-no-reader": func(t *testing.T) {
			p, _ := start(t, "", nil)
			addr, dropped := serveTCPForTest(t, p, 200*time.Millisecond)
			conn, err := net.Dial("tcp", addr)
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			// 512 MiB of answers, never read.
			io.WriteString(conn, `{"invoke_id":"f","type":"tool","action":"invoke_tool","request":{"provider":"double","tool":"flood","credentials":{},"tool_parameters":{"size":536870912}}}`+"\n")
			if msg := <-dropped; !strings.Contains(msg, "the client stopped reading its answers; it was disconnected") {
				t.Errorf("dropped: %s", msg)
			}
			// The plugin still answers others once the flood is over.
			if chunks, err := invokeTool(t, p, "echo", map[string]any{"text": "others"}); err != nil || text(chunks[0]) != "others" {
				t.Errorf("another request: %v", err)
			}
		},
	}
	for name, run := range cases {
		if peak.Child(name) {
			run(t)
			return
		}
	}
	if testing.Short() {
		t.Skip("writes gibibytes through pipes")
	}
	for name := range cases {
		t.Run(name, func(t *testing.T) {
			rss := peak.Measure(t, "TestMemoryIsBounded", name)
			t.Logf("peak %d MiB", rss>>20)
			if rss > 160<<20 {
				t.Errorf("%s held %d MiB at its peak", name, rss>>20)
			}
		})
	}
}

// serveTCPForTest serves p on a loopback port; dropped receives the
// notes about clients dropped.
func serveTCPForTest(t *testing.T, p *Plugin, writeTimeout time.Duration) (string, <-chan string) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dropped := make(chan string, 10)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		(&Server{Plugin: p, Format: JSON, WriteTimeout: writeTimeout, Notify: func(s string) { dropped <- s }}).ServeTCP(ctx, ln)
		close(done)
	}()
	t.Cleanup(func() { cancel(); <-done })
	return ln.Addr().String(), dropped
}
