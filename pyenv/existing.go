package pyenv

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/dify-cli/dify/depfile"
	"github.com/dify-cli/dify/uvlock"
	pep508 "github.com/dify-cli/dify/uvlock/marker"
	"github.com/dify-cli/dify/uvlock/pep440"
)

// Environments the user already has: a venv whose interpreter was named
// (--python or PYTHON_INTERPRETER_PATH), or the project's .venv (made by
// `uv sync` or by hand). They are used as they are: nothing is installed
// into them, and what the plugin's dependency file asks for that they lack
// is said.

// venvOf returns the venv the interpreter at path belongs to (the folder
// holding pyvenv.cfg above its bin folder), or "".
func venvOf(path string) string {
	if path == "" {
		return ""
	}
	dir := filepath.Dir(filepath.Dir(path))
	if abs, err := filepath.Abs(dir); err == nil {
		dir = abs
	}
	if _, err := os.Stat(filepath.Join(dir, "pyvenv.cfg")); err != nil {
		return ""
	}
	return dir
}

// projectVenv is the project's .venv interpreter, when there is one.
func projectVenv(dir string) string {
	p := pythonIn(filepath.Join(dir, ".venv"))
	if st, err := os.Stat(p); err == nil && !st.IsDir() {
		return p
	}
	return ""
}

// missing lists the requirements an environment does not meet: not
// installed, or at a version outside the requirement's. Requirements whose
// markers do not hold there are skipped.
func missing(have *inspection, reqs []string) []string {
	installed := map[string]string{}
	for name, v := range have.Dists {
		installed[pep508.NormalizeName(name)] = v
	}
	algebra := pep508.New()
	var lacks []string
	for _, line := range reqs {
		r := parseRequirement(line)
		if r.marker != "" {
			if t, err := algebra.Parse(r.marker); err == nil && !algebra.Evaluate(t, have.Env) {
				continue
			}
		}
		v, ok := installed[pep508.NormalizeName(r.name)]
		if !ok {
			lacks = append(lacks, r.name+" (not installed)")
			continue
		}
		pv, err := pep440.Parse(v)
		if err != nil || r.spec == "" {
			continue
		}
		if ok, err := pep440.Satisfies(pv, r.spec); err == nil && !ok {
			lacks = append(lacks, fmt.Sprintf("%s%s (%s is installed)", r.name, r.spec, v))
		}
	}
	return lacks
}

type requirement struct{ name, spec, marker string }

// parseRequirement splits a PEP 508 line: name, extras (dropped), the
// version clauses, and the marker after ';'. A URL requirement keeps only
// its name.
func parseRequirement(line string) requirement {
	var r requirement
	if i := strings.Index(line, ";"); i >= 0 {
		r.marker = strings.TrimSpace(line[i+1:])
		line = line[:i]
	}
	line = strings.TrimSpace(line)
	n := 0
	for n < len(line) && (line[n] >= 'a' && line[n] <= 'z' || line[n] >= 'A' && line[n] <= 'Z' || line[n] >= '0' && line[n] <= '9' || strings.ContainsRune("._-", rune(line[n]))) {
		n++
	}
	r.name = line[:n]
	rest := strings.TrimSpace(line[n:])
	if strings.HasPrefix(rest, "[") {
		if j := strings.Index(rest, "]"); j >= 0 {
			rest = strings.TrimSpace(rest[j+1:])
		}
	}
	if strings.HasPrefix(rest, "@") {
		return r
	}
	rest = strings.TrimSuffix(strings.TrimPrefix(rest, "("), ")")
	r.spec = strings.ReplaceAll(rest, " ", "")
	return r
}

// requirementLines are the requirements of a dependency choice, one per
// line, without options, comments or hashes.
func (d *deps) requirementLines(dir string) ([]string, error) {
	var data []byte
	switch {
	case d.Empty:
		return nil, nil
	case d.Generated != nil:
		data = d.Generated
	case d.Install != "":
		data = d.Files[d.Install]
	case d.Frozen:
		res, err := uvlock.Export(os.DirFS(dir), uvlock.Options{})
		if err != nil {
			return nil, fmt.Errorf("reading the dependencies in %s: %w", filepath.Join(dir, depfile.Lock), err)
		}
		data = res.Requirements
	default: // an unlocked pyproject.toml: what it asks for, unresolved
		return uvlock.ProjectDependencies(filepath.Join(dir, depfile.Pyproject), d.Files[depfile.Pyproject])
	}
	return requirementsIn(data), nil
}

