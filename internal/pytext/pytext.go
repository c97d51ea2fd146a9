// Package pytext reads text the way Python's standard library does, so that
// line numbers and file kinds agree with checks written in Python (the
// marketplace's validator): decoding UTF-8 and dropping what does not decode,
// splitting lines as str.splitlines does, and taking a file's suffix as
// pathlib does.
package pytext

import (
	"iter"
	"strings"
	"unicode/utf8"
	"unsafe"
)

// Decode is bytes.decode("utf-8", errors="ignore"): invalid bytes are
// dropped.
func Decode(data []byte) string {
	if utf8.Valid(data) {
		return string(data)
	}
	return strings.ToValidUTF8(string(data), "")
}

// DecodeShared is Decode without a copy when data is valid UTF-8: the
// string shares data's memory, so data must never change afterwards.
func DecodeShared(data []byte) string {
	if len(data) > 0 && utf8.Valid(data) {
		return unsafe.String(&data[0], len(data))
	}
	return Decode(data)
}

// Lines splits s into lines as str.splitlines does: at \n, \r\n, \r, \v, \f,
// \x1c, \x1d, \x1e, U+0085, U+2028 and U+2029, without the line breaks, and
// without an empty last line after a final break.
func Lines(s string) []string {
	var out []string
	for _, l := range AllLines(s) {
		out = append(out, l)
	}
	return out
}

// AllLines yields the lines of s as Lines returns them, with their index.
func AllLines(s string) iter.Seq2[int, string] {
	if !strings.ContainsAny(s, "\r\v\f\x1c\x1d\x1e") && strings.IndexByte(s, 0xc2) < 0 && strings.IndexByte(s, 0xe2) < 0 {
		return newlineLines(s) // the common case, searched for faster
	}
	return func(yield func(int, string) bool) {
		n, start := 0, 0
		for i := 0; i < len(s); {
			size := 0 // the length of a line break at i, if there is one
			switch c := s[i]; {
			case c == '\r':
				size = 1
				if i+1 < len(s) && s[i+1] == '\n' {
					size = 2
				}
			case c == '\n', c == '\v', c == '\f', c == 0x1c, c == 0x1d, c == 0x1e:
				size = 1
			case c == 0xc2 && i+1 < len(s) && s[i+1] == 0x85: // U+0085
				size = 2
			case c == 0xe2 && i+2 < len(s) && s[i+1] == 0x80 && (s[i+2] == 0xa8 || s[i+2] == 0xa9): // U+2028, U+2029
				size = 3
			}
			if size == 0 {
				i++
				continue
			}
			if !yield(n, s[start:i]) {
				return
			}
			n++
			i += size
			start = i
		}
		if start < len(s) {
			yield(n, s[start:])
		}
	}
}

// newlineLines yields the lines of text whose only line break is \n.
func newlineLines(s string) iter.Seq2[int, string] {
	return func(yield func(int, string) bool) {
		for n := 0; s != ""; n++ {
			line, rest, _ := strings.Cut(s, "\n")
			if !yield(n, line) {
				return
			}
			s = rest
		}
	}
}

// Words is a set of lower-case ASCII words to look for in text in any
// case, quickly: most bytes are passed over by a table of first letters.
type Words struct {
	first [256]bool
	words []string
}

// NewWords makes the set.
func NewWords(words ...string) *Words {
	w := &Words{words: words}
	for _, word := range words {
		w.first[word[0]] = true
		w.first[word[0]&^0x20] = true
	}
	return w
}

// InText is In for a whole file: one lower-case copy searched for each
// word, faster than In on long text.
func (w *Words) InText(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return true
		}
	}
	lower := strings.ToLower(s)
	for _, word := range w.words {
		if strings.Contains(lower, word) {
			return true
		}
	}
	return false
}

// In reports whether s contains one of the words in any case. Text outside
// ASCII always counts as containing them: Unicode case folding turns ſ
// into s and K (Kelvin) into k, so only the full expression can tell.
func (w *Words) In(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= utf8.RuneSelf {
			return true
		}
		if !w.first[c] {
			continue
		}
		for _, word := range w.words {
			if c|0x20 == word[0] && len(s)-i >= len(word) && strings.EqualFold(s[i:i+len(word)], word) {
				return true
			}
		}
	}
	return false
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
