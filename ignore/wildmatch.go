package ignore

// wildmatch reports whether text matches pattern with git's wildmatch rules in
// WM_PATHNAME mode, which is how git matches ignore patterns:
//
//   - `*` and `?` and bracket classes never match `/`;
//   - `**` is special only as a whole path segment (`**/x`, `x/**`, `a/**/b`),
//     where it matches across `/`, including zero directories; anywhere else
//     it behaves like `*`;
//   - `[...]` supports ranges, `!` or `^` negation and POSIX `[:name:]` classes;
//   - `\` makes the next character literal.
//
// Matching is on bytes, as git does.
func wildmatch(pattern, text string) bool {
	return dowild(pattern, text) == wmMatch
}

type wmResult int

const (
	wmMatch wmResult = iota
	wmNoMatch
	// wmAbortAll: no later starting point for an enclosing `*` can match.
	wmAbortAll
	// wmAbortToStarStar: only an enclosing `**` may still match by consuming a `/`.
	wmAbortToStarStar
)

func dowild(p, text string) wmResult {
	pi, ti := 0, 0
	for ; pi < len(p); pi, ti = pi+1, ti+1 {
		pch := p[pi]
		if ti >= len(text) && pch != '*' {
			return wmAbortAll
		}
		var tch byte
		if ti < len(text) {
			tch = text[ti]
		}
		switch pch {
		case '\\':
			// The next pattern byte is literal; a trailing lone backslash matches nothing.
			pi++
			if pi >= len(p) || tch != p[pi] {
				return wmNoMatch
			}
		case '?':
			if tch == '/' {
				return wmNoMatch
			}
		case '*':
			matchSlash := false
			if pi+1 < len(p) && p[pi+1] == '*' {
				start := pi
				for pi+1 < len(p) && p[pi+1] == '*' {
					pi++
				}
				pi++ // first byte after the run of stars
				atSegmentStart := start == 0 || p[start-1] == '/'
				atSegmentEnd := pi >= len(p) || p[pi] == '/' || (p[pi] == '\\' && pi+1 < len(p) && p[pi+1] == '/')
				if atSegmentStart && atSegmentEnd {
					// "**/" may also match zero directories.
					if pi < len(p) && p[pi] == '/' && dowild(p[pi+1:], text[ti:]) == wmMatch {
						return wmMatch
					}
					matchSlash = true
				}
			} else {
				pi++
			}
			rest := p[pi:]
			if rest == "" {
				// A trailing `*` matches the rest of this segment only; `**` matches everything.
				if !matchSlash && containsSlash(text[ti:]) {
					return wmNoMatch
				}
				return wmMatch
			}
			for ; ti < len(text); ti++ {
				switch r := dowild(rest, text[ti:]); r {
				case wmNoMatch:
					if !matchSlash && text[ti] == '/' {
						return wmAbortToStarStar
					}
				case wmAbortToStarStar:
					if !matchSlash {
						return r
					}
				default:
					return r
				}
			}
			return wmAbortAll
		case '[':
			end, matched, ok := matchClass(p, pi, tch)
			if !ok {
				return wmAbortAll
			}
			if !matched || tch == '/' {
				return wmNoMatch
			}
			pi = end
		default:
			if tch != pch {
				return wmNoMatch
			}
		}
	}
	if ti < len(text) {
		return wmNoMatch
	}
	return wmMatch
}

// matchClass evaluates the bracket expression starting at p[open] ('[') against
// c. It returns the index of the closing ']', whether c is in the class (with
// negation applied) and false when the expression is malformed.
func matchClass(p string, open int, c byte) (end int, matched bool, ok bool) {
	i := open + 1
	at := func(k int) byte {
		if k < len(p) {
			return p[k]
		}
		return 0
	}
	pch := at(i)
	if pch == '^' {
		pch = '!'
	}
	negated := pch == '!'
	if negated {
		i++
		pch = at(i)
	}
	var prev byte
	in := false
	for {
		if pch == 0 {
			return 0, false, false
		}
		switch {
		case pch == '\\':
			i++
			pch = at(i)
			if pch == 0 {
				return 0, false, false
			}
			if c == pch {
				in = true
			}
		case pch == '-' && prev != 0 && at(i+1) != 0 && at(i+1) != ']':
			i++
			pch = at(i)
			if pch == '\\' {
				i++
				pch = at(i)
				if pch == 0 {
					return 0, false, false
				}
			}
			if c >= prev && c <= pch {
				in = true
			}
			pch = 0 // a range cannot start another range
		case pch == '[' && at(i+1) == ':':
			s := i + 2
			j := s
			for at(j) != 0 && at(j) != ']' {
				j++
			}
			if at(j) == 0 {
				return 0, false, false
			}
			if j-s-1 < 0 || p[j-1] != ':' {
				// Not a "[:name:]"; the '[' is an ordinary member.
				if c == '[' {
					in = true
				}
				break
			}
			member, known := posixClass(p[s:j-1], c)
			if !known {
				return 0, false, false
			}
			if member {
				in = true
			}
			i = j
			pch = 0
		default:
			if c == pch {
				in = true
			}
		}
		prev = pch
		i++
		pch = at(i)
		if pch == ']' {
			break
		}
	}
	return i, in != negated, true
}

func posixClass(name string, c byte) (member, known bool) {
	isUpper := c >= 'A' && c <= 'Z'
	isLower := c >= 'a' && c <= 'z'
	isDigit := c >= '0' && c <= '9'
	isAlpha := isUpper || isLower
	isPrint := c >= 0x20 && c < 0x7f
	switch name {
	case "alnum":
		return isAlpha || isDigit, true
	case "alpha":
		return isAlpha, true
	case "blank":
		return c == ' ' || c == '\t', true
	case "cntrl":
		return c < 0x20 || c == 0x7f, true
	case "digit":
		return isDigit, true
	case "graph":
		return isPrint && c != ' ', true
	case "lower":
		return isLower, true
	case "print":
		return isPrint, true
	case "punct":
		return isPrint && c != ' ' && !isAlpha && !isDigit, true
	case "space":
		return c == ' ' || (c >= '\t' && c <= '\r'), true
	case "upper":
		return isUpper, true
	case "xdigit":
		return isDigit || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'), true
	}
	return false, false
}

func containsSlash(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] == '/' {
			return true
		}
	}
	return false
}
