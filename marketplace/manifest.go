package marketplace

import (
	"fmt"
	"path"
	"regexp"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/dify-cli/dify/internal/lazyregexp"
	"github.com/dify-cli/dify/manifest"
)

// The manifest_metadata check. The validator reads each field with
// `yq -r '.field // ""'`, so a field counts as missing when it is absent,
// null, false or blank; a list or a map, even an empty one, is present.

var requiredFields = []string{
	"author", "name", "version", "type", "icon", "plugins", "privacy", "repo", "contact", "label.en_US",
	"description.en_US", "meta.version", "meta.arch", "meta.runner.language", "meta.runner.version", "meta.runner.entrypoint",
}

var fieldHints = map[string]string{
	"repo":    "add repo: https://github.com/YOU/REPO, the plugin's source repository",
	"contact": "add contact: you@example.com, the address the marketplace's reviewers write to",
	"privacy": "add privacy: PRIVACY.md and describe in that file what data the plugin collects and sends",
	"icon":    "add icon: icon.svg and put the file in _assets/",
}

var (
	schemeRe = lazyregexp.New(`^[a-zA-Z][a-zA-Z0-9+.-]*:`)
)

// The hosts the marketplace accepts for a plugin's source repository.
var sourceHosts = []string{"github.com", "gitlab.com", "bitbucket.org", "gitee.com", "codeberg.org", "git.sr.ht", "gitlab.anchnet.com"}

func hostAlternation() string {
	quoted := make([]string, len(sourceHosts))
	for i, h := range sourceHosts {
		quoted[i] = regexp.QuoteMeta(h)
	}
	return strings.Join(quoted, "|")
}

var (
	repoURLRe  = lazyregexp.New(`(?i)^https?://(?:www\.)?(?:` + hostAlternation() + `)/[^\s)>"]+$`)
	repoLinkRe = lazyregexp.New(`(?i)https?://(?:www\.)?(?:` + hostAlternation() + `)/[^\s)>"]+`)
)

const hostsHint = "the marketplace accepts github.com, gitlab.com, bitbucket.org, gitee.com, codeberg.org, git.sr.ht and gitlab.anchnet.com"

var privacyMarkers = []string{"please fill in the privacy policy"}

var privacyKeywords = []string{"collect", "collection", "personal data", "user data", "data collected", "store", "storage",
	"retain", "retention", "persist", "log", "logging", "third party", "third-party", "share", "send", "transmit",
	"external service", "no user data collected", "does not collect", "do not collect", "not collect any user data"}

// fields are the manifest's values as the validator reads them.
type fields struct {
	root   *yaml.Node // the document's mapping, or nil
	values map[string]string
}

func (f *fields) get(name string) string { return f.values[name] }

// pos is where a field is: its key's line, or the line of the nearest
// parent present when it is missing.
func (f *fields) pos(name string) manifest.Position {
	n, line := f.root, 0
	for _, k := range strings.Split(name, ".") {
		v, key := lookupKey(n, k)
		if v == nil {
			break
		}
		n, line = v, key.Line
	}
	return at(manifestFile, line)
}

const manifestFile = "manifest.yaml"

func readFields(data []byte) (*fields, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, err
	}
	f := &fields{values: map[string]string{}}
	if len(doc.Content) > 0 {
		f.root = deref(doc.Content[0])
	}
	for _, name := range append(requiredFields, "meta.minimum_dify_version") {
		f.values[name] = yqString(f.root, strings.Split(name, "."))
	}
	return f, nil
}

func deref(n *yaml.Node) *yaml.Node {
	for n != nil && n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	return n
}

// lookupKey finds key in a mapping, following merge keys (<<) as yq does;
// it returns the value and the key node.
func lookupKey(n *yaml.Node, key string) (*yaml.Node, *yaml.Node) {
	n = deref(n)
	if n == nil || n.Kind != yaml.MappingNode {
		return nil, nil
	}
	var merges []*yaml.Node
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := n.Content[i]
		if k.Value == key && k.Tag != "!!merge" {
			return deref(n.Content[i+1]), k
		}
		if k.Tag == "!!merge" || k.Value == "<<" {
			merges = append(merges, deref(n.Content[i+1]))
		}
	}
	for _, m := range merges {
		if m.Kind == yaml.SequenceNode {
			for _, s := range m.Content {
				if v, k := lookupKey(s, key); v != nil {
					return v, k
				}
			}
		} else if v, k := lookupKey(m, key); v != nil {
			return v, k
		}
	}
	return nil, nil
}

// yqString is what `yq -r '.a.b // ""'` prints, stripped.
func yqString(root *yaml.Node, keys []string) string {
	n := root
	for _, k := range keys {
		n, _ = lookupKey(n, k)
		if n == nil {
			return ""
		}
	}
	switch n.Kind {
	case yaml.ScalarNode:
		if n.Tag == "!!null" || (n.Tag == "!!bool" && strings.EqualFold(n.Value, "false")) {
			return ""
		}
		return strings.TrimSpace(n.Value)
	case yaml.MappingNode, yaml.SequenceNode:
		return "(" + n.Tag + ")" // yq prints it as YAML: never empty
	}
	return ""
}

