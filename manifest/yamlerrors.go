package manifest

import (
	"fmt"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/dify-cli/dify/internal/lazyregexp"
)

// YAML errors in plain words, at the line where the mistake is. The parser
// reports where it gave up, which for an unclosed quote can be thirty lines
// below the quote; its words ("mapping values are not allowed in this
// context") say nothing to most people. So the file is looked at again for
// the usual mistakes: tabs, unclosed quotes and brackets, a ": " inside a
// value, indentation that does not line up, a line without its colon.

var yamlLine = lazyregexp.New(`^(?:yaml: )?line (\d+): (.*)$`)

// splitYAMLError reads "yaml: line N: message".
func splitYAMLError(m string) (line int, msg string) {
	m = strings.TrimSpace(m)
	if sub := yamlLine().FindStringSubmatch(m); sub != nil {
		line, _ = strconv.Atoi(sub[1])
		return line, sub[2]
	}
	return 0, strings.TrimPrefix(m, "yaml: ")
}

// syntaxDiagnostics explains a file that does not parse.
func syntaxDiagnostics(file string, data []byte, err error) Diagnostics {
	line, parser := splitYAMLError(err.Error())
	d := explainSyntax(strings.Split(strings.ReplaceAll(string(data), "\r\n", "\n"), "\n"), line, parser)
	d.Pos.File = file
	d.Severity = Error
	d.Rule = "yaml"
	said := fmt.Sprintf("the YAML parser stopped at line %d: %s", line, parser)
	if line == 0 {
		said = "the YAML parser says: " + parser
	}
	if d.Message == "" {
		d.Message, d.Pos.Line = "this is not valid YAML: "+parser, line
		d.Hint = "check the indentation (spaces, the same for every key of a mapping) and quote values that hold \": \" or \" #\""
		return Diagnostics{d}
	}
	d.Message += " (" + said + ")"
	return Diagnostics{d}
}

// explainSyntax finds the mistake behind a parser error at line (1-based).
func explainSyntax(lines []string, line int, parser string) Diagnostic {
	upTo := len(lines)
	if line > 0 && line < upTo {
		upTo = line
	}
	at := func(n int, msg, hint string) Diagnostic {
		return Diagnostic{Pos: Position{Line: n}, Message: msg, Hint: hint}
	}
	// Tabs first: the parser's words for them are the least clear.
	for i, l := range lines[:upTo] {
		indent := l[:len(l)-len(strings.TrimLeft(l, " \t"))]
		if strings.Contains(indent, "\t") && strings.TrimSpace(l) != "" {
			return at(i+1, fmt.Sprintf("line %d is indented with a tab; YAML indents with spaces only", i+1), "replace the tab with spaces (the same number as the lines it belongs with)")
		}
	}
	if n, q := unclosedQuote(lines[:upTo]); n > 0 {
		return at(n, fmt.Sprintf("the quoted value on line %d is not closed, so YAML reads on into the lines below", n),
			fmt.Sprintf("add the closing %s at the end of the value on line %d", q, n))
	}
	if n, open := unclosedBracket(lines[:min(upTo+1, len(lines))]); n > 0 {
		closer := map[byte]string{'[': "]", '{': "}"}[open]
		return at(n, fmt.Sprintf("the %s opened on line %d is not closed", map[byte]string{'[': "list", '{': "mapping"}[open], n),
			fmt.Sprintf("add %s at its end, or write one \"- item\" per line instead", closer))
	}
	if line > 0 && line <= len(lines) {
		text := lines[line-1]
		switch {
		case strings.Contains(parser, "mapping values are not allowed"):
			if key, value, ok := strings.Cut(strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(text), "- ")), ": "); ok && strings.Contains(value, ": ") {
				return at(line, fmt.Sprintf("the value of %s on line %d holds \": \", which YAML reads as another key", key, line),
					fmt.Sprintf("quote the whole value: %s: %q", key, value))
			}
		case strings.Contains(parser, "could not find expected ':'"):
			if n := lineWithoutColon(lines, line); n > 0 {
				return at(n, fmt.Sprintf("line %d is not a \"key: value\" line", n), "put \": \" between the key and its value (or \":\" at the end, for a key with lines below it)")
			}
		}
	}
	if n, above := misindented(lines[:min(upTo+1, len(lines))]); n > 0 {
		return at(n, fmt.Sprintf("line %d is not indented like the lines it belongs with (line %d above)", n, above),
			"indent every key of one mapping by the same number of spaces, and its children by more")
	}
	return Diagnostic{}
}

