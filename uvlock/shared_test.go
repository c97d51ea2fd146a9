package uvlock

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// sharedCases runs every case of the shared uv test data that has an
// expected output; TestFixtures calls it, after the repository's own
// fixtures, when that data is present.
func sharedCases(t *testing.T, cases string) {
	entries, err := os.ReadDir(cases)
	if err != nil {
		t.Fatal(err)
	}
	ran := 0
	for _, ent := range entries {
		dir := filepath.Join(cases, ent.Name())
		want, err := os.ReadFile(filepath.Join(dir, "expected.txt"))
		if err != nil {
			continue
		}
		ran++
		t.Run(ent.Name(), func(t *testing.T) {
			flags, err := os.ReadFile(filepath.Join(dir, "flags.txt"))
			if err != nil {
				t.Fatal(err)
			}
			wantErr, _ := os.ReadFile(filepath.Join(dir, "expected-error.txt"))
			strict := strings.Contains(string(flags), "--no-group dev")
			res, err := Export(os.DirFS(dir), Options{Strict: strict})
			if len(wantErr) > 0 {
				if !errors.Is(err, ErrNoDevGroup) || !strings.Contains(string(wantErr), err.Error()) {
					t.Fatalf("error %v, want %s", err, wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if string(res.Requirements) != string(want) {
				t.Errorf("got:\n%s\nwant:\n%s", res.Requirements, want)
			}
		})
	}
	if ran != 14 {
		t.Errorf("ran %d cases, want 14 (13 outputs and the error case)", ran)
	}
}
