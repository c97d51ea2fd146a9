package pep440

import "testing"

// TestOrder checks PEP 440 ordering on a list sorted by hand from the specification's
// examples: dev before pre before final before post, numeric segments compared as numbers.
func TestOrder(t *testing.T) {
	ordered := []string{
		"1.0.dev456", "1.0a1", "1.0a2.dev456", "1.0a12.dev456", "1.0a12", "1.0b1.dev456", "1.0b2",
		"1.0b2.post345.dev456", "1.0b2.post345", "1.0rc1.dev456", "1.0rc1", "1.0", "1.0+abc.5",
		"1.0+abc.7", "1.0+5", "1.0.post456.dev34", "1.0.post456", "1.1.dev1", "2.9.0", "2.10.0", "1!0.1",
	}
	for i := 0; i+1 < len(ordered); i++ {
		a, err := Parse(ordered[i])
		if err != nil {
			t.Fatal(err)
		}
		b, err := Parse(ordered[i+1])
		if err != nil {
			t.Fatal(err)
		}
		if Compare(a, b) >= 0 || Compare(b, a) <= 0 {
			t.Errorf("%s should sort before %s", ordered[i], ordered[i+1])
		}
	}
}

func TestParseSpellings(t *testing.T) {
	for in, want := range map[string]string{
		"v1.0": "1.0", "1.0-RC.1": "1.0rc1", "1.0.post2.dev3+Ubuntu.1": "1.0.post2.dev3+ubuntu.1",
		"1.0-1": "1.0.post1", "2!3.4alpha": "2!3.4a0", "1.3.0.post0": "1.3.0.post0", "0.9": "0.9",
	} {
		v, err := Parse(in)
		if err != nil {
			t.Errorf("Parse(%q): %v", in, err)
			continue
		}
		if v.String() != want {
			t.Errorf("Parse(%q) = %s, want %s", in, v, want)
		}
	}
	for _, bad := range []string{"", "abc", "1.0+", "1..0", "1.0 extra"} {
		if _, err := Parse(bad); err == nil {
			t.Errorf("Parse(%q) succeeded", bad)
		}
	}
	if Compare(New(3, 0), New(3)) != 0 || New(3, 9, 0).Trimmed().String() != "3.9" {
		t.Error("trailing zeros must not matter")
	}
}
