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
	fold     bool     // SQL keywords are written in either case
	needs    []string // text every match contains (lower case when fold): other lines are not searched
}{
	{"command execution", []string{`\bsubprocess\.(?:run|Popen|call|check_call|check_output)\s*\(`, `\bos\.(?:system|popen|spawn[a-z_]*|exec[a-z_]*)\s*\(`, `\bpty\.spawn\s*\(`}, false, []string{"subprocess.", "os.", "pty.spawn"}},
	{"code execution", []string{`(?:^|[^\w.])eval\s*\(`, `(?:^|[^\w.])exec\s*\(`, `(?:^|[^\w.])compile\s*\(`, `\bimportlib\.import_module\s*\(`, `\b__import__\s*\(`, `\bpickle\.loads?\s*\(`, `\bmarshal\.loads?\s*\(`}, false, []string{"eval", "exec", "compile", "import_module", "__import__", "pickle.", "marshal."}},
	{"SQL or database access", []string{`\bSELECT\b[\s\S]{0,200}?\bFROM\b`, `\bINSERT\s+INTO\b`, "\\bUPDATE\\s+[\\w.\"`\\[\\]]+\\s+SET\\b", `\bDELETE\s+FROM\b`, `\bDROP\s+(?:TABLE|DATABASE|INDEX)\b`, `\bALTER\s+TABLE\b`, `\bCREATE\s+(?:TABLE|DATABASE|INDEX)\b`, `\b(?:sqlite3|psycopg|psycopg2|pymysql|mysql\.connector|sqlalchemy)\b`, `\.execute(?:many)?\s*\(`}, true, []string{"select", "insert", "update", "delete", "drop", "alter", "create", "sqlite3", "psycopg", "pymysql", "mysql.connector", "sqlalchemy", ".execute"}},
	{"SSH or SFTP", []string{`\b(?:paramiko|asyncssh)\b`, `\bSSHClient\s*\(`, `\bpysftp\b`}, false, []string{"paramiko", "asyncssh", "SSHClient", "pysftp"}},
	{"filesystem operations", []string{`(?:^|[^\w.])open\s*\(`, `\bos\.(?:remove|unlink|rename|replace|makedirs|listdir|walk)\s*\(`, `\bshutil\.(?:copy|copyfile|copytree|move|rmtree)\s*\(`, `\bglob\.glob\s*\(`}, false, []string{"open", "os.", "shutil.", "glob.glob"}},
	{"arbitrary network requests", []string{`\brequests\.(?:get|post|put|patch|delete|head|options|request)\s*\(`, `\bhttpx\.(?:get|post|put|patch|delete|head|options|request|stream)\s*\(`, `\baiohttp\.ClientSession\s*\(`, `\burllib\.request\.(?:urlopen|Request)\s*\(`, `\burlopen\s*\(`}, false, []string{"requests.", "httpx.", "aiohttp.ClientSession", "urllib.request.", "urlopen"}},
	{"browser automation", []string{`\b(?:playwright|selenium|pyppeteer|webdriver)\b`, `\bbrowser\.new_page\s*\(`, `\bpage\.goto\s*\(`}, false, []string{"playwright", "selenium", "pyppeteer", "webdriver", "browser.new_page", "page.goto"}},
}

// capabilityNeeds are the rules' needs as sets to look for in a whole file.
var capabilityNeeds = sync.OnceValue(func() []func(string) bool {
	out := make([]func(string) bool, len(capabilityRules))
	for i, r := range capabilityRules {
		if r.fold {
			out[i] = pytext.NewWords(r.needs...).InText
		} else {
			out[i] = pytext.NewSubstrings(r.needs...).In
		}
	}
	return out
})

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
		// Only the categories whose words are in the file are searched for.
		var possible []int
		ascii := asciiText(text)
		for i, needs := range capabilityNeeds() {
			if !ascii || needs(text) {
				possible = append(possible, i)
			}
		}
		if len(possible) == 0 {
			continue
		}
		for n, line := range pytext.AllLines(text) {
			s := pytext.Strip(line)
			if s == "" || strings.HasPrefix(s, "#") {
				continue
			}
			lower := ""
			for _, i := range possible {
				if capabilityRules[i].fold && lower == "" {
					lower = strings.ToLower(s)
				}
				if !mayMatch(i, s, lower) || !capabilityRes()[i].MatchString(s) {
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

func asciiText(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// mayMatch is a quick test that skips lines rule i cannot match: they have
// none of the text its matches contain. Lines outside ASCII are always
// searched, for case folding's sake.
func mayMatch(i int, s, lower string) bool {
	for j := 0; j < len(s); j++ {
		if s[j] >= 0x80 {
			return true
		}
	}
	if capabilityRules[i].fold {
		s = lower
	}
	return containsAny(s, capabilityRules[i].needs)
}
