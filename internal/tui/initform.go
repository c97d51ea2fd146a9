// Package tui holds the interactive forms. It is the only package that
// knows about huh and bubbletea; forms fill the same option structs that
// flags fill, with the same validators.
package tui

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/huh"
	"github.com/dify-cli/dify/scaffold"
)

// ErrCancelled is returned when the user quits a form or declines to confirm.
var ErrCancelled = errors.New("cancelled")

// Options say where a form reads and draws.
type Options struct {
	In         io.Reader
	Out        io.Writer
	Accessible bool // line-based prompts, for screen readers and dumb terminals
}

// Skip lists the questions whose answers came from flags.
type Skip struct {
	Name, Author, Description, Repo, Category, Language, Permissions, MinDifyVersion, Readmes bool
}

// initState holds what the form edits, in the shapes huh binds to.
type initState struct {
	o           *scaffold.Options
	perms       []string
	storageSize string
	confirmed   bool
}

// Permission choices, as shown in the form.
var permissionChoices = []struct{ key, label string }{
	{"tool", "tool: invoke tools"},
	{"model.llm", "model: invoke LLMs"},
	{"model.text_embedding", "model: invoke text embedding models"},
	{"model.rerank", "model: invoke rerank models"},
	{"model.tts", "model: invoke text-to-speech models"},
	{"model.speech2text", "model: invoke speech-to-text models"},
	{"model.moderation", "model: invoke moderation models"},
	{"node", "node: invoke workflow nodes"},
	{"endpoint", "endpoint: register HTTP endpoints"},
	{"app", "app: invoke Dify apps"},
	{"storage", "storage: keep data between calls"},
}

// InitForm asks for the init options the flags did not give.
func InitForm(opt Options, o *scaffold.Options, skip Skip, confirm bool) error {
	st := &initState{o: o}
	form := newInitForm(st, skip, confirm).WithInput(opt.In).WithOutput(opt.Out).WithAccessible(opt.Accessible)
	if err := form.Run(); err != nil {
		if errors.Is(err, huh.ErrUserAborted) {
			return ErrCancelled
		}
		return err
	}
	return st.finish(confirm)
}

// finish copies the form's answers into the options.
func (st *initState) finish(confirm bool) error {
	if confirm && !st.confirmed {
		return ErrCancelled
	}
	st.o.Permissions = permissionsFrom(st.perms, st.storageSize)
	return nil
}

func newInitForm(st *initState, skip Skip, confirm bool) *huh.Form {
	o := st.o
	st.perms = permissionKeys(o.Permissions)
	if o.Permissions.StorageSize > 0 {
		st.storageSize = strconv.FormatUint(o.Permissions.StorageSize, 10)
	}
	var groups []*huh.Group

	var profile []huh.Field
	if !skip.Name {
		profile = append(profile, huh.NewInput().Title("Plugin name").
			Description("Lower-case letters, digits, _ and -; also the project's directory name.").
			Value(&o.Name).Validate(scaffold.CheckName))
	}
	if !skip.Author {
		profile = append(profile, huh.NewInput().Title("Author").
			Description("Your Dify Marketplace handle: lower-case letters, digits, _ and -.").
			Value(&o.Author).Validate(scaffold.CheckAuthor))
	}
	if !skip.Description {
		profile = append(profile, huh.NewInput().Title("Description").
			Description("One line shown in Dify and the Marketplace.").
			Value(&o.Description).Validate(scaffold.CheckDescription))
	}
	if !skip.Repo {
		profile = append(profile, huh.NewInput().Title("Repository URL (optional)").
			Value(&o.Repo).Validate(scaffold.CheckRepo))
	}
	if len(profile) > 0 {
		groups = append(groups, huh.NewGroup(profile...))
	}

	if !skip.Language {
		groups = append(groups, huh.NewGroup(huh.NewSelect[string]().Title("Language").
			Options(huh.NewOption("python", "python"), huh.NewOption("go (not available yet)", "go")).
			Value(&o.Language).Validate(scaffold.CheckLanguage)))
	}
	if !skip.Category {
		var options []huh.Option[string]
		for _, c := range scaffold.Categories {
			options = append(options, huh.NewOption(fmt.Sprintf("%-15s %s", c.Name, c.Summary), c.Name))
		}
		groups = append(groups, huh.NewGroup(huh.NewSelect[string]().Title("Category").
			Description("What the plugin provides.").
			Options(options...).Value(&o.Category).Validate(scaffold.CheckCategory)))
	}
	if !skip.Permissions {
		groups = append(groups,
			huh.NewGroup(huh.NewMultiSelect[string]().Title("Permissions").
				Description("What the plugin may ask Dify to do. Space toggles; enter accepts.").
				OptionsFunc(func() []huh.Option[string] { return permissionOptions(st) }, &o.Category).
				Height(len(permissionChoices)+3).
				Value(&st.perms)),
			huh.NewGroup(huh.NewInput().Title("Storage size in bytes").
				Description("Between 1024 and 1073741824.").
				Value(&st.storageSize).Validate(checkStorageSize)).
				WithHideFunc(func() bool { return !slices.Contains(st.perms, "storage") }),
		)
	}
	var more []huh.Field
	if !skip.MinDifyVersion {
		more = append(more, huh.NewInput().Title("Minimum Dify version (optional)").
			Placeholder("1.0.0").Value(&o.MinDifyVersion).Validate(scaffold.CheckMinDifyVersion))
	}
	if !skip.Readmes {
		var options []huh.Option[string]
		for _, l := range scaffold.ReadmeLanguages {
			options = append(options, huh.NewOption(l, l))
		}
		more = append(more, huh.NewMultiSelect[string]().Title("README translations (optional)").
			Options(options...).Value(&o.Readmes))
	}
	if len(more) > 0 {
		groups = append(groups, huh.NewGroup(more...))
	}
	if confirm {
		groups = append(groups, huh.NewGroup(huh.NewConfirm().Title("Create the plugin?").
			DescriptionFunc(func() string { return summary(st) }, st).
			Affirmative("Create").Negative("Cancel").Value(&st.confirmed)))
	}
	keys := huh.NewDefaultKeyMap()
	keys.Quit = key.NewBinding(key.WithKeys("ctrl+c", "esc"), key.WithHelp("esc", "quit"))
	return huh.NewForm(groups...).WithKeyMap(keys).WithShowHelp(true)
}

