package inflate

import (
	"bytes"
	"compress/flate"
	"errors"
	"io"
	"math/rand/v2"
	"strings"
	"testing"
	"testing/iotest"

	kflate "github.com/klauspost/compress/flate"
)

// samples are inputs that exercise every kind of block and match: empty,
// tiny, runs (distance 1), short periods (distances 2 to 7), text, random
// bytes, and outputs longer than the decoder's window and chunk.
func samples() map[string][]byte {
	rng := rand.New(rand.NewPCG(7, 11))
	random := make([]byte, 300<<10)
	for i := range random {
		random[i] = byte(rng.UintN(256))
	}
	words := strings.Fields("def class import return self value plugin tool model provider yaml json")
	var text strings.Builder
	for text.Len() < 700<<10 {
		text.WriteString(words[rng.IntN(len(words))])
		text.WriteByte(" \n"[rng.IntN(2)])
	}
	var periods []byte
	for p := 2; p <= 9; p++ {
		for i := range 1000 {
			periods = append(periods, byte('a'+i%p))
		}
	}
	mixed := append(append(append([]byte{}, random[:50<<10]...), bytes.Repeat([]byte{0}, 100<<10)...), text.String()[:200<<10]...)
	return map[string][]byte{
		"empty":   nil,
		"byte":    {'x'},
		"hello":   []byte("hello, hello, hello world\n"),
		"run":     bytes.Repeat([]byte{'z'}, 1<<20),
		"periods": periods,
		"text":    []byte(text.String()),
		"random":  random,
		"mixed":   mixed,
	}
}

// compressors produce DEFLATE streams the way different writers do: stored
// blocks only, Huffman only, fast and best levels, and klauspost's encoder
// that the packager uses.
var compressors = map[string]func(w io.Writer) (io.WriteCloser, error){
	"std-store":   func(w io.Writer) (io.WriteCloser, error) { return flate.NewWriter(w, flate.NoCompression) },
	"std-huffman": func(w io.Writer) (io.WriteCloser, error) { return flate.NewWriter(w, flate.HuffmanOnly) },
	"std-1":       func(w io.Writer) (io.WriteCloser, error) { return flate.NewWriter(w, 1) },
	"std-6":       func(w io.Writer) (io.WriteCloser, error) { return flate.NewWriter(w, 6) },
	"std-9":       func(w io.Writer) (io.WriteCloser, error) { return flate.NewWriter(w, 9) },
	"klauspost-1": func(w io.Writer) (io.WriteCloser, error) { return kflate.NewWriter(w, 1) },
	"klauspost-5": func(w io.Writer) (io.WriteCloser, error) { return kflate.NewWriter(w, 5) },
	"klauspost-9": func(w io.Writer) (io.WriteCloser, error) { return kflate.NewWriter(w, 9) },
}

