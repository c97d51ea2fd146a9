// Package hostile builds the malicious and damaged packages that tests feed
// to every command reading a .difypkg: entries whose headers lie about their
// size, deflate bombs, bad CRCs, cut-short streams. It is used only by tests
// and fuzz seeds; nothing in the tool imports it.
package hostile

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"encoding/binary"
	"hash/crc32"
	"io"
)

// Entry is one zip entry, described by what its headers should say.
type Entry struct {
	Name string
	Data []byte // the content; Raw, when set, is written instead
	// Raw is the entry's stored bytes as they go into the archive (already
	// deflated when Deflate is set). With Raw, CRC and Size must be given.
	Raw     []byte
	Deflate bool
	// Size overrides the declared uncompressed size (0: the real one).
	Size uint64
	// CRC overrides the declared CRC-32 (nil: the real one).
	CRC *uint32
	// Cut drops this many bytes from the end of the stored data.
	Cut int
	// Descriptor writes the entry as zip tools that stream do: sizes and
	// CRC-32 in a data descriptor after the data (and in the central
	// directory). DescriptorCRC, when set, is what the descriptor claims.
	Descriptor    bool
	DescriptorCRC *uint32
}

// Zip builds an archive holding entries in order, with comment as its
// archive comment.
func Zip(comment string, entries ...Entry) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	var patch []descriptorPatch
	for _, e := range entries {
		raw, size, crc := e.Raw, e.Size, uint32(0)
		if raw == nil {
			raw = e.Data
			if e.Deflate {
				raw = deflate(e.Data)
			}
			crc = crc32.ChecksumIEEE(e.Data)
			if size == 0 {
				size = uint64(len(e.Data))
			}
		}
		if e.CRC != nil {
			crc = *e.CRC
		}
		if e.Cut > 0 {
			raw = raw[:max(0, len(raw)-e.Cut)]
		}
		method := zip.Store
		if e.Deflate {
			method = zip.Deflate
		}
		if e.Descriptor {
			// archive/zip writes the descriptor itself; it is patched after.
			w, err := zw.CreateHeader(&zip.FileHeader{Name: e.Name, Method: method})
			if err != nil {
				panic(err)
			}
			w.Write(e.Data)
			zw.Flush()
			if e.DescriptorCRC != nil {
				patch = append(patch, descriptorPatch{from: buf.Len(), crc: *e.DescriptorCRC})
			}
			continue
		}
		w, err := zw.CreateRaw(&zip.FileHeader{Name: e.Name, Method: method, CRC32: crc,
			CompressedSize64: uint64(len(raw)), UncompressedSize64: size})
		if err != nil {
			panic(err)
		}
		w.Write(raw)
	}
	zw.SetComment(comment)
	if err := zw.Close(); err != nil {
		panic(err)
	}
	out := buf.Bytes()
	for _, p := range patch {
		// The descriptor is the last one before the next entry's local
		// header, or before the central directory.
		end := bytes.Index(out[p.from:], []byte("PK\x03\x04"))
		if end < 0 {
			end = bytes.Index(out[p.from:], []byte("PK\x01\x02"))
		}
		start := bytes.LastIndex(out[:p.from+end], []byte("PK\x07\x08"))
		binary.LittleEndian.PutUint32(out[start+4:], p.crc)
	}
	return out
}

type descriptorPatch struct {
	from int // at or before the start of the entry's descriptor
	crc  uint32
}

func deflate(data []byte) []byte {
	var buf bytes.Buffer
	fw, _ := flate.NewWriter(&buf, flate.BestCompression)
	fw.Write(data)
	fw.Close()
	return buf.Bytes()
}

// Bomb returns a deflate stream that inflates to size zero bytes (a
// multiple of 1 MiB), and the CRC-32 of that content. A gibibyte takes about
// a megabyte: the stream repeats one flushed block of back-references.
func Bomb(size int64) (raw []byte, crc uint32) {
	const chunk = 1 << 20
	zeros := make([]byte, chunk)
	var buf bytes.Buffer
	fw, _ := flate.NewWriter(&buf, flate.BestCompression)
	fw.Write(zeros)
	fw.Flush()
	first := buf.Len()
	fw.Write(zeros)
	fw.Flush()
	// The second chunk refers only to zeros before it, so it is valid after
	// any run of at least 32 KiB of zeros.
	repeat := append([]byte(nil), buf.Bytes()[first:]...)
	out := bytes.NewBuffer(append([]byte(nil), buf.Bytes()[:first]...))
	for n := int64(chunk); n < size; n += chunk {
		out.Write(repeat)
	}
	out.Write([]byte{0x03, 0x00}) // a final, empty block with fixed codes
	h := crc32.NewIEEE()
	for n := int64(0); n < size; n += chunk {
		h.Write(zeros)
	}
	return out.Bytes(), h.Sum32()
}

// Inflate is the size of what raw deflate data expands to, for checking the
// builders themselves.
func Inflate(raw []byte) (int64, error) {
	return io.Copy(io.Discard, flate.NewReader(bytes.NewReader(raw)))
}
