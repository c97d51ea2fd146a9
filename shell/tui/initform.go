package tui

import (
	"fmt"
	"slices"
	"strings"

	"github.com/dify-cli/dify/internal/bytesize"
	"github.com/dify-cli/dify/manifest"
	"github.com/dify-cli/dify/scaffold"
)

// Skip lists the questions whose answers came from flags.
type Skip struct {
	Name, Author, Description, Repo, Contact, Category, Language, Permissions, MinDifyVersion, Readmes bool
}

// Init is what the init form needs besides the options it fills.
type Init struct {
	Skip    Skip
	Confirm bool // end with a summary to confirm
	// Target returns the directory a plugin of that name is created in,
	// or an error when it cannot be (it exists and is not empty).
	Target func(name string) (string, error)
}

// initState holds what the form edits, in the shapes the questions bind to.
type initState struct {
	o           *scaffold.Options
	in          Init
	perms       []string // permission keys
	storageSize string
	confirmed   bool
}

// InitForm asks for the init options the flags did not give.
func InitForm(opt Options, o *scaffold.Options, in Init) error {
	st := newInitState(o, in)
	if err := ask(opt, st.questions()); err != nil {
		return err
	}
	return st.finish()
}

func newInitState(o *scaffold.Options, in Init) *initState {
	return &initState{o: o, in: in, perms: permissionKeys(o.Permissions), storageSize: storageText(o.Permissions.Storage()), confirmed: true}
}

// finish copies the form's answers into the options.
func (st *initState) finish() error {
	if st.in.Confirm && !st.confirmed {
		return ErrCancelled
	}
	if !st.in.Skip.Permissions {
		st.o.Permissions = st.grant()
	}
	return nil
}

// grant is the permissions chosen so far.
func (st *initState) grant() manifest.Grant {
	g := manifest.NewGrant(st.perms...)
	if g.Has("storage") {
		g.StorageSize, _ = manifest.ParseStorageSize(st.storageSize)
	}
	return g
}

func (st *initState) checkName(name string) error {
	if err := scaffold.CheckName(name); err != nil {
		return err
	}
	if st.in.Target != nil {
		if _, err := st.in.Target(name); err != nil {
			return err
		}
	}
	return nil
}

func (st *initState) questions() []question {
	o, skip := st.o, st.in.Skip
	var qs []question
	text := func(title, help string, v *string, check func(string) error) question {
		return question{title: title, help: fixed(help), text: v, validate: check}
	}
	if !skip.Name {
		qs = append(qs, text("Plugin name", "Lower-case letters, digits, _ and -; also the project's directory name.", &o.Name, st.checkName))
	}
	if !skip.Author {
		qs = append(qs, text("Author", "Your Dify Marketplace handle: lower-case letters, digits, _ and -.", &o.Author, scaffold.CheckAuthor))
	}
	if !skip.Description {
		qs = append(qs, text("Description", "One line shown in Dify and the Marketplace.", &o.Description, scaffold.CheckDescription))
	}
	if !skip.Repo {
		qs = append(qs, text("Repository URL (optional)", "Where the source lives, e.g. https://github.com/you/plugin; leave empty for none.", &o.Repo, scaffold.CheckRepo))
	}
	if !skip.Contact {
		qs = append(qs, text("Contact e-mail (optional)", "Where the marketplace's reviewers can reach you; the marketplace requires one.", &o.Contact, manifest.CheckContact))
	}
	if !skip.Language && len(scaffold.Languages) > 1 {
		qs = append(qs, question{title: "Language", help: fixed("Plugins are written in Python; Go is not available yet."),
			choice: &o.Language, validate: scaffold.CheckLanguage, options: func() []option {
				var out []option
				for _, l := range scaffold.Languages {
					out = append(out, option{label: l, value: l})
				}
				return out
			}})
	}
	if !skip.Category {
		qs = append(qs, question{title: "Category", help: fixed("What the plugin provides."), keys: "/ filters the list.",
			choice: &o.Category, validate: scaffold.CheckCategory, options: func() []option {
				var out []option
				for _, c := range scaffold.Categories {
					out = append(out, option{label: fmt.Sprintf("%-15s %s", c.Name, c.Summary), value: c.Name})
				}
				return out
			}})
	}
	if !skip.Permissions {
		qs = append(qs,
			question{title: "Permissions", help: fixed("What the plugin may ask Dify to do; the category's code needs those already chosen."),
				keys:    "Space toggles; enter accepts.",
				choices: &st.perms, options: st.permissionOptions, optionsChange: &o.Category, validateAll: st.checkPermissions},
			question{title: "Storage size", help: fixed(fmt.Sprintf("How much the plugin may store: bytes or a size such as 1MiB, 512KiB or 1MB, from 1 KiB to 1 GiB (default %s).", bytesize.Format(manifest.DefaultStorage))),
				text: &st.storageSize, validate: func(s string) error { _, err := manifest.ParseStorageSize(s); return err },
				hidden: func() bool { return !slices.Contains(st.perms, "storage") }},
		)
	}
	if !skip.MinDifyVersion {
		qs = append(qs, question{title: "Minimum Dify version", help: fixed("The oldest Dify the plugin works with (the marketplace asks for one)."),
			text: &o.MinDifyVersion, placeholder: "1.0.0", validate: scaffold.CheckMinDifyVersion})
	}
	if !skip.Readmes {
		qs = append(qs, question{title: "README translations (optional)", help: fixed("README.md is English; these add readme/README_<language>.md."),
			choices: &o.Readmes, options: func() []option {
				var out []option
				for _, l := range scaffold.ReadmeLanguages {
					out = append(out, option{label: l, value: l})
				}
				return out
			}})
	}
	if st.in.Confirm {
		qs = append(qs, question{title: "Create the plugin?", help: st.summary, helpChanges: st,
			yes: &st.confirmed, affirm: "Create", deny: "Cancel"})
	}
	return qs
}

