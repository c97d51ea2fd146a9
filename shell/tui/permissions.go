package tui

import (
	"slices"
	"strings"

	"github.com/dify-cli/dify/manifest"
)

// PermissionForm lets the user toggle the permissions of grant, and set
// the storage size when storage is on. grant changes only when the user
// accepts; on Ctrl-C, Esc or end of input it returns ErrCancelled.
func PermissionForm(opt Options, grant *manifest.Grant) error {
	st := &permState{selected: permissionKeys(*grant), size: storageText(grant.Storage())}
	if err := ask(opt, st.questions(*grant)); err != nil {
		return err
	}
	*grant = st.result(*grant)
	return nil
}

type permState struct {
	selected []string
	size     string
}

func (st *permState) questions(current manifest.Grant) []question {
	return []question{
		{title: "Permissions", help: fixed("Space toggles; enter saves; esc quits without saving."),
			choices: &st.selected, options: func() []option {
				var out []option
				for _, p := range manifest.Permissions {
					if p.Label != "" {
						out = append(out, option{label: p.Label, value: p.Key, selected: current.Has(p.Key)})
					}
				}
				return out
			}},
		{title: "Storage size", help: fixed("Bytes or a size such as 1MiB, 512KiB or 1MB, from 1 KiB to 1 GiB."),
			text: &st.size, validate: func(s string) error { _, err := manifest.ParseStorageSize(s); return err },
			hidden: func() bool { return !slices.Contains(st.selected, "storage") }},
	}
}

// result is the grant chosen. The form does not show the model permission
// itself, which the model kinds bring; a manifest that enables it without
// any kind keeps it while no kind is chosen.
func (st *permState) result(current manifest.Grant) manifest.Grant {
	g := manifest.NewGrant(st.selected...)
	if current.Has("model") && !anyModelKind(current) && !anyModelKind(g) {
		g = g.With("model")
	}
	g.StorageSize = current.StorageSize
	if g.Has("storage") {
		g.StorageSize, _ = manifest.ParseStorageSize(st.size)
	}
	return g
}

func anyModelKind(g manifest.Grant) bool {
	for _, k := range g.Keys() {
		if strings.HasPrefix(k, "model.") {
			return true
		}
	}
	return false
}
