package tui

import (
	"errors"
	"slices"
	"strconv"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/huh"
)

// PermissionForm lets the user toggle permissions, pre-filled with grant
// (keys as in manifest.PermissionKeys). It updates grant and storageSize only
// when the user accepts; on Ctrl-C or Esc it returns ErrCancelled.
func PermissionForm(opt Options, grant map[string]bool, storageSize *uint64) error {
	st := &permState{}
	form := newPermissionForm(st, grant, *storageSize).WithInput(opt.In).WithOutput(opt.Out).WithAccessible(opt.Accessible)
	if err := form.Run(); err != nil {
		if errors.Is(err, huh.ErrUserAborted) {
			return ErrCancelled
		}
		return err
	}
	st.apply(grant, storageSize)
	return nil
}

type permState struct {
	selected []string
	size     string
}

func newPermissionForm(st *permState, grant map[string]bool, storageSize uint64) *huh.Form {
	var options []huh.Option[string]
	for _, c := range permissionChoices {
		options = append(options, huh.NewOption(c.label, c.key).Selected(grant[c.key]))
		if grant[c.key] {
			st.selected = append(st.selected, c.key)
		}
	}
	if storageSize > 0 {
		st.size = strconv.FormatUint(storageSize, 10)
	}
	keys := huh.NewDefaultKeyMap()
	keys.Quit = key.NewBinding(key.WithKeys("ctrl+c", "esc"), key.WithHelp("esc", "quit"))
	return huh.NewForm(
		huh.NewGroup(huh.NewMultiSelect[string]().Title("Permissions").
			Description("Space toggles; enter saves; esc quits without saving.").
			Options(options...).Height(len(options)+3).Value(&st.selected)),
		huh.NewGroup(huh.NewInput().Title("Storage size in bytes").
			Description("Between 1024 and 1073741824.").
			Value(&st.size).Validate(checkStorageSize)).
			WithHideFunc(func() bool { return !slices.Contains(st.selected, "storage") }),
	).WithKeyMap(keys).WithShowHelp(true)
}

func (st *permState) apply(grant map[string]bool, storageSize *uint64) {
	for _, c := range permissionChoices {
		grant[c.key] = slices.Contains(st.selected, c.key)
	}
	if n, err := strconv.ParseUint(st.size, 10, 64); err == nil && grant["storage"] {
		*storageSize = n
	}
}