// requirementsIn are the requirement lines of a requirements file, without
// options, comments or hashes.
func requirementsIn(data []byte) []string {
	var out []string
	for _, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(strings.TrimSuffix(line, "\\"))
		if i := strings.Index(line, " #"); i >= 0 {
			line = strings.TrimSpace(line[:i])
		}
		if line == "" || strings.HasPrefix(line, "#") || strings.HasPrefix(line, "-") {
			continue
		}
		out = append(out, line)
	}
	return out
}

// existing returns the environment the user has, when one is to be used:
// the venv of the interpreter given, as it is; else the project's .venv
// when it has everything the dependency file asks for. When .venv lacks
// something, the notes say what, and the caller builds or reuses a cached
// environment instead.
func existing(ctx context.Context, o Options, progress io.Writer) (*Env, []string, error) {
	if venv := venvOf(o.Interpreter); venv != "" {
		d, err := chooseDeps(o.Dir, true, o.DepFile)
		switch {
		case err != nil && o.DepFile.Prefer != "":
			return nil, nil, err // the file asked for is not there
		case err != nil:
			d = &deps{Source: "the plugin", File: "the plugin", Empty: true} // nothing to compare with: run it as it is
		}
		// The plugin runs in its own folder: a relative path would not reach.
		python, err := filepath.Abs(o.Interpreter)
		if err != nil {
			return nil, nil, err
		}
		env, lacks, err := useExisting(ctx, o, python, venv, d, "the interpreter given")
		if err != nil {
			return nil, nil, fmt.Errorf("the interpreter given (--python or PYTHON_INTERPRETER_PATH): %w", err)
		}
		fmt.Fprintf(progress, "Using the environment at %s as it is; nothing is installed.\n", venv)
		if d.Notable {
			env.Notes = append(env.Notes, "dependencies compared with "+d.Source)
		}
		if len(lacks) > 0 {
			env.Notes = append(env.Notes, fmt.Sprintf("the environment at %s lacks what %s asks for: %s", venv, d.File, strings.Join(lacks, ", ")))
		}
		if want := minorVersion(o.Version); want != "" && env.Base.MinorVersion() != want {
			env.Notes = append(env.Notes, fmt.Sprintf("the environment at %s has Python %s; Dify's daemon runs plugins with Python %s", venv, env.Base.Version, want))
		}
		return env, nil, nil
	}
	if o.Interpreter != "" {
		return nil, nil, nil
	}
	py := projectVenv(o.Dir)
	if py == "" {
		return nil, nil, nil
	}
	d, err := chooseDeps(o.Dir, true, o.DepFile)
	if err != nil {
		return nil, nil, nil // the cached path says why
	}
	venv := filepath.Join(o.Dir, ".venv")
	env, lacks, err := useExisting(ctx, o, py, venv, d, "the project's .venv")
	switch {
	case err != nil:
		return nil, []string{fmt.Sprintf("the project's .venv was not used: %v", err)}, nil
	case len(lacks) > 0:
		return nil, []string{fmt.Sprintf("the project's .venv lacks what %s asks for (%s), so a cached environment is used", d.File, strings.Join(lacks, ", "))}, nil
	case minorVersion(o.Version) != "" && env.Base.MinorVersion() != minorVersion(o.Version):
		return nil, []string{fmt.Sprintf("the project's .venv has Python %s and Dify's daemon uses %s, so a cached environment is used", env.Base.Version, minorVersion(o.Version))}, nil
	}
	env.Notes = append(env.Notes, fmt.Sprintf("using the project's .venv as it is, which has everything %s asks for", d.File))
	return env, nil, nil
}

// useExisting makes an Env of an environment the user has, as it is.
func useExisting(ctx context.Context, o Options, python, venv string, d *deps, why string) (*Env, []string, error) {
	have, err := inspect(ctx, python, venv, o.Env, o.CacheDir)
	if err != nil {
		return nil, nil, err
	}
	reqs, err := d.requirementLines(o.Dir)
	if err != nil {
		return nil, nil, err
	}
	env := &Env{Dir: venv, Python: python, Base: Choice{Interpreter: have.Interpreter}, Tool: "existing", Source: d.Source, Reused: true, Existing: why}
	return env, missing(have, reqs), nil
}
