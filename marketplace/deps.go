package marketplace

import (
	"fmt"
	"path"
	"sort"
	"strconv"
	"strings"

	"github.com/BurntSushi/toml"

	"github.com/dify-cli/dify/internal/lazyregexp"
	"github.com/dify-cli/dify/internal/pytext"
	"github.com/dify-cli/dify/manifest"
)

// The package_dependencies check reads requirements.txt (following -r
// includes inside the package) and pyproject.toml (every dependency list,
// dev groups and Poetry's tables included): git and URL installs block, a
// requirement with no version constraint blocks, dify_plugin below 0.9.0
// blocks; a lower bound alone, editable and local installs and very large
// packages are warnings. Each line is judged on its own, as the validator
// does.

var (
	directURLRe  = lazyregexp.New(`(?i)(?:^|[` + pytext.SpaceClass + `]@)[` + pytext.SpaceClass + `]*(?:https?|ftp|file)://`)
	gitRe        = lazyregexp.New(`(?i)git\+`)
	localPathRe  = lazyregexp.New(`(?:^|[` + pytext.SpaceClass + `]@)[` + pytext.SpaceClass + `]*(?:\./|\.\./|/)`)
	lowerOnlyRe  = lazyregexp.New(`(?i)^(?:[^<>=!~]+)?(?:>=|>)[` + pytext.SpaceClass + `]*[^,]+$`)
	pkgNameRe    = lazyregexp.New(`^[` + pytext.SpaceClass + `]*([A-Za-z0-9_.-]+)`)
	lowerBoundRe = lazyregexp.New(`(?:>=|==)[` + pytext.SpaceClass + `]*([0-9][0-9A-Za-z.+-]*)`)
)

var largeDependencies = in("chromadb", "faiss-cpu", "faiss-gpu", "jax", "llama-cpp-python", "opencv-contrib-python",
	"opencv-python", "opencv-python-headless", "paddlepaddle", "playwright", "pyppeteer", "selenium", "spacy",
	"tensorflow", "tensorflow-cpu", "torch", "torchaudio", "torchvision", "transformers")

var ignoredOptions = []string{"-c ", "--constraint ", "--extra-index-url ", "--find-links ", "--index-url ",
	"--no-binary ", "--only-binary ", "--trusted-host ", "--use-pep517", "--use-feature "}

func hasVersionOperator(req string) bool {
	return strings.ContainsAny(req, "<>^") || strings.Contains(req, "==") || strings.Contains(req, "~=") || strings.Contains(req, "!=")
}

func packageName(req string) string {
	if i := strings.Index(req, " @ "); i >= 0 {
		req = req[:i]
	}
	m := pkgNameRe().FindStringSubmatch(req)
	if m == nil {
		return ""
	}
	return strings.ReplaceAll(strings.ToLower(m[1]), "_", "-")
}

// versionTuple is the validator's reading of a version: the leading
// numeric parts, stopping at the first that is not a number.
func versionTuple(v string) []int {
	var out []int
	start := 0
	for i := 0; i <= len(v); i++ {
		if i < len(v) && v[i] != '.' && v[i] != '+' && v[i] != '-' {
			continue
		}
		n, err := strconv.Atoi(v[start:i])
		if err != nil || !isDigits(v[start:i]) {
			break
		}
		out = append(out, n)
		start = i + 1
	}
	return out
}

func isDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}

// belowFloor compares as Python compares tuples: (0, 9) is below (0, 9, 0).
func belowFloor(v []int) bool {
	floor := []int{0, 9, 0}
	for i := range min(len(v), len(floor)) {
		if v[i] != floor[i] {
			return v[i] < floor[i]
		}
	}
	return len(v) < len(floor)
}

// requirement judges one requirement; where is its position, source the
// validator's name for it ("requirements.txt:3", "pyproject.toml:project.dependencies").
func requirement(e emit, req string, pos manifest.Position, source string) {
	msg := func(s string) string { return fmt.Sprintf("%s: %s: %s", source, s, req) }
	switch {
	case gitRe().MatchString(req):
		e.block(pos, "git-install", "publish the package to PyPI and pin a version (name==1.2.3); the marketplace does not install from git",
			msg("git-based install is not allowed"))
		return
	case directURLRe().MatchString(req):
		e.block(pos, "url-install", "depend on a released version from PyPI (name==1.2.3) instead of a URL", msg("direct URL install is not allowed"))
		return
	case strings.HasPrefix(req, "-e ") || strings.HasPrefix(req, "--editable "):
		e.warn(pos, "editable-install", "a reviewer must approve it; depend on a released version if you can", msg("editable install requires reviewer approval"))
		return
	case localPathRe().MatchString(req):
		e.warn(pos, "local-install", "a reviewer must approve it; depend on a released version if you can", msg("local path dependency requires reviewer approval"))
		return
	}
	for _, opt := range ignoredOptions {
		if strings.HasPrefix(req, opt) {
			return
		}
	}
	if strings.HasPrefix(req, "-r ") || strings.HasPrefix(req, "--requirement ") {
		return
	}
	name := packageName(req)
	if largeDependencies(name) {
		e.warn(pos, "large-dependency", "a reviewer must approve it: it is hundreds of megabytes and slows every install",
			fmt.Sprintf("%s: large runtime dependency requires reviewer approval: %s", source, name))
	}
	if name == "dify-plugin" {
		m := lowerBoundRe().FindStringSubmatch(req)
		if m == nil || belowFloor(versionTuple(m[1])) {
			e.block(pos, "dify-plugin-version", difyPluginHint(req, m), msg("dify_plugin dependency must be >= 0.9.0"))
			return
		}
	}
	if !hasVersionOperator(req) {
		e.block(pos, "unversioned", unversionedHint(req), msg("dependency has no version constraint"))
	} else if lowerOnlyRe().MatchString(req) {
		e.warn(pos, "lower-bound-only", fmt.Sprintf("add an upper bound, e.g. %s,<%s", req, nextMajor(req)), msg("dependency has only a lower-bound version constraint"))
	}
}

