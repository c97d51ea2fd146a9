package main

import (
	"bytes"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/creack/pty"
)

// terminal runs the built binary in a pseudo-terminal, as a user would.
type terminal struct {
	t    *testing.T
	cmd  *exec.Cmd
	tty  *os.File
	mu   sync.Mutex
	out  bytes.Buffer
	done chan struct{}
}

func startTerminal(t *testing.T, bin, dir string, args ...string) *terminal {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "TERM=xterm-256color")
	tty, err := pty.StartWithSize(cmd, &pty.Winsize{Rows: 40, Cols: 120})
	if err != nil {
		t.Skip("no pseudo-terminal:", err)
	}
	term := &terminal{t: t, cmd: cmd, tty: tty, done: make(chan struct{})}
	go func() {
		buf := make([]byte, 4096)
		for {
			n, err := tty.Read(buf)
			term.mu.Lock()
			term.out.Write(buf[:n])
			term.mu.Unlock()
			if err != nil {
				close(term.done)
				return
			}
		}
	}()
	t.Cleanup(func() { cmd.Process.Kill(); tty.Close() })
	return term
}

var ansi = regexp.MustCompile(`\x1b\[[0-9;?]*[A-Za-z]`)

// waitFor waits until the screen output contains text.
func (term *terminal) waitFor(text string) {
	term.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		term.mu.Lock()
		screen := ansi.ReplaceAllString(term.out.String(), "")
		term.mu.Unlock()
		if strings.Contains(screen, text) {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	term.mu.Lock()
	defer term.mu.Unlock()
	term.t.Fatalf("%q never appeared; output:\n%s", text, ansi.ReplaceAllString(term.out.String(), ""))
}

// send types keys, pausing so that each lands on its own.
func (term *terminal) send(keys ...string) {
	for _, k := range keys {
		io.WriteString(term.tty, k)
		time.Sleep(60 * time.Millisecond)
	}
}

func (term *terminal) exitCode() int {
	term.t.Helper()
	errc := make(chan error, 1)
	go func() { errc <- term.cmd.Wait() }()
	select {
	case err := <-errc:
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return ee.ExitCode()
		}
		if err != nil {
			term.t.Fatal(err)
		}
		return 0
	case <-time.After(15 * time.Second):
		term.t.Fatal("the program did not exit")
		return -1
	}
}

const (
	enterKey = "\r"
	leftKey  = "\x1b[D"
	ctrlC    = "\x03"
)

func TestInitInATerminal(t *testing.T) {
	bin := buildDify(t)
	dir := t.TempDir()
	term := startTerminal(t, bin, dir, "plugin", "init")
	term.waitFor("Plugin name")
	term.send("weather", enterKey)
	term.waitFor("Author")
	term.send("acme", enterKey)
	term.waitFor("Description")
	term.send("Current weather", enterKey)
	term.waitFor("Repository URL")
	term.send(enterKey)
	term.waitFor("Language")
	term.send(enterKey)
	term.waitFor("Category")
	term.send(enterKey)
	term.waitFor("Permissions")
	term.send(enterKey)
	term.waitFor("Minimum Dify version")
	term.send(enterKey)
	term.waitFor("README translations")
	term.send(enterKey)
	term.waitFor("Create the plugin?")
	term.send(leftKey, enterKey)
	if code := term.exitCode(); code != 0 {
		t.Fatalf("exit %d; output:\n%s", code, ansi.ReplaceAllString(term.out.String(), ""))
	}
	data, err := os.ReadFile(filepath.Join(dir, "weather", "manifest.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"name: weather", "author: acme", "en_US: Current weather", "tools:"} {
		if !strings.Contains(string(data), want) {
			t.Errorf("manifest.yaml lacks %q:\n%s", want, data)
		}
	}
}

func TestInitCtrlCInATerminal(t *testing.T) {
	bin := buildDify(t)
	dir := t.TempDir()
	term := startTerminal(t, bin, dir, "plugin", "init", "--category", "llm")
	term.waitFor("Plugin name")
	term.send("weather", enterKey)
	term.waitFor("Author")
	term.send("ac", ctrlC)
	if code := term.exitCode(); code != 130 {
		t.Errorf("exit %d after Ctrl-C, want 130", code)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("Ctrl-C left %d entries in the directory", len(entries))
	}
}