func fixed(s string) func() string { return func() string { return s } }

// storageText writes a storage size as the form shows it: 1MiB, 512KiB.
func storageText(n uint64) string {
	switch {
	case n%(1<<20) == 0:
		return fmt.Sprintf("%dMiB", n>>20)
	case n%(1<<10) == 0:
		return fmt.Sprintf("%dKiB", n>>10)
	}
	return fmt.Sprint(n)
}

// checkPermissions refuses a choice without a permission the category's
// generated code needs: the plugin's calls would be refused at run time.
func (st *initState) checkPermissions(keys []string) error {
	need := scaffold.DefaultPermissions(st.o.Category)
	for _, k := range permissionKeys(need) {
		if !slices.Contains(keys, k) {
			p, _ := manifest.FindPermission(k)
			return fmt.Errorf("the %s category's code calls what %q allows; keep it selected (remove the call from the code first to drop it)", st.o.Category, p.Label)
		}
	}
	return nil
}

// permissionOptions lists the permissions with the category's defaults
// selected, keeping what the user already chose.
func (st *initState) permissionOptions() []option {
	defaults := scaffold.DefaultPermissions(st.o.Category)
	var out []option
	for _, p := range manifest.Permissions {
		if p.Label == "" {
			continue
		}
		out = append(out, option{label: p.Label, value: p.Key, selected: slices.Contains(st.perms, p.Key) || defaults.Has(p.Key)})
	}
	return out
}

// permissionKeys lists the keys of a grant that forms offer (not the bare
// model permission, which the kinds bring).
func permissionKeys(g manifest.Grant) []string {
	var keys []string
	for _, k := range g.Keys() {
		if p, _ := manifest.FindPermission(k); p.Label != "" {
			keys = append(keys, k)
		}
	}
	return keys
}

func (st *initState) summary() string {
	o := st.o
	g := o.Permissions
	if !st.in.Skip.Permissions {
		g = st.grant()
	}
	perms := strings.Join(g.Names(), ", ")
	if perms == "" {
		perms = "none"
	}
	lines := []string{}
	if st.in.Target != nil {
		if dir, err := st.in.Target(o.Name); err == nil {
			lines = append(lines, "directory:   "+dir)
		}
	}
	lines = append(lines,
		"name:        "+o.Name,
		"author:      "+o.Author,
		"description: "+o.Description,
		"category:    "+o.Category+" ("+o.Language+")",
		"permissions: "+perms,
	)
	if o.Repo != "" {
		lines = append(lines, "repository:  "+o.Repo)
	}
	if o.Contact != "" {
		lines = append(lines, "contact:     "+o.Contact)
	}
	if o.MinDifyVersion != "" {
		lines = append(lines, "min. Dify:   "+o.MinDifyVersion)
	}
	if len(o.Readmes) > 0 {
		lines = append(lines, "READMEs:     en_US, "+strings.Join(o.Readmes, ", "))
	}
	return strings.Join(lines, "\n")
}
