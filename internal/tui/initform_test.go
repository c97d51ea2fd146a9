package tui

import (
	"bytes"
	"io"
	"reflect"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/huh"
	"github.com/dify-cli/dify/bundle"
	"github.com/dify-cli/dify/scaffold"
)

// drive feeds messages to a bubbletea model one at a time, running the
// commands each returns until it settles (dropping slow ones such as cursor
// blinks), as a program would between keystrokes.
func drive(t *testing.T, m tea.Model, msgs ...tea.Msg) tea.Model {
	t.Helper()
	for _, msg := range msgs {
		m = settle(t, m, msg)
	}
	return m
}

func settle(t *testing.T, m tea.Model, first tea.Msg) tea.Model {
	t.Helper()
	queue := []tea.Msg{first}
	for steps := 0; len(queue) > 0; steps++ {
		if steps > 5000 {
			t.Fatal("the form does not settle")
		}
		msg := queue[0]
		queue = queue[1:]
		if v := reflect.ValueOf(msg); v.Kind() == reflect.Slice && v.Type().Elem() == reflect.TypeOf((tea.Cmd)(nil)) {
			for i := 0; i < v.Len(); i++ {
				queue = append(queue, runCmd(v.Index(i).Interface().(tea.Cmd))...)
			}
			continue
		}
		var cmd tea.Cmd
		m, cmd = m.Update(msg)
		queue = append(queue, runCmd(cmd)...)
	}
	return m
}

func runCmd(cmd tea.Cmd) []tea.Msg {
	if cmd == nil {
		return nil
	}
	ch := make(chan tea.Msg, 1)
	go func() { ch <- cmd() }()
	select {
	case msg := <-ch:
		if msg == nil {
			return nil
		}
		return []tea.Msg{msg}
	case <-time.After(20 * time.Millisecond):
		return nil
	}
}

func typeText(s string) tea.Msg { return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(s)} }

var (
	enter = tea.KeyMsg{Type: tea.KeyEnter}
	down  = tea.KeyMsg{Type: tea.KeyDown}
	ctrlC = tea.KeyMsg{Type: tea.KeyCtrlC}
	esc   = tea.KeyMsg{Type: tea.KeyEsc}
	left  = tea.KeyMsg{Type: tea.KeyLeft}
)

func newTestForm(skip Skip, confirm bool) (*initState, *huh.Form) {
	o := &scaffold.Options{Category: "tool", Language: "python"}
	st := &initState{o: o}
	f := newInitForm(st, skip, confirm)
	f.Init()
	return st, f
}

func TestFormHappyPath(t *testing.T) {
	st, f := newTestForm(Skip{Repo: true, MinDifyVersion: true, Readmes: true}, true)
	m := drive(t, f, f.Init())
	m = drive(t, m,
		typeText("weather"), enter,
		typeText("acme"), enter,
		typeText(`Weather & "more"`), enter,
		enter,       // language: python
		down, enter, // category: llm
		enter,       // permissions: as proposed
		left, enter, // confirm: Create
	)
	if f.State != huh.StateCompleted {
		t.Fatalf("form state %v, want completed; view:\n%s", f.State, m.View())
	}
	if err := st.finish(true); err != nil {
		t.Fatal(err)
	}
	o := st.o
	if o.Name != "weather" || o.Author != "acme" || o.Description != `Weather & "more"` || o.Category != "llm" {
		t.Errorf("options %+v", o)
	}
	if err := o.Validate(); err != nil {
		t.Errorf("the form produced invalid options: %v", err)
	}
}

func TestFormRefusesBadValues(t *testing.T) {
	st, f := newTestForm(Skip{Author: true, Description: true, Repo: true, Language: true, Category: true, Permissions: true, MinDifyVersion: true, Readmes: true}, false)
	m := drive(t, f, f.Init())
	m = drive(t, m, typeText("Bad Name"), enter)
	if !strings.Contains(m.View(), "must be 1–128 characters of a-z, 0-9, _ and -") {
		t.Errorf("no validation message for a bad name; view:\n%s", m.View())
	}
	if f.State == huh.StateCompleted {
		t.Fatal("the form accepted a bad name")
	}
	// Fix it: erase and type a good one.
	m = drive(t, m, tea.KeyMsg{Type: tea.KeyCtrlU}, typeText("good-name"), enter)
	if f.State != huh.StateCompleted || st.o.Name != "good-name" {
		t.Errorf("state %v, name %q", f.State, st.o.Name)
	}
}

