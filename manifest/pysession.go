package manifest

import (
	"slices"
	"strings"
)

// Finding where Python code uses the Dify session: `self.session.storage`,
// a `session` variable, and a session passed to a function under another
// name (`def remember(store, key): store.storage.get(key)` called as
// `remember(self.session, "k")`). This reads source text line by line, the
// way it is laid out in practice; it is not a Python parser, and errs on the
// side of finding nothing.

// pyFile is one Python source, comments removed.
type pyFile struct {
	name  string
	lines []string
	funcs []pyFunc
}

// pyFunc is a function definition and the lines of its body.
type pyFunc struct {
	name       string
	params     []string // without self and cls
	method     bool     // the first parameter was self or cls
	start, end int      // body lines: start ≤ i < end
	aliases    []string // parameter names that receive the session
}

// sessionUse is "<alias>.<call>" found at a line and column.
type sessionUse struct {
	file      string
	line, col int
	text      string // e.g. "store.storage"
	perm      string // the permission key the call needs
	via       string // the function whose parameter held the session, if any
}

func parsePython(name string, data string) *pyFile {
	f := &pyFile{name: name, lines: strings.Split(data, "\n")}
	for i, line := range f.lines {
		f.lines[i] = stripComment(line)
	}
	for i := 0; i < len(f.lines); i++ {
		line := f.lines[i]
		trimmed := strings.TrimLeft(line, " \t")
		rest, ok := strings.CutPrefix(trimmed, "async ")
		if ok {
			trimmed = strings.TrimLeft(rest, " \t")
		}
		rest, ok = strings.CutPrefix(trimmed, "def ")
		if !ok {
			continue
		}
		indent := len(line) - len(strings.TrimLeft(line, " \t"))
		open := strings.IndexByte(rest, '(')
		if open < 0 {
			continue
		}
		fn := pyFunc{name: strings.TrimSpace(rest[:open])}
		// The parameters may span lines, up to the closing parenthesis.
		args, last := balanced(f.lines, i, strings.Index(line, "(")+0)
		for j, p := range splitArgs(args) {
			p = strings.TrimLeft(p, "*")
			if k := strings.IndexAny(p, ":="); k >= 0 {
				p = p[:k]
			}
			p = strings.TrimSpace(p)
			if j == 0 && (p == "self" || p == "cls") {
				fn.method = true
				continue
			}
			if p != "" && p != "/" {
				fn.params = append(fn.params, p)
			}
		}
		fn.start, fn.end = last+1, len(f.lines)
		for k := last + 1; k < len(f.lines); k++ {
			l := f.lines[k]
			if strings.TrimSpace(l) == "" {
				continue
			}
			if len(l)-len(strings.TrimLeft(l, " \t")) <= indent {
				fn.end = k
				break
			}
		}
		f.funcs = append(f.funcs, fn)
	}
	return f
}

// stripComment removes a # comment, outside quotes.
func stripComment(line string) string {
	k := strings.IndexByte(line, '#')
	if k < 0 {
		return line
	}
	if !strings.ContainsAny(line[:k], `"'`) {
		return line[:k]
	}
	var quote byte
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch {
		case quote != 0 && c == '\\':
			i++
		case quote != 0 && c == quote:
			quote = 0
		case quote == 0 && (c == '"' || c == '\''):
			quote = c
		case quote == 0 && c == '#':
			return line[:i]
		}
	}
	return line
}

// balanced returns the text between the parenthesis opening at lines[i][col]
// and its match, which may be on a later line, and the line it ends on.
func balanced(lines []string, i, col int) (string, int) {
	if line := lines[i]; col < len(line) && strings.IndexByte("([{", line[col]) >= 0 {
		// Most calls close on the line they open: no copy.
		depth := 0
		for j := col; j < len(line); j++ {
			switch line[j] {
			case '(', '[', '{':
				depth++
			case ')', ']', '}':
				if depth--; depth == 0 {
					return line[col+1 : j], i
				}
			}
		}
	}
	var b strings.Builder
	depth := 0
	for k := i; k < len(lines) && k < i+50; k++ {
		from := 0
		if k == i {
			from = col
		}
		for j := from; j < len(lines[k]); j++ {
			c := lines[k][j]
			switch c {
			case '(', '[', '{':
				depth++
				if depth == 1 {
					continue
				}
			case ')', ']', '}':
				depth--
				if depth == 0 {
					return b.String(), k
				}
			}
			b.WriteByte(c)
		}
		b.WriteByte(' ')
	}
	return b.String(), i
}

// splitArgs splits an argument list at its top-level commas.
func splitArgs(s string) []string {
	var out []string
	depth, start := 0, 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '(', '[', '{':
			depth++
		case ')', ']', '}':
			depth--
		case ',':
			if depth == 0 {
				out = append(out, strings.TrimSpace(s[start:i]))
				start = i + 1
			}
		}
	}
	if rest := strings.TrimSpace(s[start:]); rest != "" {
		out = append(out, rest)
	}
	return out
}

