package pytext

import (
	"os/exec"
	"reflect"
	"strconv"
	"strings"
	"testing"
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
