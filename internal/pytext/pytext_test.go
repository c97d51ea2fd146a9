package pytext

import (
	"math/rand/v2"
	"os/exec"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestLines(t *testing.T) {
	for in, want := range map[string][]string{
		"":                nil,
		"a":               {"a"},
		"a\n":             {"a"},
		"a\n\n":           {"a", ""},
		"a\r\nb\rc\nd":    {"a", "b", "c", "d"},
		"a\vb\fc\x1cd":    {"a", "b", "c", "d"},
		"a\u2028b\u0085c": {"a", "b", "c"},
		"\r\r\n":          {"", ""},
		"tab\tstays":      {"tab\tstays"},
	} {
		if got := Lines(in); !reflect.DeepEqual(got, want) {
			t.Errorf("Lines(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSuffix(t *testing.T) {
	for in, want := range map[string]string{
		"a/b.PY": ".PY", ".env": "", "dir/.env.example": ".example", "name.": "", "x.tar.gz": ".gz", "noext": "", "a.b/c": "",
	} {
		if got := Suffix(in); got != want {
			t.Errorf("Suffix(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestDecodeDropsInvalidBytes(t *testing.T) {
	if got := Decode([]byte("a\xffb\xc3\xa9")); got != "abé" {
		t.Fatalf("Decode = %q", got)
	}
}

// TestAgainstPython compares with the interpreter itself, when one is
// installed: line splitting, and which characters are whitespace.
func TestAgainstPython(t *testing.T) {
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("no python3 on PATH")
	}
	in := "one\r\ntwo\rthree\x0bfour\x0cfive\u2029six\u0085seven\n\neight\x1d"
	cmd := exec.Command(py, "-c", "import sys,json; s=json.load(sys.stdin); print('\\0'.join(s.splitlines()), end='')")
	cmd.Stdin = strings.NewReader(`"one\r\ntwo\rthree\u000bfour\u000cfive\u2029six\u0085seven\n\neight\u001d"`)
	out, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	if got, want := Lines(in), strings.Split(string(out), "\x00"); !reflect.DeepEqual(got, want) {
		t.Fatalf("Lines = %q, Python says %q", got, want)
	}
	out, err = exec.Command(py, "-c", "print(','.join(str(c) for c in range(0x110000) if chr(c).isspace()), end='')").Output()
	if err != nil {
		t.Fatal(err)
	}
	var want []rune
	for _, f := range strings.Split(string(out), ",") {
		n, _ := strconv.Atoi(f)
		want = append(want, rune(n))
	}
	var got []rune
	for r := rune(0); r < 0x110000; r++ {
		if IsSpace(r) {
			got = append(got, r)
		}
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("IsSpace holds for %U, Python's isspace for %U", got, want)
	}
}

// InText and In agree with the plain definition: the lower-cased text
// contains a word, or the text is not all ASCII.
func TestWordsAgreeWithContains(t *testing.T) {
	words := []string{"pay", "api_key", "token", "trad", "order", "ab"}
	w := NewWords(words...)
	parts := []string{"p", "P", "a", "A", "y", "Y", "api", "_", "KEY", "tok", "EN", "t", "r", "ad", "b", "or", "der", " ", "\n", "é", "ſ", "K", "x"}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 200000 {
		s := randomText(rng, parts)
		want := false
		for _, word := range words {
			want = want || strings.Contains(strings.ToLower(s), word)
		}
		for _, r := range s {
			want = want || r >= utf8.RuneSelf
		}
		if got := w.InText(s); got != want {
			t.Fatalf("InText(%q) = %t, want %t", s, got, want)
		}
		if got := w.In(s); got != want {
			t.Fatalf("In(%q) = %t, want %t", s, got, want)
		}
	}
}

// randomText joins up to seven of parts, chosen at random.
func randomText(rng *rand.Rand, parts []string) string {
	var b strings.Builder
	for range rng.IntN(8) {
		b.WriteString(parts[rng.IntN(len(parts))])
	}
	return b.String()
}

func TestNewWordsRefusesWhatItCannotFind(t *testing.T) {
	for _, word := range []string{"a", "Pay", ""} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("NewWords(%q) did not panic", word)
				}
			}()
			NewWords(word)
		}()
	}
}

func TestSubstringsAgreeWithContains(t *testing.T) {
	subs := []string{"sk-", "ghp_", "AKIA", "os.", "eyJ", "-----BEGIN"}
	m := NewSubstrings(subs...)
	parts := []string{"s", "k", "-", "sk", "gh", "p_", "AK", "IA", "o", "s.", ".", "ey", "J", "-----", "BEGIN", "é", " ", "\n"}
	rng := rand.New(rand.NewPCG(5, 6))
	for range 200000 {
		s := randomText(rng, parts)
		want := false
		for _, sub := range subs {
			want = want || strings.Contains(s, sub)
		}
		if got := m.In(s); got != want {
			t.Fatalf("In(%q) = %t, want %t", s, got, want)
		}
	}
}

// sourceText is text shaped like a plugin's Python code.
var sourceText = strings.Repeat(`    def _invoke(self, tool_parameters: dict[str, Any]) -> Generator[ToolInvokeMessage, None, None]:
        query = tool_parameters.get("query", "")
        response = self.session.model.summary.invoke(text=query, instruction="Summarize the results")
        yield self.create_text_message(response)
`, 200)

func BenchmarkSubstrings(b *testing.B) {
	subs := []string{"-----BEGIN", "sk-", "ghp_", "gho_", "ghu_", "ghs_", "ghr_", "xox", "AKIA", "eyJ"}
	m := NewSubstrings(subs...)
	b.SetBytes(int64(len(sourceText)))
	b.Run("set", func(b *testing.B) {
		for b.Loop() {
			if m.In(sourceText) {
				b.Fatal("found")
			}
		}
	})
	b.Run("contains", func(b *testing.B) {
		for b.Loop() {
			for _, sub := range subs {
				if strings.Contains(sourceText, sub) {
					b.Fatal("found")
				}
			}
		}
	})
}

func BenchmarkWords(b *testing.B) {
	words := []string{"pay", "checkout", "charge", "refund", "transaction", "trad", "order", "buy", "sell", "transfer", "send", "withdraw", "deposit", "swap", "bridge"}
	w := NewWords(words...)
	b.SetBytes(int64(len(sourceText)))
	for b.Loop() {
		if w.InText(sourceText) {
			b.Fatal("found")
		}
	}
}
