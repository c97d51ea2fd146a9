// Package cleanup finds the plugin versions a Dify daemon's working
// directory no longer needs, as the official `dify plugin cleanup` does: the
// daemon unpacks every installed version to <dir>/<author>/<name>-<version>@
// <checksum> and never removes old ones.
package cleanup

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/dify-cli/dify/manifest"
)

// Entry is one unpacked plugin version.
type Entry struct {
	PluginID string // author/name
	Version  string
	Checksum string // "" when the directory name has none
	Path     string
}

// Identifier is the daemon's plugin unique identifier, or "" without a
// checksum.
func (v Entry) Identifier() string {
	if v.Checksum == "" {
		return ""
	}
	return v.PluginID + ":" + v.Version + "@" + v.Checksum
}

// Plan is what a working directory holds and what can go.
type Plan struct {
	Dir     string  // the working directory, absolute
	Plugins int     // plugin ids found
	Remove  []Entry // every version below its plugin's latest
	Keep    []Entry // the latest version of each plugin (all directories of it)
}

// Scan reads dir two levels deep. A directory whose name does not parse is
// recognised by its manifest.yaml; anything else is skipped.
func Scan(dir string) (*Plan, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	authors, err := os.ReadDir(abs)
	if err != nil {
		return nil, err
	}
	byID := map[string][]Entry{}
	for _, a := range authors {
		if !a.IsDir() {
			continue
		}
		entries, err := os.ReadDir(filepath.Join(abs, a.Name()))
		if err != nil {
			continue
		}
		for _, e := range entries {
			if !e.IsDir() {
				continue
			}
			path := filepath.Join(abs, a.Name(), e.Name())
			v, ok := parseDirName(a.Name(), e.Name())
			if !ok {
				if v, ok = fromManifest(path, e.Name()); !ok {
					continue
				}
			}
			v.Path = path
			byID[v.PluginID] = append(byID[v.PluginID], v)
		}
	}
	p := &Plan{Dir: abs, Plugins: len(byID)}
	ids := make([]string, 0, len(byID))
	for id := range byID {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		list := byID[id]
		sort.SliceStable(list, func(i, j int) bool { return Compare(list[i].Version, list[j].Version) > 0 })
		for _, v := range list {
			if Compare(v.Version, list[0].Version) == 0 {
				p.Keep = append(p.Keep, v)
			} else {
				p.Remove = append(p.Remove, v)
			}
		}
	}
	return p, nil
}

// parseDirName reads <name>-<version>[@<checksum>], splitting at the last
// dash, so that pre-releases (1.0.0-beta) do not parse here.
func parseDirName(author, name string) (Entry, bool) {
	left, checksum, _ := strings.Cut(name, "@")
	i := strings.LastIndex(left, "-")
	if i <= 0 || i >= len(left)-1 {
		return Entry{}, false
	}
	version := left[i+1:]
	if manifest.CheckVersion(version) != nil {
		return Entry{}, false
	}
	return Entry{PluginID: author + "/" + left[:i], Version: version, Checksum: checksum}, true
}

func fromManifest(path, name string) (Entry, bool) {
	if _, err := os.Stat(filepath.Join(path, manifest.FileName)); err != nil {
		return Entry{}, false
	}
	p, _ := manifest.Load(os.DirFS(path))
	if p == nil || p.Manifest.Author == "" || p.Manifest.Name == "" || manifest.CheckVersion(p.Manifest.Version) != nil {
		return Entry{}, false
	}
	_, checksum, _ := strings.Cut(name, "@")
	return Entry{PluginID: p.Manifest.Author + "/" + p.Manifest.Name, Version: p.Manifest.Version, Checksum: checksum}, true
}

// Compare orders plugin versions as the official cleanup does: numerically
// by major, minor and patch; a release above its pre-releases; two
// pre-releases by their text; an invalid version below every valid one.
func Compare(a, b string) int {
	va, errA := parse(a)
	vb, errB := parse(b)
	switch {
	case errA != nil && errB != nil:
		return 0
	case errA != nil:
		return -1
	case errB != nil:
		return 1
	}
	for i := range 3 {
		if va.nums[i] != vb.nums[i] {
			if va.nums[i] < vb.nums[i] {
				return -1
			}
			return 1
		}
	}
	switch {
	case va.suffix == vb.suffix:
		return 0
	case va.suffix == "":
		return 1
	case vb.suffix == "":
		return -1
	}
	return strings.Compare(va.suffix, vb.suffix)
}

type parsed struct {
	nums   [3]int
	suffix string
}

func parse(v string) (parsed, error) {
	if err := manifest.CheckVersion(v); err != nil {
		return parsed{}, err
	}
	main, suffix, _ := strings.Cut(v, "-")
	var p parsed
	for i, part := range strings.SplitN(main, ".", 3) {
		n, err := strconv.Atoi(part)
		if err != nil {
			return parsed{}, err
		}
		p.nums[i] = n
	}
	p.suffix = suffix
	return p, nil
}

// Removed is the outcome of removing one version.
type Removed struct {
	Entry
	Err error
}

// Apply removes the plan's old versions, only ever inside its directory.
func (p *Plan) Apply() []Removed {
	var out []Removed
	for _, v := range p.Remove {
		r := Removed{Entry: v}
		rel, err := filepath.Rel(p.Dir, v.Path)
		switch {
		case err != nil || !filepath.IsLocal(rel):
			r.Err = fmt.Errorf("%s is outside %s; left alone", v.Path, p.Dir)
		default:
			r.Err = os.RemoveAll(v.Path)
		}
		out = append(out, r)
	}
	return out
}

// daemonTables are the daemon's tables that name a plugin version by its
// unique identifier (cmd/commandline/plugin/cleanup.go cleanupDatabase).
var daemonTables = []string{
	"plugins", "plugin_declarations", "serverless_runtimes", "plugin_installations",
	"tool_installations", "ai_model_installations", "datasource_installations",
	"agent_strategy_installations", "trigger_installations", "plugin_readme_records",
}

// SQL returns the statements that remove the removed versions from the
// daemon's database, which the official tool runs itself.
func SQL(removed []Removed) (string, error) {
	var ids []string
	for _, r := range removed {
		if r.Err == nil && r.Identifier() != "" {
			ids = append(ids, "'"+strings.ReplaceAll(r.Identifier(), "'", "''")+"'")
		}
	}
	if len(ids) == 0 {
		return "", errors.New("no removed version has a checksum to name it by")
	}
	slices.Sort(ids)
	list := strings.Join(ids, ", ")
	var b strings.Builder
	for _, t := range daemonTables {
		fmt.Fprintf(&b, "DELETE FROM %s WHERE plugin_unique_identifier IN (%s);\n", t, list)
	}
	return b.String(), nil
}
