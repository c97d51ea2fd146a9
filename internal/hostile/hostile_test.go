package hostile

import (
	"archive/zip"
	"bytes"
	"errors"
	"io"
	"testing"
)

func TestBombInflatesToItsSize(t *testing.T) {
	raw, _ := Bomb(64 << 20)
	if len(raw) > 128<<10 {
		t.Errorf("a 64 MiB bomb takes %d bytes", len(raw))
	}
	n, err := Inflate(raw)
	if err != nil || n != 64<<20 {
		t.Fatalf("inflates to %d bytes, %v", n, err)
	}
}

func TestZipHeadersSayWhatTheyAreTold(t *testing.T) {
	bad := uint32(7)
	data := Zip("hi",
		Entry{Name: "a", Data: []byte("hello"), Size: 1 << 62},
		Entry{Name: "b", Data: []byte("hello hello hello"), Deflate: true, CRC: &bad},
		Entry{Name: "c", Data: bytes.Repeat([]byte("abc"), 1000), Deflate: true, Cut: 5},
	)
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	if zr.Comment != "hi" || zr.File[0].UncompressedSize64 != 1<<62 {
		t.Errorf("comment %q, declared size %d", zr.Comment, zr.File[0].UncompressedSize64)
	}
	read := func(i int) error {
		rc, err := zr.File[i].Open()
		if err != nil {
			return err
		}
		_, err = io.Copy(io.Discard, rc)
		return err
	}
	if err := read(1); !errors.Is(err, zip.ErrChecksum) {
		t.Errorf("bad CRC reads with %v", err)
	}
	if err := read(2); !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("cut stream reads with %v", err)
	}
}
