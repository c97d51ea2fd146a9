package ignore

import (
	"bytes"
	"fmt"
	"strings"
)

// The ignore files: a package is decided by DifyIgnore, or GitIgnore when
// the plugin root has no DifyIgnore; git reads GitIgnore.
const (
	DifyIgnore = ".difyignore"
	GitIgnore  = ".gitignore"
)

// Rule is one pattern line of an ignore file.
type Rule struct {
	File    string // slash path of the ignore file, relative to the root
	Line    int    // 1-based line number in File
	Text    string // the line as written, trailing spaces trimmed
	base    string // directory of File ("" at the root); patterns are relative to it
	pattern string // pattern with `!`, leading `/` and trailing `/` removed
	negate  bool
	dirOnly bool
	// anchored patterns contain a slash and match the whole path below base;
	// the others match the last path component at any depth.
	anchored bool
}

func (r Rule) String() string { return fmt.Sprintf("%s:%d: %s", r.File, r.Line, r.Text) }

// Negated reports whether the rule re-includes what it matches (`!pattern`).
func (r Rule) Negated() bool { return r.negate }

// Parse reads the rules of one ignore file. file is its slash path relative
// to the root; the rules apply to paths below its directory.
func Parse(file string, data []byte) []Rule {
	base := ""
	if i := strings.LastIndexByte(file, '/'); i >= 0 {
		base = file[:i]
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	var rules []Rule
	for n, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSuffix(line, "\r")
		if line == "" || line[0] == '#' {
			continue
		}
		line = trimTrailingSpaces(line)
		r := Rule{File: file, Line: n + 1, Text: line, base: base}
		p := line
		if strings.HasPrefix(p, "!") {
			r.negate = true
			p = p[1:]
		}
		if strings.HasSuffix(p, "/") {
			r.dirOnly = true
			p = strings.TrimSuffix(p, "/")
		}
		if strings.Contains(p, "/") {
			r.anchored = true
			p = strings.TrimPrefix(p, "/")
		}
		if p == "" {
			continue
		}
		r.pattern = p
		rules = append(rules, r)
	}
	return rules
}

// trimTrailingSpaces removes unescaped trailing spaces (not tabs), as git does.
func trimTrailingSpaces(s string) string {
	lastSpace := -1
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case ' ':
			if lastSpace < 0 {
				lastSpace = i
			}
		case '\\':
			i++
			if i >= len(s) {
				return s
			}
			lastSpace = -1
		default:
			lastSpace = -1
		}
	}
	if lastSpace >= 0 {
		return s[:lastSpace]
	}
	return s
}

// Matches reports whether the rule's pattern matches the slash path p
// (relative to the root). isDir tells whether p is a directory; symbolic
// links are never directories here, as in git.
func (r Rule) Matches(p string, isDir bool) bool {
	if r.dirOnly && !isDir {
		return false
	}
	if r.base != "" {
		if !strings.HasPrefix(p, r.base+"/") {
			return false
		}
		p = p[len(r.base)+1:]
	}
	if r.anchored {
		return wildmatch(r.pattern, p)
	}
	return wildmatch(r.pattern, p[strings.LastIndexByte(p, '/')+1:])
}

// Decide returns the last rule in rules that matches p, or nil. The path is
// excluded when that rule exists and is not negated: later rules win.
func Decide(rules []Rule, p string, isDir bool) *Rule {
	for i := len(rules) - 1; i >= 0; i-- {
		if rules[i].Matches(p, isDir) {
			return &rules[i]
		}
	}
	return nil
}
