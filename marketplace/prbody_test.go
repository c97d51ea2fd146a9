package marketplace

import (
	"strings"
	"testing"
)

const goodBody = `## Plugin information

- **Author**: acme
- **Plugin name**: weather
- **Version**: 0.1.0
- **Source repository**: https://github.com/acme/weather
- **Contact**: dev@acme.example

## Submission type

- [x] New plugin
- [ ] Version update

## Risk level

- [x] Low risk
- [ ] Medium risk
- [ ] High risk

## What changed

First release.

## Local validation

Validated.

## Security and privacy notes

The plugin calls one weather service.
`

func TestCheckPullRequest(t *testing.T) {
	caps := []Capability{{Name: "arbitrary network requests", Count: 1}}
	if b, w := CheckPullRequest(goodBody, caps); len(b) > 0 || len(w) > 0 {
		t.Fatalf("a good body: %v %v", b, w)
	}
	for _, c := range []struct{ change, old, new, want string }{
		{"no contact", "- **Contact**: dev@acme.example\n", "", "missing field: Contact"},
		{"an empty author", "- **Author**: acme", "- **Author**: <!-- yours -->", "must not be empty: Author"},
		{"no URL", "https://github.com/acme/weather", "acme/weather", "must include an http(s) URL"},
		{"two types", "- [ ] Version update", "- [x] Version update", "'Submission type' must select exactly one"},
		{"no risk", "- [x] Low risk", "- [ ] Low risk", "'Risk level' must select exactly one"},
		{"an empty section", "First release.", "<!-- what changed -->", "'What changed' section must not be empty"},
		{"Chinese", "First release.", "第一版。", "must be English (found 3 CJK characters)"},
		{"None with capabilities", "The plugin calls one weather service.", "None", "cannot be None/N/A"},
		{"no security notes", "## Security and privacy notes", "## Notes", "missing the 'Security and privacy notes' section"},
	} {
		b, _ := CheckPullRequest(strings.Replace(goodBody, c.old, c.new, 1), caps)
		if !strings.Contains(strings.Join(b, "\n"), c.want) {
			t.Errorf("%s: %v, want %q", c.change, b, c.want)
		}
	}
	// Chinese inside a code block and the template's own line are allowed.
	body := strings.Replace(goodBody, "First release.", "First release.\n\n```\n天气\n```\n"+allowedCJK, 1)
	if b, _ := CheckPullRequest(body, caps); len(b) > 0 {
		t.Errorf("allowed CJK refused: %v", b)
	}
	// Reviewer reminders warn.
	up := strings.Replace(strings.Replace(goodBody, "- [x] New plugin\n- [ ] Version update", "- [ ] New plugin\n- [x] Version update", 1), "- [x] Low risk\n- [ ] Medium risk\n- [ ] High risk", "- [ ] Low risk\n- [ ] Medium risk\n- [x] High risk", 1)
	if b, w := CheckPullRequest(up, caps); len(b) > 0 || len(w) != 2 {
		t.Errorf("reminders: %v %v", b, w)
	}
}
