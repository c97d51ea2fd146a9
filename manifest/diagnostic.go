package manifest

import (
	"fmt"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"
)

// Position is a place in a plugin file. Line and Col are 1-based; 0 means unknown.
type Position struct {
	File string
	Line int
	Col  int
}

func (p Position) String() string {
	switch {
	case p.Line == 0:
		return p.File
	case p.Col == 0:
		return fmt.Sprintf("%s:%d", p.File, p.Line)
	}
	return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Col)
}

func posOf(file string, n *yaml.Node) Position {
	if n == nil {
		return Position{File: file}
	}
	return Position{File: file, Line: n.Line, Col: n.Column}
}

// Severity tells whether a finding stops the plugin from working.
type Severity int

const (
	Error Severity = iota
	Warning
)

func (s Severity) String() string {
	if s == Warning {
		return "warning"
	}
	return "error"
}

// MarshalText makes severities readable in JSON.
func (s Severity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// Diagnostic is one finding about a plugin.
type Diagnostic struct {
	Pos      Position
	Severity Severity
	Rule     string // stable identifier, e.g. "file-missing"
	Message  string
	Hint     string // how to fix it, when known
}

func (d Diagnostic) String() string {
	s := fmt.Sprintf("%s: %s: %s", d.Pos, d.Severity, d.Message)
	if d.Rule != "" {
		s += " [" + d.Rule + "]"
	}
	if d.Hint != "" {
		s += "\n  hint: " + d.Hint
	}
	return s
}

// Diagnostics is a list of findings.
type Diagnostics []Diagnostic

// HasErrors reports whether any finding is an error.
func (ds Diagnostics) HasErrors() bool {
	for _, d := range ds {
		if d.Severity == Error {
			return true
		}
	}
	return false
}

// Sort orders findings by file, line and column.
func (ds Diagnostics) Sort() {
	sort.SliceStable(ds, func(i, j int) bool {
		a, b := ds[i].Pos, ds[j].Pos
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Col < b.Col
	})
}

// Err returns the errors among the findings as an error, or nil.
func (ds Diagnostics) Err() error {
	var errs Diagnostics
	for _, d := range ds {
		if d.Severity == Error {
			errs = append(errs, d)
		}
	}
	if len(errs) == 0 {
		return nil
	}
	return &InvalidError{Diagnostics: errs}
}

// InvalidError is returned when a plugin has errors.
type InvalidError struct{ Diagnostics Diagnostics }

func (e *InvalidError) Error() string {
	lines := make([]string, len(e.Diagnostics))
	for i, d := range e.Diagnostics {
		lines[i] = d.String()
	}
	return strings.Join(lines, "\n")
}

// Fatal reports whether the findings include one no Dify gets past, with
// or without validation: manifest.yaml is missing, cannot be read, is not
// YAML, repeats a key, or the plugin is too large to read it.
func (ds Diagnostics) Fatal() bool {
	for _, d := range ds {
		if d.Pos.File != FileName {
			continue
		}
		switch d.Rule {
		case "yaml", "file-missing", "file-unreadable", "duplicate-key", "file-size", "size":
			return true
		}
	}
	return false
}
