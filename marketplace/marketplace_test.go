package marketplace

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dify-cli/dify/manifest"
	"github.com/dify-cli/dify/pack"
	"github.com/dify-cli/dify/scaffold"
)

// cleanPlugin writes a plugin as `dify plugin init` makes it, with what
// only its author can write (the icon, the privacy policy) written, so that
// it passes every check: the starting point of every case.
func cleanPlugin(t *testing.T) string {
	t.Helper()
	o := scaffold.Options{Name: "weather", Author: "acme", Description: "Current weather for a city",
		Repo: "https://github.com/acme/weather", Contact: "dev@acme.example", CreatedAt: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
	o.ApplyDefaults(manifest.Grant{})
	files, err := scaffold.Plan(o)
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "weather")
	if err := scaffold.Write(dir, files, false); err != nil {
		t.Fatal(err)
	}
	own := `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><circle cx="5" cy="5" r="4" fill="#f90"/></svg>`
	write(t, dir, "_assets/icon.svg", own)
	write(t, dir, "_assets/icon-dark.svg", own)
	write(t, dir, "PRIVACY.md", "# Privacy policy\n\nweather does not collect any user data. It sends the city you ask about to the weather service.\n")
	return dir
}

func write(t *testing.T, dir, name, content string) {
	t.Helper()
	p := filepath.Join(dir, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func read(t *testing.T, dir, name string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(name)))
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

func replace(t *testing.T, dir, name, old, new string) {
	t.Helper()
	s := read(t, dir, name)
	if !strings.Contains(s, old) {
		t.Fatalf("%s has no %q:\n%s", name, old, s)
	}
	write(t, dir, name, strings.Replace(s, old, new, 1))
}

// python is the machine's python3, as sys.executable names it (not a
// pyenv shim, which takes longer to start than the checks take to run).
var python = sync.OnceValue(func() Options {
	py, err := exec.LookPath("python3")
	if err != nil {
		return Options{}
	}
	out, err := exec.Command(py, "-c", "import sys; print(sys.executable)").Output()
	if err != nil {
		return Options{}
	}
	return Options{Python: strings.TrimSpace(string(out))}
})

func check(t *testing.T, dir string, opts Options) *Report {
	t.Helper()
	plan, err := pack.OpenDir(dir, pack.PlanOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer plan.Close()
	p, err := FromPlan(context.Background(), plan)
	if err != nil {
		t.Fatal(err)
	}
	rs, err := Check(context.Background(), []Plugin{p}, opts)
	if err != nil {
		t.Fatal(err)
	}
	return rs[0]
}

func dump(r *Report) string {
	var b strings.Builder
	for _, f := range r.Findings {
		fmt.Fprintf(&b, "  %s %s\n", f.Check, strings.ReplaceAll(f.Diagnostic.String(), "\n", "\n  "))
	}
	for _, s := range r.Skipped {
		fmt.Fprintf(&b, "  skipped %s: %s\n", s.Check, s.Reason)
	}
	return b.String()
}

func TestCleanGeneratedPluginPasses(t *testing.T) {
	r := check(t, cleanPlugin(t), python())
	if len(r.Findings) != 0 {
		t.Fatalf("a clean plugin has findings:\n%s", dump(r))
	}
}

// A plugin straight from init is refused for exactly what only its author
// can write: the icon and the privacy policy.
func TestGeneratedPluginNamesWhatIsLeft(t *testing.T) {
	dir := cleanPlugin(t)
	o := scaffold.Options{Name: "weather", Author: "acme", Description: "d", Repo: "https://github.com/acme/weather", Contact: "dev@acme.example"}
	o.ApplyDefaults(manifest.Grant{})
	files, _ := scaffold.Plan(o)
	for _, f := range files {
		if f.Path == "PRIVACY.md" || strings.HasPrefix(f.Path, "_assets/") {
			write(t, dir, f.Path, string(f.Data))
		}
	}
	r := check(t, dir, python())
	var rules []string
	for _, f := range r.Findings {
		if f.Severity == manifest.Error {
			rules = append(rules, f.Pos.File+" "+f.Rule)
		}
	}
	if got := strings.Join(rules, ", "); got != "PRIVACY.md privacy-template, _assets/icon.svg icon-template" {
		t.Fatalf("blocking findings %s; want the privacy policy and the icon:\n%s", got, dump(r))
	}
}

// want is one finding a case must produce.
type want struct {
	check, rule string
	severity    manifest.Severity
	file        string
	line        int
	hint        string // a part of the fix
}

var (
	block = manifest.Error
	warn  = manifest.Warning
)

func TestEachRule(t *testing.T) {
	cases := []struct {
		name   string
		python bool
		change func(t *testing.T, dir string)
		want   want
	}{
		// package_contents
		{"a folder named env", false, func(t *testing.T, d string) { write(t, d, "env/settings.py", "X = 1\n") },
			want{Contents, "blocked-folder", block, "env/", 0, ".difyignore"}},
		{"a private key file by name", false, func(t *testing.T, d string) { write(t, d, "id_rsa", "nothing\n") },
			want{Contents, "blocked-file", block, "id_rsa", 0, "id_rsa"}},
		{"a public certificate ending in .pem", false, func(t *testing.T, d string) { write(t, d, "certs/ca.pem", "cert\n") },
			want{Contents, "blocked-suffix", block, "certs/ca.pem", 0, "even for public keys"}},
		{"a build folder", false, func(t *testing.T, d string) {
			replace(t, d, ".difyignore", "build/\n", "")
			write(t, d, "build/notes.txt", "x\n")
		}, want{Contents, "review-folder", warn, "build/", 0, ""}},
		{"an archive", false, func(t *testing.T, d string) { write(t, d, "data/cities.zip", "not really\n") },
			want{Contents, "archive-file", warn, "data/cities.zip", 0, ""}},
		{"too many files", false, func(t *testing.T, d string) {
			for i := range 5000 {
				write(t, d, fmt.Sprintf("data/%04d.txt", i), "x")
			}
		}, want{Contents, "file-count", block, ".", 0, "requirements.txt"}},

		// package_secrets
		{"an API key in YAML", false, func(t *testing.T, d string) {
			write(t, d, "config/defaults.yaml", "model: gpt\napi_key: sk-AbCdEfGhIjKlMnOpQrStUvWx\n")
		}, want{Secrets, "vendor-token", block, "config/defaults.yaml", 2, "revoke"}},
		{"a placeholder shaped like a GitHub token", false, func(t *testing.T, d string) {
			write(t, d, "docs/setup.md", "Set GITHUB_TOKEN to ghp_xxxxxxxxxxxxxxxxxxxxxxxx first.\n")
		}, want{Secrets, "vendor-token", block, "docs/setup.md", 1, "placeholder"}},
		{"a high-entropy password", false, func(t *testing.T, d string) {
			write(t, d, "config/db.yaml", "host: db\npassword: \"Zq8Xv2Lp9Wk4Tn7Rb5Hm3Jc6Fd1Gs0\"\n")
		}, want{Secrets, "secret-assignment", block, "config/db.yaml", 2, "placeholder"}},
		{"a short value given to a secret name", false, func(t *testing.T, d string) {
			write(t, d, "config/app.yaml", "client_secret: abc123\n")
		}, want{Secrets, "possible-secret", warn, "config/app.yaml", 1, "placeholder"}},
		{"a private key in a text file", false, func(t *testing.T, d string) {
			write(t, d, "notes.txt", "see below\n-----BEGIN RSA PRIVATE KEY-----\nMIIB\n")
		}, want{Secrets, "private-key", block, "notes.txt", 2, "credentials"}},

		// package_binaries
		{"an ELF program", false, func(t *testing.T, d string) { write(t, d, "bin/helper", "\x7fELF\x02\x01\x01rest") },
			want{Binaries, "executable", block, "bin/helper", 0, "requirements.txt"}},
		{"a native library", false, func(t *testing.T, d string) { write(t, d, "lib/native.so", "text\n") },
			want{Binaries, "native-library", block, "lib/native.so", 0, "wheel"}},
		{"a shell script", false, func(t *testing.T, d string) { write(t, d, "scripts/setup.sh", "echo hi\n") },
			want{Binaries, "review-suffix", warn, "scripts/setup.sh", 0, ""}},
		{"the daemon's binary", false, func(t *testing.T, d string) { write(t, d, "dify-plugin-linux-amd64", "x\n") },
			want{Binaries, "daemon-binary", block, "dify-plugin-linux-amd64", 0, "daemon"}},
		{"a text file that starts with MZ", false, func(t *testing.T, d string) { write(t, d, "notes.txt", "MZ is a postcode prefix\n") },
			want{Binaries, "executable", block, "notes.txt", 0, `"MZ"`}},

		// manifest_metadata
		{"no contact", false, func(t *testing.T, d string) { replace(t, d, "manifest.yaml", "contact: dev@acme.example\n", "") },
			want{Manifest, "required-field", block, "manifest.yaml", 0, "contact: you@example.com"}},
		{"an author with dify in it", false, func(t *testing.T, d string) { replace(t, d, "manifest.yaml", "author: acme", "author: difyfan") },
			want{Manifest, "author-reserved", block, "manifest.yaml", 3, "case-sensitive"}},
		{"a repository on another host", false, func(t *testing.T, d string) {
			replace(t, d, "manifest.yaml", "repo: https://github.com/acme/weather", "repo: https://git.acme.example/weather")
		}, want{Manifest, "repo-host", block, "manifest.yaml", 28, "github.com"}},
		{"a contact that is not an e-mail", false, func(t *testing.T, d string) {
			replace(t, d, "manifest.yaml", "contact: dev@acme.example", "contact: '@acme on X'")
		}, want{Manifest, "contact-email", block, "manifest.yaml", 29, "you@example.com"}},
		{"a privacy URL and no PRIVACY.md", false, func(t *testing.T, d string) {
			replace(t, d, "manifest.yaml", "privacy: PRIVACY.md", "privacy: https://acme.example/privacy")
			os.Remove(filepath.Join(d, "PRIVACY.md"))
		}, want{Manifest, "privacy-file", block, "PRIVACY.md", 0, "even when privacy is a URL"}},
		{"a privacy file outside the plugin", false, func(t *testing.T, d string) {
			replace(t, d, "manifest.yaml", "privacy: PRIVACY.md", "privacy: ../PRIVACY.md")
		}, want{Manifest, "privacy-path", block, "manifest.yaml", 27, "inside the plugin"}},
		{"a privacy policy that says nothing of data", false, func(t *testing.T, d string) {
			write(t, d, "PRIVACY.md", "# Privacy\n\nWe care.\n")
		}, want{Manifest, "privacy-disclosure", warn, "PRIVACY.md", 0, "does not collect"}},
		{"no minimum Dify version", false, func(t *testing.T, d string) {
			replace(t, d, "manifest.yaml", "  minimum_dify_version: 1.0.0\n", "")
		}, want{Manifest, "recommended-field", warn, "manifest.yaml", 16, "minimum_dify_version: 1.0.0"}},

		// readme_metadata
		{"a README without the repository", false, func(t *testing.T, d string) {
			replace(t, d, "README.md", "**Repository:** https://github.com/acme/weather\n", "")
		}, want{Readme, "readme-source-link", block, "README.md", 0, "Source: https://github.com/acme/weather"}},
		{"Chinese in the README", false, func(t *testing.T, d string) {
			write(t, d, "README.md", read(t, d, "README.md")+"\n## 说明\n\n天气插件。\n")
		}, want{Readme, "readme-english", block, "README.md", 31, "README.<locale>.md"}},
		{"Chinese in a ~~~ block", false, func(t *testing.T, d string) {
			write(t, d, "README.md", read(t, d, "README.md")+"\n~~~\n天气\n~~~\n")
		}, want{Readme, "readme-english", block, "README.md", 32, "~~~"}},
		{"a translation named README_zh.md", false, func(t *testing.T, d string) { write(t, d, "README_zh.md", "# 天气\n") },
			want{Readme, "readme-locale-name", warn, "README_zh.md", 0, "README.<locale>.md"}},

		// package_dependencies
		{"dify_plugin with ~=", false, func(t *testing.T, d string) {
			write(t, d, "requirements.txt", "dify_plugin~=0.10.0\n")
		}, want{Dependencies, "dify-plugin-version", block, "requirements.txt", 1, "~= is refused"}},
		{"dify_plugin with two numbers", false, func(t *testing.T, d string) {
			write(t, d, "requirements.txt", "dify_plugin>=0.9,<1\n")
		}, want{Dependencies, "dify-plugin-version", block, "requirements.txt", 1, ">=0.9.0"}},
		{"a requirement without a version", false, func(t *testing.T, d string) {
			write(t, d, "requirements.txt", "dify_plugin>=0.10.0,<0.11.0\nrequests\n")
		}, want{Dependencies, "unversioned", block, "requirements.txt", 2, "requests=="}},
		{"a lower bound alone", false, func(t *testing.T, d string) {
			write(t, d, "requirements.txt", "dify_plugin>=0.10.0,<0.11.0\nrequests>=2.31\n")
		}, want{Dependencies, "lower-bound-only", warn, "requirements.txt", 2, "requests>=2.31,<3"}},
		{"a git install", false, func(t *testing.T, d string) {
			write(t, d, "requirements.txt", "dify_plugin>=0.10.0,<0.11.0\nweatherlib @ git+https://github.com/acme/weatherlib\n")
		}, want{Dependencies, "git-install", block, "requirements.txt", 2, "PyPI"}},
		{"-i for the index", false, func(t *testing.T, d string) {
			write(t, d, "requirements.txt", "-i https://mirror.acme.example/simple\ndify_plugin>=0.10.0,<0.11.0\n")
		}, want{Dependencies, "unversioned", block, "requirements.txt", 1, "--index-url URL"}},
		{"hashes on their own lines", false, func(t *testing.T, d string) {
			write(t, d, "requirements.txt", "dify_plugin==0.10.1 \\\n    --hash=sha256:0000\n")
		}, want{Dependencies, "unversioned", block, "requirements.txt", 2, "--no-hashes"}},
		{"an unversioned dev dependency", false, func(t *testing.T, d string) {
			replace(t, d, "pyproject.toml", `"pytest>=8,<10"`, `"pytest"`)
		}, want{Dependencies, "unversioned", block, "pyproject.toml", 13, "pytest=="}},
		{"a very large dependency", false, func(t *testing.T, d string) {
			write(t, d, "requirements.txt", "dify_plugin>=0.10.0,<0.11.0\ntorch==2.5.1\n")
		}, want{Dependencies, "large-dependency", warn, "requirements.txt", 2, "reviewer"}},

		// python_compile and python_safety
		{"Python that does not compile", true, func(t *testing.T, d string) { write(t, d, "tools/broken.py", "x = 1\ndef f(:\n    pass\n") },
			want{Compile, "python-compile", block, "tools/broken.py", 2, "tests and examples too"}},
		{"requests without timeout", true, func(t *testing.T, d string) {
			write(t, d, "tools/fetch.py", "import requests\n\n\ndef fetch(url):\n    return requests.get(url).json()\n")
		}, want{Safety, "requests-timeout", warn, "tools/fetch.py", 5, "timeout=30"}},
		{"a credential in a log line", true, func(t *testing.T, d string) {
			write(t, d, "tools/log.py", "import logging\nlogger = logging.getLogger(__name__)\n\n\ndef go(api_key):\n    logger.info('key %s', api_key)\n")
		}, want{Safety, "credential-exposure", warn, "tools/log.py", 6, "log"}},

		// prohibited_financial_activity
		{"payments in the README", false, func(t *testing.T, d string) {
			write(t, d, "README.md", read(t, d, "README.md")+"\nIt can also process payments for you.\n")
		}, want{Financial, "financial-activity", warn, "README.md", 31, "forbids"}},

		// access_domains
		{"a host not declared", true, func(t *testing.T, d string) {
			write(t, d, "tools/api.py", "import requests\n\nURL = \"https://api.openweathermap.org/data/2.5/weather\"\n\n\ndef get(city):\n    return requests.get(URL, params={\"q\": city}, timeout=10)\n")
		}, want{Domains, "undeclared-domains", warn, "manifest.yaml", 0, "- api.openweathermap.org"}},

		// the icon
		{"the icon is missing", false, func(t *testing.T, d string) { os.Remove(filepath.Join(d, "_assets/icon.svg")) },
			want{Icon, "icon-missing", block, "manifest.yaml", 9, "_assets/icon.svg"}},
		{"the workflow's default icon", false, func(t *testing.T, d string) {
			write(t, d, "_assets/icon.svg", "<svg width=\"100\" height=\"100\" xmlns=\"http://www.w3.org/2000/svg\">\n<path d=\"M20 20 V80 M20 20 H60 Q80 20 80 40 T60 60 H20\" fill=\"none\" stroke=\"black\" stroke-width=\"5\"/>\n</svg>\n")
		}, want{Icon, "icon-template", block, "_assets/icon.svg", 0, "own icon"}},
	}
	opts := python()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			if c.python && opts.Python == "" {
				t.Skip("no python3 on PATH")
			}
			dir := cleanPlugin(t)
			c.change(t, dir)
			r := check(t, dir, opts)
			found := false
			for _, f := range r.Findings {
				w := c.want
				if f.Check == w.check && f.Rule == w.rule && f.Severity == w.severity && f.Pos.File == w.file && f.Pos.Line == w.line && strings.Contains(f.Hint, w.hint) {
					found = true
				}
			}
			if !found {
				t.Fatalf("want %+v among:\n%s", c.want, dump(r))
			}
			if blocked := c.want.severity == block; r.Blocked() != blocked {
				t.Fatalf("blocked = %v, want %v:\n%s", r.Blocked(), blocked, dump(r))
			}
		})
	}
}

