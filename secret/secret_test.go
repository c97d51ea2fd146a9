package secret

import (
	"math/rand/v2"
	"strings"
	"testing"
)

func TestIsEnvFile(t *testing.T) {
	for p, want := range map[string]bool{
		".env": true, "conf/.env": true, ".env.local": true, ".env.production": true,
		".env.example": false, ".env.sample": false, "sub/.env.template": false,
		".envrc": false, "env": false, "my.env": false, ".environment": false,
	} {
		if got := IsEnvFile(p); got != want {
			t.Errorf("IsEnvFile(%q) = %v, want %v", p, got, want)
		}
	}
}

// Real-looking tokens of each kind (made up here, of the right shapes).
var (
	openAI  = "sk-proj-" + "Zq3vR8kLw2Xy7Tn4Pb9Hc1Df"
	github  = "ghp_" + "R4nd0mL00k1ngT0k3nAbCdEfGh1234"
	slack   = "xoxb-" + "1234567890-ABCDEFghij"
	aws     = "AKIA" + "IOSFODNN7EXAMPLQ"
	jwt     = "eyJhbGciOiJIUzI1NiJ9" + ".eyJzdWIiOiIxMjM0NTY3ODkwIn0" + ".SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c"
	pemHead = "-----BEGIN RSA " + "PRIVATE KEY-----"
)

func TestScanVendorTokens(t *testing.T) {
	text := strings.Join([]string{
		"# config",
		"OPENAI = \"" + openAI + "\"",
		"token: " + github,
		"slack " + slack + " and aws " + aws,
		"auth = " + jwt,
		pemHead,
		"nothing here",
	}, "\n")
	got := Scan("conf.yaml", []byte(text), false)
	want := []struct {
		line int
		kind string
	}{
		{2, "an OpenAI-style API key"}, {3, "a GitHub token"}, {4, "a Slack token"}, {4, "an AWS access key id"},
		{5, "a JWT"}, {6, "a private key"},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d findings: %+v", len(got), got)
	}
	for i, w := range want {
		if got[i].Line != w.line || got[i].Kind != w.kind || got[i].Placeholder {
			t.Errorf("finding %d: %+v, want line %d %s", i, got[i], w.line, w.kind)
		}
		if got[i].Masked != "" && (strings.Contains(text, got[i].Masked) || !strings.Contains(got[i].Masked, "...")) {
			t.Errorf("finding %d shows the value: %q", i, got[i].Masked)
		}
	}
	if got[0].Col != 11 || got[0].Masked != "sk-p...c1Df" {
		t.Errorf("the OpenAI key: %+v", got[0])
	}
}

func TestPlaceholdersAreSaidToBeSo(t *testing.T) {
	for _, tok := range []string{"sk-xxxxxxxxxxxxxxxxxxxxxxxx", "ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxx", "sk-your-openai-api-key-here",
		"ghp_" + strings.Repeat("0", 36), "AKIAXXXXXXXXXXXXXXXX", "sk-************************"} {
		got := Scan("README.md", []byte("export KEY="+tok+"\n"), false)
		if len(got) == 0 && strings.Contains(tok, "*") {
			continue // not token-shaped at all
		}
		if len(got) != 1 || !got[0].Placeholder {
			t.Errorf("%s: %+v", tok, got)
		}
	}
}

func TestAssignments(t *testing.T) {
	for _, c := range []struct {
		file, line string
		want       int // findings
		likely     bool
	}{
		{"config.yaml", `api_key: "9f8e7d6c5b4a39281706f5e4d3c2b1a0"`, 1, true},
		{"config.yaml", `password: hunter2`, 1, false},
		{"config.yaml", `api_key: <YOUR_KEY>`, 0, false},
		{"config.yaml", `api_key: ${API_KEY}`, 0, false},
		{"config.yaml", `max_tokens: 4096`, 0, false},
		{"config.yaml", `secret: your-secret-here`, 0, false},
		{"tools/x.py", `api_key = credentials.get("api_key")`, 0, false},
		{"tools/x.py", `api_key = "Zq3vR8kLw2Xy7Tn4Pb9Hc1DfGh56Jk"`, 1, true},
		{"tools/x.py", `token = self.runtime.credentials["token"]`, 0, false},
		{".env", `SECRET_TOKEN=aaaaaaaaaaaaaaaaaaaa`, 1, false},
	} {
		got := Scan(c.file, []byte(c.line), true)
		if len(got) != c.want || c.want > 0 && (!got[0].Assignment || got[0].Likely != c.likely) {
			t.Errorf("%s %q: %+v", c.file, c.line, got)
		}
	}
	// Not in plain mode.
	if got := Scan("config.yaml", []byte(`api_key: "9f8e7d6c5b4a39281706f5e4d3c2b1a0"`), false); len(got) != 0 {
		t.Errorf("plain mode found %+v", got)
	}
}

func TestScannable(t *testing.T) {
	if Scannable("a.png", 10, []byte("x")) || Scannable("a.txt", MaxFile+1, []byte("x")) || Scannable("a.bin", 10, []byte("a\x00b")) {
		t.Error("binary or large files are scanned")
	}
	if !Scannable("a.py", 10, []byte("print()")) {
		t.Error("a Python file is not scanned")
	}
}

func FuzzScan(f *testing.F) {
	f.Add("a.py", "api_key = \""+openAI+"\"\n"+pemHead)
	f.Add(".env", "TOKEN="+github)
	f.Fuzz(func(t *testing.T, name, text string) {
		for _, fd := range Scan(name, []byte(text), true) {
			if fd.Line < 1 || fd.Col < 1 || fd.Line > strings.Count(text, "\n")+1 {
				t.Fatalf("%+v is not a place in the text", fd)
			}
		}
	})
}

// The quick tests that skip lines never skip one the expressions match.
func TestQuickTestsSkipNothingThatMatches(t *testing.T) {
	parts := []string{"api_key", "API-KEY", "token", "Secret", "password", "x", " ", "\t", ":", "=", `"`, "'", "ab12", "Zq8Xv2Lp9Wk4Tn7Rb5",
		"sk-", "ghp_", "xoxb-", "AKIA", "eyJ", ".", "-", "ſecret", "\u00a0", "#", "}", "-----BEGIN RSA PRIVATE KEY-----", "AAAAAAAAAAAAAAAAAAAAAAAA"}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 200000 {
		var b strings.Builder
		for range 1 + rng.IntN(8) {
			b.WriteString(parts[rng.IntN(len(parts))])
		}
		s := b.String()
		if assignmentRe().MatchString(s) && !mayAssign(s) {
			t.Fatalf("mayAssign skips %q, which the expression matches", s)
		}
		matched := privateKeyRe().MatchString(s)
		for _, v := range vendorPatterns {
			matched = matched || v.re().MatchString(s)
		}
		if matched && !triggers().In(s) {
			t.Fatalf("the triggers skip %q, which a vendor pattern matches", s)
		}
	}
}
