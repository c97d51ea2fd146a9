package checksum_test

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"slices"
	"testing"

	"github.com/dify-cli/dify/checksum"
	"github.com/dify-cli/dify/internal/testref"
	"github.com/dify-cli/dify/pack"
)

// The official tool's checksums of its own packages, and of the plugin
// directory under exact gitignore rules: the repository's reference set in
// every clone, and the shared one beside it when present.
func TestReferenceChecksums(t *testing.T) {
	for _, ref := range testref.References(t) {
		t.Run(ref.Name, func(t *testing.T) {
			if ref.UnsignedSHA256 != "" {
				data, _ := os.ReadFile(ref.Unsigned)
				if sum := sha256.Sum256(data); hex.EncodeToString(sum[:]) != ref.UnsignedSHA256 {
					t.Fatalf("%s is not the package the facts are about", ref.Unsigned)
				}
			}
			for pkg, want := range map[string]string{ref.Unsigned: ref.UnsignedChecksum, ref.Signed: ref.SignedChecksum} {
				arc, err := pack.OpenArchive(pkg, 0)
				if err != nil {
					t.Fatal(err)
				}
				got, err := checksum.Sum(arc)
				arc.Close()
				if err != nil || got != want {
					t.Errorf("checksum %s = %s, %v; the official tool printed %s", pkg, got, err, want)
				}
			}
			src, err := pack.OpenDir(ref.Dir, pack.PlanOptions{})
			if err != nil {
				t.Fatal(err)
			}
			defer src.Close()
			for _, f := range ref.OnlyOurs {
				if !src.Has(f) {
					t.Errorf("%s: exact gitignore rules keep %s", ref.Dir, f)
				}
			}
			if got, err := checksum.Sum(src); err != nil || got != ref.DirChecksum {
				t.Errorf("checksum of %s = %s, %v; want %s", ref.Dir, got, err, ref.DirChecksum)
			}
		})
	}
	if len(testref.References(t)) < 1 || !slices.ContainsFunc(testref.References(t), func(r testref.Reference) bool { return r.Name == "official" }) {
		t.Fatal("no reference set")
	}
}