func difyPluginHint(req string, m []string) string {
	switch {
	case m == nil && strings.Contains(req, "~="):
		return "write dify_plugin>=0.9.0,<0.11.0: the validator reads only >= and == as a lower bound, so ~= is refused"
	case m == nil:
		return "write dify_plugin>=0.9.0,<0.11.0"
	}
	if v := versionTuple(m[1]); len(v) < 3 && !belowFloor(padTo3(v)) {
		return fmt.Sprintf("write the version with three numbers, >=%s: the validator reads %s as below 0.9.0", strings.Join(intsToStrings(padTo3(v)), "."), m[1])
	}
	return "raise it to dify_plugin>=0.9.0,<0.11.0; older SDKs lack what Dify now expects"
}

func padTo3(v []int) []int {
	for len(v) < 3 {
		v = append(v, 0)
	}
	return v
}

func intsToStrings(v []int) []string {
	s := make([]string, len(v))
	for i, n := range v {
		s[i] = strconv.Itoa(n)
	}
	return s
}

func unversionedHint(req string) string {
	switch {
	case strings.HasPrefix(req, "--hash"):
		return "the validator reads each line on its own, so a --hash line counts as a requirement; write requirements.txt without hashes (uv export --no-hashes)"
	case strings.HasPrefix(req, "-i ") || strings.HasPrefix(req, "--index-url="):
		return "write --index-url URL (with a space): the validator ignores only that spelling"
	case strings.HasPrefix(req, "--extra-index-url="), strings.HasPrefix(req, "--find-links="), strings.HasPrefix(req, "--trusted-host="):
		opt, _, _ := strings.Cut(req, "=")
		return fmt.Sprintf("write %s with a space instead of =: the validator ignores only that spelling", opt)
	case strings.HasPrefix(req, "-"):
		return "the validator does not know this option and reads it as a requirement; remove it"
	}
	return fmt.Sprintf("pin it, e.g. %s==X.Y.Z or %s>=X.Y,<X+1", packageDisplay(req), packageDisplay(req))
}

func packageDisplay(req string) string {
	if m := pkgNameRe().FindStringSubmatch(req); m != nil {
		return m[1]
	}
	return req
}

// nextMajor guesses the next major version after a requirement's lower bound.
func nextMajor(req string) string {
	m := lowerBoundRe().FindStringSubmatch(strings.ReplaceAll(req, ">", ">="))
	if m == nil {
		return "NEXT"
	}
	v := versionTuple(m[1])
	if len(v) == 0 {
		return "NEXT"
	}
	if v[0] == 0 && len(v) > 1 {
		return fmt.Sprintf("0.%d", v[1]+1)
	}
	return strconv.Itoa(v[0] + 1)
}

func (c *checker) dependencies() {
	e := c.emit(Dependencies)
	if c.t.has("requirements.txt") {
		c.requirementsFile(e, "requirements.txt", map[string]bool{})
	}
	if c.t.has("pyproject.toml") {
		c.pyproject(e)
	}
}

func (c *checker) requirementsFile(e emit, name string, seen map[string]bool) {
	if seen[name] {
		return
	}
	seen[name] = true
	text, _ := c.t.textOf(name)
	for i, raw := range pytext.Lines(text) {
		req := pytext.Strip(raw)
		if j := strings.Index(raw, " #"); j >= 0 {
			req = pytext.Strip(raw[:j])
		}
		if req == "" || strings.HasPrefix(req, "#") {
			continue
		}
		source := fmt.Sprintf("%s:%d", name, i+1)
		pos := at(name, i+1)
		if strings.HasPrefix(req, "-r ") || strings.HasPrefix(req, "--requirement ") {
			target := pytext.Strip(strings.TrimPrefix(strings.TrimPrefix(req, "-r "), "--requirement "))
			included := path.Join(path.Dir(name), target)
			switch {
			case strings.HasPrefix(target, "/") || included == ".." || strings.HasPrefix(included, "../"):
				e.warn(pos, "include-outside", "", fmt.Sprintf("%s: referenced requirements file is outside the package: %s", source, target))
			case !c.t.has(included):
				e.warn(pos, "include-missing", "", fmt.Sprintf("%s: referenced requirements file is missing: %s", source, target))
			default:
				c.requirementsFile(e, included, seen)
			}
			continue
		}
		requirement(e, req, pos, source)
	}
}