// unclosedQuote finds the first line whose value opens a quote that the
// line does not close. YAML allows quoted values over several lines, but
// when the file does not parse, one that runs on is the likely mistake.
func unclosedQuote(lines []string) (int, string) {
	for i, l := range lines {
		v := valueOf(l)
		if v == "" || (v[0] != '"' && v[0] != '\'') {
			continue
		}
		q := v[0]
		closed := false
		for j := 1; j < len(v); j++ {
			switch {
			case q == '"' && v[j] == '\\':
				j++
			case v[j] == q && q == '\'' && j+1 < len(v) && v[j+1] == '\'':
				j++
			case v[j] == q:
				closed = true
			}
			if closed {
				break
			}
		}
		if !closed {
			return i + 1, string(q)
		}
	}
	return 0, ""
}

// valueOf is what follows "key: " or "- " on a line, "" for none.
func valueOf(l string) string {
	t := strings.TrimSpace(l)
	if strings.HasPrefix(t, "#") {
		return ""
	}
	for strings.HasPrefix(t, "- ") {
		t = strings.TrimSpace(t[2:])
	}
	if t != "" && (t[0] == '"' || t[0] == '\'') {
		return t
	}
	if _, v, ok := strings.Cut(t, ": "); ok {
		return strings.TrimSpace(v)
	}
	return ""
}

// unclosedBracket finds a flow list or mapping ([a, b] or {a: b}) opened in
// a value and not closed on its line or the lines after it.
func unclosedBracket(lines []string) (int, byte) {
	for i, l := range lines {
		v := valueOf(l)
		if v == "" || (v[0] != '[' && v[0] != '{') {
			continue
		}
		depth := 0
		for _, rest := range lines[i:] {
			text := rest
			if rest != l {
				text = strings.TrimSpace(rest)
				if text != "" && !strings.HasPrefix(text, "]") && !strings.HasPrefix(text, "}") && strings.Contains(text, ": ") && depth > 0 && !strings.HasPrefix(text, "\"") {
					break // a new key: the collection did not close
				}
			} else {
				text = v
			}
			for j := 0; j < len(text); j++ {
				switch text[j] {
				case '[', '{':
					depth++
				case ']', '}':
					depth--
				}
			}
			if depth <= 0 {
				break
			}
		}
		if depth > 0 {
			return i + 1, v[0]
		}
	}
	return 0, 0
}

// lineWithoutColon is the line near n that is neither a key, a list item, a
// comment nor blank.
func lineWithoutColon(lines []string, n int) int {
	for _, i := range []int{n, n + 1} {
		if i < 1 || i > len(lines) {
			continue
		}
		t := strings.TrimSpace(lines[i-1])
		if t != "" && !strings.HasPrefix(t, "#") && !strings.HasPrefix(t, "- ") && t != "-" && !strings.Contains(t, ":") {
			return i
		}
	}
	return 0
}

// misindented finds the first line whose indentation fits no level of the
// mappings it is in: deeper than a sibling that already has a value, or
// back out to a level that was never opened. It returns the line and the
// line above it that it does not line up with.
func misindented(lines []string) (int, int) {
	type level struct{ indent, line int }
	var stack []level
	opens := false // the previous line ends in ":" or "- key:" (a block follows)
	prev := 0
	inBlock, blockIndent := false, 0
	for i, l := range lines {
		t := strings.TrimSpace(l)
		if t == "" || strings.HasPrefix(t, "#") {
			continue
		}
		indent := len(l) - len(strings.TrimLeft(l, " "))
		if inBlock {
			if indent > blockIndent {
				continue // the text of a | or > block
			}
			inBlock = false
		}
		switch {
		case len(stack) == 0 || opens && indent > stack[len(stack)-1].indent:
			stack = append(stack, level{indent, i + 1})
		case indent == stack[len(stack)-1].indent:
		case indent > stack[len(stack)-1].indent:
			return i + 1, prev
		default:
			for len(stack) > 0 && stack[len(stack)-1].indent > indent {
				stack = stack[:len(stack)-1]
			}
			if len(stack) == 0 || stack[len(stack)-1].indent != indent {
				return i + 1, prev
			}
		}
		body := strings.TrimSpace(strings.SplitN(t, " #", 2)[0])
		opens = strings.HasSuffix(body, ":") || body == "-"
		if strings.HasPrefix(body, "- ") {
			opens = true // the keys of a list item line up after "- "
			stack = append(stack, level{indent + 2, i + 1})
		}
		if strings.HasSuffix(body, "|") || strings.HasSuffix(body, ">") || strings.HasSuffix(body, "|-") || strings.HasSuffix(body, ">-") {
			inBlock, blockIndent = true, indent
		}
		prev = i + 1
	}
	return 0, 0
}

