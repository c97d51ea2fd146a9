// Package bundle creates and edits Dify plugin bundles: a manifest.yaml of
// type bundle listing plugins to install together, from GitHub releases, the
// Marketplace, or packages stored in the bundle under _assets/<checksum>.
// A bundle is a directory or a .difybndl zip; every operation works on both.
package bundle

import (
	"fmt"
	"strings"

	"github.com/dify-cli/dify/internal/lazyregexp"
	"github.com/dify-cli/dify/manifest"
)

// Dependency kinds.
const (
	GitHub      = "github"
	Marketplace = "marketplace"
	Package     = "package"
)

// Manifest mirrors a bundle's manifest.yaml.
type Manifest struct {
	Name         string            `yaml:"name" json:"name"`
	Labels       map[string]string `yaml:"labels" json:"labels"`
	Description  map[string]string `yaml:"description" json:"description"`
	Icon         string            `yaml:"icon" json:"icon"`
	Version      string            `yaml:"version" json:"version"`
	Author       string            `yaml:"author" json:"author"`
	Type         string            `yaml:"type" json:"type"`
	Tags         []string          `yaml:"tags" json:"tags"`
	Dependencies []Dependency      `yaml:"dependencies" json:"dependencies"`
}

// Dependency is one plugin of a bundle.
type Dependency struct {
	Type  string            `yaml:"type" json:"type"`
	Value map[string]string `yaml:"value" json:"value"`
}

// valueKey is the key of a dependency's value for each kind.
func valueKey(kind string) string {
	switch kind {
	case GitHub:
		return "repo_pattern"
	case Marketplace:
		return "marketplace_pattern"
	}
	return "path"
}

// Pattern returns the dependency's pattern or package checksum.
func (d Dependency) Pattern() string { return d.Value[valueKey(d.Type)] }

// The daemon's version grammar for patterns: an exact or caret/tilde version,
// x wildcards, or a range.
const versionPattern = `(?:[~^]?\d{1,4}\.\d{1,4}\.\d{1,4}(?:-\w{1,16})?|(?:\d{1,4}|[xX])\.(?:\d{1,4}|[xX])\.(?:\d{1,4}|[xX])|\d{1,4}\.\d{1,4}\.\d{1,4}-\d{1,4}\.\d{1,4}\.\d{1,4})`

var (
	githubRe      = lazyregexp.New(`^([a-z0-9_-]{1,64})/([a-z0-9_-]{1,128}):(` + versionPattern + `)/([^/]+)$`)
	marketplaceRe = lazyregexp.New(`^([a-z0-9_-]{1,64})/([a-z0-9_-]{1,128}):(` + versionPattern + `)$`)
)

// CheckGitHub explains why a GitHub pattern is refused.
func CheckGitHub(p string) error {
	if !githubRe().MatchString(p) {
		return fmt.Errorf("GitHub pattern %q must look like org/repo:1.0.0/asset.difypkg (version may be ^1.0.0, ~1.0.0, 1.x.x or 1.0.0-2.0.0)", p)
	}
	return nil
}

// CheckMarketplace explains why a Marketplace pattern is refused.
func CheckMarketplace(p string) error {
	if !marketplaceRe().MatchString(p) {
		return fmt.Errorf("the Marketplace pattern %q must look like org/plugin:^1.0.0", p)
	}
	return nil
}

// A bundle's name, author and version follow the plugin rules; these
// name the thing checked.

// CheckVersion explains why a bundle version is refused.
func CheckVersion(v string) error { return manifest.CheckVersion(v) }

// CheckName explains why a bundle name is refused.
func CheckName(s string) error { return manifest.CheckNameOf("bundle", s) }

// CheckAuthor explains why an author is refused (a UUID too, as the daemon does).
func CheckAuthor(s string) error { return manifest.CheckAuthor(s) }

// CheckDescription requires a description.
func CheckDescription(s string) error {
	if strings.TrimSpace(s) == "" {
		return fmt.Errorf("the description is required")
	}
	return nil
}

// Parsed are the parts of a dependency, for analyze.
type Parsed struct {
	Index        int    `json:"index"`
	Type         string `json:"type"`
	Pattern      string `json:"pattern"`
	Organization string `json:"organization,omitempty"`
	Plugin       string `json:"plugin,omitempty"`
	Version      string `json:"version,omitempty"`
	Repo         string `json:"repo,omitempty"`
	Asset        string `json:"asset,omitempty"`
	Size         int64  `json:"size,omitempty"` // package dependencies: bytes of the stored package
}

// Parse splits a dependency into its parts.
func (d Dependency) Parse(index int) Parsed {
	p := Parsed{Index: index, Type: d.Type, Pattern: d.Pattern()}
	switch d.Type {
	case GitHub:
		if m := githubRe().FindStringSubmatch(p.Pattern); m != nil {
			p.Organization, p.Plugin, p.Version, p.Asset = m[1], m[2], m[3], m[4]
			p.Repo = "https://github.com/" + m[1] + "/" + m[2]
		}
	case Marketplace:
		if m := marketplaceRe().FindStringSubmatch(p.Pattern); m != nil {
			p.Organization, p.Plugin, p.Version = m[1], m[2], m[3]
		}
	}
	return p
}
