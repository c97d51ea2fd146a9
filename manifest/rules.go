package manifest

import (
	"fmt"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/dify-cli/dify/internal/lazyregexp"
	"github.com/dify-cli/dify/internal/similar"
)

// The daemon's naming and version rules, shared by validation, init and the TUI.
var (
	nameRe    = lazyregexp.New(`^[a-z0-9_-]{1,128}$`)
	authorRe  = lazyregexp.New(`^[a-z0-9_-]{1,64}$`)
	versionRe = lazyregexp.New(`^\d{1,4}(\.\d{1,4}){2}(-\w{1,16})?$`)
	uuidRe    = lazyregexp.New(`^(?i)(urn:uuid:)?\{?[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}\}?$`)
	idRe      = lazyregexp.New(`^(?:([a-z0-9_-]{1,64})\/)?([a-z0-9_-]{1,255}):([0-9]{1,4})(\.[0-9]{1,4}){1,3}(-\w{1,16})?@[a-f0-9]{32,64}$`)
)

// CheckName explains why a plugin name is refused, or returns nil.
func CheckName(s string) error { return CheckNameOf("plugin", s) }

// CheckNameOf is CheckName for what (a "plugin", a "bundle"): the daemon
// names both with the same rule.
func CheckNameOf(what, s string) error {
	if !nameRe().MatchString(s) {
		return fmt.Errorf("%s name %q must be 1–128 characters of a-z, 0-9, _ and -", what, s)
	}
	return nil
}

// CheckAuthor explains why an author is refused, or returns nil.
func CheckAuthor(s string) error {
	if !authorRe().MatchString(s) {
		return fmt.Errorf("author %q must be 1–64 characters of a-z, 0-9, _ and -", s)
	}
	if uuidRe().MatchString(s) {
		return fmt.Errorf("author %q looks like a UUID, which the daemon refuses", s)
	}
	return nil
}

// CheckVersion explains why a version is refused, or returns nil.
func CheckVersion(s string) error {
	if !versionRe().MatchString(s) {
		return fmt.Errorf("version %q must be three numbers of up to 4 digits, like 0.0.1 or 1.2.3-beta", s)
	}
	return nil
}

// CheckIdentifier checks a unique identifier (author/name:version@checksum).
func CheckIdentifier(id string) error {
	if !idRe().MatchString(id) {
		return fmt.Errorf("plugin unique identifier %q is not valid", id)
	}
	return nil
}

// Tags are the values the daemon accepts in tags lists.
var Tags = []string{"search", "image", "videos", "weather", "finance", "design", "travel", "social", "news",
	"medical", "productivity", "education", "business", "entertainment", "utilities", "agent", "rag",
	"other", "trigger"}

// Languages are the I18n keys the daemon keeps; others are dropped.
var Languages = []string{"en_US", "zh_Hans", "ja_JP", "pt_BR"}

func runes(s string) int { return utf8.RuneCountInString(s) }

// validURL mirrors the validator's `url` tag: a scheme, and a host, a
// fragment or an opaque part.
func validURL(s string) bool {
	u, err := url.Parse(strings.ToLower(s))
	if err != nil || u.Scheme == "" {
		return false
	}
	return u.Host != "" || u.Fragment != "" || u.Opaque != ""
}

// validTimestamp accepts what yaml.v3 decodes into a time.Time.
func validTimestamp(s string, quoted bool) bool {
	layouts := []string{time.RFC3339Nano, time.RFC3339}
	if !quoted {
		layouts = append(layouts, "2006-1-2t15:4:5.999999999Z07:00", "2006-1-2 15:4:5.999999999", "2006-1-2T15:4:5.999999999", "2006-1-2")
	}
	for _, l := range layouts {
		if t, err := time.Parse(l, s); err == nil && !t.IsZero() {
			return true
		}
	}
	return false
}

// closest returns the candidate nearest to s, when it is a likely typo.
func closest(s string, candidates []string) string { return similar.Closest(s, candidates) }
