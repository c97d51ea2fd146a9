package tui

import (
	"errors"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/huh"
	"github.com/dify-cli/dify/bundle"
)

// BundleForm asks for a bundle's name, author and description, pre-filled
// with p. p changes only when the user completes the form.
func BundleForm(opt Options, p *bundle.Profile) error {
	edited := *p
	form := newBundleForm(&edited).WithInput(opt.In).WithOutput(opt.Out).WithAccessible(opt.Accessible)
	if err := form.Run(); err != nil {
		if errors.Is(err, huh.ErrUserAborted) {
			return ErrCancelled
		}
		return err
	}
	*p = edited
	return nil
}

func newBundleForm(p *bundle.Profile) *huh.Form {
	keys := huh.NewDefaultKeyMap()
	keys.Quit = key.NewBinding(key.WithKeys("ctrl+c", "esc"), key.WithHelp("esc", "quit"))
	return huh.NewForm(huh.NewGroup(
		huh.NewInput().Title("Bundle name").Value(&p.Name).Validate(bundle.CheckName),
		huh.NewInput().Title("Author").Value(&p.Author).Validate(bundle.CheckAuthor),
		huh.NewInput().Title("Description").Value(&p.Description).Validate(bundle.CheckDescription),
	)).WithKeyMap(keys).WithShowHelp(true)
}