// A declared host is shown, and not reported as undeclared.
func TestDeclaredDomain(t *testing.T) {
	opts := python()
	if opts.Python == "" {
		t.Skip("no python3 on PATH")
	}
	dir := cleanPlugin(t)
	write(t, dir, "tools/api.py", "import requests\n\n\ndef get(city):\n    return requests.get(\"https://api.openweathermap.org/data\", params={\"q\": city}, timeout=10)\n")
	write(t, dir, "manifest.yaml", read(t, dir, "manifest.yaml")+"network:\n  domains:\n    - \"*.openweathermap.org\"\n")
	r := check(t, dir, opts)
	if got := r.Of(Domains); len(got) != 1 || got[0].Rule != "outbound-domain" || !strings.Contains(got[0].Message, "declared in network.domains") || got[0].Pos.Line != 5 {
		t.Fatalf("domains:\n%s", dump(r))
	}
}

// Without Python the compile check says it did not run, and nothing else
// changes.
func TestWithoutPython(t *testing.T) {
	dir := cleanPlugin(t)
	write(t, dir, "tools/broken.py", "def f(:\n")
	r := check(t, dir, Options{})
	if len(r.Of(Compile)) != 0 {
		t.Fatalf("compile findings without Python:\n%s", dump(r))
	}
	skipped := false
	for _, s := range r.Skipped {
		skipped = skipped || s.Check == Compile && strings.Contains(s.Reason, "Python 3.12")
	}
	if !skipped {
		t.Fatalf("the report does not say the compile check did not run:\n%s", dump(r))
	}
}

