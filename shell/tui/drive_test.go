package tui

import (
	"reflect"
	"runtime"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
)

// drive feeds messages to a model one at a time, running the commands each
// returns until none is left, as a program would between keystrokes; it
// never waits for a duration, so a slow machine only makes it slower.
func drive(t *testing.T, m tea.Model, msgs ...tea.Msg) tea.Model {
	t.Helper()
	for _, msg := range msgs {
		m = settle(t, m, msg)
	}
	return m
}

// cursorPkg is the text cursor's package. Blinking is the only command of
// a form that waits (half a second, forever): its commands are not run and
// its messages are dropped, so no timer is ever started.
var cursorPkg = "github.com/charmbracelet/bubbles/cursor"

// run runs a command unless it is the cursor's.
func run(cmd tea.Cmd) tea.Msg {
	if cmd == nil || strings.HasPrefix(runtime.FuncForPC(reflect.ValueOf(cmd).Pointer()).Name(), cursorPkg+".") {
		return nil
	}
	return cmd()
}

func settle(t *testing.T, m tea.Model, first tea.Msg) tea.Model {
	t.Helper()
	queue := []tea.Msg{first}
	for steps := 0; len(queue) > 0; steps++ {
		if steps > 10000 {
			t.Fatal("the form does not settle: its messages keep producing messages")
		}
		msg := queue[0]
		queue = queue[1:]
		if msg == nil {
			continue
		}
		v := reflect.ValueOf(msg)
		if v.Kind() == reflect.Slice && v.Type().Elem() == reflect.TypeOf((tea.Cmd)(nil)) {
			// tea.Batch and tea.Sequence: run each command in order.
			for i := 0; i < v.Len(); i++ {
				queue = append(queue, run(v.Index(i).Interface().(tea.Cmd)))
			}
			continue
		}
		if reflect.TypeOf(msg).PkgPath() == cursorPkg {
			continue
		}
		var cmd tea.Cmd
		m, cmd = m.Update(msg)
		queue = append(queue, run(cmd))
	}
	return m
}

func typeText(s string) tea.Msg { return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(s)} }

var (
	enter = tea.KeyMsg{Type: tea.KeyEnter}
	down  = tea.KeyMsg{Type: tea.KeyDown}
	ctrlC = tea.KeyMsg{Type: tea.KeyCtrlC}
	esc   = tea.KeyMsg{Type: tea.KeyEsc}
	left  = tea.KeyMsg{Type: tea.KeyLeft}
	space = tea.KeyMsg{Type: tea.KeySpace, Runes: []rune(" ")}
	slash = tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("/")}
)
