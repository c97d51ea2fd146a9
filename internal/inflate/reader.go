// Package inflate decodes raw DEFLATE streams (RFC 1951), the compression of
// deflated zip entries.
//
// Checksumming a package is mostly inflating it, and the general-purpose
// decoders read their input one byte at a time through io.ByteReader. This one
// buffers its input, refills a 64-bit bit buffer eight bytes at a time, and
// resolves most codes with a single table lookup, so that it inflates text
// about twice as fast as klauspost/compress (BenchmarkText). It does one
// thing: decode a whole stream from start to end; it takes no preset
// dictionary and does not flush.
package inflate

import (
	"encoding/binary"
	"errors"
	"io"
)

const (
	windowSize = 1 << 15
	maxMatch   = 258
	// slack lets a match be copied eight bytes at a time past its end.
	slack = 8
	// chunk is how much output is decoded between two slides of the window.
	chunk     = 128 << 10
	inputSize = 64 << 10
	// keep is how many consumed input bytes survive a refill of the input
	// buffer, so that a stored block can give back whole bytes already in
	// the bit buffer (at most seven).
	keep = 8
)

// ErrCorrupt reports a stream that is not valid DEFLATE.
var ErrCorrupt = errors.New("inflate: invalid DEFLATE data")

type state uint8

const (
	stateHeader state = iota
	stateStored
	stateHuffman
	stateDone
)

// Reader decompresses a DEFLATE stream read from an io.Reader.
type Reader struct {
	src    io.Reader
	srcErr error // the error that ended src (io.EOF when it simply ended)

	in       []byte
	pos, end int // in[pos:end] is unread input

	bits  uint64 // next bits of the stream, first bit lowest
	nbits int    // how many of bits are valid

	out  []byte // the last windowSize bytes of output, then the output not yet read
	r, w int    // out[r:w] is decoded but not yet read

	state  state
	final  bool // the current block is the last one
	stored int  // bytes left in the current stored block
	lit    []uint32
	dist   []uint32
	err    error

	// Tables of the current dynamic block.
	dynLit, dynDist []uint32
	lengths         [maxLitSymbols + maxDistSymbols]uint8
	lenTable        [1 << lenIndex]uint32
}

// NewReader returns a Reader that decompresses src.
func NewReader(src io.Reader) *Reader {
	z := &Reader{
		in:      make([]byte, inputSize),
		out:     make([]byte, windowSize+chunk+maxMatch+slack),
		dynLit:  make([]uint32, litTableSize),
		dynDist: make([]uint32, distTableSize),
	}
	z.Reset(src)
	return z
}

// Reset discards the Reader's state and makes it decompress src, keeping its
// buffers.
func (z *Reader) Reset(src io.Reader) {
	*z = Reader{
		src:     src,
		in:      z.in,
		out:     z.out,
		dynLit:  z.dynLit,
		dynDist: z.dynDist,
	}
}

// Close does nothing; it is there so that a Reader is an io.ReadCloser.
func (z *Reader) Close() error { return nil }

// Read reads decompressed bytes.
func (z *Reader) Read(p []byte) (int, error) {
	for {
		if z.r < z.w {
			n := copy(p, z.out[z.r:z.w])
			z.r += n
			return n, nil
		}
		if z.err != nil {
			return 0, z.err
		}
		if z.w > z.limit() {
			// Everything is read: keep the window, make room behind it.
			z.w = copy(z.out, z.out[z.w-windowSize:z.w])
			z.r = z.w
		}
		z.err = z.decode()
	}
}

// limit is the last position in out at which a symbol may be decoded: the
// longest match, copied eight bytes at a time, still fits.
func (z *Reader) limit() int { return len(z.out) - maxMatch - slack }

