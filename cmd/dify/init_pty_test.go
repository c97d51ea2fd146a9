package main

import (
	"bytes"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/vt"
	"github.com/creack/pty"
)

// terminal runs the built binary in a pseudo-terminal, as a user would, and
// keeps what a terminal would show in a terminal emulator: the program
// redraws only what changes, so the screen, not the byte stream, is what
// to look at. Tests wait for what appears on the screen, never for a
// duration.
type terminal struct {
	t    *testing.T
	cmd  *exec.Cmd
	tty  *os.File
	mu   sync.Mutex
	out  bytes.Buffer  // everything the program wrote
	vt   *vt.Emulator  // what the screen shows
	more chan struct{} // signalled when output arrives
	done chan struct{} // closed when the terminal closes
}

const rows, cols = 40, 120

func startTerminal(t *testing.T, bin, dir string, env []string, args ...string) *terminal {
	t.Helper()
	return startTerminalSized(t, rows, cols, bin, dir, env, args...)
}

func startTerminalSized(t *testing.T, rows, cols int, bin, dir string, env []string, args ...string) *terminal {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Dir = dir
	cmd.Env = append(append(os.Environ(), "TERM=xterm-256color"), env...)
	tty, err := pty.StartWithSize(cmd, &pty.Winsize{Rows: uint16(rows), Cols: uint16(cols)})
	if err != nil {
		t.Skip("no pseudo-terminal:", err)
	}
	term := &terminal{t: t, cmd: cmd, tty: tty, vt: vt.NewEmulator(cols, rows), more: make(chan struct{}, 1), done: make(chan struct{})}
	// The emulator answers what the program asks the terminal (the cursor
	// position, colours, modes), as a real terminal does at once.
	go func() {
		buf := make([]byte, 4096)
		for {
			n, err := term.vt.Read(buf)
			if n > 0 {
				tty.Write(buf[:n])
			}
			if err != nil {
				return
			}
		}
	}()
	go func() {
		buf := make([]byte, 4096)
		for {
			n, err := tty.Read(buf)
			term.mu.Lock()
			term.out.Write(buf[:n])
			term.vt.Write(buf[:n])
			term.mu.Unlock()
			select {
			case term.more <- struct{}{}:
			default:
			}
			if err != nil {
				close(term.done)
				return
			}
		}
	}()
	t.Cleanup(func() { cmd.Process.Kill(); tty.Close(); term.vt.Close() })
	return term
}

// screen is what the terminal shows now.
func (term *terminal) screen() string {
	term.mu.Lock()
	defer term.mu.Unlock()
	return term.vt.String()
}

// written is everything the program wrote, without escape sequences: lines
// that scrolled off the screen too.
func (term *terminal) written() string {
	term.mu.Lock()
	defer term.mu.Unlock()
	return ansi.Strip(term.out.String())
}

// waitFor waits until text is on the screen. The deadline only turns a
// hang into a failure.
func (term *terminal) waitFor(text string) {
	term.t.Helper()
	deadline := time.After(time.Minute)
	for !strings.Contains(term.screen(), text) {
		select {
		case <-term.more:
		case <-term.done:
			if !strings.Contains(term.screen(), text) {
				term.t.Fatalf("%q never appeared before the program ended; screen:\n%s", text, term.screen())
			}
			return
		case <-deadline:
			term.t.Fatalf("%q never appeared; screen:\n%s", text, term.screen())
		}
	}
}

// send types keys.
func (term *terminal) send(keys ...string) {
	for _, k := range keys {
		io.WriteString(term.tty, k)
	}
}

func (term *terminal) exitCode() int {
	term.t.Helper()
	errc := make(chan error, 1)
	go func() { errc <- term.cmd.Wait() }()
	select {
	case err := <-errc:
		// What the program wrote before it exited may still be on its way
		// through the terminal: wait until the reader has all of it.
		select {
		case <-term.done:
		case <-time.After(time.Minute):
			term.t.Fatal("the terminal did not close after the program exited")
		}
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return ee.ExitCode()
		}
		if err != nil {
			term.t.Fatal(err)
		}
		return 0
	case <-time.After(time.Minute):
		term.t.Fatal("the program did not exit")
		return -1
	}
}

const (
	enterKey = "\r"
	leftKey  = "\x1b[D"
	downKey  = "\x1b[B"
	escKey   = "\x1b"
	ctrlC    = "\x03"
)

// answer waits for each question, then types its answer. One question is on
// the screen at a time, so its title appearing means it has the focus.
func (term *terminal) answer(steps ...[2]string) {
	term.t.Helper()
	for _, s := range steps {
		term.waitFor(s[0])
		term.send(s[1])
	}
}

