package ignore

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// MaxFile bounds an ignore file: real ones are a few hundred bytes.
const MaxFile = 1 << 20

// Matcher answers whether paths of a directory tree are ignored, by the
// ignore file of the first name (of those it was opened with) present at
// the root, read there and in every directory above a path.
type Matcher struct {
	root  string
	name  string            // the ignore file in use; "" when none
	rules map[string][]Rule // the rules in effect in a directory, by slash path
}

// Open makes a Matcher for root that reads the first of names present at
// root as a regular file: Open(dir, DifyIgnore, GitIgnore) decides a
// package, Open(dir, GitIgnore) a git repository.
func Open(root string, names ...string) *Matcher {
	m := &Matcher{root: root, rules: map[string][]Rule{}}
	for _, n := range names {
		if st, err := os.Stat(filepath.Join(root, n)); err == nil && st.Mode().IsRegular() {
			m.name = n
			break
		}
	}
	return m
}

// File is the ignore file name in use, "" when the root has none of them.
func (m *Matcher) File() string { return m.name }

// Match returns the rule that leaves the slash path p (relative to the
// root) out: the one deciding p, or one that leaves out a directory above
// it. It returns nil when p is kept. An ignore file that cannot be read
// counts as empty.
func (m *Matcher) Match(p string, isDir bool) *Rule {
	if m.name == "" {
		return nil
	}
	parts := strings.Split(p, "/")
	for i := range parts {
		sub := strings.Join(parts[:i+1], "/")
		dir := path.Dir(sub)
		if dir == "." {
			dir = ""
		}
		subIsDir := i < len(parts)-1 || isDir
		if r := Decide(m.rulesIn(dir), sub, subIsDir); r != nil && !r.negate {
			return r
		}
	}
	return nil
}

// rulesIn are the rules in effect in dir: its parents' and its own.
func (m *Matcher) rulesIn(dir string) []Rule {
	if rules, ok := m.rules[dir]; ok {
		return rules
	}
	var parent []Rule
	file := m.name
	if dir != "" {
		up := path.Dir(dir)
		if up == "." {
			up = ""
		}
		parent = m.rulesIn(up)
		file = dir + "/" + m.name
	}
	rules := parent
	if data, err := ReadFile(filepath.Join(m.root, filepath.FromSlash(file))); err == nil {
		rules = append(append([]Rule(nil), parent...), Parse(file, data)...)
	}
	m.rules[dir] = rules
	return rules
}

// ReadFile reads an ignore file, refusing anything but a regular file of
// at most MaxFile bytes (a FIFO named .difyignore would block forever).
func ReadFile(name string) ([]byte, error) {
	st, err := os.Stat(name)
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("it is not a regular file (%s)", st.Mode().Type())
	}
	f, err := os.Open(name)
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			return nil, pe.Err
		}
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxFile+1))
	if err != nil {
		return nil, err
	}
	if len(data) > MaxFile {
		return nil, fmt.Errorf("it is larger than %d KiB; an ignore file is a few lines", MaxFile>>10)
	}
	return data, nil
}

// Advice says where to add a line that leaves p out, for a person: the
// ignore file in use (which, for .gitignore, keeps the fallback working),
// or a new .difyignore when there is none. what names the purpose.
func (m *Matcher) Advice(line string) string {
	if m.name == "" {
		return fmt.Sprintf("create %s with the line %q", DifyIgnore, line)
	}
	return fmt.Sprintf("add the line %q to %s", line, m.name)
}
