// Package pytext reads text the way Python's standard library does, so that
// line numbers and file kinds agree with checks written in Python (the
// marketplace's validator): decoding UTF-8 and dropping what does not decode,
// splitting lines as str.splitlines does, and taking a file's suffix as
// pathlib does.
package pytext

import (
	"iter"
	"strconv"
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

// Words is a set of lower-case ASCII words, each at least two bytes long,
// to look for in text in any case, quickly: most bytes are passed over by a
// table of first letters (In) or of first two letters (InText).
type Words struct {
	first  [256]bool
	pairs  [1 << 16]uint8 // by a word's first two bytes: 1 + its group in byPair
	byPair [][]string
	words  []string
}

// NewWords makes the set.
func NewWords(words ...string) *Words {
	w := &Words{words: words}
	for _, word := range words {
		if len(word) < 2 || strings.ToLower(word) != word {
			panic("pytext.NewWords: " + strconv.Quote(word) + " is not a lower-case word of two bytes or more")
		}
		w.first[word[0]] = true
		w.first[word[0]&^0x20] = true
		w.byPair = group(&w.pairs, w.byPair, word)
	}
	return w
}

// group adds s to the strings that begin with its first two bytes.
func group(pairs *[1 << 16]uint8, byPair [][]string, s string) [][]string {
	p := pair(s[0], s[1])
	if pairs[p] == 0 {
		if len(byPair) == 255 {
			panic("pytext: more than 255 different beginnings")
		}
		byPair = append(byPair, nil)
		pairs[p] = uint8(len(byPair))
	}
	byPair[pairs[p]-1] = append(byPair[pairs[p]-1], s)
	return byPair
}

func pair(a, b byte) int { return int(a)<<8 | int(b) }

// lowerASCII maps A–Z to a–z and every other byte to itself.
var lowerASCII = func() (t [256]byte) {
	for i := range t {
		t[i] = byte(i)
		if 'A' <= i && i <= 'Z' {
			t[i] = byte(i) + 'a' - 'A'
		}
	}
	return t
}()

// InText is In for a whole file, in one pass without a copy: each pair
// of bytes is looked up in the table of words' first two letters, and only
// where one starts is a word compared. Text outside ASCII counts as
// containing them, as in In.
func (w *Words) InText(s string) bool {
	if len(s) < 2 {
		return w.In(s)
	}
	if s[0] >= utf8.RuneSelf {
		return true
	}
	prev := lowerASCII[s[0]]
	for i := 1; i < len(s); i++ {
		c := s[i]
		if c >= utf8.RuneSelf {
			return true
		}
		c = lowerASCII[c]
		if g := w.pairs[pair(prev, c)]; g != 0 && foldPrefix(s[i-1:], w.byPair[g-1]) {
			return true
		}
		prev = c
	}
	return false
}

// foldPrefix reports whether s begins with one of words in ASCII case.
func foldPrefix(s string, words []string) bool {
next:
	for _, word := range words {
		if len(s) < len(word) {
			continue
		}
		for j := 2; j < len(word); j++ {
			if lowerASCII[s[j]] != word[j] {
				continue next
			}
		}
		return true
	}
	return false
}

// Substrings is a set of strings, each at least two bytes long, to look for
// in text exactly as written, in one pass: each pair of bytes is looked up
// in the table of the strings' first two bytes. Several strings.Contains
// calls pass over the text once each, and slowly when a string begins with
// a common letter.
type Substrings struct {
	pairs  [1 << 16]uint8 // by a string's first two bytes: 1 + its group in byPair
	byPair [][]string
}

// NewSubstrings makes the set.
func NewSubstrings(subs ...string) *Substrings {
	m := &Substrings{}
	for _, sub := range subs {
		if len(sub) < 2 {
			panic("pytext.NewSubstrings: " + strconv.Quote(sub) + " is shorter than two bytes")
		}
		m.byPair = group(&m.pairs, m.byPair, sub)
	}
	return m
}

// In reports whether s contains one of the strings.
func (m *Substrings) In(s string) bool {
	for i := 1; i < len(s); i++ {
		if g := m.pairs[pair(s[i-1], s[i])]; g != 0 {
			for _, sub := range m.byPair[g-1] {
				if strings.HasPrefix(s[i-1:], sub) {
					return true
				}
			}
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
