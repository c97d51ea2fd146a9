package scaffold

import (
	"context"
	"flag"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/dify-cli/dify/manifest"
	"github.com/dify-cli/dify/pack"
	"gopkg.in/yaml.v3"
)

var update = flag.Bool("update", false, "rewrite the golden trees in testdata/init")

func options(category string) Options {
	return Options{
		Name:           "demo_" + strings.ReplaceAll(category, "-", "_"),
		Author:         "acme",
		Description:    `A "quoted" & <angled> plugin`,
		Category:       category,
		Language:       "python",
		Repo:           "https://github.com/acme/demo",
		Contact:        "dev@acme.example",
		MinDifyVersion: DefaultMinDifyVersion,
		Permissions:    DefaultPermissions(category),
		CreatedAt:      time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC),
	}
}

// Every category makes a project that validates with no findings, packages,
// and whose YAML, TOML and Python parse.
func TestEveryCategoryWorks(t *testing.T) {
	for _, c := range Categories {
		t.Run(c.Name, func(t *testing.T) {
			o := options(c.Name)
			files, err := Plan(o)
			if err != nil {
				t.Fatal(err)
			}
			dir := filepath.Join(t.TempDir(), o.Name)
			if err := Write(dir, files, false); err != nil {
				t.Fatal(err)
			}
			src, err := pack.OpenDir(dir, pack.PlanOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if ds := manifest.Check(src); len(ds) != 0 {
				t.Errorf("validate reports:\n%v", ds)
			}
			if _, err := pack.Package(context.Background(), pack.Options{Dir: dir, Output: filepath.Join(t.TempDir(), "p.difypkg"), Validate: (*pack.Plan).Check}); err != nil {
				t.Errorf("package: %v", err)
			}
			for _, f := range files {
				if strings.HasSuffix(f.Path, ".yaml") {
					var v any
					if err := yaml.Unmarshal(f.Data, &v); err != nil {
						t.Errorf("%s does not parse: %v", f.Path, err)
					}
				}
			}
			checkRequirements(t, files)
			checkPython(t, dir)
			checkGolden(t, c.Name, files)
		})
	}
}

// pep508 is the shape of the SDK requirement: name, optional version clauses.
var pep508 = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]*(\[[A-Za-z0-9_,-]+\])?\s*((==|!=|<=|>=|<|>|~=)\s*[0-9][0-9A-Za-z.*+!-]*\s*,?\s*)*$`)

func checkRequirements(t *testing.T, files []File) {
	t.Helper()
	var req, pyproject string
	for _, f := range files {
		switch f.Path {
		case "requirements.txt":
			req = strings.TrimSpace(string(f.Data))
		case "pyproject.toml":
			pyproject = string(f.Data)
		}
	}
	if !pep508.MatchString(req) {
		t.Errorf("requirements.txt %q is not a PEP 508 requirement", req)
	}
	if !strings.Contains(pyproject, `"`+req+`"`) {
		t.Errorf("pyproject.toml does not depend on %q:\n%s", req, pyproject)
	}
	if strings.Contains(pyproject, "&lt;") {
		t.Errorf("pyproject.toml is HTML-escaped")
	}
}

// checkPython compiles every Python file and parses pyproject.toml with
// python3, when python3 is on the machine.
func checkPython(t *testing.T, dir string) {
	t.Helper()
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Log("python3 not found: Python and TOML checks skipped")
		return
	}
	var sources []string
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && strings.HasSuffix(p, ".py") {
			sources = append(sources, p)
		}
		return nil
	})
	script := `
import sys, tomllib, ast
for path in sys.argv[2:]:
    ast.parse(open(path, encoding="utf-8").read(), path)