func compress(t testing.TB, name string, data []byte) []byte {
	var buf bytes.Buffer
	w, err := compressors[name](&buf)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write(data); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestRoundTrip(t *testing.T) {
	kinds := map[uint8]bool{}
	for name, data := range samples() {
		for comp := range compressors {
			stream := compress(t, comp, data)
			kinds[stream[0]>>1&3] = true
			got, err := io.ReadAll(NewReader(bytes.NewReader(stream)))
			if err != nil {
				t.Errorf("%s/%s: %v", name, comp, err)
				continue
			}
			if !bytes.Equal(got, data) {
				t.Errorf("%s/%s: decoded %d bytes that differ from the %d written", name, comp, len(got), len(data))
			}
		}
	}
	// The first block of the streams above is of every kind.
	for kind, name := range []string{"stored", "fixed", "dynamic"} {
		if !kinds[uint8(kind)] {
			t.Errorf("no stream starts with a %s block", name)
		}
	}
}

// TestSmallReads feeds the input a byte at a time, so every refill takes the
// slow path and a stored block's header straddles input reads.
func TestSmallReads(t *testing.T) {
	data := samples()["mixed"]
	for _, comp := range []string{"std-store", "std-6", "klauspost-5"} {
		stream := compress(t, comp, data)
		got, err := io.ReadAll(iotest.OneByteReader(NewReader(iotest.HalfReader(bytes.NewReader(stream)))))
		if err != nil || !bytes.Equal(got, data) {
			t.Errorf("%s: err %v, %d bytes (want %d)", comp, err, len(got), len(data))
		}
		got, err = io.ReadAll(NewReader(iotest.OneByteReader(bytes.NewReader(stream))))
		if err != nil || !bytes.Equal(got, data) {
			t.Errorf("%s, one byte at a time: err %v, %d bytes (want %d)", comp, err, len(got), len(data))
		}
	}
}

// TestFlushedBlocks decodes a stream of many blocks separated by the empty
// stored blocks a flush writes.
func TestFlushedBlocks(t *testing.T) {
	data := samples()["text"]
	var buf bytes.Buffer
	w, _ := flate.NewWriter(&buf, 6)
	for i := 0; i < len(data); i += 10000 {
		w.Write(data[i:min(i+10000, len(data))])
		w.Flush()
	}
	w.Close()
	got, err := io.ReadAll(NewReader(&buf))
	if err != nil || !bytes.Equal(got, data) {
		t.Fatalf("err %v, %d bytes (want %d)", err, len(got), len(data))
	}
}

// TestTruncated cuts a stream at every length: each prefix fails with
// io.ErrUnexpectedEOF after a prefix of the data.
func TestTruncated(t *testing.T) {
	data := samples()["hello"]
	data = append(data, samples()["periods"][:3000]...)
	for _, comp := range []string{"std-store", "std-1", "std-9"} {
		stream := compress(t, comp, data)
		for n := 0; n < len(stream); n++ {
			got, err := io.ReadAll(NewReader(bytes.NewReader(stream[:n])))
			if !errors.Is(err, io.ErrUnexpectedEOF) {
				t.Fatalf("%s cut at %d of %d: err %v, want unexpected EOF", comp, n, len(stream), err)
			}
			if !bytes.HasPrefix(data, got) {
				t.Fatalf("%s cut at %d: output is not a prefix of the data", comp, n)
			}
		}
	}
}

func TestCorrupt(t *testing.T) {
	for name, stream := range map[string][]byte{
		"reserved block type":    {0x07},
		"stored length mismatch": {0x01, 0x05, 0x00, 0x05, 0x00},
		"distance before start":  {0x03, 0x02, 0x00}, // fixed block: a match with nothing before it
		"too many length codes":  {0xfd, 0xff, 0xff},
		"invalid fixed symbol":   {0x03, 0xff, 0xff, 0xff},
	} {
		_, err := io.ReadAll(NewReader(bytes.NewReader(stream)))
		if !errors.Is(err, ErrCorrupt) {
			t.Errorf("%s: err %v, want ErrCorrupt", name, err)
		}
		if _, stdErr := io.ReadAll(flate.NewReader(bytes.NewReader(stream))); stdErr == nil {
			t.Errorf("%s: compress/flate accepts the stream the test calls corrupt", name)
		}
	}
}

func TestReadError(t *testing.T) {
	stream := compress(t, "std-6", samples()["text"])
	failure := errors.New("disk on fire")
	src := io.MultiReader(bytes.NewReader(stream[:len(stream)/2]), iotest.ErrReader(failure))
	if _, err := io.ReadAll(NewReader(src)); !errors.Is(err, failure) {
		t.Fatalf("err %v, want the source's error", err)
	}
}

func TestReset(t *testing.T) {
	z := NewReader(bytes.NewReader(compress(t, "std-9", samples()["text"])))
	if _, err := io.ReadAll(z); err != nil {
		t.Fatal(err)
	}
	data := samples()["periods"]
	z.Reset(bytes.NewReader(compress(t, "klauspost-5", data)))
	got, err := io.ReadAll(z)
	if err != nil || !bytes.Equal(got, data) {
		t.Fatalf("after Reset: err %v, %d bytes (want %d)", err, len(got), len(data))
	}
}

// FuzzReader checks the decoder against compress/flate on arbitrary input:
// both accept it with the same output, or both reject it.
func FuzzReader(f *testing.F) {
	for _, data := range []string{"", "a", "hello, hello, hello world", strings.Repeat("abcabcabd", 300)} {
		for comp := range compressors {
			f.Add(compress(f, comp, []byte(data)))
		}
	}
	f.Fuzz(func(t *testing.T, stream []byte) {
		want, wantErr := io.ReadAll(io.LimitReader(flate.NewReader(bytes.NewReader(stream)), 4<<20))
		got, err := io.ReadAll(io.LimitReader(NewReader(bytes.NewReader(stream)), 4<<20))
		if (err == nil) != (wantErr == nil) {
			t.Fatalf("err %v, compress/flate says %v", err, wantErr)
		}
		if err == nil && !bytes.Equal(got, want) {
			t.Fatalf("output differs from compress/flate's (%d bytes, want %d)", len(got), len(want))
		}
	})
}
