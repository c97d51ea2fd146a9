package marker

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

const sharedNormalization = "../../../../shared/testdata-uvexport/marker-normalization.json"

// TestSharedNormalization checks the printer against uv's own marker tests, when the shared
// test data is present.
func TestSharedNormalization(t *testing.T) {
	data, err := os.ReadFile(filepath.FromSlash(sharedNormalization))
	if os.IsNotExist(err) {
		t.Skip("shared uv test data not present")
	}
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
