// Package pytext reads text the way Python's standard library does, so that
// line numbers and file kinds agree with checks written in Python (the
// marketplace's validator): decoding UTF-8 and dropping what does not decode,
// splitting lines as str.splitlines does, and taking a file's suffix as
// pathlib does.
package pytext

import (
	"strings"
	"unicode/utf8"
)

// Decode is bytes.decode("utf-8", errors="ignore"): invalid bytes are
// dropped.
func Decode(data []byte) string {
	if utf8.Valid(data) {
		return string(data)
	}
	return strings.ToValidUTF8(string(data), "")
}

// Lines splits s into lines as str.splitlines does: at \n, \r\n, \r, \v, \f,
// \x1c, \x1d, \x1e, U+0085, U+2028 and U+2029, without the line breaks, and
// without an empty last line after a final break.
func Lines(s string) []string {
	var out []string
	start := 0
	for i := 0; i < len(s); {
		r, size := rune(s[i]), 1
		if r >= utf8.RuneSelf {
			r, size = utf8.DecodeRuneInString(s[i:])
		}
		switch r {
		case '\r':
			out = append(out, s[start:i])
			if i+1 < len(s) && s[i+1] == '\n' {
				size = 2
			}
		case '\n', '\v', '\f', 0x1c, 0x1d, 0x1e, 0x85, 0x2028, 0x2029:
			out = append(out, s[start:i])
		default:
			i += size
			continue
		}
		i += size
		start = i
	}
	if start < len(s) {
		out = append(out, s[start:])
	}
	return out
}

// Suffix is pathlib's PurePath.suffix of a slash path's last element: from
// its last dot, when that dot is neither its first nor its last character
// (".env" and "name." have none).
func Suffix(p string) string {
	name := p[strings.LastIndexByte(p, '/')+1:]
	i := strings.LastIndexByte(name, '.')
	if i <= 0 || i == len(name)-1 {
		return ""
	}
	return name[i:]
}

// IsSpace is str.isspace for one character: what \s matches in a Python
// regular expression on text.
func IsSpace(r rune) bool {
	switch r {
	case ' ', '\t', '\n', '\v', '\f', '\r', 0x1c, 0x1d, 0x1e, 0x1f, 0x85, 0xa0, 0x1680, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000:
		return true
	}
	return r >= 0x2000 && r <= 0x200a
}

// SpaceClass is IsSpace as the body of a regular expression's character
// class, for expressions that must match as Python's \s does.
const SpaceClass = `\t\n\v\f\r \x{1c}-\x{1f}\x{85}\x{a0}\x{1680}\x{2000}-\x{200a}\x{2028}\x{2029}\x{202f}\x{205f}\x{3000}`

// Strip is str.strip(): leading and trailing characters for which IsSpace
// holds are removed.
func Strip(s string) string { return strings.TrimFunc(s, IsSpace) }
