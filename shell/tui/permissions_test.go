package tui

import (
	"bytes"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"charm.land/huh/v2"
	"github.com/dify-cli/dify/manifest"
)

func TestPermissionFormToggles(t *testing.T) {
	grant := manifest.NewGrant("model.llm")
	st := &permState{selected: permissionKeys(grant), size: storageText(grant.Storage())}
	f := newForm(st.questions(grant))
	// The cursor starts on the first granted row (model.llm); tool is above it.
	drive(t, escToQuit{f}, f.Init(), up, space, enter)
	if f.State != huh.StateCompleted {
		t.Fatalf("state %v", f.State)
	}
	if got := st.result(grant); got != manifest.NewGrant("tool", "model.llm") {
		t.Errorf("grant %v; want tool added to model.llm", got.Names())
	}
}

func TestPermissionFormCancelChangesNothing(t *testing.T) {
	for _, k := range []tea.KeyPressMsg{esc, ctrlC} {
		grant := manifest.NewGrant("model.llm")
		st := &permState{selected: permissionKeys(grant)}
		f := newForm(st.questions(grant))
		drive(t, escToQuit{f}, f.Init(), space, k)
		if f.State != huh.StateAborted {
			t.Errorf("%s: state %v, want aborted", k, f.State)
		}
	}
	grant := manifest.NewGrant("model.llm")
	if err := PermissionForm(Options{In: strings.NewReader("1\n"), Out: &bytes.Buffer{}, Accessible: true}, &grant); err != ErrCancelled {
		t.Errorf("end of input: %v", err)
	}
	if grant != manifest.NewGrant("model.llm") {
		t.Errorf("a cancelled form changed the grant to %v", grant.Names())
	}
}

func TestPermissionFormAccessible(t *testing.T) {
	grant := manifest.NewGrant("model.llm")
	var out bytes.Buffer
	// Add storage (the last of 11), drop LLMs (2), accept, then a size.
	err := PermissionForm(Options{In: strings.NewReader("11 2\n\n2MiB\n"), Out: &out, Accessible: true}, &grant)
	if err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	want := manifest.NewGrant("storage")
	want.StorageSize = 2 << 20
	if grant != want {
		t.Errorf("grant %v %d\n%s", grant.Names(), grant.StorageSize, out.String())
	}
}
