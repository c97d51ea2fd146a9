package marketplace

import (
	"fmt"
	"regexp"
	"strings"
	"sync"

	"github.com/dify-cli/dify/internal/pytext"
)

// Sensitive capabilities: what a plugin's code is able to reach for, counted
// as the marketplace counts them. A pull request must disclose them in its
// "Security and privacy notes", and the marketplace shows them on the
// plugin's page.

// Capability is one category found in the code.
type Capability struct {
	Name    string
	Count   int      // lines that match
	Samples []string // the first 20, as "file:line: code"
}

// The categories, in the marketplace's order. `(?:^|[^\w.])` stands for the
// validator's lookbehind (?<![\w.]), which Go's expressions do not have.
var capabilityRules = []struct {
	name     string
	patterns []string
	fold     bool // SQL keywords are written in either case
}{
	{"command execution", []string{`\bsubprocess\.(?:run|Popen|call|check_call|check_output)\s*\(`, `\bos\.(?:system|popen|spawn[a-z_]*|exec[a-z_]*)\s*\(`, `\bpty\.spawn\s*\(`}, false},
	{"code execution", []string{`(?:^|[^\w.])eval\s*\(`, `(?:^|[^\w.])exec\s*\(`, `(?:^|[^\w.])compile\s*\(`, `\bimportlib\.import_module\s*\(`, `\b__import__\s*\(`, `\bpickle\.loads?\s*\(`, `\bmarshal\.loads?\s*\(`}, false},
	{"SQL or database access", []string{`\bSELECT\b[\s\S]{0,200}?\bFROM\b`, `\bINSERT\s+INTO\b`, "\\bUPDATE\\s+[\\w.\"`\\[\\]]+\\s+SET\\b", `\bDELETE\s+FROM\b`, `\bDROP\s+(?:TABLE|DATABASE|INDEX)\b`, `\bALTER\s+TABLE\b`, `\bCREATE\s+(?:TABLE|DATABASE|INDEX)\b`, `\b(?:sqlite3|psycopg|psycopg2|pymysql|mysql\.connector|sqlalchemy)\b`, `\.execute(?:many)?\s*\(`}, true},
	{"SSH or SFTP", []string{`\b(?:paramiko|asyncssh)\b`, `\bSSHClient\s*\(`, `\bpysftp\b`}, false},
	{"filesystem operations", []string{`(?:^|[^\w.])open\s*\(`, `\bos\.(?:remove|unlink|rename|replace|makedirs|listdir|walk)\s*\(`, `\bshutil\.(?:copy|copyfile|copytree|move|rmtree)\s*\(`, `\bglob\.glob\s*\(`}, false},
	{"arbitrary network requests", []string{`\brequests\.(?:get|post|put|patch|delete|head|options|request)\s*\(`, `\bhttpx\.(?:get|post|put|patch|delete|head|options|request|stream)\s*\(`, `\baiohttp\.ClientSession\s*\(`, `\burllib\.request\.(?:urlopen|Request)\s*\(`, `\burlopen\s*\(`}, false},
	{"browser automation", []string{`\b(?:playwright|selenium|pyppeteer|webdriver)\b`, `\bbrowser\.new_page\s*\(`, `\bpage\.goto\s*\(`}, false},
}

var capabilityRes = sync.OnceValue(func() []*regexp.Regexp {
	out := make([]*regexp.Regexp, len(capabilityRules))
	for i, r := range capabilityRules {
		expr := strings.Join(r.patterns, "|")
		expr = strings.ReplaceAll(expr, `\s`, `[`+pytext.SpaceClass+`]`)
		expr = strings.ReplaceAll(expr, `[^\w.]`, `[^\p{L}\p{N}_.]`)
		if r.fold {
			expr = "(?i)" + expr
		}
		out[i] = regexp.MustCompile(expr)
	}
	return out
})

const maxCapabilitySamples = 20

// Capabilities scans the plugin's code (.py, .js and .ts files outside
// hidden and vendored folders) for sensitive capabilities.
func (c *checker) capabilities() []Capability {
	counters := make([]Capability, len(capabilityRules))
	for i, r := range capabilityRules {
		counters[i].Name = r.name
	}
	for _, f := range c.t.sourceFiles() {
		switch strings.ToLower(pytext.Suffix(f.path)) {
		case ".py", ".js", ".ts":
		default:
			continue
		}
		text, _ := c.t.textOf(f.path)
		for n, line := range pytext.Lines(text) {
			s := pytext.Strip(line)
			if s == "" || strings.HasPrefix(s, "#") {
				continue
			}
			for i, re := range capabilityRes() {
				if !re.MatchString(s) {
					continue
				}
				counters[i].Count++
				if len(counters[i].Samples) < maxCapabilitySamples {
					counters[i].Samples = append(counters[i].Samples, fmt.Sprintf("%s:%d: %s", f.path, n+1, string([]rune(s)[:min(180, len([]rune(s)))])))
				}
			}
		}
	}
	var out []Capability
	for _, cp := range counters {
		if cp.Count > 0 {
			out = append(out, cp)
		}
	}
	return out
}
