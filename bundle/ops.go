package bundle

import (
	"bytes"
	"fmt"
	"io/fs"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/dify-cli/dify/checksum"
	"github.com/dify-cli/dify/manifest"
	"github.com/dify-cli/dify/pack"
	"github.com/dify-cli/dify/scaffold"
	"github.com/dify-cli/dify/templates"
	"gopkg.in/yaml.v3"
)

// Profile is what init and regenerate ask for.
type Profile struct {
	Name, Author, Description string
}

// Validate checks a profile with the plugin naming rules.
func (p Profile) Validate() error {
	for _, err := range []error{CheckName(p.Name), CheckAuthor(p.Author), CheckDescription(p.Description)} {
		if err != nil {
			return err
		}
	}
	return nil
}

// Init creates the bundle directory dir with a manifest, a README and an icon.
// Nothing is written when p is invalid or dir exists and is not empty.
func Init(dir string, p Profile, now time.Time) error {
	if err := p.Validate(); err != nil {
		return err
	}
	icon, err := fs.ReadFile(templates.FS, "icons/bundle-light.svg")
	if err != nil {
		return err
	}
	var m bytes.Buffer
	fmt.Fprintf(&m, "name: %s\nlabels:\n%sdescription:\n%sicon: icon.svg\nversion: 0.0.1\nauthor: %s\ntype: bundle\ntags: []\ndependencies: []\n",
		p.Name, i18n(p.Name), i18n(p.Description), p.Author)
	readme := fmt.Sprintf("# %s\n\n**Author:** %s\n**Version:** 0.0.1\n**Date:** %s\n\n%s\n", p.Name, p.Author, now.UTC().Format("2006-01-02"), p.Description)
	return scaffold.Write(dir, []scaffold.File{
		{Path: ManifestFile, Data: m.Bytes()},
		{Path: "README.md", Data: []byte(readme)},
		{Path: "_assets/icon.svg", Data: icon},
	}, false)
}

func i18n(text string) string {
	q := quote(text)
	var b strings.Builder
	for _, lang := range manifest.Languages {
		fmt.Fprintf(&b, "  %s: %s\n", lang, q)
	}
	return b.String()
}

func quote(s string) string {
	out, _ := yaml.Marshal(s)
	return strings.TrimSuffix(string(out), "\n")
}

// Load reads and decodes the bundle's manifest.
func (s *Store) Load() (*Manifest, *yaml.Node, error) {
	data, err := s.ReadFile(ManifestFile)
	if err != nil {
		return nil, nil, err
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, nil, fmt.Errorf("%s: %v", ManifestFile, err)
	}
	var m Manifest
	if err := doc.Decode(&m); err != nil {
		return nil, nil, fmt.Errorf("%s: %v", ManifestFile, err)
	}
	if len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		return nil, nil, fmt.Errorf("%s is not a YAML mapping", ManifestFile)
	}
	return &m, &doc, nil
}

// edit loads the manifest, lets f change it, and applies the result with the
// other changes f asks for.
func (s *Store) edit(f func(m *Manifest, root *yaml.Node, c *Change) error) error {
	m, doc, err := s.Load()
	if err != nil {
		return err
	}
	var c Change
	if err := f(m, doc.Content[0], &c); err != nil {
		return err
	}
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(doc); err != nil {
		return err
	}
	enc.Close()
	c.Manifest = buf.Bytes()
	return s.Apply(c)
}

// AppendGitHub adds a dependency on a GitHub release asset.
func (s *Store) AppendGitHub(pattern string) error {
	if err := CheckGitHub(pattern); err != nil {
		return err
	}
	return s.appendDependency(GitHub, pattern, nil)
}

// AppendMarketplace adds a dependency on a Marketplace plugin.
func (s *Store) AppendMarketplace(pattern string) error {
	if err := CheckMarketplace(pattern); err != nil {
		return err
	}
	return s.appendDependency(Marketplace, pattern, nil)
}

// AppendPackage stores a .difypkg in the bundle as _assets/<checksum> and
// adds a dependency on it. It returns the checksum.
func (s *Store) AppendPackage(pkgPath string) (string, error) {
	arc, err := pack.OpenArchive(pkgPath, MaxSize)
	if err != nil {
		return "", fmt.Errorf("%v; give a .difypkg made by `dify plugin package`", err)
	}
	defer arc.Close()
	p, ds := manifest.Load(arc)
	if p == nil {
		return "", fmt.Errorf("%s is not a plugin package: %v", pkgPath, ds.Err())
	}
	sum, err := checksum.Sum(arc)
	if err != nil {
		return "", err
	}
	// The same plugin twice (weather.difypkg and weather.signed.difypkg,
	// two versions) would install twice: a bundle holds one of each.
	if deps, err := s.Analyze(); err == nil {
		for _, d := range deps {
			if d.Organization == p.Manifest.Author && d.Plugin == p.Manifest.Name && d.Pattern != sum {
				return "", fmt.Errorf("the bundle already has %s/%s (dependency %d, %s %s); a bundle installs one copy of each plugin: remove it first with `dify bundle remove %d`",
					p.Manifest.Author, p.Manifest.Name, d.Index, d.Type, d.Version, d.Index)
			}
		}
	}
	return sum, s.appendDependency(Package, sum, map[string]string{"_assets/" + sum: pkgPath})
}

