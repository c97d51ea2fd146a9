package pack

import (
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// Targets expands the plugin arguments of a command that takes several:
// DIR/... stands for every plugin directory below DIR (a directory with a
// manifest.yaml, not looked into further), in path order; anything else is
// kept as given. Hidden folders, virtual environments and node_modules are
// not searched.
func Targets(args []string) ([]string, error) {
	var out []string
	for _, a := range args {
		root, ok := strings.CutSuffix(filepath.ToSlash(a), "/...")
		if !ok {
			out = append(out, a)
			continue
		}
		if root == "" {
			root = "."
		}
		found, err := findPlugins(filepath.FromSlash(root))
		if err != nil {
			return nil, err
		}
		if len(found) == 0 {
			return nil, &NoPluginsError{Root: root}
		}
		out = append(out, found...)
	}
	return out, nil
}

// NoPluginsError is DIR/... with no plugin below DIR.
type NoPluginsError struct{ Root string }

func (e *NoPluginsError) Error() string {
	return "no plugin below " + e.Root + " (a plugin is a folder with a manifest.yaml)"
}

func findPlugins(root string) ([]string, error) {
	var out []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			return nil
		}
		name := d.Name()
		if p != root && (strings.HasPrefix(name, ".") || name == "node_modules" || name == "venv" || name == "__pycache__") {
			return filepath.SkipDir
		}
		if st, err := os.Stat(filepath.Join(p, "manifest.yaml")); err == nil && st.Mode().IsRegular() {
			out = append(out, p)
			return filepath.SkipDir
		}
		return nil
	})
	sort.Strings(out)
	return out, err
}
