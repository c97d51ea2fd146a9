package release

import (
	"regexp"
	"strings"
	"testing"

	"github.com/dify-cli/dify/marketplace"
)

// prRules applies the marketplace's checks of a pull-request body, written
// out here from its validator's rules, apart from the package that
// implements them: the five fields of "Plugin information", exactly one
// ticked box in "Submission type" and in "Risk level", non-empty "What
// changed" and "Local validation", English prose, and security notes that
// are not "None" when capabilities were found. The risk-label workflow's
// own pattern is checked too.
func prRules(t *testing.T, body string, caps bool) {
	t.Helper()
	sections := map[string]string{}
	heads := regexp.MustCompile(`(?m)^##\s+(.+?)\s*$`).FindAllStringSubmatchIndex(body, -1)
	for i, h := range heads {
		end := len(body)
		if i+1 < len(heads) {
			end = heads[i+1][0]
		}
		sections[strings.ToLower(body[h[2]:h[3]])] = body[h[1]:end]
	}
	info := sections["plugin information"]
	for _, f := range []string{"Author", "Plugin name", "Version", "Source repository", "Contact"} {
		m := regexp.MustCompile(`(?m)^[ \t]*-[ \t]*\*\*` + f + `\*\*:[ \t]*(.*?)[ \t]*$`).FindStringSubmatch(info)
		if m == nil || strings.TrimSpace(m[1]) == "" {
			t.Errorf("field %s is missing or empty", f)
		}
	}
	for sec, labels := range map[string][]string{"submission type": {"New plugin", "Version update"}, "risk level": {"Low risk", "Medium risk", "High risk"}} {
		ticked := 0
		for _, m := range regexp.MustCompile(`(?m)^[ \t]*-[ \t]*\[([ xX])\][ \t]*(.+?)[ \t]*$`).FindAllStringSubmatch(sections[sec], -1) {
			for _, l := range labels {
				if strings.EqualFold(m[2], l) && strings.EqualFold(m[1], "x") {
					ticked++
				}
			}
		}
		if ticked != 1 {
			t.Errorf("%s: %d boxes ticked", sec, ticked)
		}
	}
	riskLabel := 0
	for _, l := range []string{"Low", "Medium", "High"} {
		if regexp.MustCompile(`(?m)^- \[[xX]\] ` + l + ` risk\s*$`).MatchString(body) {
			riskLabel++
		}
	}
	if riskLabel != 1 {
		t.Errorf("the risk-label workflow finds %d risk levels", riskLabel)
	}
	for _, sec := range []string{"what changed", "local validation", "security and privacy notes"} {
		if strings.TrimSpace(sections[sec]) == "" {
			t.Errorf("section %q is missing or empty", sec)
		}
	}
	if caps && regexp.MustCompile(`(?i)^\s*(none|n/a|na|not applicable|no|nothing)\.?\s*$`).MatchString(sections["security and privacy notes"]) {
		t.Error("security notes say None though capabilities were found")
	}
	for _, r := range body {
		if r >= 0x3400 && r <= 0x4DBF || r >= 0x4E00 && r <= 0x9FFF {
			t.Errorf("CJK character %q in the body", r)
		}
	}
}

func TestBodyPassesThePullRequestChecks(t *testing.T) {
	caps := []marketplace.Capability{
		{Name: "arbitrary network requests", Count: 3, Samples: []string{"tools/a.py:4: requests.get(u, timeout=5)", "tools/b.py:9: x"}},
		{Name: "command execution", Count: 1, Samples: []string{"tools/run.py:2: subprocess.run(cmd)"}},
	}
	for _, b := range []BodyInfo{
		{Author: "acme", Name: "weather", Version: "0.1.0", Repo: "https://github.com/acme/weather", Contact: "dev@acme.example",
			Privacy: "PRIVACY.md", Risk: RiskOf(nil), Changes: "First release.", Validation: "- validated"},
		{Author: "acme", Name: "weather", Version: "0.2.0", Repo: "https://github.com/acme/weather", Contact: "dev@acme.example",
			Update: true, Risk: RiskOf(caps), Changes: "Adds forecasts.", Validation: "- validated", Capabilities: caps,
			SecurityNotes: "Commands run only with arguments validated against an allowlist."},
	} {
		body := Body(b)
		prRules(t, body, len(b.Capabilities) > 0)
		blocking, warnings := marketplace.CheckPullRequest(body, b.Capabilities)
		if len(blocking) > 0 || len(warnings) > 0 {
			t.Errorf("the marketplace's checks: %v, %v\n%s", blocking, warnings, body)
		}
		if b.Update && (!strings.Contains(body, "- [x] Version update") || !strings.Contains(body, "No breaking changes.") || !strings.Contains(body, "- [x] High risk")) {
			t.Errorf("update body:\n%s", body)
		}
		if len(b.Capabilities) > 0 && (!strings.Contains(body, "- command execution: 1 place, e.g. `tools/run.py:2`") || !strings.Contains(body, "- arbitrary network requests: 3 places, e.g. `tools/a.py:4`, `tools/b.py:9`")) {
			t.Errorf("the security notes do not name the capabilities:\n%s", body)
		}
	}
}

func TestRiskOf(t *testing.T) {
	for want, caps := range map[string][]string{LowRisk: nil, MediumRisk: {"filesystem operations", "arbitrary network requests"}, HighRisk: {"filesystem operations", "code execution"}} {
		var cs []marketplace.Capability
		for _, c := range caps {
			cs = append(cs, marketplace.Capability{Name: c, Count: 1})
		}
		if got := RiskOf(cs); got != want {
			t.Errorf("RiskOf(%v) = %s, want %s", caps, got, want)
		}
	}
}

func TestChangelogSection(t *testing.T) {
	log := "# Changelog\n\n## [0.2.0] - 2026-12-01\n\n### Added\n- Hourly forecasts.\n\n## 0.1.0\n- First release.\n"
	if got := ChangelogSection(log, "0.2.0"); got != "### Added\n- Hourly forecasts." {
		t.Errorf("0.2.0: %q", got)
	}
	if got := ChangelogSection(log, "0.1.0"); got != "- First release." {
		t.Errorf("0.1.0: %q", got)
	}
	if got := ChangelogSection("## v1.0.0\nBig.\n## 1.0.0-beta\nSmall.\n", "1.0.0"); got != "Big." {
		t.Errorf("v1.0.0: %q", got)
	}
	if got := ChangelogSection(log, "0.3.0"); got != "" {
		t.Errorf("a version not there: %q", got)
	}
}
