package scaffold

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rhysd/actionlint"

	"github.com/dify-cli/dify/pack"
)

// Every workflow passes actionlint, with shellcheck on its scripts when
// shellcheck is installed.
func TestWorkflowsPassActionlint(t *testing.T) {
	for _, p := range CIProviders {
		f, err := Workflow(p)
		if err != nil {
			t.Fatal(err)
		}
		var out bytes.Buffer
		opts := &actionlint.LinterOptions{Oneline: true}
		if sc, err := exec.LookPath("shellcheck"); err == nil {
			opts.Shellcheck = sc
		} else {
			t.Log("shellcheck not installed: the workflow's scripts are not checked by it")
		}
		l, err := actionlint.NewLinter(&out, opts)
		if err != nil {
			t.Fatal(err)
		}
		errs, err := l.Lint(f.Path, f.Data, nil)
		if err != nil {
			t.Fatal(err)
		}
		if len(errs) > 0 {
			t.Errorf("actionlint finds %d problems in %s:\n%s", len(errs), f.Path, out.String())
		}
	}
}

// The workflow installs the latest release unless told, runs on GitHub's
// own runners, opens the pull request from the branch publish pushes, and
// stops a tag that is not the manifest's version.
func TestWorkflowAvoidsTheTemplatesBugs(t *testing.T) {
	f, _ := Workflow("github")
	s := string(f.Data)
	for _, want := range []string{"runs-on: ubuntu-latest", "DIFY_CLI_VERSION: latest", "dify plugin publish plugin --clone dify-plugins --pr",
		`"v$version" != "$GITHUB_REF_NAME"`, "dify plugin validate --marketplace dist/plugin.difypkg", "python -m pytest tests"} {
		if !strings.Contains(s, want) {
			t.Errorf("the workflow has no %q", want)
		}
	}
	if strings.Contains(s, "self-hosted") || strings.Contains(s, "git checkout -b") {
		t.Error("the workflow makes its own branch or needs a runner users do not have")
	}
}

func TestInitWithCIAndAddingItLater(t *testing.T) {
	o := options("tool")
	o.CI = "github"
	files, err := Plan(o)
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), o.Name)
	if err := Write(dir, files, false); err != nil {
		t.Fatal(err)
	}
	plan, err := pack.OpenDir(dir, pack.PlanOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, ".github/workflows/dify-plugin.yml")); err != nil || plan.Has(".github/workflows/dify-plugin.yml") {
		t.Fatalf("the workflow is missing (%v) or packaged", err)
	}
	plan.Close()

	// An existing plugin whose .difyignore does not leave .github out.
	os.RemoveAll(filepath.Join(dir, ".github"))
	ign := filepath.Join(dir, ".difyignore")
	data, _ := os.ReadFile(ign)
	os.WriteFile(ign, bytes.ReplaceAll(data, []byte(".github/\n"), nil), 0o644)
	added, err := AddWorkflow(dir, "github", false)
	if err != nil || added.Ignored != "/.github/" {
		t.Fatalf("added %+v, %v", added, err)
	}
	plan, _ = pack.OpenDir(dir, pack.PlanOptions{})
	if plan.Has(".github/workflows/dify-plugin.yml") {
		t.Fatal("the package carries the workflow")
	}
	plan.Close()
	if _, err := AddWorkflow(dir, "github", false); err == nil || !strings.Contains(err.Error(), "--force") {
		t.Fatalf("a second time: %v", err)
	}
	if added, err := AddWorkflow(dir, "github", true); err != nil || added.Ignored != "" {
		t.Fatalf("--force: %+v, %v", added, err)
	}
	if err := CheckCI("gitlab"); err == nil {
		t.Fatal("an unknown provider is accepted")
	}
}