func TestOnline(t *testing.T) {
	published := map[string]bool{"acme/weather/0.0.1": true}
	latest := "0.0.1"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.Method == http.MethodPost && r.URL.Path == "/api/v1/plugins/batch":
			fmt.Fprintf(w, `{"code":0,"data":{"plugins":[{"latest_version":%q}]}}`, latest)
		case published[strings.TrimPrefix(r.URL.Path, "/api/v1/plugins/")]:
			fmt.Fprint(w, `{"code":0,"data":{}}`)
		default:
			w.WriteHeader(http.StatusNotFound)
			fmt.Fprint(w, `{"code":-1}`)
		}
	}))
	defer srv.Close()
	opts := Options{Online: &Online{Client: srv.Client(), BaseURL: srv.URL}}
	dir := cleanPlugin(t)

	r := check(t, dir, opts)
	if got := r.Of(Version); len(got) != 1 || got[0].Rule != "version-published" || got[0].Pos.Line != 1 || !strings.Contains(got[0].Hint, "bump") {
		t.Fatalf("a published version:\n%s", dump(r))
	}

	replace(t, dir, "manifest.yaml", "version: 0.0.1\ntype", "version: 0.0.2\ntype")
	latest = "0.1.0"
	r = check(t, dir, opts)
	if got := r.Of(Version); len(got) != 1 || got[0].Rule != "version-not-newer" || !strings.Contains(got[0].Hint, "above 0.1.0") {
		t.Fatalf("a version below the latest:\n%s", dump(r))
	}

	latest = "0.0.1"
	if r = check(t, dir, opts); len(r.Of(Version)) != 0 || r.Blocked() {
		t.Fatalf("a new version is refused:\n%s", dump(r))
	}

	srv.Close()
	r = check(t, dir, opts)
	if len(r.Of(Version)) != 0 || !strings.Contains(dump(r), "could not be asked") {
		t.Fatalf("an unreachable marketplace:\n%s", dump(r))
	}
}

