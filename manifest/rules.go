package manifest

import (
	"fmt"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/dify-cli/dify/internal/similar"
)

// The daemon's naming and version rules, shared by validation, init and
// the TUI. The daemon writes them as regular expressions (kept in
// rules_test.go, which checks these functions against them); compiling the
// counted repetitions took a fifth of a millisecond on every run.

// isNameChar is [a-z0-9_-].
func isNameChar(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' || c == '-'
}

// isWordChar is \w: [0-9A-Za-z_].
func isWordChar(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_'
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func isHex(c byte) bool { return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' }

// span is the length of the run of s's leading bytes that satisfy ok.
func span(s string, ok func(byte) bool) int {
	n := 0
	for n < len(s) && ok(s[n]) {
		n++
	}
	return n
}

// nameMatches is ^[a-z0-9_-]{1,max}$.
func nameMatches(s string, max int) bool {
	return len(s) >= 1 && len(s) <= max && span(s, isNameChar) == len(s)
}

// versionPrefix matches ^\d{1,4}(\.\d{1,4}){min-1,max-1}(-\w{1,16})? at
// the start of s and returns the rest of s.
func versionPrefix(s string, min, max int) (rest string, ok bool) {
	for i := 0; i < max; i++ {
		if i > 0 {
			if len(s) == 0 || s[0] != '.' {
				if i < min {
					return s, false
				}
				break
			}
			s = s[1:]
		}
		n := span(s, isDigit)
		if n < 1 || n > 4 {
			return s, false
		}
		s = s[n:]
	}
	if len(s) > 0 && s[0] == '-' {
		n := span(s[1:], isWordChar)
		if n < 1 || n > 16 {
			return s, false
		}
		s = s[1+n:]
	}
	return s, true
}

// versionMatches is ^\d{1,4}(\.\d{1,4}){2}(-\w{1,16})?$.
func versionMatches(s string) bool {
	rest, ok := versionPrefix(s, 3, 3)
	return ok && rest == ""
}

// uuidMatches is ^(?i)(urn:uuid:)?\{?[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}\}?$.
// None of its letters has a case partner outside ASCII, so folding ASCII
// is the whole of (?i).
func uuidMatches(s string) bool {
	s = asciiLower(s)
	s = strings.TrimPrefix(s, "urn:uuid:")
	s = strings.TrimPrefix(s, "{")
	s = strings.TrimSuffix(s, "}")
	for i, n := range []int{8, 4, 4, 4, 12} {
		if i > 0 && len(s) > 0 && s[0] == '-' {
			s = s[1:]
		}
		if len(s) < n || span(s[:n], isHex) != n {
			return false
		}
		s = s[n:]
	}
	return s == ""
}

func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// identifierMatches is
// ^(?:([a-z0-9_-]{1,64})\/)?([a-z0-9_-]{1,255}):([0-9]{1,4})(\.[0-9]{1,4}){1,3}(-\w{1,16})?@[a-f0-9]{32,64}$.
func identifierMatches(s string) bool {
	name, rest, ok := strings.Cut(s, ":")
	if !ok {
		return false
	}
	if author, n, found := strings.Cut(name, "/"); found {
		if !nameMatches(author, 64) {
			return false
		}
		name = n
	}
	if !nameMatches(name, 255) {
		return false
	}
	rest, ok = versionPrefix(rest, 2, 4)
	if !ok || len(rest) == 0 || rest[0] != '@' {
		return false
	}
	sum := rest[1:]
	return len(sum) >= 32 && len(sum) <= 64 && span(sum, isHex) == len(sum)
}

// CheckName explains why a plugin name is refused, or returns nil.
func CheckName(s string) error { return CheckNameOf("plugin", s) }

// CheckNameOf is CheckName for what (a "plugin", a "bundle"): the daemon
// names both with the same rule.
func CheckNameOf(what, s string) error {
	if !nameMatches(s, 128) {
		return fmt.Errorf("%s name %q must be 1–128 characters of a-z, 0-9, _ and -", what, s)
	}
	return nil
}

// CheckAuthor explains why an author is refused, or returns nil.
func CheckAuthor(s string) error {
	if !nameMatches(s, 64) {
		return fmt.Errorf("author %q must be 1–64 characters of a-z, 0-9, _ and -", s)
	}
	if uuidMatches(s) {
		return fmt.Errorf("author %q looks like a UUID, which the daemon refuses", s)
	}
	return nil
}

// CheckContact accepts an empty contact or one e-mail address, as the
// marketplace's validator reads manifest.yaml's contact.
func CheckContact(s string) error {
	if s != "" && !emailMatches(s) {
		return fmt.Errorf("contact %q must be one e-mail address, such as you@example.com", s)
	}
	return nil
}

// emailMatches is the marketplace's e-mail rule:
// ^[A-Za-z0-9.!#$%&'*+/=?^_`+"`"+`{|}~-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$
func emailMatches(s string) bool {
	local, domain, ok := strings.Cut(s, "@")
	if !ok || local == "" {
		return false
	}
	for _, r := range local {
		if !(r < 128 && (isAlnum(byte(r)) || strings.ContainsRune(".!#$%&'*+/=?^_`{|}~-", r))) {
			return false
		}
	}
	labels := strings.Split(domain, ".")
	if len(labels) < 2 {
		return false
	}
	for _, l := range labels {
		if l == "" {
			return false
		}
		for _, r := range l {
			if !(r < 128 && (isAlnum(byte(r)) || r == '-')) {
				return false
			}
		}
	}
	return true
}

func isAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// CheckVersion explains why a version is refused, or returns nil.
func CheckVersion(s string) error {
	if !versionMatches(s) {
		return fmt.Errorf("version %q must be three numbers of up to 4 digits, like 0.0.1 or 1.2.3-beta", s)
	}
	return nil
}

// CheckIdentifier checks a unique identifier (author/name:version@checksum).
func CheckIdentifier(id string) error {
	if !identifierMatches(id) {
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
