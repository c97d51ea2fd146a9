// Package secret finds credentials that a plugin's files should not carry:
// .env files, private keys and vendor tokens (OpenAI, GitHub, Slack, AWS,
// JWTs), and, for the marketplace's stricter review, secret-looking values
// assigned to key-like names.
//
// A vendor token is self-identifying, so a match is a finding outright,
// except a placeholder (ghp_xxxx…, sk-your-key-here…): that is no secret,
// though the marketplace's validator blocks it all the same. Values are
// never shown whole: a finding carries the token masked.
package secret

import (
	"bytes"
	"math"
	"path"
	"regexp"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/dify-cli/dify/internal/lazyregexp"
	"github.com/dify-cli/dify/internal/pytext"
)

// Finding is one credential found in a file.
type Finding struct {
	Line int    // 1-based; 0 for a whole file (a .env file)
	Col  int    // 1-based byte column of the match, 0 for a whole file
	Kind string // what it is: "a .env file", "a private key", "an OpenAI-style API key", ...
	// Masked is the match with all but its first and last four characters
	// hidden ("" for a whole file).
	Masked string
	// Placeholder is set for a vendor-shaped token that is plainly not a
	// real one (xxxx, your-key, repeated characters).
	Placeholder bool
	// Assignment is set for the generic tier: a key-like name given a
	// literal value (api_key = "…"); Key names it.
	Assignment bool
	Key        string
	// Likely is set for an assignment whose value has the shape and
	// entropy of secret material; unset, it is only worth a review.
	Likely bool
}

// MaxFile is the largest file scanned, as in the marketplace's validator:
// larger files are data, not configuration.
const MaxFile = 1 << 20

// IsEnvFile reports whether a slash path names an environment file that
// holds real values: .env or .env.ANYTHING, except the documented
// examples (.env.example, .env.sample, .env.template).
func IsEnvFile(p string) bool {
	name := path.Base(p)
	switch name {
	case ".env.example", ".env.sample", ".env.template":
		return false
	}
	return name == ".env" || strings.HasPrefix(name, ".env.")
}

// binarySuffixes are never scanned: high-entropy bytes in a PNG are not a
// secret.
var binarySuffixes = map[string]bool{
	".7z": true, ".avif": true, ".bmp": true, ".bz2": true, ".dylib": true, ".eot": true, ".exe": true,
	".gif": true, ".gz": true, ".ico": true, ".jpeg": true, ".jpg": true, ".mov": true, ".mp3": true,
	".mp4": true, ".otf": true, ".pdf": true, ".png": true, ".rar": true, ".so": true, ".tar": true,
	".tgz": true, ".ttf": true, ".webm": true, ".webp": true, ".woff": true, ".woff2": true, ".xz": true,
	".zip": true,
}

// Scannable reports whether a file is worth scanning: not over MaxFile,
// not of a binary kind, and without a NUL byte in its first 4 KiB.
func Scannable(p string, size int64, head []byte) bool {
	if size > MaxFile || binarySuffixes[strings.ToLower(pytext.Suffix(p))] {
		return false
	}
	return !bytes.ContainsRune(head[:min(len(head), 4096)], 0)
}

// vendor patterns, as the marketplace's validator has them.
var vendorPatterns = []struct {
	kind  string
	re    func() *regexp.Regexp
	needs []string // text a match contains: lines without any are not searched
}{
	{"an OpenAI-style API key", lazyregexp.New(`\bsk-[A-Za-z0-9_-]{20,}\b`), []string{"sk-"}},
	{"a GitHub token", lazyregexp.New(`\b(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9_]{20,}\b`), []string{"ghp_", "gho_", "ghu_", "ghs_", "ghr_"}},
	{"a Slack token", lazyregexp.New(`\bxox[baprs]-[A-Za-z0-9-]{10,}\b`), []string{"xox"}},
	{"an AWS access key id", lazyregexp.New(`\bAKIA[0-9A-Z]{16}\b`), []string{"AKIA"}},
	{"a JWT", lazyregexp.New(`\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\b`), []string{"eyJ"}},
}

func containsAny(s string, subs []string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}

var privateKeyRe = lazyregexp.New(`-----BEGIN [A-Z ]*PRIVATE KEY-----`)

