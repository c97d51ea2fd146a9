// Package marketplace predicts the Dify Marketplace's verdict on a plugin
// before its pull request is opened. Submissions are pull requests to
// langgenius/dify-plugins, whose CI runs the marketplace's validator
// (langgenius/dify-marketplace-toolkit) and a pre-check workflow; this
// package runs the same checks, offline, on the files the package holds,
// blocking where they block and warning where they warn, each finding with
// its file and line, its rule and how to fix it.
//
// Where the validator has a quirk that blocks a submission a reader would
// not expect (a placeholder token, `~=` on dify_plugin, `-i` in
// requirements.txt), the finding says so and how to write it instead.
package marketplace

import (
	"cmp"
	"context"
	"net/http"
	"slices"

	"github.com/dify-cli/dify/manifest"
)

// The checks, in the order of the validator's summary table: blocking ones
// first, then those that only warn, then the pre-check workflow's own.
const (
	Contents     = "package_contents"
	Secrets      = "package_secrets"
	Binaries     = "package_binaries"
	Manifest     = "manifest_metadata"
	Readme       = "readme_metadata"
	Dependencies = "package_dependencies"
	Compile      = "python_compile"
	Safety       = "python_safety"
	Financial    = "prohibited_financial_activity"
	Domains      = "access_domains"
	Icon         = "plugin_icon"
	Version      = "marketplace_version"
)

// CheckInfo describes one check of the verdict.
type CheckInfo struct {
	Name     string
	Blocking bool   // its errors stop the submission; a warning check never does
	About    string // what it looks at, for people
}

// Checks lists every check in the order the report shows them.
var Checks = []CheckInfo{
	{Contents, true, "blocked folders, files and suffixes, .env files, the 50 MB and 5,000-file limits"},
	{Secrets, true, "vendor tokens, private keys and secret-looking values given to key-like names"},
	{Binaries, true, "executables and native libraries outside wheels, the daemon's own binaries"},
	{Manifest, true, "required manifest fields, author, repo, contact, privacy policy"},
	{Readme, true, "README.md links the source repository and is in English"},
	{Dependencies, true, "dify_plugin ≥ 0.9.0, every requirement versioned, no git or URL installs"},
	{Compile, true, "every Python file compiles"},
	{Safety, false, "requests without timeout=, credentials in logs, errors and return values"},
	{Financial, false, "payments, transfers and trading, which the marketplace forbids"},
	{Domains, false, "outbound domains found in the code, against manifest network.domains"},
	{Icon, true, "the icon exists under _assets/ and is not a template icon (pre-check workflow)"},
	{Version, true, "the version is not published yet and is above the last one (--online)"},
}

func checkIndex(name string) int {
	return slices.IndexFunc(Checks, func(c CheckInfo) bool { return c.Name == name })
}

// Finding is one result of a check: a manifest.Diagnostic (position,
// severity, rule, message and fix) and the check that found it.
type Finding struct {
	Check string
	manifest.Diagnostic
}

// Report is the verdict on one plugin.
type Report struct {
	Findings []Finding
	// Skipped says which checks did not run, and why (no Python found, not
	// --online, a check that needs the pull request).
	Skipped []Skip
	// Capabilities are the sensitive capabilities found in the code, which
	// a pull request must disclose.
	Capabilities []Capability
	// Manifest holds the manifest's fields as the marketplace reads them
	// (author, name, version, repo, contact, privacy), for a submission.
	Manifest map[string]string
}

// Skip is a check, or part of one, that did not run.
type Skip struct {
	Check  string
	Reason string
}

// Blocked reports whether anything stops the submission.
func (r *Report) Blocked() bool {
	return slices.ContainsFunc(r.Findings, func(f Finding) bool { return f.Severity == manifest.Error })
}

// Count returns the number of blocking findings and of warnings.
func (r *Report) Count() (blocking, warnings int) {
	for _, f := range r.Findings {
		if f.Severity == manifest.Error {
			blocking++
		} else {
			warnings++
		}
	}
	return blocking, warnings
}

// Of returns the findings of one check.
func (r *Report) Of(check string) []Finding {
	var out []Finding
	for _, f := range r.Findings {
		if f.Check == check {
			out = append(out, f)
		}
	}
	return out
}

func (r *Report) sort() {
	slices.SortStableFunc(r.Findings, func(a, b Finding) int {
		return cmp.Or(cmp.Compare(checkIndex(a.Check), checkIndex(b.Check)),
			cmp.Compare(a.Pos.File, b.Pos.File), cmp.Compare(a.Pos.Line, b.Pos.Line), cmp.Compare(a.Pos.Col, b.Pos.Col))
	})
}

// Options say what else the checks may use.
type Options struct {
	// Python is the interpreter that compiles the plugin's Python files and
	// reads them for the safety warnings and outbound domains; "" skips
	// those (the report says so). The marketplace's CI uses Python 3.12.
	Python string
	// PythonVersion is its version ("3.12.7"); another minor version than
	// the marketplace's 3.12 is said in the report.
	PythonVersion string
	// CacheDir, when set, keeps the interpreter's answers for files that do
	// not change, so that a second run does not parse them again.
	CacheDir string
	// Online, when set, asks the marketplace whether the version is taken.
	Online *Online
}

// Online is how to reach the marketplace.
type Online struct {
	Client  *http.Client
	BaseURL string // https://marketplace.dify.ai by default
	Context context.Context
}

// DefaultBaseURL is the marketplace the pre-check workflow asks.
const DefaultBaseURL = "https://marketplace.dify.ai"

// emit collects findings for one check.
type emit struct {
	check string
	out   *[]Finding
}

func (e emit) add(sev manifest.Severity, pos manifest.Position, rule, hint, msg string) {
	*e.out = append(*e.out, Finding{Check: e.check, Diagnostic: manifest.Diagnostic{Pos: pos, Severity: sev, Rule: rule, Message: msg, Hint: hint}})
}

func (e emit) block(pos manifest.Position, rule, hint, msg string) {
	e.add(manifest.Error, pos, rule, hint, msg)
}

func (e emit) warn(pos manifest.Position, rule, hint, msg string) {
	e.add(manifest.Warning, pos, rule, hint, msg)
}

func at(file string, line int) manifest.Position { return manifest.Position{File: file, Line: line} }