func TestFormCancel(t *testing.T) {
	for _, key := range []tea.KeyMsg{ctrlC, esc} {
		_, f := newTestForm(Skip{}, true)
		drive(t, f, f.Init(), typeText("weather"), enter, key)
		if f.State != huh.StateAborted {
			t.Errorf("%s: state %v, want aborted", key, f.State)
		}
	}
}

func TestFormDeclineIsCancel(t *testing.T) {
	st, f := newTestForm(Skip{Name: true, Author: true, Description: true, Repo: true, Language: true, Category: true, Permissions: true, MinDifyVersion: true, Readmes: true}, true)
	drive(t, f, f.Init(), enter) // the answer starts at Cancel
	if f.State != huh.StateCompleted {
		t.Fatalf("state %v", f.State)
	}
	if err := st.finish(true); err != ErrCancelled {
		t.Errorf("declining gave %v, want ErrCancelled", err)
	}
}

func TestPermissionDefaultsFollowCategory(t *testing.T) {
	o := &scaffold.Options{Category: "agent-strategy", Language: "python"}
	st := &initState{o: o}
	f := newInitForm(st, Skip{Name: true, Author: true, Description: true, Repo: true, Language: true, Category: true, MinDifyVersion: true, Readmes: true}, false)
	drive(t, f, f.Init(), enter)
	if f.State != huh.StateCompleted {
		t.Fatalf("state %v", f.State)
	}
	if err := st.finish(false); err != nil {
		t.Fatal(err)
	}
	if p := o.Permissions; !p.Tool || !p.Model || !p.LLM || p.Endpoint || p.Storage {
		t.Errorf("agent-strategy permissions %+v; want the defaults tool and model.llm", p)
	}
	p := permissionsFrom([]string{"model.rerank", "storage"}, "4096")
	if !p.Model || !p.Rerank || !p.Storage || p.StorageSize != 4096 || p.Tool {
		t.Errorf("permissions %+v", p)
	}
}

// Accessible mode reads plain lines, for screen readers and dumb terminals.
func TestAccessibleMode(t *testing.T) {
	in := &lineReader{lines: []string{"weather", "acme", "Current weather", "", "1", "1", "", "0", "y"}}
	var out bytes.Buffer
	o := &scaffold.Options{Category: "tool", Language: "python"}
	err := InitForm(Options{In: in, Out: &out, Accessible: true}, o, Skip{Permissions: true}, true)
	if err != nil {
		t.Fatalf("%v\noutput:\n%s", err, out.String())
	}
	if o.Name != "weather" || o.Author != "acme" || o.Description != "Current weather" || o.Category != "tool" || o.Language != "python" {
		t.Errorf("options %+v\noutput:\n%s", o, out.String())
	}
}

// lineReader hands out one line per Read, as a terminal does.
type lineReader struct{ lines []string }

func (r *lineReader) Read(p []byte) (int, error) {
	if len(r.lines) == 0 {
		return 0, io.EOF
	}
	n := copy(p, r.lines[0]+"\n")
	r.lines = r.lines[1:]
	return n, nil
}

func TestBundleFormCancelKeepsProfile(t *testing.T) {
	p := bundle.Profile{Name: "b", Author: "acme", Description: "d"}
	edited := p
	f := newBundleForm(&edited)
	drive(t, f, f.Init(), typeText("x"), esc)
	if f.State != huh.StateAborted {
		t.Fatalf("state %v", f.State)
	}
	if p != (bundle.Profile{Name: "b", Author: "acme", Description: "d"}) {
		t.Errorf("profile changed: %+v", p)
	}
	edited = p
	f = newBundleForm(&edited)
	drive(t, f, f.Init(), typeText("2"), enter, enter, enter)
	if f.State != huh.StateCompleted || edited.Name != "b2" {
		t.Errorf("state %v, edited %+v", f.State, edited)
	}
}