// Scan finds the vendor tokens and private keys in one file's content,
// and, with assignments, the generic tier. name is the file's slash path:
// code files read an unquoted value as an expression, not a literal. The
// findings may share data's memory: data must not change afterwards.
func Scan(name string, data []byte, assignments bool) []Finding {
	var out []Finding
	code := codeSuffixes[strings.ToLower(pytext.Suffix(name))]
	// Lines are numbered as the marketplace's validator numbers them: the
	// text decoded as UTF-8, invalid bytes dropped, split as Python splits.
	text := pytext.DecodeShared(data) // data is not changed while findings are made from it
	// Whole-file tests first: most files hold no trigger and no key root.
	vendors := triggers().In(text)
	assign := assignments && keyRoots().InText(text)
	if !vendors && !assign {
		return nil
	}
	for i, s := range pytext.AllLines(text) {
		line := i + 1
		vendor := false
		if vendors && triggers().In(s) {
			if strings.Contains(s, "PRIVATE KEY") {
				if loc := privateKeyRe().FindStringIndex(s); loc != nil {
					out = append(out, Finding{Line: line, Col: loc[0] + 1, Kind: "a private key"})
				}
			}
			for _, v := range vendorPatterns {
				if !containsAny(s, v.needs) {
					continue
				}
				for _, loc := range v.re().FindAllStringIndex(s, -1) {
					vendor = true
					tok := s[loc[0]:loc[1]]
					out = append(out, Finding{Line: line, Col: loc[0] + 1, Kind: v.kind, Masked: Mask(tok), Placeholder: placeholder(tok)})
				}
			}
		}
		if assign && !vendor && mayAssign(s) {
			out = append(out, scanAssignments(s, line, code)...)
		}
	}
	return out
}

// triggers are the text a private key or a vendor token starts with: a
// line without any is not searched for them.
var triggers = sync.OnceValue(func() *pytext.Substrings {
	return pytext.NewSubstrings("-----BEGIN", "sk-", "ghp_", "gho_", "ghu_", "ghs_", "ghr_", "xox", "AKIA", "eyJ")
})

// keyRoots are in every key the generic tier matches (api_key, client_secret, ...).
var keyRoots = sync.OnceValue(func() *pytext.Words {
	return pytext.NewWords("api", "access", "auth", "password", "private", "secret", "token")
})

// mayAssign is a quick test for the generic tier: some ':' or '=' in the
// line has, before it, a word that holds a key root. It never says no
// where the expression could match: outside ASCII (Unicode spaces, case
// folding) it says yes.
func mayAssign(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] != ':' && s[i] != '=' {
			continue
		}
		j := i
		for j > 0 && isSpace(s[j-1]) {
			j--
		}
		k := j
		for k > 0 && (isKeyChar(s[k-1]) || s[k-1] >= utf8.RuneSelf) {
			k--
		}
		if k < j && keyRoots().In(s[k:j]) {
			return true
		}
	}
	return false
}

func isSpace(c byte) bool { return c == ' ' || c >= '\t' && c <= '\r' || c >= 0x1c && c <= 0x1f }

func isKeyChar(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '.' || c == '-'
}

// Mask hides all but the first and last four characters of a value.
func Mask(v string) string {
	if len(v) <= 8 {
		return "***"
	}
	return v[:4] + "..." + v[len(v)-4:]
}

// placeholder reports whether a vendor-shaped token is plainly a stand-in.
func placeholder(tok string) bool {
	body := strings.ToLower(tok)
	for _, p := range []string{"sk-", "ghp_", "gho_", "ghu_", "ghs_", "ghr_", "xoxb-", "xoxa-", "xoxp-", "xoxr-", "xoxs-", "akia"} {
		body = strings.TrimPrefix(body, p)
	}
	for _, word := range []string{"xxxx", "****", "your", "example", "placeholder", "dummy", "fake", "here", "redacted"} {
		if strings.Contains(body, word) {
			return true
		}
	}
	distinct := map[rune]bool{}
	for _, r := range body {
		distinct[r] = true
	}
	return len(distinct) <= 4
}

// The generic tier: a key-like name given a literal value.

