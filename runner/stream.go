package runner

import (
	"context"
	"encoding/json"
	"io"
	"sync"
)

// What one request's answers may queue before the plugin is held up: a
// reader that falls behind (a client that does not read) slows the plugin
// down instead of filling memory.
const (
	maxQueuedChunks = 1024
	maxQueuedBytes  = 16 << 20
)

// Stream is the answer to one request: chunks as the plugin sends them, then
// io.EOF, or the error that ended the request. Chunks queue up to a bound;
// past it, the plugin's output waits for the reader (back-pressure).
type Stream struct {
	mu     sync.Mutex
	chunks []json.RawMessage
	queued int           // bytes in chunks
	end    error         // io.EOF or the failure, once finished
	signal chan struct{} // a chunk or the end arrived
	space  chan struct{} // a chunk was taken
	done   chan struct{} // closed when finished
}

func newStream() *Stream {
	return &Stream{signal: make(chan struct{}, 1), space: make(chan struct{}, 1), done: make(chan struct{})}
}

// waitEnd returns once the stream has ended (not once it is read).
func (s *Stream) waitEnd() { <-s.done }

// Next returns the next chunk, io.EOF after the last one, or the error the
// request ended with (a *PluginError when the plugin raised one).
func (s *Stream) Next(ctx context.Context) (json.RawMessage, error) {
	for {
		s.mu.Lock()
		if len(s.chunks) > 0 {
			c := s.chunks[0]
			s.chunks[0] = nil
			s.chunks = s.chunks[1:]
			s.queued -= len(c)
			s.mu.Unlock()
			notify(s.space)
			return c, nil
		}
		end := s.end
		s.mu.Unlock()
		if end != nil {
			return nil, end
		}
		select {
		case <-s.signal:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}

// push queues a chunk, waiting while the queue is full; it reports false
// once the stream has ended (the chunk is then dropped).
func (s *Stream) push(chunk json.RawMessage) bool {
	for {
		s.mu.Lock()
		if s.end != nil {
			s.mu.Unlock()
			return false
		}
		if len(s.chunks) == 0 || len(s.chunks) < maxQueuedChunks && s.queued+len(chunk) <= maxQueuedBytes {
			s.chunks = append(s.chunks, chunk)
			s.queued += len(chunk)
			s.mu.Unlock()
			notify(s.signal)
			return true
		}
		s.mu.Unlock()
		select {
		case <-s.space:
		case <-s.done:
		}
	}
}

// Queued is how many bytes of answers wait to be read.
func (s *Stream) Queued() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.queued
}

// finish ends the stream with err (nil means a normal end); the first call
// wins. It reports whether this call ended it.
func (s *Stream) finish(err error) bool {
	if err == nil {
		err = io.EOF
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.end != nil {
		return false
	}
	s.end = err
	close(s.done)
	notify(s.signal)
	return true
}

// notify wakes one waiter on c, if there is none waiting already.
func notify(c chan struct{}) {
	select {
	case c <- struct{}{}:
	default:
	}
}
