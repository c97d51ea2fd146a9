package tui

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"charm.land/huh/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/dify-cli/dify/manifest"
	"github.com/dify-cli/dify/scaffold"
)

// newTestForm builds the init form as InitForm does, without running it.
func newTestForm(in Init) (*initState, *huh.Form) {
	o := &scaffold.Options{}
	o.ApplyDefaults(manifest.Grant{})
	st := newInitState(o, in)
	f := newForm(st.questions())
	return st, f
}

// view is what the form shows, without colours.
func view(m tea.Model) string { return ansi.Strip(m.View().Content) }

var skipProfile = Skip{Repo: true, Contact: true, MinDifyVersion: true, Readmes: true}

func TestFormHappyPath(t *testing.T) {
	st, f := newTestForm(Init{Skip: skipProfile, Confirm: true})
	m := drive(t, escToQuit{f}, f.Init())
	m = drive(t, m,
		typeText("weather"), enter,
		typeText("acme"), enter,
		typeText(`Weather & "more"`), enter,
		down, enter, // category: llm (python is the only language: not asked)
		enter, // permissions: as proposed
		enter, // confirm: Create, the default
	)
	if f.State != huh.StateCompleted {
		t.Fatalf("form state %v, want completed; view:\n%s", f.State, view(m))
	}
	if err := st.finish(); err != nil {
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

// Enter on the summary creates the plugin; declining takes a deliberate move.
func TestConfirmStartsOnCreate(t *testing.T) {
	all := Skip{Name: true, Author: true, Description: true, Repo: true, Contact: true, Language: true, Category: true, Permissions: true, MinDifyVersion: true, Readmes: true}
	st, f := newTestForm(Init{Skip: all, Confirm: true})
	m := drive(t, escToQuit{f}, f.Init())
	if !strings.Contains(view(m), "Create") {
		t.Fatalf("no summary on screen:\n%s", view(m))
	}
	drive(t, m, enter)
	if f.State != huh.StateCompleted || st.finish() != nil {
		t.Fatalf("Enter on the summary: state %v, finish %v", f.State, st.finish())
	}

	st, f = newTestForm(Init{Skip: all, Confirm: true})
	drive(t, escToQuit{f}, f.Init(), left, enter)
	if err := st.finish(); !errors.Is(err, ErrCancelled) {
		t.Errorf("choosing Cancel gave %v, want ErrCancelled", err)
	}
}

func TestSummaryShowsDirectoryAndStorage(t *testing.T) {
	target := func(name string) (string, error) { return filepath.Join("plugins", name), nil }
	o := &scaffold.Options{Name: "keeper", Author: "acme", Description: "d"}
	o.ApplyDefaults(manifest.NewGrant("storage"))
	st := newInitState(o, Init{Target: target, Confirm: true})
	st.storageSize = "512KiB"
	s := st.summary()
	for _, want := range []string{"directory:   " + filepath.Join("plugins", "keeper"), "storage (524288 bytes)"} {
		if !strings.Contains(s, want) {
			t.Errorf("summary lacks %q:\n%s", want, s)
		}
	}
}

func TestFormRefusesBadValues(t *testing.T) {
	st, f := newTestForm(Init{Skip: Skip{Author: true, Description: true, Repo: true, Contact: true, Language: true, Category: true, Permissions: true, MinDifyVersion: true, Readmes: true}})
	m := drive(t, escToQuit{f}, f.Init())
	m = drive(t, m, typeText("Bad Name"), enter)
	if !strings.Contains(view(m), "must be 1–128 characters of a-z, 0-9, _ and -") {
		t.Errorf("no validation message for a bad name; view:\n%s", view(m))
	}
	if f.State == huh.StateCompleted {
		t.Fatal("the form accepted a bad name")
	}
	// Fix it: erase and type a good one.
	drive(t, m, ctrlU, typeText("good-name"), enter)
	if f.State != huh.StateCompleted || st.o.Name != "good-name" {
		t.Errorf("state %v, name %q", f.State, st.o.Name)
	}
}

// A name whose directory exists is refused where it is typed, not after
// every other question.
func TestFormRefusesExistingDirectory(t *testing.T) {
	parent := t.TempDir()
	os.MkdirAll(filepath.Join(parent, "weather", "src"), 0o755)
	target := func(name string) (string, error) {
		dir := filepath.Join(parent, name)
		return dir, scaffold.CheckTarget(dir, false)
	}
	st, f := newTestForm(Init{Target: target, Skip: Skip{Author: true, Description: true, Repo: true, Contact: true, Language: true, Category: true, Permissions: true, MinDifyVersion: true, Readmes: true}})
	m := drive(t, escToQuit{f}, f.Init(), typeText("weather"), enter)
	if f.State == huh.StateCompleted || !strings.Contains(strings.Join(strings.Fields(view(m)), " "), "already exists and is not empty") {
		t.Fatalf("state %v; view:\n%s", f.State, view(m))
	}
	drive(t, m, ctrlU, typeText("weather2"), enter)
	if f.State != huh.StateCompleted || st.o.Name != "weather2" {
		t.Errorf("state %v, name %q", f.State, st.o.Name)
	}
}

func TestFormCancel(t *testing.T) {
	for _, key := range []tea.KeyPressMsg{ctrlC, esc} {
		_, f := newTestForm(Init{Confirm: true})
		drive(t, escToQuit{f}, f.Init(), typeText("weather"), enter, key)
		if f.State != huh.StateAborted {
			t.Errorf("%s: state %v, want aborted", key, f.State)
		}
	}
}

// Esc while filtering a list leaves the filter, a second Esc clears it (as
// the help line says), and only then does Esc quit.
func TestEscWhileFilteringClearsTheFilter(t *testing.T) {
	onlyCategory := Skip{Name: true, Author: true, Description: true, Repo: true, Contact: true, Language: true, Permissions: true, MinDifyVersion: true, Readmes: true}
	st, f := newTestForm(Init{Skip: onlyCategory})
	m := drive(t, escToQuit{f}, f.Init(), slash, typeText("rer"))
	if !strings.Contains(view(m), "rerank") || strings.Contains(view(m), "moderation") {
		t.Fatalf("the filter did not narrow the list:\n%s", view(m))
	}
	m = drive(t, m, esc)
	if f.State == huh.StateAborted {
		t.Fatal("Esc while filtering cancelled the form")
	}
	m = drive(t, m, esc)
	if f.State == huh.StateAborted || !strings.Contains(view(m), "moderation") {
		t.Fatalf("the second Esc did not clear the filter (state %v):\n%s", f.State, view(m))
	}
	drive(t, m, esc)
	if f.State != huh.StateAborted {
		t.Errorf("Esc without a filter: state %v, want aborted", f.State)
	}
	_ = st
}

// While Python is the only language, there is nothing to ask.
func TestOneLanguageIsNotAsked(t *testing.T) {
	st, _ := newTestForm(Init{})
	for _, q := range st.questions() {
		if q.title == "Language" {
			t.Errorf("a language question with %d options", len(q.options()))
		}
	}
	if st.o.Language != "python" {
		t.Errorf("language %q", st.o.Language)
	}
}

// The permissions the category's code needs cannot be unselected.
func TestNeededPermissionsStay(t *testing.T) {
	onlyPerms := Skip{Name: true, Author: true, Description: true, Repo: true, Contact: true, Language: true, MinDifyVersion: true, Readmes: true}
	st, f := newTestForm(Init{Skip: onlyPerms})
	// agent-strategy, then unselect tool (the first option) and try to accept.
	m := drive(t, escToQuit{f}, f.Init(), down, down, down, down, down, down, down, down, enter, space, enter)
	if f.State == huh.StateCompleted {
		t.Fatalf("the form accepted permissions without tool: %v", st.perms)
	}
	if !strings.Contains(view(m), "agent-strategy category's code calls") {
		t.Errorf("no reason on screen:\n%s", view(m))
	}
	drive(t, m, space, enter)
	if f.State != huh.StateCompleted {
		t.Fatalf("state %v after selecting tool again", f.State)
	}
}

func TestPermissionDefaultsFollowCategory(t *testing.T) {
	onlyPerms := Skip{Name: true, Author: true, Description: true, Repo: true, Contact: true, Language: true, MinDifyVersion: true, Readmes: true}
	st, f := newTestForm(Init{Skip: onlyPerms})
	drive(t, escToQuit{f}, f.Init(), down, down, down, down, down, down, down, down, enter, enter) // agent-strategy, then accept
	if f.State != huh.StateCompleted || st.o.Category != "agent-strategy" {
		t.Fatalf("state %v, category %q", f.State, st.o.Category)
	}
	if err := st.finish(); err != nil {
		t.Fatal(err)
	}
	if g := st.o.Permissions; g != manifest.NewGrant("tool", "model.llm") {
		t.Errorf("agent-strategy permissions %v; want the defaults tool and model.llm", g.Names())
	}
}

// Storage sizes are written as people write them, and its question shows
// the default.
func TestStorageSizeAcceptsHumanSizes(t *testing.T) {
	onlyPerms := Skip{Name: true, Author: true, Description: true, Repo: true, Contact: true, Language: true, Category: true, MinDifyVersion: true, Readmes: true}
	st, f := newTestForm(Init{Skip: onlyPerms})
	// storage is the last permission: toggle it, accept, see the default.
	m := drive(t, escToQuit{f}, f.Init(), end, space, enter)
	if !strings.Contains(view(m), "1MiB") {
		t.Fatalf("the storage question does not show its default:\n%s", view(m))
	}
	drive(t, m, ctrlU, typeText("512KiB"), enter)
	if f.State != huh.StateCompleted {
		t.Fatalf("state %v", f.State)
	}
	st.finish()
	if g := st.o.Permissions; !g.Has("storage") || g.StorageSize != 512<<10 {
		t.Errorf("grant %v size %d", g.Names(), g.StorageSize)
	}
}
