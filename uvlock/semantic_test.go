package uvlock

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/dify-cli/dify/internal/testref"
	"github.com/dify-cli/dify/uvlock/pep440"
)

// TestSemantics checks exports by meaning rather than by text: over a grid of environments,
// the lines whose marker holds must be exactly the packages a brute-force walk of the lock
// reaches in that environment. Markers are evaluated by evalMarker below, a direct PEP 508
// evaluator that shares nothing with the decision diagrams the exporter prints from.
func TestSemantics(t *testing.T) {
	dirs, _ := filepath.Glob("testdata/*")
	cases, _ := testref.Shared("testdata-uvexport")
	shared, _ := filepath.Glob(filepath.Join(cases, "*", "uv.lock"))
	for _, lock := range shared {
		if _, err := os.Stat(filepath.Join(filepath.Dir(lock), "expected-error.txt")); err == nil {
			continue
		}
		dirs = append(dirs, filepath.Dir(lock))
	}
	envs := grid()
	for _, dir := range dirs {
		if _, err := os.Stat(filepath.Join(dir, lockName)); err != nil {
			continue
		}
		t.Run(filepath.Base(dir), func(t *testing.T) {
			res, err := Export(os.DirFS(dir), Options{})
			if err != nil {
				t.Fatal(err)
			}
			lines := strings.Split(strings.TrimSuffix(string(res.Requirements), "\n"), "\n")
			if len(res.Requirements) == 0 {
				lines = nil
			}
			walker := newWalker(t, dir)
			checked := 0
			for _, env := range envs {
				if !walker.supports(t, env) {
					continue
				}
				checked++
				var exported []string
				for _, l := range lines {
					req, m, _ := strings.Cut(l, " ; ")
					if m == "" || mustEval(t, m, env) {
						exported = append(exported, req)
					}
				}
				slices.Sort(exported)
				want := walker.reachable(t, env)
				if !slices.Equal(exported, want) {
					t.Errorf("%v:\n exported %q\n reachable %q", env, exported, want)
				}
			}
			if checked == 0 {
				t.Fatal("no environment of the grid is supported by the lock")
			}
		})
	}
}

type environment map[string]string

func (e environment) String() string {
	return fmt.Sprintf("%s/%s/%s/%s", e["python_full_version"], e["sys_platform"], e["platform_machine"], e["implementation_name"])
}

func grid() []environment {
	var out []environment
	for _, py := range []string{"3.10.4", "3.11.9", "3.12.3", "3.13.1"} {
		for _, plat := range [][3]string{{"linux", "posix", "Linux"}, {"darwin", "posix", "Darwin"}, {"win32", "nt", "Windows"}} {
			for _, machine := range []string{"x86_64", "aarch64"} {
				for _, impl := range [][2]string{{"cpython", "CPython"}, {"pypy", "PyPy"}} {
					out = append(out, environment{
						"python_full_version": py, "python_version": py[:strings.LastIndex(py, ".")],
						"implementation_version": py, "sys_platform": plat[0], "os_name": plat[1],
						"platform_system": plat[2], "platform_machine": machine, "implementation_name": impl[0],
						"platform_python_implementation": impl[1], "platform_release": "", "platform_version": "",
					})
				}
			}
		}
	}
	return out
}

// walker is a brute-force reading of a lock: start at the project (or the workspace members),
// follow every dependency entry whose marker holds, with the extras entries ask for.
type walker struct {
	e     *exporter
	roots []*lockPackage
	skip  string
}

func newWalker(t *testing.T, dir string) *walker {
	ppData, _ := os.ReadFile(filepath.Join(dir, pyprojectName))
	lockData, _ := os.ReadFile(filepath.Join(dir, lockName))
	pp, err := decodePyproject(pyprojectName, ppData)
	if err != nil {
		t.Fatal(err)
	}
	lf, err := decodeLock(lockName, lockData)
	if err != nil {
		t.Fatal(err)
	}
	w := &walker{e: &exporter{pp: pp, lf: lf, idx: indexPackages(lf)}}
	names := lf.Manifest.Members
	if pp.Project != nil {
		names = []string{pp.Project.Name}
		w.skip = normalizeName(pp.Project.Name)
	}
	for _, n := range names {
		w.roots = append(w.roots, w.e.idx.byName[normalizeName(n)][0])
	}
	return w
}

func (w *walker) supports(t *testing.T, env environment) bool {
	for _, spec := range strings.Split(w.e.lf.RequiresPython, ",") {
		if !mustEval(t, "python_full_version "+spec[:len(spec)-len(strings.TrimLeft(spec, "<>=!~ "))]+"'"+strings.TrimLeft(spec, "<>=!~ ")+"'", env) {
			return false
		}
	}
	return true
}

func (w *walker) reachable(t *testing.T, env environment) []string {
	groups, err := w.e.selectedGroups(w.roots)
	if err != nil {
		t.Fatal(err)
	}
	type item struct {
		p     *lockPackage
		extra string
	}
	seen := map[item]bool{}
	var visit func(p *lockPackage, extra string)
	follow := func(deps []lockDependency) {
		for _, d := range deps {
			if d.Marker != "" && !mustEval(t, d.Marker, env) {
				continue
			}
			target, err := w.e.idx.find(d)
			if err != nil {
				t.Fatal(err)
			}
			visit(target, "")
			for _, x := range d.Extra {
				visit(target, x)
			}
		}
	}
	visit = func(p *lockPackage, extra string) {
		if seen[item{p, extra}] {
			return
		}
		seen[item{p, extra}] = true
		if extra == "" {
			follow(p.Dependencies)
		} else {
			follow(p.OptionalDependencies[extra])
		}
	}
	for _, r := range w.roots {
		visit(r, "")
		for g, deps := range r.DevDependencies {
			if groups[normalizeName(g)] {
				follow(deps)
			}
		}
	}
	var out []string
	for it := range seen {
		if it.extra != "" || normalizeName(it.p.Name) == w.skip || it.p.Source.kind() == "virtual" {
			continue
		}
		out = append(out, requirementLine(it.p))
	}
	slices.Sort(out)
	return slices.Compact(out)
}