func isIdent(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// aliasesAt returns the names that hold the session at line i of f,
// reusing names' storage.
func (f *pyFile) aliasesAt(names []string, i int) []string {
	names = append(names[:0], "session")
	for _, fn := range f.funcs {
		if len(fn.aliases) > 0 && i >= fn.start && i < fn.end {
			for _, a := range fn.aliases {
				// A parameter named session, or one nested functions share,
				// is one name: each call is reported once.
				if !slices.Contains(names, a) {
					names = append(names, a)
				}
			}
		}
	}
	return names
}

// pyCall is a call of a function the plugin defines, with its arguments.
type pyCall struct {
	file      *pyFile
	line      int
	callees   []*pyFunc // every function of that name
	viaObject bool      // called as obj.name(...)
	args      []pyArg
}

type pyArg struct{ keyword, value string }

// findSessions marks, in every file, the parameters that receive the
// session: an argument that is the session (`self.session`, `session` or a
// name already known to hold it) passed to a function defined in the
// plugin. It repeats until nothing new is found, so a session handed down
// through several functions is followed.
func findSessions(files []*pyFile) {
	calls := pluginCalls(files)
	var held []string
	for changed := true; changed; {
		changed = false
		for _, c := range calls {
			held = c.file.aliasesAt(held, c.line)
			for pos, arg := range c.args {
				if arg.value != "self.session" && !slices.Contains(held, arg.value) {
					continue
				}
				for _, fn := range c.callees {
					p := ""
					switch {
					case arg.keyword != "":
						if slices.Contains(fn.params, arg.keyword) {
							p = arg.keyword
						}
					case fn.method && !c.viaObject:
						// Called without its object: the first argument is self.
						if pos >= 1 && pos-1 < len(fn.params) {
							p = fn.params[pos-1]
						}
					case pos < len(fn.params):
						p = fn.params[pos]
					}
					if p != "" && !slices.Contains(fn.aliases, p) {
						fn.aliases = append(fn.aliases, p)
						changed = true
					}
				}
			}
		}
	}
}

// pluginCalls finds, once, the calls of functions defined in the plugin
// that pass at least one argument.
func pluginCalls(files []*pyFile) []pyCall {
	byName := map[string][]*pyFunc{}
	for _, f := range files {
		for i := range f.funcs {
			byName[f.funcs[i].name] = append(byName[f.funcs[i].name], &f.funcs[i])
		}
	}
	var calls []pyCall
	if len(byName) == 0 {
		return nil
	}
	for _, f := range files {
		for i, line := range f.lines {
			if !strings.Contains(line, "(") {
				continue
			}
			for col, next := 0, 0; ; col++ {
				if next = strings.IndexByte(line[col:], '('); next < 0 {
					break
				}
				if col += next; col == 0 || !isIdent(line[col-1]) {
					continue
				}
				start := col
				for start > 0 && isIdent(line[start-1]) {
					start--
				}
				callee := line[start:col]
				if callee == "def" || len(byName[callee]) == 0 {
					continue
				}
				c := pyCall{file: f, line: i, callees: byName[callee], viaObject: start > 0 && line[start-1] == '.'}
				args, _ := balanced(f.lines, i, col)
				for _, arg := range splitArgs(args) {
					keyword := ""
					if k := strings.Index(arg, "="); k > 0 && !strings.Contains(arg[:k], "(") {
						keyword, arg = strings.TrimSpace(arg[:k]), strings.TrimSpace(arg[k+1:])
					}
					c.args = append(c.args, pyArg{keyword, arg})
				}
				if len(c.args) > 0 {
					calls = append(calls, c)
				}
			}
		}
	}
	return calls
}

// sessionUses lists the calls on the session in f that need a permission.
func (f *pyFile) sessionUses() []sessionUse {
	var uses []sessionUse
	var held []string
	for i, line := range f.lines {
		if !strings.Contains(line, ".") {
			continue
		}
		held = f.aliasesAt(held, i)
		for _, alias := range held {
			for from := 0; ; {
				k := strings.Index(line[from:], alias+".")
				if k < 0 {
					break
				}
				pos := from + k
				from = pos + 1
				if pos > 0 && (isIdent(line[pos-1]) || (line[pos-1] == '.' && alias != "session")) {
					continue
				}
				rest := line[pos+len(alias)+1:]
				for _, p := range Permissions {
					for _, call := range p.calls {
						if strings.HasPrefix(rest, call) && (len(rest) == len(call) || !isIdent(rest[len(call)])) {
							use := sessionUse{file: f.name, line: i + 1, col: pos + 1, text: alias + "." + call, perm: p.Key}
							if alias != "session" {
								use.via = f.functionAt(i)
							}
							uses = append(uses, use)
						}
					}
				}
			}
		}
	}
	return uses
}

func (f *pyFile) functionAt(i int) string {
	name := ""
	for _, fn := range f.funcs {
		if i >= fn.start && i < fn.end {
			name = fn.name // the innermost: defined last
		}
	}
	return name
}