func (c *checker) manifestMetadata() {
	e := c.emit(Manifest)
	if !c.t.has(manifestFile) {
		e.block(at(manifestFile, 0), "manifest-missing", "", "missing required file: manifest.yaml")
		return
	}
	f := c.fields
	if f == nil {
		e.block(at(manifestFile, 0), "manifest-parse", "fix the YAML error that `dify plugin validate` shows",
			fmt.Sprintf("failed to parse manifest.yaml: %v", c.fieldsErr))
		return
	}
	for _, name := range requiredFields {
		if f.get(name) == "" {
			e.block(f.pos(name), "required-field", fieldHints[name], "missing required field: "+name)
		}
	}
	if f.get("meta.minimum_dify_version") == "" {
		e.warn(f.pos("meta.minimum_dify_version"), "recommended-field", "add meta: minimum_dify_version: 1.0.0 (the oldest Dify the plugin works with)",
			"missing recommended field: meta.minimum_dify_version")
	}
	author := f.get("author")
	for _, word := range []string{"langgenius", "dify"} {
		if strings.Contains(author, word) {
			e.block(f.pos("author"), "author-reserved", "use your own name or organization; the check is case-sensitive and matches anywhere in the name",
				fmt.Sprintf("author must not contain '%s'", word))
		}
	}
	if t := f.get("type"); t != "" && t != "plugin" {
		e.block(f.pos("type"), "type", "set type: plugin; bundles are not submitted this way", "type must be 'plugin'")
	}
	if repo := f.get("repo"); repo != "" && !repoURLRe().MatchString(repo) {
		e.block(f.pos("repo"), "repo-host", hostsHint+"; write the repository's full URL, e.g. https://github.com/you/plugin",
			fmt.Sprintf("repo host `%s` is not an allowed source repository host", urlHost(repo)))
	}
	if contact := f.get("contact"); contact != "" && manifest.CheckContact(contact) != nil {
		e.block(f.pos("contact"), "contact-email", "write one e-mail address, e.g. contact: you@example.com", "contact must be a valid email address")
	}
	if !c.t.has("PRIVACY.md") {
		hint := "add PRIVACY.md at the plugin's root"
		if strings.HasPrefix(f.get("privacy"), "http") {
			hint += "; the validator asks for the file even when privacy is a URL"
		}
		e.block(at("PRIVACY.md", 0), "privacy-file", hint, "missing required file: PRIVACY.md")
	}
	privacy := f.get("privacy")
	switch {
	case privacy == "", strings.HasPrefix(privacy, "http://"), strings.HasPrefix(privacy, "https://"):
	case schemeRe().MatchString(privacy):
		e.block(f.pos("privacy"), "privacy-url", "", "privacy URL must start with http:// or https://")
	default:
		ref := strings.TrimPrefix(privacy, "./")
		clean := path.Clean(ref)
		switch {
		case strings.HasPrefix(ref, "/") || clean == ".." || strings.HasPrefix(clean, "../"):
			e.block(f.pos("privacy"), "privacy-path", "name a file inside the plugin, e.g. privacy: PRIVACY.md",
				"privacy must reference a file inside the package: "+privacy)
		case !c.t.has(clean):
			e.block(f.pos("privacy"), "privacy-path", "create the file, or point privacy at the one that exists",
				"privacy references missing file: "+privacy)
		default:
			c.privacyPolicy(e, clean)
		}
	}
}

func (c *checker) privacyPolicy(e emit, name string) {
	text, _ := c.t.textOf(name)
	lower := strings.ToLower(text)
	switch {
	case strings.TrimSpace(lower) == "":
		e.block(at(name, 0), "privacy-empty", "say what data the plugin collects, stores and sends, or that it collects none",
			"privacy policy file is empty: "+path.Base(name))
	case containsAny(lower, privacyMarkers):
		e.block(at(name, lineOf(lower, privacyMarkers[0])), "privacy-template",
			"write the plugin's own policy: what data it collects, where it sends it, how long it is kept (or that it collects none)",
			"privacy policy file still contains template placeholder text: "+path.Base(name))
	case !containsAny(lower, privacyKeywords):
		e.warn(at(name, 0), "privacy-disclosure", "say what the plugin collects, stores, logs or shares, or write \"does not collect\" any user data",
			"privacy policy may be missing data collection, storage, logging, third-party sharing, or no-user-data-collected disclosure")
	}
}

func containsAny(s string, words []string) bool {
	for _, w := range words {
		if strings.Contains(s, w) {
			return true
		}
	}
	return false
}

// lineOf is the 1-based line of the first occurrence of sub in s, or 0.
func lineOf(s, sub string) int {
	i := strings.Index(s, sub)
	if i < 0 {
		return 0
	}
	return strings.Count(s[:i], "\n") + 1
}

func urlHost(u string) string {
	rest := u
	if i := strings.Index(rest, "://"); i >= 0 {
		rest = rest[i+3:]
	}
	if i := strings.IndexAny(rest, "/?#"); i >= 0 {
		rest = rest[:i]
	}
	if i := strings.LastIndexByte(rest, '@'); i >= 0 {
		rest = rest[i+1:]
	}
	if rest == "" {
		return u
	}
	return strings.ToLower(strings.Split(rest, ":")[0])
}
