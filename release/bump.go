package release

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/dify-cli/dify/internal/atomicfile"
)

// Bumped says what Bump changed.
type Bumped struct {
	From, To Version
	Files    []string // the files whose version changed: manifest.yaml, pyproject.toml
}

// Bump raises the version of the plugin in dir: manifest.yaml's top-level
// version (never meta.version, the manifest format's own) and, when it has
// one, pyproject.toml's [project] version. Only the version's text changes
// in each file; comments, quoting and order stay. Both files are checked
// before either is written.
func Bump(dir, how string) (*Bumped, error) {
	manifestPath := filepath.Join(dir, "manifest.yaml")
	data, err := os.ReadFile(manifestPath)
	if err != nil {
		return nil, err
	}
	node, err := topLevelVersion(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", manifestPath, err)
	}
	from, err := ParseVersion(node.Value)
	if err != nil {
		return nil, fmt.Errorf("%s:%d: %w", manifestPath, node.Line, err)
	}
	to, err := from.Next(how)
	if err != nil {
		return nil, err
	}
	newManifest, err := replaceScalar(data, node, to.String())
	if err != nil {
		return nil, fmt.Errorf("%s: %w", manifestPath, err)
	}
	writes := map[string][]byte{manifestPath: newManifest}
	b := &Bumped{From: from, To: to, Files: []string{"manifest.yaml"}}

	pyPath := filepath.Join(dir, "pyproject.toml")
	if py, err := os.ReadFile(pyPath); err == nil {
		if out, ok := setProjectVersion(py, to.String()); ok {
			writes[pyPath] = out
			b.Files = append(b.Files, "pyproject.toml")
		}
	} else if !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	for _, name := range []string{manifestPath, pyPath} {
		out, ok := writes[name]
		if !ok {
			continue
		}
		perm := os.FileMode(0o644)
		if st, err := os.Stat(name); err == nil {
			perm = st.Mode().Perm()
		}
		if err := atomicfile.Write(name, perm, func(w io.Writer) error { _, err := w.Write(out); return err }); err != nil {
			return nil, err
		}
	}
	return b, nil
}

// topLevelVersion finds the value node of the document's version key.
func topLevelVersion(data []byte) (*yaml.Node, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, err
	}
	if len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		return nil, errors.New("not a mapping of keys")
	}
	root := doc.Content[0]
	for i := 0; i+1 < len(root.Content); i += 2 {
		if root.Content[i].Value == "version" {
			v := root.Content[i+1]
			if v.Kind != yaml.ScalarNode {
				return nil, fmt.Errorf("line %d: version is not a plain value", v.Line)
			}
			return v, nil
		}
	}
	return nil, errors.New("no top-level version")
}

// replaceScalar writes value over a one-line scalar node, in the node's
// quoting style, leaving every other byte as it was.
func replaceScalar(data []byte, n *yaml.Node, value string) ([]byte, error) {
	lines := bytes.SplitAfter(data, []byte("\n"))
	if n.Line < 1 || n.Line > len(lines) {
		return nil, errors.New("the version's line is out of range")
	}
	start := 0
	for _, l := range lines[:n.Line-1] {
		start += len(l)
	}
	line := lines[n.Line-1]
	col := n.Column - 1 // yaml.v3 counts columns in runes from 1; the key precedes in ASCII
	if col < 0 || col > len(line) {
		return nil, errors.New("the version's column is out of range")
	}
	rest := string(line[col:])
	var length int
	var repl string
	switch n.Style {
	case yaml.DoubleQuotedStyle, yaml.SingleQuotedStyle:
		q := rest[:1]
		end := strings.Index(rest[1:], q)
		if end < 0 {
			return nil, errors.New("the version's quotes do not close on its line")
		}
		length, repl = end+2, q+value+q
	case 0:
		length = len(n.Value)
		if !strings.HasPrefix(rest, n.Value) {
			return nil, errors.New("the version is not written as a plain value on one line")
		}
		repl = value
	default:
		return nil, errors.New("the version is written in a block style; write it as version: 0.0.1")
	}
	out := make([]byte, 0, len(data)+len(value))
	out = append(out, data[:start+col]...)
	out = append(out, repl...)
	out = append(out, data[start+col+length:]...)
	return out, nil
}

var projectVersionRe = regexp.MustCompile(`^([ \t]*version[ \t]*=[ \t]*)(["'])([^"'\n]*)(["'])`)

// setProjectVersion sets the version in pyproject.toml's [project] table;
// ok is false when it has none (a dynamic version, or no [project]).
func setProjectVersion(data []byte, version string) ([]byte, bool) {
	lines := bytes.SplitAfter(data, []byte("\n"))
	inProject := false
	for i, l := range lines {
		t := strings.TrimSpace(string(l))
		if strings.HasPrefix(t, "[") {
			inProject = t == "[project]" || strings.HasPrefix(t, "[project]") && strings.HasPrefix(strings.TrimSpace(t[len("[project]"):]), "#")
			continue
		}
		if !inProject {
			continue
		}
		if m := projectVersionRe.FindSubmatchIndex(l); m != nil && string(l[m[4]:m[5]]) == string(l[m[8]:m[9]]) {
			nl := append(append(append([]byte{}, l[:m[6]]...), version...), l[m[7]:]...)
			lines[i] = nl
			return bytes.Join(lines, nil), true
		}
	}
	return data, false
}
