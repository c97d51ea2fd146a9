package pack

import (
	"context"
	"io"
	"path/filepath"
	"testing"

	"github.com/dify-cli/dify/internal/benchtree"
)

// BenchmarkWrite packages a tree of 3,000 files / ~45 MB, one third random bytes.
func BenchmarkWrite(b *testing.B) {
	dir := b.TempDir()
	total, err := benchtree.Write(dir, 3000, 45<<20)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(total)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		src, err := OpenDir(dir, PlanOptions{})
		if err != nil {
			b.Fatal(err)
		}
		if err := Write(context.Background(), io.Discard, src, WriteOptions{MaxSize: 1 << 30}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPackageTypical packages one plugin of the typical official shape
// (53 files, about 0.5 MB) the way `dify plugin package` does: plan,
// validation, compression, the file written and renamed into place.
func BenchmarkPackageTypical(b *testing.B) {
	root := b.TempDir()
	dir, err := benchtree.Typical(root)
	if err != nil {
		b.Fatal(err)
	}
	out := filepath.Join(root, "typical.difypkg")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Package(context.Background(), Options{Dir: dir, Output: out, Validate: (*Plan).Check}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPackageCorpus packages, one after another, 262 plugins in the
// mix of the official plugins (as many as langgenius/dify-official-plugins
// holds); one iteration is the whole corpus.
func BenchmarkPackageCorpus(b *testing.B) {
	root := b.TempDir()
	dirs, err := benchtree.Corpus(filepath.Join(root, "corpus"), 262)
	if err != nil {
		b.Fatal(err)
	}
	out := filepath.Join(root, "out.difypkg")
	b.ReportAllocs()
	for b.Loop() {
		for _, dir := range dirs {
			if _, err := Package(context.Background(), Options{Dir: dir, Output: out, Validate: (*Plan).Check}); err != nil {
				b.Fatalf("%s: %v", dir, err)
			}
		}
	}
}

// BenchmarkCheckTypical is the validation alone of the typical plugin, as
// `dify plugin validate` runs it.
func BenchmarkCheckTypical(b *testing.B) {
	dir, err := benchtree.Typical(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		plan, err := OpenDir(dir, PlanOptions{})
		if err != nil {
			b.Fatal(err)
		}
		if ds := plan.Check(); ds.Err() != nil {
			b.Fatal(ds.Err())
		}
		plan.Close()
	}
}