// A second run answers from the cache: here the interpreter is replaced by
// one that fails, and the verdict is the same.
func TestPythonAnswersAreCached(t *testing.T) {
	real := python().Python
	if real == "" {
		t.Skip("no python3 on PATH")
	}
	dir := cleanPlugin(t)
	write(t, dir, "tools/broken.py", "def f(:\n")
	write(t, dir, "tools/fetch.py", "import requests\n\n\ndef fetch(url):\n    return requests.get(url)\n")
	py := filepath.Join(t.TempDir(), "python")
	if err := os.Symlink(real, py); err != nil {
		t.Fatal(err)
	}
	opts := Options{Python: py, PythonVersion: "3.x", CacheDir: t.TempDir()}
	first := check(t, dir, opts)
	if len(first.Of(Compile)) != 1 || len(first.Of(Safety)) != 2 {
		t.Fatalf("first run:\n%s", dump(first))
	}
	os.Remove(py)
	os.WriteFile(py, []byte("#!/bin/sh\nexit 3\n"), 0o755)
	second := check(t, dir, opts)
	if dump(second) != dump(first) {
		t.Fatalf("the cached run differs:\n%s\nfrom:\n%s", dump(second), dump(first))
	}
	// A changed file is read again: by the failing interpreter, which the
	// report then names.
	write(t, dir, "tools/fetch.py", "import requests\n")
	third := check(t, dir, opts)
	if !strings.Contains(dump(third), "could not read the Python files") {
		t.Fatalf("a changed file was not read again:\n%s", dump(third))
	}
}