func TestInitInATerminal(t *testing.T) {
	bin := buildDify(t)
	dir := t.TempDir()
	term := startTerminal(t, bin, dir, nil, "plugin", "init")
	term.waitFor("Plugin name")
	term.answer(
		[2]string{"Plugin name", "weather" + enterKey},
		[2]string{"Author", "acme" + enterKey},
		[2]string{"Description", "Current weather" + enterKey},
		[2]string{"Repository URL", enterKey},
		[2]string{"Contact e-mail", enterKey},
		[2]string{"Category", enterKey},           // no Language step: python is the only one
		[2]string{"tool: invoke tools", enterKey}, // the permissions, once listed
		[2]string{"Minimum Dify version", enterKey},
		[2]string{"README translations", enterKey},
	)
	term.waitFor("Create the plugin?")
	term.waitFor("directory:   weather")
	term.send(enterKey) // Create is where the answer starts
	if code := term.exitCode(); code != 0 {
		t.Fatalf("exit %d; output:\n%s", code, term.screen())
	}
	data, err := os.ReadFile(filepath.Join(dir, "weather", "manifest.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"name: weather", "author: acme", "en_US: Current weather", "tools:", "minimum_dify_version: 1.0.0"} {
		if !strings.Contains(string(data), want) {
			t.Errorf("manifest.yaml lacks %q:\n%s", want, data)
		}
	}
}

func TestInitCtrlCInATerminal(t *testing.T) {
	bin := buildDify(t)
	dir := t.TempDir()
	term := startTerminal(t, bin, dir, nil, "plugin", "init", "--category", "llm")
	term.answer([2]string{"Plugin name", "weather" + enterKey})
	term.waitFor("Author")
	term.send("ac", ctrlC)
	if code := term.exitCode(); code != 130 {
		t.Errorf("exit %d after Ctrl-C, want 130", code)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("Ctrl-C left %d entries in the directory", len(entries))
	}
}

// Esc while filtering the category list clears the filter; it does not
// throw the answers away.
func TestInitEscWhileFilteringInATerminal(t *testing.T) {
	bin := buildDify(t)
	dir := t.TempDir()
	term := startTerminal(t, bin, dir, nil, "plugin", "init", "--quick=false", "--name", "keeper", "--author", "acme",
		"--description", "d", "--repo", "", "--contact", "", "--language", "python", "--min-dify-version", "", "--readme", "", "--allow-storage")
	term.waitFor("Category")
	// Keys that arrive together reach the program as one: wait for each.
	term.send("/")
	term.waitFor("esc set filter")
	term.send("rer")
	term.waitFor("/rer")
	term.send(escKey) // leaves the filter, keeping it
	term.waitFor("esc clear filter")
	term.send(escKey)          // clears it
	term.waitFor("moderation") // the whole list again
	term.send(enterKey)
	term.waitFor("Create the plugin?")
	term.send(enterKey)
	if code := term.exitCode(); code != 0 {
		t.Fatalf("exit %d; output:\n%s", code, term.screen())
	}
	if _, err := os.Stat(filepath.Join(dir, "keeper", "manifest.yaml")); err != nil {
		t.Errorf("the plugin was not created: %v", err)
	}
}

// TERM=dumb: every question as a plain line, permissions included; the
// agent-strategy plugin made this way validates.
func TestInitAccessibleInATerminal(t *testing.T) {
	bin := buildDify(t)
	dir := t.TempDir()
	term := startTerminal(t, bin, dir, []string{"TERM=dumb"}, "plugin", "init")
	term.answer(
		[2]string{"Plugin name", "agent\n"},
		[2]string{"Author", "acme\n"},
		[2]string{"Description", "An agent\n"},
		[2]string{"Repository URL", "\n"},
		[2]string{"Contact e-mail", "\n"},
		[2]string{"Category", "agent-strategy\n"}, // by name
		[2]string{"Permissions", "\n"},
		[2]string{"Minimum Dify version", "\n"},
		[2]string{"README translations", "\n"},
		[2]string{"Create the plugin?", "\n"},
	)
	if code := term.exitCode(); code != 0 {
		t.Fatalf("exit %d; output:\n%s", code, term.screen())
	}
	for _, never := range []string{"Select up to 0", "Choose 1-1", "/ filters the list", "Language"} {
		if strings.Contains(term.written(), never) {
			t.Errorf("the prompts say %q:\n%s", never, term.written())
		}
	}
	out, err := exec.Command(bin, "plugin", "validate", filepath.Join(dir, "agent")).CombinedOutput()
	if err != nil || !strings.Contains(string(out), "0 errors, 0 warnings") {
		t.Errorf("validate: %v\n%s", err, out)
	}
	// The same manifest as the form's: the minimum Dify version included.
	if data, _ := os.ReadFile(filepath.Join(dir, "agent", "manifest.yaml")); !strings.Contains(string(data), "minimum_dify_version: 1.0.0") {
		t.Errorf("manifest.yaml:\n%s", data)
	}
}

// A --name whose directory is taken is refused before the first question.
func TestInitTakenNameRefusedFirst(t *testing.T) {
	bin := buildDify(t)
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "taken"), 0o755)
	os.WriteFile(filepath.Join(dir, "taken", "x"), []byte("x"), 0o644)
	for _, args := range [][]string{{"plugin", "init", "--name", "taken"}, {"bundle", "init", "--name", "taken"}} {
		term := startTerminal(t, bin, dir, nil, args...)
		if code := term.exitCode(); code == 0 {
			t.Errorf("%v: exit 0", args)
		}
		if screen := term.written(); !strings.Contains(screen, "taken") || strings.Contains(screen, "Author") {
			t.Errorf("%v: the refusal came after a question, or not at all:\n%s", args, screen)
		}
	}
}

// On a small terminal the question's title stays on screen: long list
// lines are cut to the width instead of wrapping.
func TestInitSmallTerminalKeepsTheTitle(t *testing.T) {
	bin := buildDify(t)
	dir := t.TempDir()
	term := startTerminalSized(t, 20, 60, bin, dir, nil, "plugin", "init", "--name", "w", "--author", "a", "--description", "d", "--repo", "", "--contact", "")
	term.waitFor("Category")
	for _, c := range []string{"llm", "text-embedding", "rerank", "tts", "speech2text", "moderation", "extension", "agent-strategy", "trigger", "datasource"} {
		term.send(downKey)
		term.waitFor("> " + c)
	}
	if screen := term.screen(); !strings.Contains(screen, "Category") || !strings.Contains(screen, "…") {
		t.Errorf("the title scrolled away, or lines wrap:\n%s", screen)
	}
	term.send(ctrlC)
	term.exitCode()
}
