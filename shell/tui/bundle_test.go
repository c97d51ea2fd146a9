package tui

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"charm.land/huh/v2"
	"github.com/dify-cli/dify/bundle"
)

func TestBundleFormCancelKeepsProfile(t *testing.T) {
	p := bundle.Profile{Name: "b", Author: "acme", Description: "d"}
	edited := p
	f := newForm(bundleQuestions(&edited, nil))
	drive(t, escToQuit{f}, f.Init(), typeText("x"), esc)
	if f.State != huh.StateAborted {
		t.Fatalf("state %v", f.State)
	}
	edited = p
	f = newForm(bundleQuestions(&edited, nil))
	drive(t, escToQuit{f}, f.Init(), typeText("2"), enter, enter, enter)
	if f.State != huh.StateCompleted || edited.Name != "b2" {
		t.Errorf("state %v, edited %+v", f.State, edited)
	}
	// Accessible: the current values are the defaults.
	q := p
	if err := BundleForm(Options{In: strings.NewReader("\nother\n\n"), Out: &bytes.Buffer{}, Accessible: true}, &q, nil); err != nil || q != (bundle.Profile{Name: "b", Author: "other", Description: "d"}) {
		t.Errorf("accessible: %+v, %v", q, err)
	}
}

// A name whose directory is taken is refused at the name, with the reason.
func TestBundleFormRefusesATakenName(t *testing.T) {
	var out bytes.Buffer
	p := bundle.Profile{}
	taken := func(name string) error {
		if name == "b" {
			return errors.New("b exists and is not empty")
		}
		return nil
	}
	err := BundleForm(Options{In: strings.NewReader("b\nc\nacme\nd\n"), Out: &out, Accessible: true}, &p, taken)
	if err != nil || p.Name != "c" || !strings.Contains(out.String(), "b exists and is not empty") {
		t.Errorf("%+v, %v\n%s", p, err, out.String())
	}
}
