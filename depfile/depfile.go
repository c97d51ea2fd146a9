// Package depfile decides which file a plugin's Python dependencies are
// installed from, by the daemon's rule (dify-plugin-daemon,
// internal/core/local_runtime/setup_python_environment.go):
//
//  1. With a pip mirror configured (PIP_MIRROR_URL), requirements.txt when
//     there is one: a uv.lock names the files' official URLs, which a mirror
//     does not serve.
//  2. Else pyproject.toml when there is one, installed with `uv sync
//     --no-dev`, and `--frozen` when uv.lock is beside it, unless
//     PLUGIN_IGNORE_UV_LOCK is set.
//  3. Else requirements.txt, installed with `uv pip install -r`.
//  4. Else none: the daemon refuses the plugin.
//
// Everything that asks "which dependency file wins" asks Choose: running a
// plugin locally, building an offline package, validation.
package depfile

import (
	"errors"
	"fmt"
)

// The dependency files.
const (
	Pyproject    = "pyproject.toml"
	Lock         = "uv.lock"
	Requirements = "requirements.txt"
)

// Settings are the daemon's settings that change the choice, and the
// user's own.
type Settings struct {
	Mirror     bool // PIP_MIRROR_URL is set
	IgnoreLock bool // PLUGIN_IGNORE_UV_LOCK is set
	// Prefer is a file the user chose (Pyproject or Requirements), taken
	// when it exists; "" follows the daemon.
	Prefer string
}

// Choice is the file chosen and how it installs.
type Choice struct {
	File   string // Pyproject or Requirements
	Frozen bool   // Pyproject with uv.lock pinning every version
	Why    string // why this file, for people
	// Notable is a choice someone could have expected otherwise: both files
	// are there, a setting decided, or the user chose. Worth saying.
	Notable bool
}

// ErrNone is a plugin without a dependency file.
var ErrNone = errors.New("the plugin has neither requirements.txt nor pyproject.toml")

// Choose picks the dependency file of a plugin; has reports whether the
// plugin has a file.
func Choose(has func(name string) bool, s Settings) (Choice, error) {
	frozen := func() bool { return has(Lock) && !s.IgnoreLock }
	pyproject := func(why string) Choice {
		c := Choice{File: Pyproject, Frozen: frozen(), Why: why, Notable: s.Prefer != "" || has(Requirements)}
		switch {
		case c.Frozen:
			c.Why += ", pinned by uv.lock"
		case has(Lock):
			c.Why += "; uv.lock is ignored (PLUGIN_IGNORE_UV_LOCK), so versions are resolved afresh"
			c.Notable = true
		default:
			c.Why += "; without uv.lock, versions are resolved afresh"
		}
		return c
	}
	switch {
	case s.Prefer != "" && s.Prefer != Pyproject && s.Prefer != Requirements:
		return Choice{}, fmt.Errorf("dependency file %q is neither %s nor %s", s.Prefer, Pyproject, Requirements)
	case s.Prefer != "" && !has(s.Prefer):
		return Choice{}, fmt.Errorf("the plugin has no %s to install from", s.Prefer)
	case s.Prefer == Requirements:
		return Choice{File: Requirements, Why: "requirements.txt, as asked", Notable: true}, nil
	case s.Prefer == Pyproject:
		return pyproject("pyproject.toml, as asked"), nil
	case s.Mirror && has(Requirements):
		return Choice{File: Requirements, Why: "requirements.txt: with a pip mirror (PIP_MIRROR_URL) the daemon prefers it", Notable: true}, nil
	case has(Pyproject):
		why := "pyproject.toml"
		if has(Requirements) {
			why += " (the daemon prefers it to requirements.txt)"
		}
		return pyproject(why), nil
	case has(Requirements):
		return Choice{File: Requirements, Why: "requirements.txt"}, nil
	}
	return Choice{}, ErrNone
}
