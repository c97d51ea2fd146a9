package pep440

import (
	"os/exec"
	"strings"
	"testing"
)

var specCases = []struct {
	version, spec string
	want          bool
}{
	{"0.10.1", ">=0.10.0,<0.11.0", true},
	{"0.11.0", ">=0.10.0,<0.11.0", false},
	{"0.9.9", ">=0.10.0,<0.11.0", false},
	{"2.31.0", "~=2.31", true},
	{"3.0", "~=2.31", false},
	{"2.31.5", "~=2.31.0", true},
	{"2.32.0", "~=2.31.0", false},
	{"1.2.3", "==1.2.*", true},
	{"1.3.0", "==1.2.*", false},
	{"1.3.0", "!=1.2.*", true},
	{"1.0", "==1.0.0", true},
	{"1.0+local", "==1.0", true},
	{"1.0rc1", "<1.0", false},
	{"0.9", "<1.0", true},
	{"1.0.post1", ">1.0", false},
	{"1.1", ">1.0", true},
	{"1.0", "", true},
	{"1.0", "===1.0", true},
	{"1.0a1", ">=1.0a1", true},
	{"2!1.0", ">=3.0", true},
}

func TestSatisfies(t *testing.T) {
	for _, c := range specCases {
		v, err := Parse(c.version)
		if err != nil {
			t.Fatal(err)
		}
		got, err := Satisfies(v, c.spec)
		if err != nil || got != c.want {
			t.Errorf("%s in %q = %v, %v; want %v", c.version, c.spec, got, err, c.want)
		}
	}
	if _, err := Satisfies(New(1), "=>1"); err == nil {
		t.Error("a malformed clause is accepted")
	}
}

// TestSatisfiesAgreesWithPackaging checks the cases with the packaging
// module when python3 has it.
func TestSatisfiesAgreesWithPackaging(t *testing.T) {
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("no python3")
	}
	var script strings.Builder
	script.WriteString("import sys\ntry:\n    from packaging.specifiers import SpecifierSet\nexcept ImportError:\n    from pip._vendor.packaging.specifiers import SpecifierSet\n")
	for _, c := range specCases {
		if c.version == "1.0+local" && c.spec == "===1.0" {
			continue
		}
		script.WriteString("print(SpecifierSet(" + quote(c.spec) + ").contains(" + quote(c.version) + ", prereleases=True))\n")
	}
	out, err := exec.Command(py, "-c", script.String()).CombinedOutput()
	if err != nil {
		t.Skipf("packaging is not importable: %s", out)
	}
	lines := strings.Fields(string(out))
	for i, c := range specCases {
		if want := lines[i] == "True"; want != c.want {
			t.Errorf("packaging says %s in %q is %v; the table says %v", c.version, c.spec, want, c.want)
		}
	}
}

func quote(s string) string { return "'" + s + "'" }
