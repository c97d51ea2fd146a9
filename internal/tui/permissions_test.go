package tui

import (
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/huh"
)

var space = tea.KeyMsg{Type: tea.KeySpace, Runes: []rune(" ")}

func TestPermissionFormToggles(t *testing.T) {
	grant := map[string]bool{"model.llm": true}
	st := &permState{}
	f := newPermissionForm(st, grant, 0)
	// The cursor starts on the first granted row (model.llm); tool is above it.
	drive(t, f, f.Init(), tea.KeyMsg{Type: tea.KeyUp}, space, enter)
	if f.State != huh.StateCompleted {
		t.Fatalf("state %v", f.State)
	}
	size := uint64(0)
	st.apply(grant, &size)
	if !grant["tool"] || !grant["model.llm"] || grant["storage"] {
		t.Errorf("grant %v; want tool added to model.llm", grant)
	}
}

func TestPermissionFormCancelChangesNothing(t *testing.T) {
	for _, k := range []tea.KeyMsg{esc, ctrlC} {
		grant := map[string]bool{"model.llm": true}
		st := &permState{}
		f := newPermissionForm(st, grant, 0)
		drive(t, f, f.Init(), space, k)
		if f.State != huh.StateAborted {
			t.Errorf("%s: state %v, want aborted", k, f.State)
		}
		if len(grant) != 1 || !grant["model.llm"] {
			t.Errorf("%s changed the permissions: %v", k, grant)
		}
	}
}
