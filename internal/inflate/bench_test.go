package inflate

import (
	"bytes"
	"io"
	"testing"

	kflate "github.com/klauspost/compress/flate"
)

// BenchmarkText inflates plugin-like text deflated by the packager, against
// klauspost's decoder on the same stream.
func BenchmarkText(b *testing.B) {
	data := samples()["text"]
	stream := compress(b, "klauspost-5", data)
	buf := make([]byte, 64<<10)
	run := func(b *testing.B, z io.Reader, reset func(io.Reader)) {
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		for b.Loop() {
			reset(bytes.NewReader(stream))
			if _, err := io.CopyBuffer(io.Discard, struct{ io.Reader }{z}, buf); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.Run("inflate", func(b *testing.B) {
		z := NewReader(nil)
		run(b, z, z.Reset)
	})
	b.Run("klauspost", func(b *testing.B) {
		z := kflate.NewReader(nil)
		run(b, z, func(r io.Reader) { z.(kflate.Resetter).Reset(r, nil) })
	})
}
