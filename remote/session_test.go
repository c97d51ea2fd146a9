package remote

import (
	"bytes"
	"context"
	"encoding/json"
	"github.com/dify-cli/dify/internal/filewatch"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dify-cli/dify/internal/fakedaemon"
	"github.com/dify-cli/dify/internal/testdouble"
	"github.com/dify-cli/dify/runner"
)

func python3(t *testing.T) string {
	t.Helper()
	p, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("no python3: the test double cannot run")
	}
	return p
}

// doublePlugin writes the tool double into a new directory.
func doublePlugin(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if err := testdouble.Write("tool", dir); err != nil {
		t.Fatal(err)
	}
	return dir
}

// syncBuffer collects output written from several goroutines.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

type session struct {
	cancel  context.CancelFunc
	done    chan error
	out     *syncBuffer
	notices *syncBuffer
}

func startSession(t *testing.T, d *fakedaemon.Daemon, dir, key string, watch bool) *session {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	s := &session{cancel: cancel, done: make(chan error, 1), out: &syncBuffer{}, notices: &syncBuffer{}}
	o := Options{Dir: dir, Config: config(t, d.Addr(), key),
		Setup: runner.Setup{CacheDir: t.TempDir(), Interpreter: python3(t), Env: os.Environ()}, Watch: watch, ReconnectWait: -1, Out: s.out, Err: s.out,
		Notify: func(msg string) { s.notices.Write([]byte(msg + "\n")) }}
	go func() { s.done <- Run(ctx, o) }()
	t.Cleanup(func() {
		cancel()
		<-s.done
	})
	return s
}

func registered(n int) func([]fakedaemon.Conn) bool {
	return func(cs []fakedaemon.Conn) bool {
		count := 0
		for _, c := range cs {
			if c.Registered && c.Heartbeats > 0 {
				count++
			}
		}
		return count >= n
	}
}

func TestPluginRegisters(t *testing.T) {
	d := daemon(t, "the-key")
	dir := doublePlugin(t)
	startSession(t, d, dir, "the-key", false)
	if !d.Wait(registered(1), time.Minute) {
		t.Fatalf("the plugin did not register: %+v", d.Conns())
	}
	c := d.Conns()[0]
	var types []string
	for _, f := range c.Frames {
		types = append(types, f.Type)
	}
	if !slices.Equal(types, []string{"handshake", "manifest_declaration", "tool_declaration", "asset_chunk", "end"}) {
		t.Errorf("frames %v", types)
	}
	var hs struct {
		Key string `json:"key"`
	}
	json.Unmarshal(c.Frames[0].Data, &hs)
	if hs.Key != "the-key" {
		t.Errorf("handshake %s", c.Frames[0].Data)
	}
}

func TestRefusedKeyIsExplained(t *testing.T) {
	d := daemon(t, "the-key")
	s := startSession(t, d, doublePlugin(t), "expired-key", false)
	err := <-s.done
	s.done <- err // for the cleanup
	if err == nil || !strings.Contains(err.Error(), "the plugin exited (exit status 1)") {
		t.Errorf("Run: %v", err)
	}
	if !strings.Contains(s.out.String(), "An error occurred while parsing the data: b'handshake failed, invalid key'") {
		t.Errorf("the plugin's output:\n%s", s.out.String())
	}
	if n := s.notices.String(); !strings.Contains(n, "Dify refused the plugin: the daemon does not know this key") || !strings.Contains(n, "expires 2 hours") {
		t.Errorf("notices:\n%s", n)
	}
}

func TestWatchRestartsOnChange(t *testing.T) {
	d := daemon(t, "the-key")
	dir := doublePlugin(t)
	s := startSession(t, d, dir, "the-key", true)
	if !d.Wait(registered(1), time.Minute) {
		t.Fatalf("the plugin did not register: %+v", d.Conns())
	}
	yaml := filepath.Join(dir, "tools", "echo.yaml")
	data, _ := os.ReadFile(yaml)
	os.WriteFile(yaml, append(data, []byte("# edited\n")...), 0o644)
	if !d.Wait(registered(2), time.Minute) {
		t.Fatalf("no second registration after an edit: %+v\nnotices:\n%s", d.Conns(), s.notices.String())
	}
	if n := s.notices.String(); !strings.Contains(n, "tools/echo.yaml changed: restarting") {
		t.Errorf("notices:\n%s", n)
	}
}

// Files the package leaves out are not watched.
func TestIgnoredFilesAreNotChanges(t *testing.T) {
	dir := doublePlugin(t)
	os.WriteFile(filepath.Join(dir, ".difyignore"), []byte("notes.txt\n__pycache__/\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("a"), 0o644)
	before, err := filewatch.Snapshot(dir)
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("a longer note"), 0o644)
	os.MkdirAll(filepath.Join(dir, "__pycache__"), 0o755)
	os.WriteFile(filepath.Join(dir, "__pycache__", "main.cpython-312.pyc"), []byte("x"), 0o644)
	after, _ := filewatch.Snapshot(dir)
	if got := filewatch.Changes(before, after); len(got) != 0 {
		t.Errorf("ignored files count as changes: %v", got)
	}
	os.WriteFile(filepath.Join(dir, "tools", "new.yaml"), []byte("x: 1\n"), 0o644)
	os.Remove(filepath.Join(dir, "PRIVACY.md"))
	after, _ = filewatch.Snapshot(dir)
	if got := filewatch.Changes(before, after); !slices.Equal(got, []string{"PRIVACY.md", "tools/new.yaml"}) {
		t.Errorf("changes %v", got)
	}
}
