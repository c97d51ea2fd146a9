package release

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/dify-cli/dify/marketplace"
)

// Risk levels of a submission, as the pull request states them.
const (
	LowRisk    = "Low risk"
	MediumRisk = "Medium risk"
	HighRisk   = "High risk"
)

// RiskOf is the level the code's sensitive capabilities suggest: running
// commands or code, SSH and browsers are high; databases, files and
// requests to any address are medium; nothing is low.
func RiskOf(caps []marketplace.Capability) string {
	risk := LowRisk
	for _, c := range caps {
		switch c.Name {
		case "command execution", "code execution", "SSH or SFTP", "browser automation":
			return HighRisk
		default:
			risk = MediumRisk
		}
	}
	return risk
}

// BodyInfo is what a pull request's body says.
type BodyInfo struct {
	Author, Name, Version, Repo, Contact, Privacy string
	Update                                        bool // a version update, not a new plugin
	Risk                                          string
	Changes                                       string // "What changed"
	Breaking                                      bool
	Validation                                    string // "Local validation"
	SecurityNotes                                 string // the author's own, added to what the scan found
	Capabilities                                  []marketplace.Capability
}

// Title is the pull request's title.
func (b BodyInfo) Title() string {
	if b.Update {
		return fmt.Sprintf("%s/%s %s: version update", b.Author, b.Name, b.Version)
	}
	return fmt.Sprintf("%s/%s %s: new plugin", b.Author, b.Name, b.Version)
}

func box(on bool, label string) string {
	if on {
		return "- [x] " + label
	}
	return "- [ ] " + label
}

// Body writes the pull request's body in the shape the marketplace's
// checks read: the plugin's information, one submission type and one risk
// level ticked, what changed, how it was validated, and security notes
// that name every sensitive capability the code has.
func Body(b BodyInfo) string {
	var w strings.Builder
	p := func(format string, args ...any) { fmt.Fprintf(&w, format+"\n", args...) }
	p("## Plugin information")
	p("")
	p("- **Author**: %s", b.Author)
	p("- **Plugin name**: %s", b.Name)
	p("- **Version**: %s", b.Version)
	p("- **Source repository**: %s", b.Repo)
	p("- **Contact**: %s", b.Contact)
	p("")
	p("## Submission type")
	p("")
	p("%s", box(!b.Update, "New plugin"))
	p("%s", box(b.Update, "Version update"))
	p("")
	p("## Risk level")
	p("")
	for _, r := range []string{LowRisk, MediumRisk, HighRisk} {
		p("%s", box(b.Risk == r, r))
	}
	p("")
	p("## What changed")
	p("")
	p("%s", strings.TrimSpace(b.Changes))
	if b.Update {
		p("")
		if b.Breaking {
			p("This version has breaking changes.")
		} else {
			p("No breaking changes.")
		}
	}
	p("")
	p("## Local validation")
	p("")
	p("%s", strings.TrimSpace(b.Validation))
	p("")
	p("## Security and privacy notes")
	p("")
	if len(b.Capabilities) == 0 {
		p("The marketplace's static scan finds no sensitive capability in the code (no command or code execution, database, SSH, file system, arbitrary network request or browser automation).")
	} else {
		p("The marketplace's static scan finds these capabilities in the code:")
		p("")
		for _, c := range b.Capabilities {
			p("- %s: %d place%s, e.g. %s", c.Name, c.Count, plural(c.Count), samplePlaces(c.Samples, 3))
		}
	}
	if notes := strings.TrimSpace(b.SecurityNotes); notes != "" {
		p("")
		p("%s", notes)
	}
	p("")
	if b.Privacy != "" {
		p("Privacy policy: %s", b.Privacy)
	}
	return w.String()
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// samplePlaces lists the file:line of the first few samples.
func samplePlaces(samples []string, n int) string {
	var places []string
	for _, s := range samples[:min(n, len(samples))] {
		if i := strings.Index(s, ": "); i >= 0 {
			s = s[:i]
		}
		places = append(places, "`"+s+"`")
	}
	return strings.Join(places, ", ")
}

// ChangelogSection returns the section of a CHANGELOG.md about version:
// the text under the first heading that names it (## 1.2.0, ## [1.2.0] -
// 2026-01-01, ## v1.2.0), up to the next heading of the same or a higher
// level; "" when there is none.
func ChangelogSection(changelog, version string) string {
	lines := strings.Split(strings.ReplaceAll(changelog, "\r\n", "\n"), "\n")
	named := regexp.MustCompile(`(^|[^\w.])v?` + regexp.QuoteMeta(version) + `($|[^\w.-])`)
	level := 0
	var out []string
	for _, l := range lines {
		hashes := len(l) - len(strings.TrimLeft(l, "#"))
		heading := hashes > 0 && hashes <= 6 && (len(l) == hashes || l[hashes] == ' ')
		if level > 0 {
			if heading && hashes <= level {
				break
			}
			out = append(out, l)
			continue
		}
		if heading && named.MatchString(l[hashes:]) {
			level = hashes
		}
	}
	return strings.TrimSpace(strings.Join(out, "\n"))
}