// Once Start returns, the plugin's files are not read again: Finish gives
// the report Check gives with the folder gone, so that many plugins are
// checked with a few of them in memory.
func TestFinishReadsNoFile(t *testing.T) {
	opts := python()
	dir := cleanPlugin(t)
	write(t, dir, "tools/api.py", "import requests\n\n\ndef get(city, api_key):\n    print(api_key)\n    return requests.get(\"https://api.openweathermap.org/data\", params={\"q\": city})\n")
	write(t, dir, "provider/links.yaml", "help:\n  url: https://console.weather.example/keys\n")
	write(t, dir, "README.md", read(t, dir, "README.md")+"\nProcess payments with https://pay.example.com.\n")
	want := dump(check(t, dir, opts))

	plan, err := pack.OpenDir(dir, pack.PlanOptions{Keep: true})
	if err != nil {
		t.Fatal(err)
	}
	plan.Check()
	p, err := FromPlan(context.Background(), plan)
	if err != nil {
		t.Fatal(err)
	}
	started, err := Start(p, opts)
	if err != nil {
		t.Fatal(err)
	}
	plan.Close()
	if err := os.RemoveAll(dir); err != nil {
		t.Fatal(err)
	}
	got := dump(Finish(context.Background(), []*Started{started}, opts)[0])
	if got != want {
		t.Fatalf("Finish after the folder is gone:\n%s\nCheck:\n%s", got, want)
	}
	for _, s := range []string{"outbound-domain", "financial-activity"} {
		if !strings.Contains(got, s) {
			t.Errorf("the report has no %s finding, which this test needs to mean something:\n%s", s, got)
		}
	}
}

