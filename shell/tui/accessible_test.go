package tui

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"charm.land/huh/v2"
	"github.com/dify-cli/dify/manifest"
	"github.com/dify-cli/dify/scaffold"
)

// Accessible mode asks every question the form asks, in order, as plain
// lines, and reads plain lines: here every question is answered.
func TestAccessibleModeAsksEverything(t *testing.T) {
	answers := []string{
		"weather",         // name
		"acme",            // author
		"Current weather", // description
		"",                // repository: none
		"me@example.com",  // contact
		"9",               // category: agent-strategy (one language: not asked)
		"11",              // permissions: add storage to the defaults…
		"",                // …and accept
		"512KiB",          // storage size
		"1.0.0",           // minimum Dify version
		"1 3",             // READMEs: zh_Hans and pt_BR
		"",                // READMEs: accept
		"",                // create: yes, the default
	}
	var out bytes.Buffer
	o := &scaffold.Options{}
	o.ApplyDefaults(manifest.Grant{})
	err := InitForm(Options{In: strings.NewReader(strings.Join(answers, "\n") + "\n"), Out: &out, Accessible: true}, o, Init{Confirm: true})
	if err != nil {
		t.Fatalf("%v\noutput:\n%s", err, out.String())
	}
	want := manifest.NewGrant("tool", "model.llm", "storage")
	want.StorageSize = 512 << 10
	if o.Name != "weather" || o.Author != "acme" || o.Description != "Current weather" || o.Category != "agent-strategy" ||
		o.Language != "python" || o.Contact != "me@example.com" || o.MinDifyVersion != "1.0.0" || strings.Join(o.Readmes, ",") != "zh_Hans,pt_BR" || o.Permissions != want {
		t.Errorf("options %+v (permissions %v)\noutput:\n%s", o, o.Permissions.Names(), out.String())
	}
	if err := o.Validate(); err != nil {
		t.Errorf("invalid options: %v", err)
	}
	for _, title := range []string{"Plugin name", "Author", "Description", "Repository URL", "Contact e-mail", "Category", "Permissions", "Storage size", "Minimum Dify version", "README translations", "Create the plugin?"} {
		if !strings.Contains(out.String(), title) {
			t.Errorf("never asked %q", title)
		}
	}
	for _, never := range []string{"Select up to 0", "Choose 1-1", "/ filters", "Space toggles", "Language"} {
		if strings.Contains(out.String(), never) {
			t.Errorf("the output says %q:\n%s", never, out.String())
		}
	}
	if strings.Contains(out.String(), "Select up to 0") {
		t.Errorf("a list with no options:\n%s", out.String())
	}
	if !strings.Contains(out.String(), "[x] tool: invoke tools") || !strings.Contains(out.String(), "[x] model: invoke LLMs") {
		t.Errorf("the category's permissions are not preselected:\n%s", out.String())
	}
}

// Storage is asked only when chosen, and bad answers are asked again with
// the rule.
func TestAccessibleModeSkipsAndRechecks(t *testing.T) {
	answers := []string{"Bad Name", "ok", "acme", "d", "", "", "", "", "", "", ""}
	var out bytes.Buffer
	o := &scaffold.Options{}
	o.ApplyDefaults(manifest.Grant{})
	err := InitForm(Options{In: strings.NewReader(strings.Join(answers, "\n") + "\n"), Out: &out, Accessible: true}, o, Init{Confirm: true})
	if err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	if o.Name != "ok" || !strings.Contains(out.String(), "must be 1–128 characters") {
		t.Errorf("name %q\n%s", o.Name, out.String())
	}
	if strings.Contains(out.String(), "Storage size") {
		t.Errorf("asked for a storage size without storage:\n%s", out.String())
	}
}

// The end of input (Ctrl-D) cancels, whatever the question.
func TestAccessibleModeEndOfInputCancels(t *testing.T) {
	for n := 0; n < 6; n++ {
		answers := []string{"weather", "acme", "d", "", "", ""}[:n]
		o := &scaffold.Options{}
		o.ApplyDefaults(manifest.Grant{})
		input := strings.Join(answers, "\n")
		if n > 0 {
			input += "\n"
		}
		err := InitForm(Options{In: strings.NewReader(input), Out: &bytes.Buffer{}, Accessible: true}, o, Init{Confirm: true})
		if !errors.Is(err, ErrCancelled) {
			t.Errorf("after %d answers: %v, want ErrCancelled", n, err)
		}
	}
}

// Choices are answered by number or by name; a near miss is named; a
// permission the category's code needs is kept, with the reason.
func TestAccessibleChoicesByName(t *testing.T) {
	answers := []string{
		"lm",   // not a category: did you mean llm?
		"LLM",  // by name, any case
		"", "", // permissions, storage: as they are
	}
	var out bytes.Buffer
	o := &scaffold.Options{Name: "w", Author: "a", Description: "d"}
	o.ApplyDefaults(manifest.Grant{})
	skip := Skip{Name: true, Author: true, Description: true, Repo: true, Contact: true, MinDifyVersion: true, Readmes: true}
	err := InitForm(Options{In: strings.NewReader(strings.Join(answers[:4], "\n") + "\n"), Out: &out, Accessible: true}, o, Init{Skip: skip})
	if err != nil || o.Category != "llm" {
		t.Fatalf("category %q, %v\n%s", o.Category, err, out.String())
	}
	if !strings.Contains(out.String(), `"lm" is not one of the numbers 1 to 11 or the names`) || !strings.Contains(out.String(), "(did you mean llm?)") {
		t.Errorf("no did-you-mean:\n%s", out.String())
	}

	out.Reset()
	o = &scaffold.Options{Name: "w", Author: "a", Description: "d"}
	o.ApplyDefaults(manifest.Grant{})
	// agent-strategy; unselect tool; accept (refused); select it again; accept.
	in := strings.Join([]string{"agent-strategy", "tool", "", "tool", ""}, "\n") + "\n"
	if err := InitForm(Options{In: strings.NewReader(in), Out: &out, Accessible: true}, o, Init{Skip: skip}); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	if !o.Permissions.Has("tool") || !strings.Contains(out.String(), `the agent-strategy category's code calls what "tool: invoke tools" allows; keep it selected`) {
		t.Errorf("permissions %v\n%s", o.Permissions.Names(), out.String())
	}
}

// Both modes give the same manifest: the minimum Dify version is 1.0.0
// unless changed.
func TestMinimumDifyVersionDefault(t *testing.T) {
	o := &scaffold.Options{Name: "w", Author: "a", Description: "d"}
	o.ApplyDefaults(manifest.Grant{})
	var out bytes.Buffer
	skip := Skip{Name: true, Author: true, Description: true, Repo: true, Contact: true, Category: true, Permissions: true, Readmes: true}
	if err := InitForm(Options{In: strings.NewReader("\n"), Out: &out, Accessible: true}, o, Init{Skip: skip}); err != nil || o.MinDifyVersion != "1.0.0" {
		t.Errorf("accessible: %q, %v\n%s", o.MinDifyVersion, err, out.String())
	}
	o = &scaffold.Options{Name: "w", Author: "a", Description: "d"}
	o.ApplyDefaults(manifest.Grant{})
	st := newInitState(o, Init{Skip: skip})
	f := newForm(st.questions())
	drive(t, escToQuit{f}, f.Init(), enter)
	if f.State != huh.StateCompleted || o.MinDifyVersion != "1.0.0" {
		t.Errorf("form: %q, state %v", o.MinDifyVersion, f.State)
	}
}
