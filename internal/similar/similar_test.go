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

func TestSuggest(t *testing.T) {
	langs := []string{"zh_Hans", "ja_JP", "pt_BR"}
	for in, want := range map[string]string{"ja": "ja_JP", "PT": "pt_BR", "ja_jp": "ja_JP", "x": "", "": ""} {
		if got := Suggest(in, langs); got != want {
			t.Errorf("Suggest(%q) = %q, want %q", in, got, want)
		}
	}
	if got := Suggest("pro", []string{"production", "profile"}); got != "" {
		t.Errorf("an ambiguous prefix: %q", got)
	}
	if got := DidYouMean("tools", []string{"tool", "llm"}); got != " (did you mean tool?)" {
		t.Errorf("DidYouMean = %q", got)
	}
}
