// Package scaffold creates new plugin projects from the embedded templates.
// Plan computes the files of a project from Options without touching the
// disk; Write puts them in place atomically.
package scaffold

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/dify-cli/dify/internal/similar"
	"github.com/dify-cli/dify/manifest"
)

// Category is a kind of plugin init can create.
type Category struct {
	Name    string
	Summary string
	// ModelType is the model type of model categories ("text-embedding"), empty otherwise.
	ModelType string
}

// Categories lists what init creates, in the order prompts show them.
var Categories = []Category{
	{Name: "tool", Summary: "tools that workflows, agents and chat apps can call"},
	{Name: "llm", Summary: "a model provider with large language models", ModelType: "llm"},
	{Name: "text-embedding", Summary: "a model provider with text embedding models", ModelType: "text-embedding"},
	{Name: "rerank", Summary: "a model provider with rerank models", ModelType: "rerank"},
	{Name: "tts", Summary: "a model provider with text-to-speech models", ModelType: "tts"},
	{Name: "speech2text", Summary: "a model provider with speech-to-text models", ModelType: "speech2text"},
	{Name: "moderation", Summary: "a model provider with content moderation models", ModelType: "moderation"},
	{Name: "extension", Summary: "HTTP endpoints that other services can call (webhooks, APIs)"},
	{Name: "agent-strategy", Summary: "a reasoning strategy that agent nodes can use"},
	{Name: "trigger", Summary: "webhook events that start workflows"},
	{Name: "datasource", Summary: "a source of documents for knowledge pipelines"},
}

// CategoryNames lists the category names.
func CategoryNames() []string {
	names := make([]string, len(Categories))
	for i, c := range Categories {
		names[i] = c.Name
	}
	return names
}

func findCategory(name string) (Category, bool) {
	for _, c := range Categories {
		if c.Name == name {
			return c, true
		}
	}
	return Category{}, false
}

// Languages are the plugin languages; only python can be created today.
var Languages = []string{"python"}

// ReadmeLanguages are the README translations init can add.
var ReadmeLanguages = []string{"zh_Hans", "ja_JP", "pt_BR"}

// DefaultPermissions are what the generated code of a category uses:
// endpoints need the endpoint permission, the agent strategy calls a model
// and tools. Other categories need none.
func DefaultPermissions(category string) manifest.Grant {
	switch category {
	case "extension":
		return manifest.NewGrant("endpoint")
	case "agent-strategy":
		return manifest.NewGrant("tool", "model.llm")
	}
	return manifest.Grant{}
}

// Options describe the plugin to create.
type Options struct {
	Name           string
	Author         string
	Description    string
	Repo           string
	Contact        string // an e-mail address for the marketplace's reviewers
	Category       string
	Language       string
	Permissions    manifest.Grant
	MinDifyVersion string
	Readmes        []string  // extra README languages, from ReadmeLanguages
	CI             string    // a CI workflow to add: "" or one of CIProviders
	CreatedAt      time.Time // zero means now
}

// DefaultMinDifyVersion is the minimum Dify version of a new plugin: the
// first with the plugin system (the marketplace warns without one).
const DefaultMinDifyVersion = "1.0.0"

// ApplyDefaults fills what is left empty: the tool category, Python, the
// minimum Dify version, and the permissions the category's code needs, to
// which granted is added.
func (o *Options) ApplyDefaults(granted manifest.Grant) {
	if o.Category == "" {
		o.Category = "tool"
	}
	if o.Language == "" {
		o.Language = "python"
	}
	if o.MinDifyVersion == "" {
		o.MinDifyVersion = DefaultMinDifyVersion
	}
	o.Permissions = granted.Union(DefaultPermissions(o.Category))
}

// FieldError says why one option is refused.
type FieldError struct {
	Field string // flag-style name: "name", "author", ...
	Err   error
}

func (e *FieldError) Error() string { return e.Err.Error() }

// Validate checks every option with the daemon's rules and returns one
// *FieldError per bad field, joined.
func (o *Options) Validate() error {
	var errs []error
	add := func(field string, err error) {
		if err != nil {
			errs = append(errs, &FieldError{Field: field, Err: err})
		}
	}
	add("name", CheckName(o.Name))
	add("author", CheckAuthor(o.Author))
	add("description", CheckDescription(o.Description))
	add("repo", CheckRepo(o.Repo))
	add("contact", manifest.CheckContact(o.Contact))
	add("category", CheckCategory(o.Category))
	add("language", CheckLanguage(o.Language))
	add("min-dify-version", CheckMinDifyVersion(o.MinDifyVersion))
	add("ci", CheckCI(o.CI))
	if p := o.Permissions; p.Has("storage") {
		add("storage-size", manifest.CheckStorageSize(p.Storage()))
	}
	for _, l := range o.Readmes {
		if !slices.Contains(ReadmeLanguages, l) {
			add("readme", fmt.Errorf("README language %q is not one of %s%s", l, strings.Join(ReadmeLanguages, ", "), similar.DidYouMean(l, ReadmeLanguages)))
		}
	}
	return errors.Join(errs...)
}

// CheckName is the daemon's plugin name rule, explained.
func CheckName(s string) error {
	if s == "" {
		return errors.New("the plugin name is required")
	}
	return manifest.CheckName(s)
}

// CheckAuthor is the daemon's author rule, explained.
func CheckAuthor(s string) error {
	if s == "" {
		return errors.New("the author is required")
	}
	return manifest.CheckAuthor(s)
}

// CheckDescription requires a description of at most 1023 characters.
func CheckDescription(s string) error {
	switch {
	case strings.TrimSpace(s) == "":
		return errors.New("the description is required")
	case len([]rune(s)) > 1023:
		return errors.New("the description is longer than 1023 characters")
	}
	return nil
}

// CheckRepo accepts an empty value or a URL with a scheme and host.
func CheckRepo(s string) error {
	if s == "" {
		return nil
	}
	if !strings.HasPrefix(s, "https://") && !strings.HasPrefix(s, "http://") || len(s) <= len("https://") {
		return fmt.Errorf("repository %q must be a URL such as https://github.com/you/plugin", s)
	}
	return nil
}

// CheckCategory accepts one of Categories.
func CheckCategory(s string) error {
	if _, ok := findCategory(s); !ok {
		return fmt.Errorf("category %q is not one of %s%s", s, strings.Join(CategoryNames(), ", "), similar.DidYouMean(s, CategoryNames()))
	}
	return nil
}

// CheckLanguage accepts a supported language.
func CheckLanguage(s string) error {
	if !slices.Contains(Languages, s) {
		return fmt.Errorf("language %q is not available; use python%s", s, similar.DidYouMean(s, Languages))
	}
	return nil
}

// CheckMinDifyVersion accepts an empty value or a version like 1.0.0.
func CheckMinDifyVersion(s string) error {
	if s == "" {
		return nil
	}
	if err := manifest.CheckVersion(s); err != nil {
		return fmt.Errorf("minimum Dify version %q must look like 1.0.0", s)
	}
	return nil
}
