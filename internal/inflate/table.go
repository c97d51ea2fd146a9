package inflate

import (
	"math/bits"
	"sync"
)

// A table entry packs everything the decoding loop needs into one word, so a
// code is usually resolved by a single lookup:
//
//	bits 0-7    bits the code occupies (for a link: the primary index bits)
//	bits 8-11   extra bits that follow the code (for a link: the subtable's index bits)
//	bits 12-14  kind
//	bits 16-31  literal byte, base length or distance, or the subtable's offset
//
// Codes longer than the primary index resolve through a link to a subtable
// indexed by the bits that follow.
const (
	kindBase    = 0 << 12 // a length or a distance: value + extra bits
	kindLiteral = 1 << 12
	kindEnd     = 2 << 12
	kindLink    = 3 << 12
	kindInvalid = 4 << 12
	kindMask    = 7 << 12
)

const (
	maxCodeBits = 15
	litIndex    = 10 // primary index bits of the literal/length table
	distIndex   = 8  // primary index bits of the distance table
	lenIndex    = 7  // code length codes are at most 7 bits: no subtables

	maxLitSymbols  = 288
	maxDistSymbols = 32

	// Largest tables: the primary table plus one subtable per long code.
	litTableSize  = 1<<litIndex + maxLitSymbols<<(maxCodeBits-litIndex)
	distTableSize = 1<<distIndex + maxDistSymbols<<(maxCodeBits-distIndex)
)

func entry(kind, extra, value uint32) uint32 { return kind | extra<<8 | value<<16 }

// symbolSet holds, for each alphabet, every symbol's entry without its code
// length.
type symbolSet struct {
	lit  [maxLitSymbols]uint32
	dist [maxDistSymbols]uint32
	len  [19]uint32
}

var symbols = sync.OnceValue(func() *symbolSet {
	var set symbolSet
	for s := range 256 {
		set.lit[s] = entry(kindLiteral, 0, uint32(s))
	}
	set.lit[256] = entry(kindEnd, 0, 0)
	base := uint32(3)
	for s := 257; s < 285; s++ {
		extra := uint32(0)
		if s >= 265 {
			extra = uint32(s-261) / 4
		}
		set.lit[s] = entry(kindBase, extra, base)
		base += 1 << extra
	}
	set.lit[285] = entry(kindBase, 0, 258)
	set.lit[286] = entry(kindInvalid, 0, 0)
	set.lit[287] = entry(kindInvalid, 0, 0)

	base = 1
	for s := range 30 {
		extra := uint32(0)
		if s >= 4 {
			extra = uint32(s)/2 - 1
		}
		set.dist[s] = entry(kindBase, extra, base)
		base += 1 << extra
	}
	set.dist[30] = entry(kindInvalid, 0, 0)
	set.dist[31] = entry(kindInvalid, 0, 0)

	for s := range set.len {
		set.len[s] = entry(kindBase, 0, uint32(s))
	}
	return &set
})

// build writes the decoding table of the canonical Huffman code with the given
// code lengths (0: symbol unused) into table and reports whether the code is
// valid. Like zlib and Go's compress/flate, it rejects over-subscribed and
// incomplete codes, except a code of a single one-bit symbol; a code with no
// symbols is valid and decodes nothing.
func build(table []uint32, index uint, lengths []uint8, symbols []uint32) bool {
	var count [maxCodeBits + 1]int
	for _, l := range lengths {
		count[l]++
	}
	count[0] = 0
	longest := 0
	left := 1
	for l := 1; l <= maxCodeBits; l++ {
		left = left<<1 - count[l]
		if left < 0 {
			return false
		}
		if count[l] > 0 {
			longest = l
		}
	}
	invalid := entry(kindInvalid, 0, 0)
	primary := table[:1<<index]
	for i := range primary {
		primary[i] = invalid
	}
	if longest == 0 {
		return true
	}
	if left > 0 && !(longest == 1 && count[1] == 1) {
		return false
	}

	var next [maxCodeBits + 1]uint32
	code := uint32(0)
	for l := 1; l <= maxCodeBits; l++ {
		code = (code + uint32(count[l-1])) << 1
		next[l] = code
	}
	subBits := uint(0)
	if uint(longest) > index {
		subBits = uint(longest) - index
	}
	end := uint32(len(primary))
	for s, l := range lengths {
		if l == 0 {
			continue
		}
		// Codes are packed starting from their most significant bit; the
		// bit reader delivers the first bit lowest, so index by the reverse.
		rev := uint(bits.Reverse16(uint16(next[l]))) >> (16 - uint(l))
		next[l]++
		if uint(l) <= index {
			e := symbols[s] | uint32(l)
			for i := rev; i < uint(len(primary)); i += 1 << l {
				primary[i] = e
			}
			continue
		}
		link := primary[rev&(1<<index-1)]
		if link&kindMask != kindLink {
			link = entry(kindLink, uint32(subBits), end) | uint32(index)
			primary[rev&(1<<index-1)] = link
			for i := range 1 << subBits {
				table[end+uint32(i)] = invalid
			}
			end += 1 << subBits
		}
		sub := table[link>>16 : link>>16+1<<subBits]
		e := symbols[s] | (uint32(l) - uint32(index))
		for i := rev >> index; i < uint(len(sub)); i += 1 << (uint(l) - index) {
			sub[i] = e
		}
	}
	return true
}

// fixedTables are the tables of the fixed Huffman code (RFC 1951, 3.2.6),
// built on first use.
var fixedTables = sync.OnceValues(func() (lit, dist []uint32) {
	var lengths [maxLitSymbols]uint8
	for s := range lengths {
		switch {
		case s < 144:
			lengths[s] = 8
		case s < 256:
			lengths[s] = 9
		case s < 280:
			lengths[s] = 7
		default:
			lengths[s] = 8
		}
	}
	set := symbols()
	lit = make([]uint32, litTableSize)
	build(lit, litIndex, lengths[:], set.lit[:])
	var distLengths [maxDistSymbols]uint8
	for s := range distLengths {
		distLengths[s] = 5
	}
	dist = make([]uint32, distTableSize)
	build(dist, distIndex, distLengths[:], set.dist[:])
	return lit, dist
})