// permissionOptions lists the permissions with the category's defaults
// selected, keeping what the user already chose.
func permissionOptions(st *initState) []huh.Option[string] {
	defaults := permissionKeys(scaffold.DefaultPermissions(st.o.Category))
	var options []huh.Option[string]
	for _, c := range permissionChoices {
		selected := slices.Contains(st.perms, c.key) || slices.Contains(defaults, c.key)
		options = append(options, huh.NewOption(c.label, c.key).Selected(selected))
	}
	return options
}

func checkStorageSize(s string) error {
	n, err := strconv.ParseUint(strings.TrimSpace(s), 10, 64)
	if err != nil || n < 1024 || n > 1<<30 {
		return fmt.Errorf("enter a number of bytes between 1024 and 1073741824")
	}
	return nil
}

func permissionKeys(p scaffold.Permissions) []string {
	var keys []string
	for _, k := range []struct {
		on  bool
		key string
	}{{p.Tool, "tool"}, {p.LLM, "model.llm"}, {p.TextEmbedding, "model.text_embedding"}, {p.Rerank, "model.rerank"},
		{p.TTS, "model.tts"}, {p.Speech2Text, "model.speech2text"}, {p.Moderation, "model.moderation"},
		{p.Node, "node"}, {p.Endpoint, "endpoint"}, {p.App, "app"}, {p.Storage, "storage"}} {
		if k.on {
			keys = append(keys, k.key)
		}
	}
	return keys
}

func permissionsFrom(keys []string, storageSize string) scaffold.Permissions {
	has := func(k string) bool { return slices.Contains(keys, k) }
	p := scaffold.Permissions{
		Tool: has("tool"), Node: has("node"), Endpoint: has("endpoint"), App: has("app"), Storage: has("storage"),
		LLM: has("model.llm"), TextEmbedding: has("model.text_embedding"), Rerank: has("model.rerank"),
		TTS: has("model.tts"), Speech2Text: has("model.speech2text"), Moderation: has("model.moderation"),
	}
	p.Model = p.LLM || p.TextEmbedding || p.Rerank || p.TTS || p.Speech2Text || p.Moderation
	if p.Storage {
		p.StorageSize = scaffold.DefaultStorageSize
		if n, err := strconv.ParseUint(strings.TrimSpace(storageSize), 10, 64); err == nil {
			p.StorageSize = n
		}
	}
	return p
}

func summary(st *initState) string {
	o := st.o
	perms := strings.Join(st.perms, ", ")
	if perms == "" {
		perms = "none"
	}
	lines := []string{
		"name:        " + o.Name,
		"author:      " + o.Author,
		"description: " + o.Description,
		"category:    " + o.Category + " (" + o.Language + ")",
		"permissions: " + perms,
	}
	if o.Repo != "" {
		lines = append(lines, "repository:  "+o.Repo)
	}
	if o.MinDifyVersion != "" {
		lines = append(lines, "min. Dify:   "+o.MinDifyVersion)
	}
	if len(o.Readmes) > 0 {
		lines = append(lines, "READMEs:     en_US, "+strings.Join(o.Readmes, ", "))
	}
	return strings.Join(lines, "\n")
}
