package marker

import (
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/dify-cli/dify/internal/testref"
)

// sharedNormalization checks the printer against uv's own marker tests;
// TestNormalization calls it when the shared test data is present.
func sharedNormalization(t *testing.T, file string) {
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Cases []struct{ Input, Expected, Test string }
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Cases) != 57 {
		t.Fatalf("%d cases, want 57", len(doc.Cases))
	}
	for _, c := range doc.Cases {
		a := New()
		tree, err := a.Parse(c.Input)
		if err != nil {
			t.Errorf("Parse(%q): %v", c.Input, err)
			continue
		}
		if got := a.String(tree); got != c.Expected {
			t.Errorf("%s\n  input %s\n  got   %s\n  want  %s", c.Test, c.Input, got, c.Expected)
		}
	}
}

// FuzzParse checks that any marker text parses or fails cleanly, and that what is printed
// parses back to the same marker.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"python_version >= '3.8' and sys_platform == 'win32'",
		"(os_name == 'nt' or platform_system == 'Darwin') and extra == 'cli'",
		"python_full_version != '3.9.*' or implementation_version in '3.9 3.11'",
		"'nux' in platform_version and platform_release >= '5'",
		"python_version ~= '3.9.0' and platform_machine not in 'x86_64 arm64'",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		a := New()
		tree, err := a.Parse(s)
		if err != nil {
			return
		}
		printed := a.String(tree)
		if tree == True || tree == False {
			return // False prints as uv's placeholder, python_version < '0'
		}
		again, err := a.Parse(printed)
		if err != nil {
			t.Fatalf("%q printed as %q, which does not parse: %v", s, printed, err)
		}
		if again != tree {
			t.Fatalf("%q printed as %q, which reads back as %q", s, printed, a.String(again))
		}
	})
}

// TestNormalization checks the printer against hand-written cases in
// testdata/normalization.txt: each an input line and the "=> " line uv
// prints for it. These run everywhere; the shared data above adds uv's own.
func TestNormalization(t *testing.T) {
	data, err := os.ReadFile("testdata/normalization.txt")
	if err != nil {
		t.Fatal(err)
	}
	var input string
	n := 0
	for i, line := range strings.Split(string(data), "\n") {
		switch {
		case line == "" || strings.HasPrefix(line, "#"):
		case strings.HasPrefix(line, "=> "):
			want := strings.TrimPrefix(line, "=> ")
			a := New()
			tree, err := a.Parse(input)
			if err != nil {
				t.Errorf("line %d: Parse(%q): %v", i, input, err)
				continue
			}
			if got := a.String(tree); got != want {
				t.Errorf("line %d: %s\n  got  %s\n  want %s", i, input, got, want)
			}
			n++
		default:
			input = line
		}
	}
	if n < 20 {
		t.Errorf("only %d cases read", n)
	}
	if file, ok := testref.Shared("testdata-uvexport/marker-normalization.json"); ok {
		t.Run("uv", func(t *testing.T) { sharedNormalization(t, file) })
	}
}
