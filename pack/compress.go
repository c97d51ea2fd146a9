package pack

import (
	"archive/zip"
	"bytes"
	"fmt"
	"hash/crc32"
	"io"
	"io/fs"
	"sync"
)

// compressed is one file, compressed in memory by a worker.
type compressed struct {
	method uint16
	crc    uint32
	size   int64 // uncompressed
	raw    *bytes.Buffer
	packed *bytes.Buffer // nil when the entry is stored
	stream bool          // too large for memory: the writer streams it
	err    error
}

func (c *compressed) data() []byte {
	if c.packed != nil {
		return c.packed.Bytes()
	}
	return c.raw.Bytes()
}

// release returns the buffers to the pool once the entry is written.
func (c *compressed) release() {
	for _, b := range []*bytes.Buffer{c.raw, c.packed} {
		if b != nil {
			b.Reset()
			buffers.Put(b)
		}
	}
}

var buffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// pipeline compresses files on a pool of workers, at most a fixed window of
// them ahead of the writer, and hands results back in file order.
type pipeline struct {
	slots []chan *compressed
	free  chan struct{} // window tokens, returned as the writer takes results
	done  chan struct{}
	once  sync.Once
}

func compressAll(fsys fs.FS, files []File, workers int) *pipeline {
	p := &pipeline{
		slots: make([]chan *compressed, len(files)),
		free:  make(chan struct{}, 2*workers),
		done:  make(chan struct{}),
	}
	for i := range p.slots {
		p.slots[i] = make(chan *compressed, 1)
	}
	queue := make(chan int)
	go func() {
		defer close(queue)
		for i, f := range files {
			select {
			case p.free <- struct{}{}:
			case <-p.done:
				return
			}
			if f.Size > memLimit {
				p.slots[i] <- &compressed{stream: true}
				continue
			}
			select {
			case queue <- i:
			case <-p.done:
				return
			}
		}
	}()
	for w := 0; w < workers; w++ {
		go func() {
			for i := range queue {
				p.slots[i] <- compressFile(fsys, files[i])
			}
		}()
	}
	return p
}

// get waits for the result of file i and frees its window slot.
func (p *pipeline) get(i int) *compressed {
	r := <-p.slots[i]
	<-p.free
	return r
}

// stop ends the feeding early (on error) so no goroutine is left waiting.
func (p *pipeline) stop() { p.once.Do(func() { close(p.done) }) }

// compressFile reads a small file and deflates it, keeping the stored form
// when deflating does not make it smaller.
func compressFile(fsys fs.FS, file File) *compressed {
	p := file.Path
	f, err := fsys.Open(p)
	if err != nil {
		return &compressed{err: err}
	}
	defer f.Close()
	raw := buffers.Get().(*bytes.Buffer)
	// Room for the listed size and the read that finds the end: the buffer
	// is allocated once instead of doubled up to the size.
	raw.Grow(int(file.Size) + bytes.MinRead)
	n, err := raw.ReadFrom(io.LimitReader(f, memLimit+1))
	if err != nil {
		return &compressed{err: fmt.Errorf("reading %s: %w", p, err)}
	}
	if n > memLimit {
		// It grew since it was listed: let the writer stream it instead.
		raw.Reset()
		buffers.Put(raw)
		return &compressed{stream: true}
	}
	c := &compressed{method: zip.Store, crc: crc32.ChecksumIEEE(raw.Bytes()), size: n, raw: raw}
	if n == 0 {
		return c
	}
	packed := buffers.Get().(*bytes.Buffer)
	deflateSmall(packed, raw.Bytes())
	if packed.Len() < raw.Len() {
		c.method, c.packed = zip.Deflate, packed
	} else {
		packed.Reset()
		buffers.Put(packed)
	}
	return c
}
