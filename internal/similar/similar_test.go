package similar

import "testing"

func TestClosest(t *testing.T) {
	tags := []string{"search", "utilities", "productivity"}
	for in, want := range map[string]string{"utility": "utilities", "Serch": "search", "xyz": "", "productivty": "productivity"} {
		if got := Closest(in, tags); got != want {
			t.Errorf("Closest(%q) = %q, want %q", in, got, want)
		}
	}
	if Closest("x", nil) != "" {
		t.Error("no candidates")
	}
	if Distance("kitten", "sitting") != 3 || Distance("", "abc") != 3 || Distance("a", "a") != 0 {
		t.Error("distance")
	}
}
