package remote

import (
	"bytes"
	"context"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/dify-cli/dify/internal/fakedaemon"
)

func daemon(t *testing.T, key string) *fakedaemon.Daemon {
	t.Helper()
	d, err := fakedaemon.Start(key)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	return d
}

func config(t *testing.T, addr, key string) Config {
	t.Helper()
	host, port, err := ParseAddress(addr)
	if err != nil {
		t.Fatal(err)
	}
	return Config{Host: host, Port: port, Key: key}
}

func last(steps []Step) Step { return steps[len(steps)-1] }

func TestCheckAcceptedKey(t *testing.T) {
	d := daemon(t, "good-key-0123456789")
	steps := Check(context.Background(), config(t, d.Addr(), "good-key-0123456789"), CheckOptions{})
	for _, s := range steps {
		if !s.OK {
			t.Errorf("step %s failed: %s", s.Name, s.Detail)
		}
	}
	// The reply is shown word for word, on success too.
	if s := last(steps); s.Name != "key" || !strings.Contains(s.Detail, `accepts the key good***********6789: it replied "no registration transferred, cannot initialize"`) {
		t.Errorf("%+v", s)
	}
	// The probe registers nothing.
	refused := d.Wait(func(cs []fakedaemon.Conn) bool { return len(cs) == 1 && cs[0].Refused != "" }, time.Minute)
	conns := d.Conns()
	if !refused || conns[0].Registered || conns[0].Refused != "no registration transferred, cannot initialize" {
		t.Errorf("the probe left %+v", conns)
	}
}

func TestCheckWrongKey(t *testing.T) {
	d := daemon(t, "good-key")
	s := last(Check(context.Background(), config(t, d.Addr(), "stale-key-0123456789"), CheckOptions{}))
	if s.OK || s.Name != "key" || s.Detail != `the daemon replied "handshake failed, invalid key"` {
		t.Fatalf("%+v", s)
	}
	for _, want := range []string{"expires 2 hours", "workspace", "Dify Cloud"} {
		if !strings.Contains(s.Hint, want) {
			t.Errorf("hint %q lacks %q", s.Hint, want)
		}
	}
	// Against Dify Cloud's host, the other way round.
	if hint := Explain("handshake failed, invalid key", Config{Host: "debug-plugin.dify.dev"}); !strings.Contains(hint, "a self-hosted Dify does not work here") {
		t.Errorf("Cloud hint: %s", hint)
	}
}

func TestCheckNothingListens(t *testing.T) {
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	addr := ln.Addr().String()
	ln.Close()
	steps := Check(context.Background(), config(t, addr, "k"), CheckOptions{})
	s := last(steps)
	if s.OK || s.Name != "connect" || !strings.Contains(s.Detail, "connection refused") || !strings.Contains(s.Hint, "PLUGIN_REMOTE_INSTALLING_ENABLED=true") {
		t.Errorf("%+v", s)
	}
}

func TestCheckHostDoesNotResolve(t *testing.T) {
	s := last(Check(context.Background(), Config{Host: "no-such-host.invalid", Port: 5003, Key: "k"}, CheckOptions{}))
	if s.OK || s.Name != "resolve" || !strings.Contains(s.Detail, "no-such-host.invalid does not resolve") || !strings.Contains(s.Hint, "Plugins → Debug") {
		t.Errorf("%+v", s)
	}
}

// A server that is not the daemon: it closes at once, or says nothing.
func TestCheckNotADaemon(t *testing.T) {
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	defer ln.Close()
	silent := make(chan net.Conn, 1)
	go func() {
		first, err := ln.Accept()
		if err != nil {
			return
		}
		first.Close()
		second, err := ln.Accept()
		if err != nil {
			return
		}
		silent <- second // kept open, never answered
	}()
	c := config(t, ln.Addr().String(), "k")
	if s := last(Check(context.Background(), c, CheckOptions{})); s.OK || !strings.Contains(s.Detail, "closed without a reply") {
		t.Errorf("a server that closes: %+v", s)
	}
	s := last(Check(context.Background(), c, CheckOptions{Timeout: 200 * time.Millisecond}))
	if s.OK || s.Detail != "nothing came back within 200ms: the key was not refused (the daemon refuses a key it does not know at once), and the registration got no answer" ||
		!strings.Contains(s.Hint, "stuck or overloaded") || !strings.Contains(s.Hint, "not the plugin daemon's debugging port") {
		t.Errorf("a server that says nothing: %+v", s)
	}
	(<-silent).Close()
}

