package scaffold

import (
	"path/filepath"
	"strconv"
	"testing"
)

// BenchmarkInit plans and writes a tool plugin, as `dify plugin init --quick` does.
func BenchmarkInit(b *testing.B) {
	o := options("tool")
	files, err := Plan(o)
	if err != nil {
		b.Fatal(err)
	}
	var size int64
	for _, f := range files {
		size += int64(len(f.Data))
	}
	parent := b.TempDir()
	b.SetBytes(size)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		files, err := Plan(o)
		if err != nil {
			b.Fatal(err)
		}
		if err := Write(filepath.Join(parent, strconv.Itoa(i)), files, false); err != nil {
			b.Fatal(err)
		}
	}
}
