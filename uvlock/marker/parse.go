package marker

import (
	"errors"
	"fmt"
	"strings"
	"unicode"

	"github.com/dify-cli/dify/internal/lazyregexp"
	"github.com/dify-cli/dify/uvlock/pep440"
)

// SyntaxError is a marker that cannot be read, with the byte offset of the problem.
type SyntaxError struct {
	Marker string
	Offset int
	Msg    string
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("marker %q, at offset %d: %s", e.Marker, e.Offset, e.Msg)
}

// Parse reads PEP 508 marker text into a Tree. Like uv it rewrites deprecated names and
// python_version, flips reversed comparisons, and ignores comparisons that cannot mean
// anything (`os_name ~= 'x'`, an invalid version): they count as true.
func (a *Algebra) Parse(s string) (Tree, error) {
	p := &parser{a: a, s: s}
	t, ok, err := p.or()
	if err != nil {
		return False, err
	}
	p.space()
	if p.i < len(p.s) {
		return False, p.errorf("unexpected %q, expected 'and', 'or' or the end", p.s[p.i:])
	}
	if !ok {
		return True, nil
	}
	return t, nil
}

type parser struct {
	a *Algebra
	s string
	i int
}

func (p *parser) errorf(format string, args ...any) error {
	return &SyntaxError{Marker: p.s, Offset: p.i, Msg: fmt.Sprintf(format, args...)}
}

func (p *parser) space() {
	for p.i < len(p.s) && unicode.IsSpace(rune(p.s[p.i])) {
		p.i++
	}
}

// word peeks at the run of non-space characters at the cursor.
func (p *parser) word() string {
	j := p.i
	for j < len(p.s) && !unicode.IsSpace(rune(p.s[j])) {
		j++
	}
	return p.s[p.i:j]
}

func (p *parser) or() (Tree, bool, error) {
	return p.chain("or", p.and, p.a.Or)
}

func (p *parser) and() (Tree, bool, error) {
	return p.chain("and", p.expr, p.a.And)
}

// chain parses `inner (word inner)*`, folding from the left. An ignored operand (ok=false)
// drops out of the chain.
func (p *parser) chain(word string, inner func() (Tree, bool, error), combine func(Tree, Tree) Tree) (Tree, bool, error) {
	t, ok, err := inner()
	if err != nil {
		return False, false, err
	}
	for {
		p.space()
		if p.word() != word {
			return t, ok, nil
		}
		p.i += len(word)
		u, uok, err := inner()
		if err != nil {
			return False, false, err
		}
		switch {
		case uok && ok:
			t = combine(t, u)
		case uok:
			t, ok = u, true
		}
	}
}

func (p *parser) expr() (Tree, bool, error) {
	p.space()
	if p.i < len(p.s) && p.s[p.i] == '(' {
		open := p.i
		p.i++
		t, ok, err := p.or()
		if err != nil {
			return False, false, err
		}
		p.space()
		if p.i >= len(p.s) || p.s[p.i] != ')' {
			p.i = open
			return False, false, p.errorf("this parenthesis is never closed")
		}
		p.i++
		return t, ok, nil
	}
	x, ok, err := p.comparison()
	if err != nil || !ok {
		return False, false, err
	}
	t, err := p.a.expression(x)
	if errors.Is(err, errOverflow) {
		return False, false, nil
	}
	return t, err == nil, err
}

type operand struct {
	quoted bool
	text   string
	key    key
	extra  bool
}

var keywords = map[string]key{
	"implementation_name": implementationName, "implementation_version": implementationVersion,
	"os_name": osName, "os.name": osName, "platform_machine": platformMachine,
	"platform.machine": platformMachine, "platform_python_implementation": platformPythonImplementation,
	"platform.python_implementation": platformPythonImplementation,
	"python_implementation":          platformPythonImplementation,
	"platform_release":               platformRelease, "platform_system": platformSystem,
	"platform_version": platformVersion, "platform.version": platformVersion,
	"python_full_version": pythonFullVersion, "python_version": pythonVersion,
	"sys_platform": sysPlatform, "sys.platform": sysPlatform,
}

func (p *parser) operand() (operand, error) {
	if p.i >= len(p.s) {
		return operand{}, p.errorf("expected a marker name or a quoted string, found the end")
	}
	if q := p.s[p.i]; q == '\'' || q == '"' {
		start := p.i
		end := strings.IndexByte(p.s[p.i+1:], q)
		if end < 0 {
			p.i = start
			return operand{}, p.errorf("this quote is never closed")
		}
		text := p.s[p.i+1 : p.i+1+end]
		p.i += end + 2
		return operand{quoted: true, text: text}, nil
	}
	j := p.i
	for j < len(p.s) && !unicode.IsSpace(rune(p.s[j])) && !strings.ContainsRune("><=!~)", rune(p.s[j])) {
		j++
	}
	name := p.s[p.i:j]
	if name == "extra" {
		p.i = j
		return operand{extra: true, text: name}, nil
	}
	k, ok := keywords[name]
	if !ok {
		if name == "extras" || name == "dependency_groups" {
			return operand{}, p.errorf("%s markers (PEP 751) are not supported", name)
		}
		return operand{}, p.errorf("expected a quoted string or a marker name, found %q", name)
	}
	p.i = j
	return operand{key: k, text: name}, nil
}