func (c *checker) pyproject(e emit) {
	const name = "pyproject.toml"
	text, _ := c.t.textOf(name)
	var data map[string]any
	if _, err := toml.Decode(text, &data); err != nil {
		e.block(at(name, tomlLine(err)), "pyproject-parse", "fix the TOML syntax", fmt.Sprintf("%s: failed to parse pyproject.toml: %v", name, err))
		return
	}
	for _, d := range pyprojectDependencies(data) {
		requirement(e, d.req, at(name, d.line(text)), name+":"+d.source)
	}
}

func tomlLine(err error) int {
	if pe, ok := err.(toml.ParseError); ok {
		return pe.Position.Line
	}
	return 0
}

type pyDep struct {
	source, req string
	key         string // the TOML key that names it (Poetry), else ""
}

// line finds where a dependency is written: its quoted string, or its key.
func (d pyDep) line(text string) int {
	for _, q := range []string{`"` + d.req + `"`, `'` + d.req + `'`} {
		if n := lineOf(text, q); n > 0 {
			return n
		}
	}
	if d.key != "" {
		for i, l := range strings.Split(text, "\n") {
			t := strings.TrimSpace(l)
			if strings.HasPrefix(t, d.key) && strings.HasPrefix(strings.TrimSpace(t[len(d.key):]), "=") {
				return i + 1
			}
		}
	}
	return 0
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func stringsOf(v any) []string {
	list, _ := v.([]any)
	var out []string
	for _, x := range list {
		if s, ok := x.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

func pyprojectDependencies(data map[string]any) []pyDep {
	var out []pyDep
	if project, ok := data["project"].(map[string]any); ok {
		for _, d := range stringsOf(project["dependencies"]) {
			out = append(out, pyDep{source: "project.dependencies", req: d})
		}
		if opt, ok := project["optional-dependencies"].(map[string]any); ok {
			for _, g := range sortedKeys(opt) {
				for _, d := range stringsOf(opt[g]) {
					out = append(out, pyDep{source: "project.optional-dependencies." + g, req: d})
				}
			}
		}
	}
	if groups, ok := data["dependency-groups"].(map[string]any); ok {
		for _, g := range sortedKeys(groups) {
			for _, d := range stringsOf(groups[g]) {
				out = append(out, pyDep{source: "dependency-groups." + g, req: d})
			}
		}
	}
	tool, _ := data["tool"].(map[string]any)
	poetry, _ := tool["poetry"].(map[string]any)
	if poetry == nil {
		return out
	}
	if deps, ok := poetry["dependencies"].(map[string]any); ok {
		for _, n := range sortedKeys(deps) {
			if strings.ToLower(n) != "python" {
				out = append(out, pyDep{source: "tool.poetry.dependencies." + n, req: poetryDependency(n, deps[n]), key: n})
			}
		}
	}
	if groups, ok := poetry["group"].(map[string]any); ok {
		for _, g := range sortedKeys(groups) {
			group, _ := groups[g].(map[string]any)
			deps, ok := group["dependencies"].(map[string]any)
			if !ok {
				continue
			}
			for _, n := range sortedKeys(deps) {
				out = append(out, pyDep{source: "tool.poetry.group." + g + ".dependencies." + n, req: poetryDependency(n, deps[n]), key: n})
			}
		}
	}
	if deps, ok := poetry["dev-dependencies"].(map[string]any); ok {
		for _, n := range sortedKeys(deps) {
			out = append(out, pyDep{source: "tool.poetry.dev-dependencies." + n, req: poetryDependency(n, deps[n]), key: n})
		}
	}
	return out
}

// poetryDependency writes a Poetry entry as a requirement, as the
// validator does.
func poetryDependency(name string, v any) string {
	switch v := v.(type) {
	case string:
		if strings.HasPrefix(v, "=") || strings.HasPrefix(v, "<") || strings.HasPrefix(v, ">") || strings.HasPrefix(v, "~") || strings.HasPrefix(v, "!") {
			return name + v
		}
		return name + " " + v
	case map[string]any:
		if git, ok := v["git"]; ok {
			ref := ""
			for _, k := range []string{"rev", "tag", "branch"} {
				if s, ok := v[k].(string); ok && s != "" {
					ref = "@" + s
					break
				}
			}
			return fmt.Sprintf("%s @ git+%v%s", name, git, ref)
		}
		if u, ok := v["url"]; ok {
			return fmt.Sprintf("%s @ %v", name, u)
		}
		if p, ok := v["path"]; ok {
			return fmt.Sprintf("%s @ %v", name, p)
		}
		version, _ := v["version"].(string)
		return name + version
	}
	return name
}