func mustEval(t *testing.T, m string, env environment) bool {
	t.Helper()
	v, err := evalMarker(m, env)
	if err != nil {
		t.Fatalf("evaluating %q: %v", m, err)
	}
	return v
}

// evalMarker evaluates PEP 508 marker text directly in one environment.
func evalMarker(s string, env environment) (bool, error) {
	toks, err := tokens(s)
	if err != nil {
		return false, err
	}
	p := &evaluator{toks: toks, env: env}
	v, err := p.or()
	if err == nil && p.i != len(toks) {
		err = fmt.Errorf("unexpected %q", toks[p.i])
	}
	return v, err
}

func tokens(s string) ([]string, error) {
	var out []string
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == ' ':
			i++
		case c == '(' || c == ')':
			out = append(out, string(c))
			i++
		case c == '\'' || c == '"':
			j := strings.IndexByte(s[i+1:], c)
			if j < 0 {
				return nil, fmt.Errorf("unclosed quote")
			}
			out = append(out, s[i:i+j+2])
			i += j + 2
		case strings.ContainsRune("<>=!~", rune(c)):
			j := i
			for j < len(s) && strings.ContainsRune("<>=!~", rune(s[j])) {
				j++
			}
			out = append(out, s[i:j])
			i = j
		default:
			j := i
			for j < len(s) && !strings.ContainsRune(" ()<>=!~'\"", rune(s[j])) {
				j++
			}
			out = append(out, s[i:j])
			i = j
		}
	}
	return out, nil
}

type evaluator struct {
	toks []string
	i    int
	env  environment
}

func (p *evaluator) next() string {
	if p.i >= len(p.toks) {
		return ""
	}
	p.i++
	return p.toks[p.i-1]
}

func (p *evaluator) peek() string {
	if p.i >= len(p.toks) {
		return ""
	}
	return p.toks[p.i]
}

func (p *evaluator) or() (bool, error) {
	v, err := p.and()
	for err == nil && p.peek() == "or" {
		p.next()
		var w bool
		w, err = p.and()
		v = v || w
	}
	return v, err
}

func (p *evaluator) and() (bool, error) {
	v, err := p.atom()
	for err == nil && p.peek() == "and" {
		p.next()
		var w bool
		w, err = p.atom()
		v = v && w
	}
	return v, err
}

func (p *evaluator) atom() (bool, error) {
	if p.peek() == "(" {
		p.next()
		v, err := p.or()
		if p.next() != ")" {
			return false, fmt.Errorf("missing )")
		}
		return v, err
	}
	l := p.next()
	op := p.next()
	if op == "not" {
		op += " " + p.next()
	}
	r := p.next()
	versionKey := func(s string) bool {
		return s == "python_version" || s == "python_full_version" || s == "implementation_version"
	}
	value := func(s string) (string, error) {
		if strings.HasPrefix(s, "'") || strings.HasPrefix(s, "\"") {
			return s[1 : len(s)-1], nil
		}
		v, ok := p.env[s]
		if !ok {
			return "", fmt.Errorf("unknown variable %q", s)
		}
		return v, nil
	}
	lv, err := value(l)
	if err != nil {
		return false, err
	}
	rv, err := value(r)
	if err != nil {
		return false, err
	}
	switch {
	case op == "in":
		return strings.Contains(rv, lv), nil
	case op == "not in":
		return !strings.Contains(rv, lv), nil
	case versionKey(l):
		return compareVersion(lv, op, rv)
	case versionKey(r):
		flipped := map[string]string{"<": ">", ">": "<", "<=": ">=", ">=": "<="}[op]
		if flipped == "" {
			flipped = op
		}
		return compareVersion(rv, flipped, lv)
	case op == "==":
		return lv == rv, nil
	case op == "!=":
		return lv != rv, nil
	}
	return false, fmt.Errorf("string comparison %q", op)
}

func compareVersion(have, op, spec string) (bool, error) {
	hv, err := pep440.Parse(have)
	if err != nil {
		return false, err
	}
	if prefix, ok := strings.CutSuffix(spec, ".*"); ok {
		pv, err := pep440.Parse(prefix)
		if err != nil {
			return false, err
		}
		match := len(hv.Release) >= len(pv.Release) && slices.Equal(hv.Release[:len(pv.Release)], pv.Release)
		if op == "!=" {
			return !match, nil
		}
		return match, nil
	}
	sv, err := pep440.Parse(spec)
	if err != nil {
		return false, err
	}
	c := pep440.Compare(hv, sv)
	switch op {
	case "==":
		return c == 0, nil
	case "!=":
		return c != 0, nil
	case "<":
		return c < 0, nil
	case "<=":
		return c <= 0, nil
	case ">":
		return c > 0, nil
	case ">=":
		return c >= 0, nil
	}
	return false, fmt.Errorf("version operator %q", op)
}
