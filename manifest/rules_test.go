package manifest

import (
	"math/rand/v2"
	"regexp"
	"strings"
	"testing"
)

// The daemon's rules as it writes them; the matchers in rules.go must
// accept exactly what these accept.
var daemonRules = []struct {
	name  string
	re    *regexp.Regexp
	match func(string) bool
}{
	{"name", regexp.MustCompile(`^[a-z0-9_-]{1,128}$`), func(s string) bool { return nameMatches(s, 128) }},
	{"author", regexp.MustCompile(`^[a-z0-9_-]{1,64}$`), func(s string) bool { return nameMatches(s, 64) }},
	{"version", regexp.MustCompile(`^\d{1,4}(\.\d{1,4}){2}(-\w{1,16})?$`), versionMatches},
	{"uuid", regexp.MustCompile(`^(?i)(urn:uuid:)?\{?[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}\}?$`), uuidMatches},
	{"identifier", regexp.MustCompile(`^(?:([a-z0-9_-]{1,64})\/)?([a-z0-9_-]{1,255}):([0-9]{1,4})(\.[0-9]{1,4}){1,3}(-\w{1,16})?@[a-f0-9]{32,64}$`), identifierMatches},
}

var ruleSamples = []string{
	"", "a", "A", "-", "_", "my_plugin", "my-plugin", "My_Plugin", "plugin!", "pl ugin", "é",
	strings.Repeat("a", 64), strings.Repeat("a", 65), strings.Repeat("a", 128), strings.Repeat("a", 129),
	"0.0.1", "1.2.3", "1.2", "1.2.3.4", "1234.1234.1234", "12345.1.1", "1.2.3-beta", "1.2.3-", "1.2.3-beta_2",
	"1.2.3-" + strings.Repeat("b", 16), "1.2.3-" + strings.Repeat("b", 17), "1.2.3-be.ta", "v1.2.3", "1.2.3\n", " 1.2.3",
	"550e8400-e29b-41d4-a716-446655440000", "550E8400-E29B-41D4-A716-446655440000", "550e8400e29b41d4a716446655440000",
	"{550e8400-e29b-41d4-a716-446655440000}", "urn:uuid:550e8400-e29b-41d4-a716-446655440000", "URN:UUID:{550e8400e29b-41d4a716-446655440000",
	"550e8400-e29b-41d4-a716-44665544000", "550e8400-e29b-41d4-a716-4466554400000", "550e8400--e29b-41d4-a716-446655440000", "550e8400-e29b-41d4-a716-446655440000}",
	"langgenius/openai:0.0.1@" + strings.Repeat("a", 64), "openai:0.0.1@" + strings.Repeat("0", 32), "openai:1.2@" + strings.Repeat("f", 40),
	"a/b:1.2.3.4@" + strings.Repeat("1", 32), "a/b:1.2.3.4.5@" + strings.Repeat("1", 32), "a/b:1@" + strings.Repeat("1", 32),
	"a/b/c:1.2.3@" + strings.Repeat("1", 32), "a/b:1.2.3-rc1@" + strings.Repeat("1", 31), "a/b:1.2.3-rc1@" + strings.Repeat("1", 65),
	"a/b:1.2.3-rc1@" + strings.Repeat("A", 32), "/b:1.2.3@" + strings.Repeat("1", 32), "a/:1.2.3@" + strings.Repeat("1", 32), "a/b:1.2.3",
}

func TestRulesMatchTheDaemon(t *testing.T) {
	for _, r := range daemonRules {
		for _, s := range ruleSamples {
			if got, want := r.match(s), r.re.MatchString(s); got != want {
				t.Errorf("%s(%q) = %v, the daemon's expression says %v", r.name, s, got, want)
			}
		}
	}
	// Random strings near the edges: built from the characters the rules
	// care about, and from mutations of the samples.
	rng := rand.New(rand.NewPCG(1, 2))
	const alphabet = "aAfFgzZ09_-./:@{}urnid\n é"
	for i := 0; i < 200000; i++ {
		var s string
		if i%2 == 0 {
			b := make([]byte, rng.IntN(12))
			for j := range b {
				b[j] = alphabet[rng.IntN(len(alphabet))]
			}
			s = string(b)
		} else {
			b := []byte(ruleSamples[rng.IntN(len(ruleSamples))])
			for n := rng.IntN(3); n >= 0 && len(b) > 0; n-- {
				b[rng.IntN(len(b))] = alphabet[rng.IntN(len(alphabet))]
			}
			s = string(b)
		}
		for _, r := range daemonRules {
			if got, want := r.match(s), r.re.MatchString(s); got != want {
				t.Fatalf("%s(%q) = %v, the daemon's expression says %v", r.name, s, got, want)
			}
		}
	}
}

// FuzzRules looks for a string on which a matcher and the daemon's
// expression disagree.
func FuzzRules(f *testing.F) {
	for _, s := range ruleSamples {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, r := range daemonRules {
			if got, want := r.match(s), r.re.MatchString(s); got != want {
				t.Fatalf("%s(%q) = %v, the daemon's expression says %v", r.name, s, got, want)
			}
		}
	})
}

// CheckContact is the marketplace's e-mail expression, written out.
func TestCheckContactIsTheMarketplaceRule(t *testing.T) {
	re := regexp.MustCompile("^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(?:\\.[A-Za-z0-9-]+)+$")
	for _, s := range []string{"", "a@b.co", "dev@acme.example", "x.y+z@sub.domain.org", "a@b", "@b.co", "a@@b.co", "a@b..co", "a@.b.co",
		"a b@c.de", "a@b.c-d", "é@b.co", "a@b.co.", "a@-.co", "it's@x.io", "a@b_c.io"} {
		got := CheckContact(s) == nil
		want := s == "" || re.MatchString(s)
		if got != want {
			t.Errorf("CheckContact(%q) accepts = %v, the marketplace's rule = %v", s, got, want)
		}
	}
}