var assignmentRe = lazyregexp.New(`(?i)([A-Z0-9_.-]*(?:api[_-]?key|access[_-]?key|access[_-]?token|auth[_-]?token|client[_-]?secret|password|private[_-]?key|secret|token)[A-Z0-9_.-]*)[` + pytext.SpaceClass + `]*[:=][` + pytext.SpaceClass + `]*("[^"]*"|'[^']*'|[^"',#}` + pytext.SpaceClass + `]+)`)

var codeSuffixes = map[string]bool{
	".c": true, ".cc": true, ".cpp": true, ".cs": true, ".go": true, ".h": true, ".hpp": true, ".java": true,
	".js": true, ".jsx": true, ".kt": true, ".m": true, ".mjs": true, ".mm": true, ".php": true, ".py": true,
	".pyi": true, ".rb": true, ".rs": true, ".scala": true, ".swift": true, ".ts": true, ".tsx": true,
}

var placeholderValues = map[string]bool{
	"": true, "changeme": true, "dummy": true, "example": true, "fake": true, "none": true, "null": true,
	"placeholder": true, "test": true, "todo": true, "xxx": true, "xxxx": true, "your-api-key": true,
	"your_api_key": true, "your-key": true, "your-secret": true, "your-token": true,
}

func scanAssignments(line string, n int, code bool) []Finding {
	var out []Finding
	for _, m := range assignmentRe().FindAllStringSubmatchIndex(line, -1) {
		key, raw := line[m[2]:m[3]], line[m[4]:m[5]]
		quoted := len(raw) >= 2 && (raw[0] == '"' || raw[0] == '\'') && raw[len(raw)-1] == raw[0]
		value := strings.Trim(pytext.Strip(raw), `"'`)
		lower := strings.ToLower(value)
		switch {
		case isPlaceholderValue(value):
			continue
		case isNumber(value), lower == "true", lower == "false", lower == "yes", lower == "no", lower == "on", lower == "off":
			continue
		case code && !quoted:
			// An expression: reading a credential, not embedding one.
			continue
		}
		out = append(out, Finding{Line: n, Col: m[2] + 1, Kind: "a value assigned to " + key, Masked: Mask(value),
			Assignment: true, Key: key, Likely: likelySecret(value)})
	}
	return out
}

func isPlaceholderValue(v string) bool {
	lower := strings.ToLower(pytext.Strip(v))
	switch {
	case placeholderValues[lower]:
		return true
	case strings.HasPrefix(lower, "<") && strings.HasSuffix(lower, ">"), strings.HasPrefix(lower, "${"):
		return true
	case strings.Contains(lower, "your") && (strings.Contains(lower, "key") || strings.Contains(lower, "secret") || strings.Contains(lower, "token") || strings.Contains(lower, "password")):
		return true
	}
	return strings.Trim(lower, "x*-_") == ""
}

func isNumber(v string) bool {
	v = strings.TrimPrefix(v, "-")
	dot := false
	for i, r := range v {
		switch {
		case r >= '0' && r <= '9':
		case r == '.' && !dot && i > 0 && i < len(v)-1:
			dot = true
		default:
			return false
		}
	}
	return v != ""
}

// likelySecret: long enough, token-shaped, and with the entropy of secret
// material (detect-secrets' floors: 3.0 bits per character for hex, 4.5
// for the wider alphabet).
func likelySecret(v string) bool {
	if len(v) < 12 || strings.HasPrefix(v, "http://") || strings.HasPrefix(v, "https://") ||
		strings.HasPrefix(v, "./") || strings.HasPrefix(v, "../") || strings.HasPrefix(v, "/") {
		return false
	}
	hex, token := true, true
	for _, r := range v {
		isHex := r >= '0' && r <= '9' || r >= 'a' && r <= 'f' || r >= 'A' && r <= 'F'
		isToken := isHex || r >= 'g' && r <= 'z' || r >= 'G' && r <= 'Z' || strings.ContainsRune("+/=_.-", r)
		hex = hex && isHex
		token = token && isToken
	}
	switch {
	case hex:
		return entropy(v) >= 3.0
	case token:
		return entropy(v) >= 4.5
	}
	return false
}

// entropy is the Shannon entropy of s in bits per character.
func entropy(s string) float64 {
	counts := map[rune]int{}
	n := 0
	for _, r := range s {
		counts[r]++
		n++
	}
	var h float64
	for _, c := range counts {
		p := float64(c) / float64(n)
		h -= p * math.Log2(p)
	}
	return h
}
