package marketplace

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/dify-cli/dify/internal/lazyregexp"
)

// The checks of a submission's pull-request body: the required sections
// and fields, exactly one submission type and one risk level, English
// text, and security notes that are not "None" when the code has sensitive
// capabilities; and the reviewer reminders, which only warn.

var (
	htmlCommentRe = lazyregexp.New(`(?s)<!--.*?-->`)
	headingRe     = lazyregexp.New(`(?m)^##[ \t]+(.+?)[ \t]*$`)
	checkboxRe    = lazyregexp.New(`(?m)^[ \t]*-[ \t]*\[([ xX])\][ \t]*(.+?)[ \t]*$`)
	httpURLRe     = lazyregexp.New(`(?i)https?://[^\s)>"]+`)
	securityRe    = lazyregexp.New(`(?im)^##\s+Security\s+and\s+privacy\s+notes\s*$`)
	nextSectionRe = lazyregexp.New(`(?m)^##\s+`)
	noneNotesRe   = lazyregexp.New(`(?i)^(?:none|n/a|na|not applicable|no|nothing)\.?$`)
	breakingRe    = lazyregexp.New(`(?i)\b(?:breaking|breaks?|backward compatible|no breaking|not breaking)\b`)
	boundaryRe    = lazyregexp.New(`(?i)\b(?:input constraints?|validated?|allowlist|denylist|security boundary|safety boundary|restricted?|limited?|sandbox|dangerous operations?|guardrail)\b`)
)

// allowedCJK is the one line of the template that may be in Chinese.
const allowedCJK = "【中文用户 & Non English User】请使用英语提交，否则会被关闭 ：）"

var (
	infoFields      = []string{"Author", "Plugin name", "Version", "Source repository", "Contact"}
	submissionTypes = []string{"New plugin", "Version update"}
	riskLevels      = []string{"Low risk", "Medium risk", "High risk"}
	textSections    = []string{"What changed", "Local validation"}
)

func stripComments(s string) string {
	return strings.TrimSpace(htmlCommentRe().ReplaceAllString(s, ""))
}

func normHeading(s string) string { return strings.ToLower(strings.Join(strings.Fields(s), " ")) }

// prSections maps each "## heading" (normalized) to the text under it.
func prSections(body string) map[string]string {
	out := map[string]string{}
	ms := headingRe().FindAllStringSubmatchIndex(body, -1)
	for i, m := range ms {
		end := len(body)
		if i+1 < len(ms) {
			end = ms[i+1][0]
		}
		out[normHeading(body[m[2]:m[3]])] = body[m[1]:end]
	}
	return out
}

func checked(section string, labels []string) []string {
	var out []string
	for _, m := range checkboxRe().FindAllStringSubmatch(section, -1) {
		for _, l := range labels {
			if strings.EqualFold(strings.TrimSpace(m[2]), l) && strings.EqualFold(m[1], "x") {
				out = append(out, l)
			}
		}
	}
	return out
}

func fieldValue(section, name string) (string, bool) {
	re := regexp.MustCompile(`(?m)^[ \t]*-[ \t]*\*\*` + regexp.QuoteMeta(name) + `\*\*:[ \t]*(.*?)[ \t]*$`)
	m := re.FindStringSubmatch(section)
	if m == nil {
		return "", false
	}
	return stripComments(m[1]), true
}

// CheckPullRequest applies the marketplace's checks of a pull-request
// body; caps are the plugin's sensitive capabilities. It returns what
// blocks the pull request and what only reminds its reviewer.
func CheckPullRequest(body string, caps []Capability) (blocking, warnings []string) {
	secs := prSections(body)
	if info, ok := secs["plugin information"]; !ok {
		blocking = append(blocking, "PR body is missing the 'Plugin information' section")
	} else {
		for _, f := range infoFields {
			v, ok := fieldValue(info, f)
			switch {
			case !ok:
				blocking = append(blocking, "PR 'Plugin information' is missing field: "+f)
			case v == "":
				blocking = append(blocking, "PR 'Plugin information' field must not be empty: "+f)
			}
		}
		if v, ok := fieldValue(info, "Source repository"); ok && v != "" && !httpURLRe().MatchString(v) {
			blocking = append(blocking, "PR 'Source repository' must include an http(s) URL")
		}
	}
	for _, c := range []struct {
		name   string
		labels []string
	}{{"Submission type", submissionTypes}, {"Risk level", riskLevels}} {
		sec, ok := secs[normHeading(c.name)]
		if !ok {
			blocking = append(blocking, fmt.Sprintf("PR body is missing the '%s' section", c.name))
		} else if len(checked(sec, c.labels)) != 1 {
			blocking = append(blocking, fmt.Sprintf("PR '%s' must select exactly one option: %s", c.name, strings.Join(c.labels, ", ")))
		}
	}
	for _, name := range textSections {
		sec, ok := secs[normHeading(name)]
		switch {
		case !ok:
			blocking = append(blocking, fmt.Sprintf("PR body is missing the '%s' section", name))
		case stripComments(sec) == "":
			blocking = append(blocking, fmt.Sprintf("PR '%s' section must not be empty", name))
		}
	}
	prose := stripComments(codeBlockRe().ReplaceAllString(body, ""))
	prose = strings.ReplaceAll(prose, allowedCJK, "")
	if n := cjkCount(prose); n > 0 {
		blocking = append(blocking, fmt.Sprintf("PR title/body primary content must be English (found %d CJK characters)", n))
	}
	// Security and privacy notes.
	loc := securityRe().FindStringIndex(body)
	if loc == nil {
		blocking = append(blocking, "PR body is missing the 'Security and privacy notes' section")
	} else {
		end := len(body)
		if next := nextSectionRe().FindStringIndex(body[loc[1]:]); next != nil {
			end = loc[1] + next[0]
		}
		notes := stripComments(body[loc[1]:end])
		switch {
		case notes == "":
			blocking = append(blocking, "PR 'Security and privacy notes' section must not be empty")
		case len(caps) > 0 && noneNotesRe().MatchString(strings.TrimSpace(regexp.MustCompile("[\\s>*_`-]+").ReplaceAllString(notes, " "))):
			blocking = append(blocking, "PR 'Security and privacy notes' cannot be None/N/A when sensitive capabilities are detected")
		}
	}
	if len(checked(secs["submission type"], []string{"Version update"})) == 1 {
		if !breakingRe().MatchString(stripComments(secs["what changed"]) + "\n" + stripComments(secs["reviewer notes"])) {
			warnings = append(warnings, "version update PR should state whether there are breaking changes in What changed or Reviewer notes")
		}
	}
	if len(checked(secs["risk level"], []string{"High risk"})) == 1 && !boundaryRe().MatchString(stripComments(secs["security and privacy notes"])) {
		warnings = append(warnings, "High risk PR should describe input constraints, security boundaries, or dangerous-operation limits in Security and privacy notes")
	}
	return blocking, warnings
}

func cjkCount(s string) int {
	n := 0
	for _, r := range s {
		if isCJK(r) {
			n++
		}
	}
	return n
}
