package marker

import (
	"strings"

	"github.com/dify-cli/dify/uvlock/pep440"
)

// Environment gives marker variables their values in one environment, by
// their PEP 508 names (python_full_version, sys_platform, platform_machine,
// ...). Variables it leaves out are empty strings. python_version is read
// through python_full_version, as the diagrams store it. "extra" names the
// one extra active, for a dependency's Requires-Dist; without it, no extra
// is.
type Environment map[string]string

// Evaluate decides whether t holds in env.
func (a *Algebra) Evaluate(t Tree, env Environment) bool {
	for {
		switch t {
		case True:
			return true
		case False:
			return false
		}
		n := a.node(t)
		next := False
		switch n.v.kind {
		case varIn, varContains, varExtra:
			holds := false
			switch n.v.kind {
			case varIn: // key in 'value'
				holds = strings.Contains(n.v.value, env[n.v.key.String()])
			case varContains: // 'value' in key
				holds = strings.Contains(env[n.v.key.String()], n.v.value)
			case varExtra: // extra == 'name'
				holds = env["extra"] != "" && NormalizeName(env["extra"]) == n.v.value
			}
			if holds {
				next = n.e.high
			} else {
				next = n.e.low
			}
		default:
			v, ok := a.valueOf(n.v.key, env)
			if !ok {
				return false
			}
			for _, r := range n.e.ranged {
				if r.r.contains(v) {
					next = r.child
					break
				}
			}
		}
		t = next.negate(t)
	}
}

// valueOf is a variable's value in env as the diagrams compare it; false
// when a version variable holds no version.
func (a *Algebra) valueOf(k key, env Environment) (value, bool) {
	if !k.isVersion() {
		return strValue(env[k.String()]), true
	}
	s := env[k.String()]
	if k == pythonFullVersion && s == "" {
		s = env[pythonVersion.String()]
	}
	v, err := pep440.Parse(s)
	if err != nil {
		return value{}, false
	}
	return verValue(v.Trimmed()), true
}

// contains reports whether v lies in one of the segments.
func (r ranges) contains(v value) bool {
	for _, s := range r {
		if s.lo.kind != unbounded {
			c := s.lo.v.compare(v)
			if c > 0 || c == 0 && s.lo.kind == excluded {
				continue
			}
		}
		if s.hi.kind != unbounded {
			c := v.compare(s.hi.v)
			if c > 0 || c == 0 && s.hi.kind == excluded {
				continue
			}
		}
		return true
	}
	return false
}
