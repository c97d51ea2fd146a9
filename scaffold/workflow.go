package scaffold

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/dify-cli/dify/ignore"
	"github.com/dify-cli/dify/internal/atomicfile"
	"github.com/dify-cli/dify/internal/similar"
	"github.com/dify-cli/dify/templates"
)

// CIProviders are the CI services a workflow can be written for.
var CIProviders = []string{"github"}

// WorkflowPath is where each provider's workflow goes in a project.
var WorkflowPath = map[string]string{"github": ".github/workflows/dify-plugin.yml"}

// CheckCI accepts "" (no workflow) or one of CIProviders.
func CheckCI(s string) error {
	if s != "" && !slices.Contains(CIProviders, s) {
		return fmt.Errorf("CI %q is not one of %s%s", s, strings.Join(CIProviders, ", "), similar.DidYouMean(s, CIProviders))
	}
	return nil
}

// Workflow is the CI workflow of a provider: it validates the plugin, runs
// its tests through dify plugin run, packages it, runs the marketplace's
// checks on every push, and on a version tag opens the marketplace pull
// request with dify plugin publish.
func Workflow(provider string) (File, error) {
	if err := CheckCI(provider); err != nil {
		return File{}, err
	}
	data, err := fs.ReadFile(templates.FS, "ci/"+provider+".yml")
	if err != nil {
		return File{}, err
	}
	return File{Path: WorkflowPath[provider], Data: data}, nil
}

// AddedWorkflow says what AddWorkflow did.
type AddedWorkflow struct {
	Path string // the workflow, relative to the project
	// Ignored is the line added to the ignore file so that the package
	// leaves .github/ out; "" when it was left out already.
	Ignored    string
	IgnoreFile string
}

// AddWorkflow writes the provider's workflow into the plugin project in
// dir; an existing one is replaced only with force. The package must not
// carry it: when .difyignore does not leave .github/ out, the line is
// added to it.
func AddWorkflow(dir, provider string, force bool) (*AddedWorkflow, error) {
	f, err := Workflow(provider)
	if err != nil {
		return nil, err
	}
	if _, err := os.Stat(filepath.Join(dir, "manifest.yaml")); err != nil {
		return nil, fmt.Errorf("%s has no manifest.yaml: give the plugin's directory", dir)
	}
	target := filepath.Join(dir, filepath.FromSlash(f.Path))
	if _, err := os.Stat(target); err == nil && !force {
		return nil, fmt.Errorf("%s exists; --force replaces it", f.Path)
	}
	if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
		return nil, err
	}
	if err := atomicfile.Write(target, 0o644, func(w io.Writer) error { _, err := w.Write(f.Data); return err }); err != nil {
		return nil, err
	}
	added := &AddedWorkflow{Path: f.Path, IgnoreFile: ".difyignore"}
	ignoreFile := filepath.Join(dir, ".difyignore")
	if _, err := os.Stat(ignoreFile); errors.Is(err, os.ErrNotExist) {
		// No .difyignore: .gitignore decides, and dify leaves .github out
		// of nothing by itself. A .difyignore would replace .gitignore's
		// rules, so say what to do instead of writing one.
		added.IgnoreFile = ""
		return added, nil
	}
	if leftOut(ignore.Open(dir, ".difyignore"), f.Path) {
		return added, nil
	}
	data, err := os.ReadFile(ignoreFile)
	if err != nil {
		return nil, err
	}
	if len(data) > 0 && data[len(data)-1] != '\n' {
		data = append(data, '\n')
	}
	data = append(data, "\n# CI workflows are not part of the plugin\n/.github/\n"...)
	if err := atomicfile.Write(ignoreFile, 0o644, func(w io.Writer) error { _, err := w.Write(data); return err }); err != nil {
		return nil, err
	}
	added.Ignored = "/.github/"
	return added, nil
}

// leftOut reports whether the ignore rules leave p out: p itself, or a
// folder above it (an excluded folder is not looked into).
func leftOut(m *ignore.Matcher, p string) bool {
	parts := strings.Split(p, "/")
	for i := range parts {
		r := m.Match(strings.Join(parts[:i+1], "/"), i < len(parts)-1)
		if r != nil && !r.Negated() {
			return true
		}
	}
	return false
}
