package checksum_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/dify-cli/dify/checksum"
	"github.com/dify-cli/dify/internal/benchtree"
	"github.com/dify-cli/dify/pack"
)

func benchTree(b *testing.B) (dir string, total int64) {
	dir = b.TempDir()
	total, err := benchtree.Write(dir, 3000, 45<<20)
	if err != nil {
		b.Fatal(err)
	}
	return dir, total
}

// BenchmarkSumDir checksums a directory of 3,000 files / ~45 MB.
func BenchmarkSumDir(b *testing.B) {
	dir, total := benchTree(b)
	b.SetBytes(total)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		src, err := pack.OpenDir(dir, pack.PlanOptions{})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := checksum.Sum(src); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSumPackage checksums the package of the same tree.
func BenchmarkSumPackage(b *testing.B) {
	dir, total := benchTree(b)
	src, err := pack.OpenDir(dir, pack.PlanOptions{})
	if err != nil {
		b.Fatal(err)
	}
	out := filepath.Join(b.TempDir(), "bench.difypkg")
	f, err := os.Create(out)
	if err != nil {
		b.Fatal(err)
	}
	if err := pack.Write(context.Background(), f, src, pack.WriteOptions{MaxSize: 1 << 30}); err != nil {
		b.Fatal(err)
	}
	f.Close()
	b.SetBytes(total)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		sumPackage(b, out)
	}
}

// sumPackage opens a package and checksums it, as `checksum PKG` does.
func sumPackage(b *testing.B, path string) {
	arc, err := pack.OpenArchive(path, 0)
	if err != nil {
		b.Fatal(err)
	}
	defer arc.Close()
	if _, err := checksum.Sum(arc); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkSumTypical checksums the typical official plugin (53 files,
// about 0.5 MB), as a directory and as its package.
func BenchmarkSumTypical(b *testing.B) {
	root := b.TempDir()
	dir, err := benchtree.Typical(root)
	if err != nil {
		b.Fatal(err)
	}
	out := filepath.Join(root, "typical.difypkg")
	if _, err := pack.Package(context.Background(), pack.Options{Dir: dir, Output: out}); err != nil {
		b.Fatal(err)
	}
	b.Run("dir", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			src, err := pack.OpenDir(dir, pack.PlanOptions{})
			if err != nil {
				b.Fatal(err)
			}
			if _, err := checksum.Sum(src); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("package", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			sumPackage(b, out)
		}
	})
}
