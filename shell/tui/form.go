// Package tui holds the interactive forms. It is the only package that
// knows about huh and bubbletea; forms fill the same option structs that
// flags fill, with the same validators.
//
// A form is a list of questions. On a terminal the questions become a huh
// form, one question per screen; in accessible mode (screen readers, dumb
// terminals) they are asked one line at a time from the same list, so both
// ask the same things in the same order with the same checks.
package tui

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/huh/v2"
)

// ErrCancelled is returned when the user quits a form or declines to confirm.
var ErrCancelled = errors.New("cancelled")

// Options say where a form reads and draws.
type Options struct {
	In         io.Reader
	Out        io.Writer
	Accessible bool // line-based prompts, for screen readers and dumb terminals
	// Width is the terminal's width, 0 when unknown: a list's lines are cut
	// to fit it, since a line that wraps pushes the question's title off a
	// small screen.
	Width int
}

// A question is one thing a form asks. Exactly one of text, choice,
// choices and yes is set: the answer is written there.
type question struct {
	title string
	help  func() string // shown under the title; evaluated when asked
	// keys is the help about keys that only the terminal form has ("/
	// filters the list"); line-based prompts say their own.
	keys string
	// helpChanges names a value whose changes make help change (huh
	// recomputes it then); nil when help is fixed.
	helpChanges any

	text    *string
	choice  *string
	choices *[]string
	yes     *bool

	// options lists what choice and choices pick from, evaluated when the
	// question is asked; optionsChange names the value they follow.
	options       func() []option
	optionsChange any
	placeholder   string
	validate      func(string) error   // for text and choice
	validateAll   func([]string) error // for choices
	hidden        func() bool          // skip the question when it returns true
	affirm, deny  string               // for yes
}

type option struct {
	label, value string
	selected     bool // for choices: preselected
}

func (q question) helpText() string {
	if q.help == nil {
		return ""
	}
	return q.help()
}

func (q question) isHidden() bool { return q.hidden != nil && q.hidden() }

func (q question) check(s string) error {
	if q.validate == nil {
		return nil
	}
	return q.validate(s)
}

// ask asks the questions on opt's streams, as a form or as lines.
func ask(opt Options, qs []question) error {
	if opt.Accessible {
		return askLines(opt.In, opt.Out, qs)
	}
	if opt.Width > 0 {
		for i := range qs {
			qs[i].fitTo(opt.Width)
		}
	}
	return runForm(newForm(qs), opt.In, opt.Out)
}

// fitTo cuts the option labels of a list to the width a form leaves them
// (its border, the cursor and the mark take 8 columns).
func (q *question) fitTo(width int) {
	if q.options == nil {
		return
	}
	room := max(width-8, 16)
	options := q.options
	q.options = func() []option {
		out := options()
		for i, o := range out {
			if r := []rune(o.label); len(r) > room {
				out[i].label = string(r[:room-1]) + "…"
			}
		}
		return out
	}
}

// newForm builds the huh form of the questions, one per group, so that one
// question is on the screen at a time.
func newForm(qs []question) *huh.Form {
	var groups []*huh.Group
	for _, q := range qs {
		g := huh.NewGroup(field(q))
		if q.hidden != nil {
			g = g.WithHideFunc(q.hidden)
		}
		groups = append(groups, g)
	}
	keys := huh.NewDefaultKeyMap()
	// Esc quits too, unless the list on screen uses it to leave or clear
	// its filter: escToQuit decides, and turns it into ctrl+c.
	keys.Quit = key.NewBinding(key.WithKeys("ctrl+c"), key.WithHelp("esc", "quit"))
	return huh.NewForm(groups...).WithKeyMap(keys).WithShowHelp(true)
}

// field makes the huh field of a question. Help and options that never
// change are given as they are: huh loads the func forms asynchronously, and
// a key pressed before they arrive (a filter started with /) is undone.
func field(q question) huh.Field {
	options := func() []huh.Option[string] {
		var out []huh.Option[string]
		for _, o := range q.options() {
			out = append(out, huh.NewOption(o.label, o.value).Selected(o.selected))
		}
		return out
	}
	switch {
	case q.text != nil:
		return describe(q, huh.NewInput().Title(q.title).Value(q.text).Placeholder(q.placeholder).Validate(q.check))
	case q.choice != nil:
		f := huh.NewSelect[string]().Title(q.title).Value(q.choice).Validate(q.check)
		if q.optionsChange != nil {
			f.OptionsFunc(options, q.optionsChange)
		} else {
			f.Options(options()...)
		}
		return describe(q, f)
	case q.choices != nil:
		f := huh.NewMultiSelect[string]().Title(q.title).Value(q.choices).Height(len(q.options()) + 4)
		if q.validateAll != nil {
			f.Validate(q.validateAll)
		}
		if q.optionsChange != nil {
			f.OptionsFunc(options, q.optionsChange)
		} else {
			f.Options(options()...)
		}
		return describe(q, f)
	default:
		return describe(q, huh.NewConfirm().Title(q.title).Affirmative(q.affirm).Negative(q.deny).Value(q.yes))
	}
}

// describedField is what the huh fields share for their description.
type describedField[F huh.Field] interface {
	huh.Field
	Description(string) F
	DescriptionFunc(func() string, any) F
}

// describe sets a field's description: fixed, or recomputed when
// q.helpChanges changes.
func describe[F huh.Field](q question, f describedField[F]) huh.Field {
	help := q.help
	if q.keys != "" {
		help = func() string { return strings.TrimSpace(q.helpText() + " " + q.keys) }
	}
	if help != nil && q.helpChanges != nil {
		return f.DescriptionFunc(help, q.helpChanges)
	}
	if help == nil {
		return f.Description("")
	}
	return f.Description(help())
}

// runForm runs a form on a terminal. Cancelling (ctrl+c, or esc outside a
// filter) gives ErrCancelled.
func runForm(form *huh.Form, in io.Reader, out io.Writer) error {
	form.SubmitCmd = tea.Quit
	form.CancelCmd = tea.Interrupt
	m, err := tea.NewProgram(escToQuit{form}, tea.WithInput(in), tea.WithOutput(out)).Run()
	if errors.Is(err, tea.ErrInterrupted) || (m != nil && m.(escToQuit).State == huh.StateAborted) {
		return ErrCancelled
	}
	if err != nil {
		return fmt.Errorf("the form failed: %w", err)
	}
	return nil
}

// escToQuit passes keys to the form, turning esc into ctrl+c (quit) unless
// the focused field has a use for esc: leaving or clearing a list's filter.
type escToQuit struct{ *huh.Form }

func (m escToQuit) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if k, ok := msg.(tea.KeyPressMsg); ok && k.String() == "esc" && !usesEsc(m.Form.GetFocusedField()) {
		msg = tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl}
	}
	f, cmd := m.Form.Update(msg)
	return escToQuit{f.(*huh.Form)}, cmd
}

// View shows the form.
func (m escToQuit) View() tea.View { return tea.NewView(m.Form.View()) }

func usesEsc(f huh.Field) bool {
	if f == nil {
		return false
	}
	for _, b := range f.KeyBinds() {
		if b.Enabled() && slices.Contains(b.Keys(), "esc") {
			return true
		}
	}
	return false
}