// The fake daemon closes a connection whose handshake comes too late, as
// the daemon does after 10 s.
func TestLateHandshakeIsClosed(t *testing.T) {
	d := daemon(t, "k")
	d.HandshakeTimeout = 100 * time.Millisecond
	conn, err := net.Dial("tcp", d.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	buf := make([]byte, 1)
	conn.SetReadDeadline(time.Now().Add(time.Minute))
	if n, err := conn.Read(buf); n != 0 || err == nil {
		t.Errorf("read %d bytes, %v: the connection stayed open", n, err)
	}
}

// Every reply the daemon gives has its meaning.
func TestEveryReplyIsExplained(t *testing.T) {
	c := Config{Host: "dify.example", Port: 5003, Key: "0123456789abcdef"}
	for reply, want := range map[string]string{
		"no registration transferred, cannot initialize":                  "", // accepted
		"server is busy now, please try again later":                      "PLUGIN_REMOTE_INSTALLING_MAX_CONN",
		"handshake failed, invalid key":                                   "expires 2 hours",
		"failed to get connection info: redis: connection refused":        "Redis",
		"handshake failed, invalid handshake message":                     "proxy",
		"handshake failed, invalid plugin declaration: missing author":    "dify plugin validate",
		"tool register failed, invalid tool declaration: bad":             "dify plugin validate",
		"register failed, invalid manifest detected: version is required": "dify plugin validate",
		"assets too large, at most 50MB":                                  "50 MB",
		"HTTP/1.1 400 Bad Request":                                        "not a reply the plugin daemon gives",
	} {
		s := judge(reply, c)
		if want == "" {
			if !s.OK || !strings.Contains(s.Detail, reply) {
				t.Errorf("%q: %+v", reply, s)
			}
			continue
		}
		if s.OK || !strings.Contains(s.Hint, want) || !strings.Contains(s.Detail, reply) || strings.Contains(s.Hint, "SINGLE_TENANT") {
			t.Errorf("%q: %+v, want a hint with %q", reply, s, want)
		}
	}
}

// garbageServer answers every connection with reply and, unless close is
// false, closes it.
func garbageServer(t *testing.T, reply []byte, close bool) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			conn.Write(reply)
			if close {
				conn.Close()
			} else {
				t.Cleanup(func() { conn.Close() })
			}
		}
	}()
	return ln.Addr().String()
}

// A garbage reply is shown by its size, not as kilobytes of escapes; a
// long one is cut; one cut off by the timeout is called that.
func TestGarbageReplies(t *testing.T) {
	binary := bytes.Repeat([]byte{0x00, 0xff, 0x1b, 0x80}, 1024)
	s := last(Check(context.Background(), config(t, garbageServer(t, append(binary, '\n'), true), "k"), CheckOptions{}))
	if s.OK || s.Detail != "the daemon replied 4096 bytes that are not text" || !strings.Contains(s.Hint, "not a reply the plugin daemon gives") {
		t.Errorf("binary: %+v", s)
	}
	long := strings.Repeat("HTTP/1.1 400 Bad Request ", 100) + "\n"
	s = last(Check(context.Background(), config(t, garbageServer(t, []byte(long), true), "k"), CheckOptions{}))
	if len(s.Detail) > 300 || !strings.Contains(s.Detail, "... (2499 bytes)") {
		t.Errorf("long: %d characters: %s", len(s.Detail), s.Detail)
	}
	s = last(Check(context.Background(), config(t, garbageServer(t, []byte("handshake fai"), false), "k"), CheckOptions{Timeout: 200 * time.Millisecond}))
	if s.OK || s.Detail != `the reply stopped half-way: "handshake fai", then nothing for 200ms` || strings.Contains(s.Hint, "not a reply the plugin daemon gives") {
		t.Errorf("cut off: %+v", s)
	}
}