func (p *parser) operator() (op, error) {
	start := p.i
	if p.i < len(p.s) && unicode.IsLetter(rune(p.s[p.i])) {
		w := p.s[p.i:]
		w = w[:strings.IndexFunc(w+" ", func(r rune) bool { return unicode.IsSpace(r) || r == '\'' || r == '"' })]
		p.i += len(w)
		switch w {
		case "in":
			return opIn, nil
		case "not":
			if p.i >= len(p.s) || !unicode.IsSpace(rune(p.s[p.i])) {
				return 0, p.errorf("expected whitespace after 'not'")
			}
			p.space()
			if !strings.HasPrefix(p.s[p.i:], "in") {
				return 0, p.errorf("expected 'in' after 'not'")
			}
			p.i += 2
			return opNotIn, nil
		}
		p.i = start
		return 0, p.errorf("expected a comparison operator, found %q", w)
	}
	j := p.i
	for j < len(p.s) && strings.ContainsRune("<=>~!", rune(p.s[j])) {
		j++
	}
	text := p.s[p.i:j]
	o, ok := map[string]op{"==": opEqual, "!=": opNotEqual, "<": opLess, "<=": opLessEqual, ">": opGreater,
		">=": opGreaterEqual, "~=": opTilde, "===": opExact}[text]
	if !ok {
		return 0, p.errorf("expected a comparison operator (such as >= or not in), found %q", text)
	}
	p.i = j
	return o, nil
}

// invert is the operator with its operands swapped: `'3.6' < v` is `v > '3.6'`.
func (o op) invert() op {
	switch o {
	case opLess:
		return opGreater
	case opLessEqual:
		return opGreaterEqual
	case opGreater:
		return opLess
	case opGreaterEqual:
		return opLessEqual
	case opIn:
		return opContains
	case opNotIn:
		return opNotContains
	}
	return o
}

// comparison reads `operand op operand`. ok=false means the comparison is meaningless and,
// as in uv, ignored.
func (p *parser) comparison() (expr, bool, error) {
	p.space()
	l, err := p.operand()
	if err != nil {
		return expr{}, false, err
	}
	p.space()
	o, err := p.operator()
	if err != nil {
		return expr{}, false, err
	}
	p.space()
	r, err := p.operand()
	if err != nil {
		return expr{}, false, err
	}
	switch {
	case !l.quoted && !l.extra && l.key.isVersion():
		if !r.quoted {
			return expr{}, false, nil
		}
		return versionComparison(l.key, o, r.text)
	case !l.quoted && !l.extra:
		if !r.quoted || o == opTilde {
			return expr{}, false, nil
		}
		return expr{kind: exprString, key: l.key, op: o, str: r.text}, true, nil
	case l.extra:
		if !r.quoted {
			return expr{}, false, nil
		}
		return extraComparison(o, r.text)
	case r.extra:
		return extraComparison(o, l.text)
	case r.quoted:
		return expr{}, false, nil
	case r.key.isVersion():
		v, err := pep440.Parse(l.text)
		if err != nil || o == opIn || o == opNotIn {
			return expr{}, false, nil
		}
		o = o.invert()
		if !versionOperatorAllowed(o, v, false) {
			return expr{}, false, nil
		}
		return expr{kind: exprVersion, key: r.key, op: o, ver: v}, true, nil
	default:
		if o == opTilde {
			return expr{}, false, nil
		}
		return expr{kind: exprString, key: r.key, op: o.invert(), str: l.text}, true, nil
	}
}

func versionComparison(k key, o op, text string) (expr, bool, error) {
	if o == opIn || o == opNotIn {
		var vers []pep440.Version
		for _, f := range strings.Fields(text) {
			v, err := pep440.Parse(f)
			if err != nil {
				return expr{}, false, nil
			}
			vers = append(vers, v)
		}
		return expr{kind: exprVersionIn, key: k, op: o, vers: vers}, true, nil
	}
	v, star, err := pep440.ParseWildcard(text)
	if err != nil {
		return expr{}, false, nil
	}
	ok := true
	if star {
		if o, ok = starOperator(o); !ok {
			return expr{}, false, nil
		}
	}
	if !versionOperatorAllowed(o, v, star) {
		return expr{}, false, nil
	}
	return expr{kind: exprVersion, key: k, op: o, ver: v}, true, nil
}

// starOperator is the operator of `op 'X.Y.*'`: only == and != take a wildcard.
func starOperator(o op) (op, bool) {
	switch o {
	case opEqual:
		return opEqualStar, true
	case opNotEqual:
		return opNotEqualStar, true
	}
	return o, false
}

// versionOperatorAllowed applies PEP 440's rules on specifiers: local versions only with
// equality, `~=` with at least two release segments.
func versionOperatorAllowed(o op, v pep440.Version, star bool) bool {
	if len(v.Local) > 0 && o != opEqual && o != opNotEqual && o != opExact {
		return false
	}
	if o == opTilde && len(v.Release) < 2 {
		return false
	}
	return true
}

var extraName = lazyregexp.New(`^[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?$`)
var extraSeparators = lazyregexp.New(`[-_.]+`)

// NormalizeName is PEP 503 name normalisation, used for package and extra names.
func NormalizeName(s string) string {
	return extraSeparators().ReplaceAllString(strings.ToLower(s), "-")
}

func extraComparison(o op, name string) (expr, bool, error) {
	if o != opEqual && o != opNotEqual {
		return expr{}, false, nil
	}
	if !extraName().MatchString(name) {
		return expr{kind: exprExtra, op: o, str: name, invalidExtra: true}, true, nil
	}
	return expr{kind: exprExtra, op: o, str: NormalizeName(name)}, true, nil
}