// decode decodes blocks until out is full or the stream ends; at the end of
// the stream it returns io.EOF.
func (z *Reader) decode() error {
	for z.w <= z.limit() {
		var err error
		switch z.state {
		case stateHeader:
			err = z.header()
		case stateStored:
			err = z.copyStored()
		case stateHuffman:
			err = z.huffman()
		case stateDone:
			return io.EOF
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// fill moves the unread input to the front of the buffer and reads more.
// It reports whether any unread input is left.
func (z *Reader) fill() bool {
	if z.srcErr == nil {
		from := max(z.pos-keep, 0)
		z.end = copy(z.in, z.in[from:z.end])
		z.pos -= from
		for z.end < len(z.in) && z.srcErr == nil {
			n, err := z.src.Read(z.in[z.end:])
			z.end += n
			z.srcErr = err
			if n > 0 {
				break
			}
		}
	}
	return z.pos < z.end
}

// refill tops up the bit buffer a byte at a time; at the end of the input it
// leaves it short, and the decoder notices when a code needs more bits than
// there are.
func (z *Reader) refill() error {
	for z.nbits < 56 {
		if z.pos == z.end && !z.fill() {
			if z.srcErr != io.EOF {
				return z.srcErr
			}
			break
		}
		z.bits |= uint64(z.in[z.pos]) << z.nbits
		z.pos++
		z.nbits += 8
	}
	return nil
}

// need makes sure n bits are in the bit buffer.
func (z *Reader) need(n int) error {
	if z.nbits >= n {
		return nil
	}
	if err := z.refill(); err != nil {
		return err
	}
	if z.nbits < n {
		return z.truncated()
	}
	return nil
}

func (z *Reader) truncated() error {
	if z.srcErr != nil && z.srcErr != io.EOF {
		return z.srcErr
	}
	return io.ErrUnexpectedEOF
}

// take removes n bits from the bit buffer and returns them.
func (z *Reader) take(n int) uint32 {
	v := uint32(z.bits & (1<<n - 1))
	z.bits >>= n
	z.nbits -= n
	return v
}

// header reads a block header and, for a dynamic block, its code tables.
func (z *Reader) header() error {
	if z.final {
		z.state = stateDone
		return nil
	}
	if err := z.need(3); err != nil {
		return err
	}
	z.final = z.take(1) == 1
	switch z.take(2) {
	case 0:
		return z.storedHeader()
	case 1:
		z.lit, z.dist = fixedTables()
	case 2:
		if err := z.dynamicTables(); err != nil {
			return err
		}
		z.lit, z.dist = z.dynLit, z.dynDist
	default:
		return ErrCorrupt
	}
	z.state = stateHuffman
	return nil
}

// storedHeader skips to the next byte boundary and reads a stored block's
// length and its complement.
func (z *Reader) storedHeader() error {
	z.take(z.nbits & 7)
	// Give back the whole bytes still in the bit buffer.
	z.pos -= z.nbits >> 3
	z.bits, z.nbits = 0, 0
	if err := z.need(32); err != nil {
		return err
	}
	n, complement := z.take(16), z.take(16)
	if n != ^complement&0xffff {
		return ErrCorrupt
	}
	z.pos -= z.nbits >> 3
	z.bits, z.nbits = 0, 0
	z.stored = int(n)
	z.state = stateStored
	return nil
}

func (z *Reader) copyStored() error {
	for z.stored > 0 {
		room := z.limit() + maxMatch - z.w
		if room <= 0 {
			return nil
		}
		if z.pos == z.end && !z.fill() {
			return z.truncated()
		}
		n := copy(z.out[z.w:z.w+min(room, z.stored)], z.in[z.pos:z.end])
		z.pos += n
		z.w += n
		z.stored -= n
	}
	z.state = stateHeader
	return nil
}

// codeLengthOrder is the order in which a dynamic block lists the lengths of
// the code length code.
var codeLengthOrder = [19]uint8{16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15}

// dynamicTables reads the code lengths of a dynamic block and builds its
// tables.
func (z *Reader) dynamicTables() error {
	if err := z.need(14); err != nil {
		return err
	}
	nlit := int(z.take(5)) + 257
	ndist := int(z.take(5)) + 1
	nlen := int(z.take(4)) + 4
	if nlit > 286 || ndist > 30 {
		return ErrCorrupt
	}
	var lenLengths [19]uint8
	for i := range nlen {
		if err := z.need(3); err != nil {
			return err
		}
		lenLengths[codeLengthOrder[i]] = uint8(z.take(3))
	}
	set := symbols()
	if !build(z.lenTable[:], lenIndex, lenLengths[:], set.len[:]) {
		return ErrCorrupt
	}
	lengths := z.lengths[:nlit+ndist]
	for i := 0; i < len(lengths); {
		if err := z.refill(); err != nil {
			return err
		}
		e := z.lenTable[z.bits&(1<<lenIndex-1)]
		n := int(e & 0xff)
		switch {
		case e&kindMask == kindInvalid:
			return ErrCorrupt
		case n > z.nbits:
			return z.truncated()
		}
		z.take(n)
		sym := e >> 16
		if sym < 16 {
			lengths[i] = uint8(sym)
			i++
			continue
		}
		var repeat int
		var value uint8
		switch sym {
		case 16:
			if i == 0 {
				return ErrCorrupt
			}
			value = lengths[i-1]
			repeat, n = 3, 2
		case 17:
			repeat, n = 3, 3
		default:
			repeat, n = 11, 7
		}
		if err := z.need(n); err != nil {
			return err
		}
		repeat += int(z.take(n))
		if i+repeat > len(lengths) {
			return ErrCorrupt
		}
		for range repeat {
			lengths[i] = value
			i++
		}
	}
	if !build(z.dynLit, litIndex, lengths[:nlit], set.lit[:]) ||
		!build(z.dynDist, distIndex, lengths[nlit:], set.dist[:]) {
		return ErrCorrupt
	}
	return nil
}

// huffman decodes the symbols of a Huffman-coded block until the block ends
// or out is full. Its state lives in locals while it runs: this loop is where
// nearly all the time goes.
func (z *Reader) huffman() error {
	bits, nbits := z.bits, z.nbits
	in, pos := z.in[:z.end], z.pos
	out, w := z.out, z.w
	lit, dist := z.lit, z.dist
	limit := z.limit()
	var err error

decoding:
	for w <= limit {
		// After a refill there are at least 56 bits: enough for the longest
		// length code, its extra bits, the longest distance code and its
		// extra bits (15 + 5 + 15 + 13).
		if len(in)-pos >= 8 {
			bits |= binary.LittleEndian.Uint64(in[pos:]) << nbits
			pos += (63 - nbits) >> 3
			nbits |= 56
		} else {
			z.bits, z.nbits, z.pos = bits, nbits, pos
			if err = z.refill(); err != nil {
				break
			}
			bits, nbits = z.bits, z.nbits
			in, pos = z.in[:z.end], z.pos
		}

		e := lit[bits&(1<<litIndex-1)]
		if e&kindMask == kindLink {
			bits >>= litIndex
			nbits -= litIndex
			e = lit[e>>16+uint32(bits)&(1<<(e>>8&15)-1)]
		}
		n := e & 0xff
		bits >>= n
		nbits -= int(n)
		if nbits < 0 {
			// The code ran past the end of the input.
			err = z.truncated()
			break
		}
		switch e & kindMask {
		case kindLiteral:
			out[w] = byte(e >> 16)
			w++
			continue
		case kindBase:
		case kindEnd:
			z.state = stateHeader
			break decoding
		default:
			err = ErrCorrupt
			break decoding
		}
		extra := e >> 8 & 15
		length := int(e>>16) + int(bits&(1<<extra-1))
		bits >>= extra
		nbits -= int(extra)

		e = dist[bits&(1<<distIndex-1)]
		if e&kindMask == kindLink {
			bits >>= distIndex
			nbits -= distIndex
			e = dist[e>>16+uint32(bits)&(1<<(e>>8&15)-1)]
		}
		if e&kindMask != kindBase {
			err = ErrCorrupt
			break
		}
		n = e & 0xff
		bits >>= n
		extra = e >> 8 & 15
		distance := int(e>>16) + int(bits&(1<<extra-1))
		bits >>= extra
		nbits -= int(n + extra)
		switch {
		case nbits < 0:
			err = z.truncated()
			break decoding
		case distance > w:
			err = ErrCorrupt
			break decoding
		}

		from := w - distance
		switch {
		case distance >= 8:
			// Eight bytes at a time: each word read is complete before it
			// is needed, and slack absorbs the overshoot.
			for i := 0; i < length; i += 8 {
				binary.LittleEndian.PutUint64(out[w+i:], binary.LittleEndian.Uint64(out[from+i:]))
			}
		case distance == 1:
			b := out[from]
			for i := range out[w : w+length] {
				out[w+i] = b
			}
		default:
			for i := range length {
				out[w+i] = out[from+i]
			}
		}
		w += length
	}
	// After an error the state no longer matters: Read keeps returning it.
	z.bits, z.nbits, z.pos, z.w = bits, nbits, pos, w
	return err
}
