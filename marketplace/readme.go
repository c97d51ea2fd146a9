package marketplace

import (
	"fmt"
	"path"
	"strings"
	"unicode/utf8"

	"github.com/dify-cli/dify/internal/lazyregexp"
)

// The readme_metadata check: README.md must link the plugin's source
// repository and be written in English, which the validator judges by
// counting CJK characters outside ``` code blocks.

var (
	codeBlockRe   = lazyregexp.New("(?s)```.*?```")
	localizedRe   = lazyregexp.New(`^README[._-][A-Za-z]{2,3}(?:[_-][A-Za-z0-9]+)?\.md$`)
	wellNamedRe   = lazyregexp.New(`^README\.[A-Za-z]{2,3}(?:[_-][A-Za-z0-9]+)?\.md$`)
	readmeSection = []struct {
		name     string
		keywords []string
		hint     string
	}{
		{"setup instructions", []string{"setup", "install", "installation", "configure", "configuration", "getting started"}, "add a section on how to install and configure the plugin"},
		{"usage instructions", []string{"usage", "use", "example", "examples", "workflow", "chatflow"}, "add a section with an example of using the plugin"},
		{"required APIs or credentials", []string{"api key", "apikey", "credential", "credentials", "token", "secret", "auth", "authentication", "authorization"}, "say which API keys or credentials the plugin needs (or that it needs none)"},
		{"connection requirements", []string{"connection", "connect", "endpoint", "base url", "host", "proxy", "network"}, "say what the plugin connects to (or that it makes no network connection)"},
	}
)

func isCJK(r rune) bool {
	return r >= 0x3400 && r <= 0x4DBF || r >= 0x4E00 && r <= 0x9FFF
}

func (c *checker) readme() {
	e := c.emit(Readme)
	const name = "README.md"
	if !c.t.has(name) {
		e.block(at(name, 0), "readme-missing", "write README.md: what the plugin does, how to set it up, a link to its source", "missing required file: README.md")
		return
	}
	content, _ := c.t.textOf(name)
	if strings.TrimSpace(content) == "" {
		e.block(at(name, 0), "readme-empty", "write what the plugin does, how to set it up, and a link to its source", "README.md is empty")
		return
	}
	if !repoLinkRe().MatchString(content) {
		hint := "add a line such as \"Source: https://github.com/you/plugin\"; " + hostsHint
		if repo := c.fieldValue("repo"); repoURLRe().MatchString(repo) {
			hint = fmt.Sprintf("add the line \"Source: %s\" (the manifest's repo)", repo)
		}
		e.block(at(name, 0), "readme-source-link", hint, "README.md must include a source repository URL from an allowed host")
	}
	if lines, count := cjkOutsideCode(content); count > 0 {
		hint := fmt.Sprintf("move localized text to README.<locale>.md (e.g. README.zh_Hans.md) or readme/README_zh_Hans.md; CJK text is on line %s", joinInts(lines))
		if strings.Contains(content, "~~~") || strings.Contains(content, "\n    ") {
			hint += "; only ``` fences count as code for this check, not ~~~ fences or indented blocks"
		}
		e.block(at(name, lines[0]), "readme-english", hint,
			fmt.Sprintf("README.md primary content must be English; move localized content to README.<locale>.md (found %d CJK characters)", count))
	}
	for _, f := range c.t.files {
		base := path.Base(f.path)
		if path.Dir(f.path) != "." || base == name || !strings.HasPrefix(base, "README") || !strings.HasSuffix(base, ".md") {
			continue
		}
		if localizedRe().MatchString(base) && !wellNamedRe().MatchString(base) {
			e.warn(at(f.path, 0), "readme-locale-name", "rename it README.<locale>.md, e.g. README.ja_JP.md",
				"localized README should use README.<locale>.md naming: "+base)
		}
	}
	lower := strings.ToLower(content)
	for _, s := range readmeSection {
		if !containsAny(lower, s.keywords) {
			e.warn(at(name, 0), "readme-section", s.hint, "README.md may be missing "+s.name)
		}
	}
}

// cjkOutsideCode counts the CJK characters outside ``` blocks, with the
// lines of the first few.
func cjkOutsideCode(content string) (lines []int, count int) {
	blocks := codeBlockRe().FindAllStringIndex(content, -1)
	line := 1
	for i := 0; i < len(content); {
		if len(blocks) > 0 && i == blocks[0][0] {
			line += strings.Count(content[blocks[0][0]:blocks[0][1]], "\n")
			i = blocks[0][1]
			blocks = blocks[1:]
			continue
		}
		r, size := utf8.DecodeRuneInString(content[i:])
		if r == '\n' {
			line++
		}
		if isCJK(r) {
			count++
			if len(lines) < 5 && (len(lines) == 0 || lines[len(lines)-1] != line) {
				lines = append(lines, line)
			}
		}
		i += size
	}
	return lines, count
}

func joinInts(ns []int) string {
	s := make([]string, len(ns))
	for i, n := range ns {
		s[i] = fmt.Sprint(n)
	}
	return strings.Join(s, ", ")
}