// The credential scan the daemon's checks make of kept files is the one
// the marketplace uses: the verdict and the daemon's findings are those of
// plans that keep nothing and scan again.
func TestKeptScanIsTheMarketplaceScan(t *testing.T) {
	dir := cleanPlugin(t)
	write(t, dir, "config/defaults.yaml", "model: gpt\napi_key: sk-AbCdEfGhIjKlMnOpQrStUvWx\n")
	write(t, dir, "config/db.yaml", "host: db\npassword: \"hunter2-Zq8Xv2Lp9Wk4Tn7Rb5\"\n")
	write(t, dir, "docs/setup.md", "Set GITHUB_TOKEN to ghp_xxxxxxxxxxxxxxxxxxxxxxxx first.\n")
	write(t, dir, "tools/keys.py", "API_KEY = \"sk-proj-1234567890abcdefghijKLMNOP\"\nclient_secret = 'Qm9vbXNoYWthbGFrYQ=='\n")
	report := func(keep bool) (string, string) {
		plan, err := pack.OpenDir(dir, pack.PlanOptions{Keep: keep, AllowSecrets: true})
		if err != nil {
			t.Fatal(err)
		}
		defer plan.Close()
		ds := plan.Check()
		p, err := FromPlan(context.Background(), plan)
		if err != nil {
			t.Fatal(err)
		}
		rs, err := Check(context.Background(), []Plugin{p}, Options{})
		if err != nil {
			t.Fatal(err)
		}
		return fmt.Sprint(ds), dump(rs[0])
	}
	daemonKept, marketKept := report(true)
	daemon, market := report(false)
	if daemonKept != daemon {
		t.Errorf("the daemon's findings with kept files:\n%s\nwithout:\n%s", daemonKept, daemon)
	}
	if marketKept != market {
		t.Errorf("the marketplace's report with kept files:\n%s\nwithout:\n%s", marketKept, market)
	}
	for _, want := range []string{"secret-assignment", "vendor-token", "possible-secret"} {
		if !strings.Contains(market, want) {
			t.Errorf("the report has no %s, which this test needs to mean something:\n%s", want, market)
		}
	}
}
