package checksum_test

import (
	"testing"

	"github.com/dify-cli/dify/checksum"
	"github.com/dify-cli/dify/internal/testref"
	"github.com/dify-cli/dify/pack"
)

// The reference tool's checksums of its own packages, and of the weather
// directory under exact gitignore semantics.
func TestReferenceChecksums(t *testing.T) {
	for pkg, want := range map[string]string{
		"weather.difypkg":        "weather.difypkg.checksum",
		"weather.signed.difypkg": "weather.signed.difypkg.checksum",
	} {
		arc, err := pack.OpenArchive(testref.Path(t, pkg), 0)
		if err != nil {
			t.Fatal(err)
		}
		got, err := checksum.Sum(arc)
		arc.Close()
		if err != nil {
			t.Fatal(err)
		}
		if w := testref.Read(t, want); got != w {
			t.Errorf("checksum %s = %s, reference %s", pkg, got, w)
		}
	}

	src, err := pack.OpenDir(testref.Path(t, "weather"), pack.PlanOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !src.Has("important.log") || src.Has("debug.log") {
		t.Errorf("weather: `*.log` then `!important.log` must keep important.log only")
	}
	got, err := checksum.Sum(src)
	if err != nil {
		t.Fatal(err)
	}
	if w := testref.Read(t, "weather.dir.checksum"); got != w {
		t.Errorf("checksum weather/ = %s, want %s", got, w)
	}
}
