package tui

import (
	"bytes"
	"strings"
	"testing"

	"charm.land/huh/v2"
	"github.com/dify-cli/dify/bundle"
)

func TestBundleFormCancelKeepsProfile(t *testing.T) {
	p := bundle.Profile{Name: "b", Author: "acme", Description: "d"}
	edited := p
	f := newForm(bundleQuestions(&edited))
	drive(t, escToQuit{f}, f.Init(), typeText("x"), esc)
	if f.State != huh.StateAborted {
		t.Fatalf("state %v", f.State)
	}
	edited = p
	f = newForm(bundleQuestions(&edited))
	drive(t, escToQuit{f}, f.Init(), typeText("2"), enter, enter, enter)
	if f.State != huh.StateCompleted || edited.Name != "b2" {
		t.Errorf("state %v, edited %+v", f.State, edited)
	}
	// Accessible: the current values are the defaults.
	q := p
	if err := BundleForm(Options{In: strings.NewReader("\nother\n\n"), Out: &bytes.Buffer{}, Accessible: true}, &q); err != nil || q != (bundle.Profile{Name: "b", Author: "other", Description: "d"}) {
		t.Errorf("accessible: %+v, %v", q, err)
	}
}