func (s *Store) appendDependency(kind, pattern string, add map[string]string) error {
	return s.edit(func(m *Manifest, root *yaml.Node, c *Change) error {
		for _, d := range m.Dependencies {
			if d.Type == kind && d.Pattern() == pattern {
				return fmt.Errorf("the bundle already has the %s dependency %s", kind, pattern)
			}
		}
		deps := mapping(root, "dependencies", yaml.SequenceNode)
		deps.Style = 0 // `dependencies: []` becomes a block list
		deps.Content = append(deps.Content, &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Content: []*yaml.Node{
			str("type"), str(kind), str("value"),
			{Kind: yaml.MappingNode, Tag: "!!map", Content: []*yaml.Node{str(valueKey(kind)), str(pattern)}},
		}})
		c.Add = add
		return nil
	})
}

// Remove deletes dependency i (0-based), and its stored package when no
// other dependency uses it. It returns the removed dependency.
func (s *Store) Remove(i int) (Dependency, error) {
	var removed Dependency
	err := s.edit(func(m *Manifest, root *yaml.Node, c *Change) error {
		if i < 0 || i >= len(m.Dependencies) {
			return fmt.Errorf("no dependency %d: the bundle has %d (numbered from 0; see `dify bundle analyze`)", i, len(m.Dependencies))
		}
		removed = m.Dependencies[i]
		deps := mapping(root, "dependencies", yaml.SequenceNode)
		deps.Content = slices.Delete(deps.Content, i, i+1)
		if removed.Type == Package {
			shared := false
			for j, d := range m.Dependencies {
				shared = shared || (j != i && d.Type == Package && d.Pattern() == removed.Pattern())
			}
			if !shared {
				c.Remove = []string{"_assets/" + removed.Pattern()}
			}
		}
		return nil
	})
	return removed, err
}

// Bump sets the bundle's version.
func (s *Store) Bump(version string) error {
	if err := CheckVersion(version); err != nil {
		return err
	}
	return s.edit(func(m *Manifest, root *yaml.Node, c *Change) error {
		setScalar(root, "version", version)
		return nil
	})
}

// Regenerate replaces the bundle's name, author, labels and description.
func (s *Store) Regenerate(p Profile) error {
	if err := p.Validate(); err != nil {
		return err
	}
	return s.edit(func(m *Manifest, root *yaml.Node, c *Change) error {
		setScalar(root, "name", p.Name)
		setScalar(root, "author", p.Author)
		for key, text := range map[string]string{"labels": p.Name, "description": p.Description} {
			n := mapping(root, key, yaml.MappingNode)
			for _, lang := range manifest.Languages {
				setScalar(n, lang, text)
			}
		}
		return nil
	})
}

// Profile returns the current name, author and description.
func (m *Manifest) Profile() Profile {
	return Profile{Name: m.Name, Author: m.Author, Description: m.Description["en_US"]}
}

// Analyze returns the bundle's dependencies with their parsed parts.
func (s *Store) Analyze() ([]Parsed, error) {
	m, _, err := s.Load()
	if err != nil {
		return nil, err
	}
	out := []Parsed{}
	for i, d := range m.Dependencies {
		p := d.Parse(i)
		if d.Type == Package {
			p.Size, _ = s.Size("_assets/" + d.Pattern())
			if author, name, version, err := s.storedPlugin(d.Pattern()); err == nil {
				p.Organization, p.Plugin, p.Version = author, name, version
			}
		}
		out = append(out, p)
	}
	return out, nil
}

// storedPlugin reads who a package stored in the bundle is.
func (s *Store) storedPlugin(sum string) (author, name, version string, err error) {
	arc, done, err := s.openPackage("_assets/" + sum)
	if err != nil {
		return "", "", "", err
	}
	defer done()
	defer arc.Close()
	p, ds := manifest.Load(arc)
	if p == nil {
		return "", "", "", ds.Err()
	}
	return p.Manifest.Author, p.Manifest.Name, p.Manifest.Version, nil
}

func str(s string) *yaml.Node { return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s} }

// mapping returns the value of key in m, creating it with the given kind.
func mapping(m *yaml.Node, key string, kind yaml.Kind) *yaml.Node {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			v := m.Content[i+1]
			if v.Kind != kind {
				v.Kind, v.Value, v.Content = kind, "", nil
				v.Tag = map[yaml.Kind]string{yaml.SequenceNode: "!!seq", yaml.MappingNode: "!!map"}[kind]
			}
			return v
		}
	}
	v := &yaml.Node{Kind: kind, Tag: map[yaml.Kind]string{yaml.SequenceNode: "!!seq", yaml.MappingNode: "!!map"}[kind]}
	m.Content = append(m.Content, str(key), v)
	return v
}

func setScalar(m *yaml.Node, key, value string) {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			v := m.Content[i+1]
			v.Kind, v.Tag, v.Value, v.Content, v.Style = yaml.ScalarNode, "!!str", value, nil, 0
			return
		}
	}
	m.Content = append(m.Content, str(key), str(value))
}

// ParseIndex reads a dependency index given on the command line.
func ParseIndex(s string) (int, error) {
	i, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil {
		return 0, fmt.Errorf("index %q is not a number", s)
	}
	return i, nil
}
