package pack

import (
	"context"
	"io"
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
