package tui

import (
	"reflect"
	"runtime"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
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
var cursorPkg = "charm.land/bubbles/v2/cursor"

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

// typeText types s, one key press per character, as a keyboard does.
func typeText(s string) tea.Msg {
	var keys []tea.Cmd
	for _, r := range s {
		k := tea.KeyPressMsg{Code: r, Text: string(r)}
		keys = append(keys, func() tea.Msg { return k })
	}
	return tea.BatchMsg(keys)
}

var (
	enter = tea.KeyPressMsg{Code: tea.KeyEnter}
	down  = tea.KeyPressMsg{Code: tea.KeyDown}
	up    = tea.KeyPressMsg{Code: tea.KeyUp}
	end   = tea.KeyPressMsg{Code: tea.KeyEnd}
	ctrlC = tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl}
	ctrlU = tea.KeyPressMsg{Code: 'u', Mod: tea.ModCtrl}
	esc   = tea.KeyPressMsg{Code: tea.KeyEscape}
	left  = tea.KeyPressMsg{Code: tea.KeyLeft}
	space = tea.KeyPressMsg{Code: tea.KeySpace, Text: " "}
	slash = tea.KeyPressMsg{Code: '/', Text: "/"}
)