// typeDiagnostics explains the values that do not fit their type, at
// their lines, naming their keys; the rest of the file was decoded.
func typeDiagnostics(doc *Document, err error) Diagnostics {
	te, ok := err.(*yaml.TypeError)
	if !ok {
		return syntaxDiagnostics(doc.Path, nil, err)
	}
	keys := keysByLine(doc.Root, "", map[int]string{})
	var ds Diagnostics
	for _, m := range te.Errors {
		line, msg := splitYAMLError(m)
		d := Diagnostic{Pos: Position{File: doc.Path, Line: line}, Severity: Error, Rule: "yaml", Message: msg}
		if sub := unmarshalRe().FindStringSubmatch(msg); sub != nil {
			key := keys[line]
			switch {
			case key == "" && doc.Root != nil && line == doc.Root.Line:
				key = doc.Path
			case key == "":
				key = "the value"
			}
			got := map[string]string{"!!seq": "a list", "!!map": "a mapping", "!!null": "empty"}[sub[1]]
			if got == "" {
				got = strconv.Quote(sub[2])
			}
			d.Message = fmt.Sprintf("%s is %s, not %s", key, typeWords(sub[3]), got)
			d.Hint = typeHint(sub[3], key)
		}
		if strings.Contains(msg, "already defined") {
			d.Rule = "duplicate-key"
			d.Hint = "a key may appear once per mapping; remove or merge the repeated one"
		}
		ds = append(ds, d)
	}
	return ds
}

var unmarshalRe = lazyregexp.New("^cannot unmarshal (!![a-z]+) ?`?([^`]*)`? into (.+)$")

// typeWords names a Go type as a YAML writer thinks of it.
func typeWords(t string) string {
	switch {
	case t == "bool":
		return "true or false"
	case strings.HasPrefix(t, "int"), strings.HasPrefix(t, "uint"):
		return "a whole number"
	case strings.HasPrefix(t, "float"):
		return "a number"
	case t == "string":
		return "a single value"
	case strings.HasPrefix(t, "[]"):
		return "a list"
	case strings.HasPrefix(t, "map["):
		return "a mapping"
	}
	return "a mapping (keys on the lines below it)"
}

func typeHint(t, key string) string {
	switch {
	case t == "bool":
		return fmt.Sprintf("write %s: true or %s: false", key, key)
	case strings.HasPrefix(t, "int"), strings.HasPrefix(t, "uint"), strings.HasPrefix(t, "float"):
		return "write the number alone, without quotes or units"
	case t == "string":
		return "write one value; quote it if it holds \": \" or starts with [ or {"
	case strings.HasPrefix(t, "[]"):
		return "write one \"- item\" per line below the key, or [a, b]"
	}
	return "write its keys on the lines below it, indented"
}

// keysByLine maps the line of each value to its dotted key.
func keysByLine(n *yaml.Node, prefix string, out map[int]string) map[int]string {
	if n == nil {
		return out
	}
	switch n.Kind {
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			key := prefix + n.Content[i].Value
			v := n.Content[i+1]
			if _, seen := out[v.Line]; !seen && (v.Kind == yaml.ScalarNode || v.Line == n.Content[i].Line) {
				out[v.Line] = key
			}
			keysByLine(v, key+".", out)
		}
	case yaml.SequenceNode:
		for _, item := range n.Content {
			keysByLine(item, prefix, out)
		}
	}
	return out
}

// has reports whether a finding of the rule is among ds.
func (ds Diagnostics) has(rule string) bool {
	for _, d := range ds {
		if d.Rule == rule {
			return true
		}
	}
	return false
}

// lines are the places (file and line, no column) of the findings.
func (ds Diagnostics) lines() map[Position]bool {
	out := map[Position]bool{}
	for _, d := range ds {
		out[Position{File: d.Pos.File, Line: d.Pos.Line}] = true
	}
	return out
}