data = tomllib.load(open(sys.argv[1], "rb"))
assert data["project"]["description"] == 'A "quoted" & <angled> plugin', data["project"]["description"]
`
	args := append([]string{"-c", script, filepath.Join(dir, "pyproject.toml")}, sources...)
	if out, err := exec.Command(py, args...).CombinedOutput(); err != nil {
		t.Errorf("python3: %v\n%s", err, out)
	}
}

// checkGolden compares the files with testdata/init/<category>, rewritten with -update.
func checkGolden(t *testing.T, category string, files []File) {
	t.Helper()
	root := filepath.Join("..", "testdata", "init", category)
	if *update {
		os.RemoveAll(root)
		for _, f := range files {
			p := filepath.Join(root, filepath.FromSlash(f.Path))
			os.MkdirAll(filepath.Dir(p), 0o755)
			if err := os.WriteFile(p, f.Data, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	want := map[string]string{}
	filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			rel, _ := filepath.Rel(root, p)
			data, _ := os.ReadFile(p)
			want[filepath.ToSlash(rel)] = string(data)
		}
		return nil
	})
	if len(want) == 0 {
		t.Fatalf("no golden tree at %s (run with -update)", root)
	}
	for _, f := range files {
		w, ok := want[f.Path]
		if !ok {
			t.Errorf("%s: not in the golden tree (run with -update if intended)", f.Path)
			continue
		}
		if w != string(f.Data) {
			t.Errorf("%s differs from the golden file (run with -update if intended)", f.Path)
		}
		delete(want, f.Path)
	}
	for p := range want {
		t.Errorf("%s: in the golden tree but not generated", p)
	}
}

func TestUserTextIsNotEscaped(t *testing.T) {
	o := options("tool")
	o.Description = "a \"b\" & <c> # d: e\nnext line"
	o.Readmes = []string{"zh_Hans"}
	files, err := Plan(o)
	if err != nil {
		t.Fatal(err)
	}
	byPath := map[string]string{}
	for _, f := range files {
		byPath[f.Path] = string(f.Data)
	}
	if !strings.Contains(byPath["README.md"], o.Description) || !strings.Contains(byPath["readme/README_zh_Hans.md"], o.Description) {
		t.Errorf("README does not hold the description verbatim")
	}
	var m struct {
		Description map[string]string `yaml:"description"`
	}
	if err := yaml.Unmarshal([]byte(byPath["manifest.yaml"]), &m); err != nil {
		t.Fatal(err)
	}
	if m.Description["en_US"] != o.Description || m.Description["zh_Hans"] != o.Description {
		t.Errorf("manifest description reads back as %q", m.Description)
	}
}

func TestValidate(t *testing.T) {
	o := options("tool")
	o.Name, o.Author, o.Description, o.Category, o.Repo, o.MinDifyVersion = "Bad Name", "ACME", "", "widget", "github.com/x", "latest"
	err := o.Validate()
	if err == nil {
		t.Fatal("bad options accepted")
	}
	for _, field := range []string{"name", "author", "description", "category", "repo", "min-dify-version"} {
		found := false
		for _, e := range err.(interface{ Unwrap() []error }).Unwrap() {
			if e.(*FieldError).Field == field {
				found = true
			}
		}
		if !found {
			t.Errorf("no error for %s in %v", field, err)
		}
	}
	o = options("tool")
	o.Author = "0123456789abcdef0123456789abcdef"
	if err := o.Validate(); err == nil || !strings.Contains(err.Error(), "UUID") {
		t.Errorf("UUID author: %v", err)
	}
}

func TestWriteRefusesExistingDirectories(t *testing.T) {
	files, err := Plan(options("tool"))
	if err != nil {
		t.Fatal(err)
	}
	parent := t.TempDir()
	dir := filepath.Join(parent, "demo")
	os.MkdirAll(dir, 0o755)
	os.WriteFile(filepath.Join(dir, "keep.txt"), []byte("mine"), 0o644)
	if err := Write(dir, files, true); err == nil || !strings.Contains(err.Error(), "not empty") {
		t.Errorf("non-empty dir: %v", err)
	}
	if data, _ := os.ReadFile(filepath.Join(dir, "keep.txt")); string(data) != "mine" {
		t.Errorf("existing content was touched")
	}
	empty := filepath.Join(parent, "empty")
	os.Mkdir(empty, 0o755)
	if err := Write(empty, files, false); err == nil || !strings.Contains(err.Error(), "--force") {
		t.Errorf("empty dir without force: %v", err)
	}
	if err := Write(empty, files, true); err != nil {
		t.Errorf("empty dir with force: %v", err)
	}
	file := filepath.Join(parent, "file")
	os.WriteFile(file, nil, 0o644)
	if err := Write(file, files, true); err == nil {
		t.Errorf("a file was replaced")
	}
	entries, _ := os.ReadDir(parent)
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".") {
			t.Errorf("temporary directory %s left behind", e.Name())
		}
	}
}

func TestClassName(t *testing.T) {
	for in, want := range map[string]string{"weather": "Weather", "my-weather_tool": "MyWeatherTool", "__x__": "X", "1st": "Plugin1st", "a--b": "AB"} {
		if got := className(in); got != want {
			t.Errorf("className(%q) = %q, want %q", in, got, want)
		}
	}
}

// sdkNames are the names the generated tests may take from the Dify Python
// SDK, as it defines them (dify-plugin 0.10): a misspelt import or member in
// a template fails here instead of in a user's first test run.
var sdkNames = map[string][]string{
	"dify_plugin.config.integration_config": {"IntegrationConfig"},
	"dify_plugin.integration.run":           {"PluginRunner"},
	"dify_plugin.core.entities.plugin.request": {"PluginInvokeType", "ToolActions", "ModelActions", "AgentActions",
		"EndpointActions", "DatasourceActions", "ToolInvokeRequest", "ModelInvokeLLMRequest", "ModelInvokeTextEmbeddingRequest",
		"ModelInvokeRerankRequest", "ModelInvokeTTSRequest", "ModelInvokeSpeech2TextRequest", "ModelInvokeModerationRequest",
		"AgentInvokeRequest", "EndpointInvokeRequest", "DatasourceCrawlWebsiteRequest"},
	"dify_plugin.entities.tool":                 {"ToolInvokeMessage"},
	"dify_plugin.entities.model":                {"ModelType", "EmbeddingInputType"},
	"dify_plugin.entities.model.llm":            {"LLMResultChunk"},
	"dify_plugin.entities.model.message":        {"UserPromptMessage"},
	"dify_plugin.entities.model.text_embedding": {"TextEmbeddingResult"},
	"dify_plugin.entities.model.rerank":         {"RerankResult"},
	"dify_plugin.entities.agent":                {"AgentInvokeMessage"},
	"dify_plugin.entities.datasource":           {"WebsiteCrawlMessage"},
}

// sdkMembers are the enum members the generated tests use.
var sdkMembers = []string{
	"PluginInvokeType.Tool", "PluginInvokeType.Model", "PluginInvokeType.Agent", "PluginInvokeType.Endpoint", "PluginInvokeType.Datasource",
	"ToolActions.InvokeTool", "ModelActions.InvokeLLM", "ModelActions.InvokeTextEmbedding", "ModelActions.InvokeRerank",
	"ModelActions.InvokeTTS", "ModelActions.InvokeSpeech2Text", "ModelActions.InvokeModeration", "AgentActions.InvokeAgentStrategy",
	"EndpointActions.InvokeEndpoint", "DatasourceActions.InvokeWebsiteDatasourceGetCrawl",
	"ModelType.LLM", "ModelType.TEXT_EMBEDDING", "ModelType.RERANK", "ModelType.TTS", "ModelType.SPEECH2TEXT", "ModelType.MODERATION",
	"EmbeddingInputType.DOCUMENT", "ToolInvokeMessage.MessageType.TEXT", "AgentInvokeMessage.MessageType.TEXT",
}

func TestGeneratedTestsUseTheSDKAsItIs(t *testing.T) {
	importRe := regexp.MustCompile(`(?m)^from (dify_plugin[\w.]*) import (.+)$`)
	memberRe := regexp.MustCompile(`\b(PluginInvokeType|\w+Actions|ModelType|EmbeddingInputType|\w+InvokeMessage\.MessageType)\.\w+`)
	for _, c := range Categories {
		o := options(c.Name)
		files, err := Plan(o)
		if err != nil {
			t.Fatal(err)
		}
		var test string
		for _, f := range files {
			if f.Path == "tests/test_plugin.py" {
				test = string(f.Data)
			}
		}
		if test == "" {
			t.Errorf("%s: no tests/test_plugin.py", c.Name)
			continue
		}
		for _, m := range importRe.FindAllStringSubmatch(test, -1) {
			known, ok := sdkNames[m[1]]
			if !ok {
				t.Errorf("%s: the SDK has no module %s we know of", c.Name, m[1])
				continue
			}
			for _, name := range strings.Split(m[2], ",") {
				if !slices.Contains(known, strings.TrimSpace(name)) {
					t.Errorf("%s: %s has no %s", c.Name, m[1], strings.TrimSpace(name))
				}
			}
		}
		for _, m := range memberRe.FindAllString(test, -1) {
			if !slices.Contains(sdkMembers, m) {
				t.Errorf("%s: the SDK has no %s", c.Name, m)
			}
		}
	}
}
