// Package benchtree generates plugin-shaped trees for benchmarks: many small
// and medium files, one third of the bytes random (incompressible, like wheels
// and images) and two thirds text.
package benchtree

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
)

// Write creates about files files totalling about size bytes under dir and
// returns the exact total.
func Write(dir string, files int, size int64) (int64, error) {
	rng := rand.New(rand.NewPCG(1, 2))
	words := strings.Fields("def class import return self value plugin tool model provider yaml json request response invoke credentials parameters")
	per := size / int64(files)
	var total int64
	for i := 0; i < files; i++ {
		var data []byte
		n := per/2 + rng.Int64N(per+1)
		if i%3 == 0 {
			data = make([]byte, n)
			for j := range data {
				data[j] = byte(rng.UintN(256))
			}
		} else {
			var b strings.Builder
			for int64(b.Len()) < n {
				b.WriteString(words[rng.IntN(len(words))])
				if rng.IntN(8) == 0 {
					b.WriteByte('\n')
				} else {
					b.WriteByte(' ')
				}
			}
			data = []byte(b.String())
		}
		p := filepath.Join(dir, fmt.Sprintf("pkg%02d", i%40), fmt.Sprintf("sub%d", i%7), fmt.Sprintf("f%04d.dat", i))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return 0, err
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			return 0, err
		}
		total += int64(len(data))
	}
	return total, nil
}
