package marketplace

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// The quick tests that skip text never skip text the expressions match.
func TestQuickTestsSkipNothingThatMatches(t *testing.T) {
	parts := []string{"http", "HTTPS", "://", "api.x.io", "pay", "Payments", "transfer funds", "send money", "swap tokens", "trading",
		"subprocess.run(", "os.system (", "eval(", ".eval(", "open(", "SELECT a FROM b", "select * from t", "requests.get(", "urlopen(",
		"paramiko", "page.goto(", "import", " ", "\t", "x", "ſ", "\u00a0", ".", "(", "#", "order", "PLACE AN ORDER"}
	rng := rand.New(rand.NewPCG(3, 4))
	for range 100000 {
		var b strings.Builder
		for range 1 + rng.IntN(6) {
			b.WriteString(parts[rng.IntN(len(parts))])
		}
		s := b.String()
		if urlRe().MatchString(s) && !hasHTTP(s) {
			t.Fatalf("hasHTTP skips %q", s)
		}
		for _, re := range financialRes() {
			if re.MatchString(s) && (!financialWords().In(s) || !financialWords().InText(s)) {
				t.Fatalf("the financial words skip %q", s)
			}
		}
		lower := strings.ToLower(s)
		for i, re := range capabilityRes() {
			if re.MatchString(s) && !mayMatch(i, s, lower) {
				t.Fatalf("mayMatch skips %q for %s", s, capabilityRules[i].name)
			}
		}
	}
}
