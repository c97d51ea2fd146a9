package marketplace

import (
	"fmt"
	"path"
	"regexp"
	"strings"
	"sync"

	"github.com/dify-cli/dify/internal/pytext"
)

// The prohibited_financial_activity check: the marketplace forbids plugins
// that move money or assets, and words about payments, trading or transfers
// in the plugin's prose and code send it to a reviewer. It only warns; each
// line counts once, under the first category it matches.

var financialCategories = []struct {
	name     string
	patterns []string
}{
	{"payment processing", []string{`\bpayment\s+processing\b`, `\bprocess(?:ing)?\s+payments?\b`, `\bpayments?\b`, `\bcheckout\b`, `\bcharge(?:s|d)?\b`, `\brefund(?:s|ed)?\b`, `\bpayout(?:s)?\b`}},
	{"financial transactions", []string{`\bfinancial\s+transactions?\b`, `\btransactions?\b`, `\btrading\b`, `\btrade\s+(?:stock|crypto|token|asset)s?\b`, `\bplace\s+(?:an?\s+)?orders?\b`, `\bbuy\s+(?:stock|crypto|token|asset)s?\b`, `\bsell\s+(?:stock|crypto|token|asset)s?\b`}},
	{"asset transfer", []string{`\basset\s+transfers?\b`, `\btransfer\s+(?:funds?|assets?|money|cash)\b`, `\bsend\s+(?:funds?|money|cash)\b`, `\bwire\s+transfer\b`, `\bwithdraw(?:al|s)?\b`, `\bdeposit(?:s)?\b`}},
	{"token transfer", []string{`\btoken\s+transfers?\b`, `\btransfer\s+(?:crypto|tokens?|coins?|nft)s?\b`, `\bsend\s+(?:crypto|tokens?|coins?|nft)s?\b`, `\bswap\s+(?:crypto|tokens?|coins?)\b`, `\bbridge\s+(?:crypto|tokens?|coins?)\b`, `\bwallet\s+transfer\b`}},
}

// financialRes compiles each category into one expression.
var financialRes = sync.OnceValue(func() []*regexp.Regexp {
	out := make([]*regexp.Regexp, len(financialCategories))
	for i, c := range financialCategories {
		out[i] = regexp.MustCompile(`(?i)(?:` + strings.ReplaceAll(strings.Join(c.patterns, "|"), `\s`, `[`+pytext.SpaceClass+`]`) + `)`)
	}
	return out
})

const maxFinancial = 100

func (c *checker) financial() {
	e := c.emit(Financial)
	found := 0
	for _, f := range c.t.files {
		name := path.Base(f.path)
		suffix := strings.ToLower(pytext.Suffix(f.path))
		scan := name == "README" || name == "manifest.yaml" || name == "manifest.yml"
		switch suffix {
		case ".md", ".yaml", ".yml", ".json", ".toml", ".py", ".js", ".ts":
			scan = true
		}
		if !scan || f.size > maxText || pruned(f.path, toolFolders) {
			continue
		}
		text, _ := c.t.textOf(f.path)
		if !financialWords().InText(text) {
			continue
		}
		for i, line := range pytext.Lines(text) {
			s := pytext.Strip(line)
			if s == "" || !mayBeFinancial(s) {
				continue
			}
			for j, re := range financialRes() {
				if re.MatchString(s) {
					snippet := strings.Join(strings.FieldsFunc(s, pytext.IsSpace), " ")
					snippet = string([]rune(snippet)[:min(180, len([]rune(snippet)))])
					found++
					e.warn(at(f.path, i+1), "financial-activity",
						"the marketplace forbids plugins that move money or assets; if this plugin does not, the reviewer only needs to read the line",
						fmt.Sprintf("%s: %s:%d: %s", financialCategories[j].name, f.path, i+1, snippet))
					break
				}
			}
			if found >= maxFinancial {
				e.warn(at(".", 0), "financial-limit", "", fmt.Sprintf("finding limit reached; showing first %d financial activity findings", maxFinancial))
				break
			}
		}
		if found >= maxFinancial {
			break
		}
	}
	if found > 0 {
		e.warn(at(".", 0), "financial-review", "", "strong manual review required: official Dify Marketplace guidelines prohibit financial transactions, including payments, asset transfers, and token transfers")
	}
}

// financialWords are in every match of the patterns.
var financialWords = sync.OnceValue(func() *pytext.Words {
	return pytext.NewWords("pay", "checkout", "charge", "refund", "transaction", "trad", "order", "buy", "sell", "transfer", "send", "withdraw", "deposit", "swap", "bridge")
})

// mayBeFinancial skips text without any of the words the patterns need.
func mayBeFinancial(s string) bool { return financialWords().In(s) }
