package run

import (
	"context"
	"encoding/json"
	"io"
	"sync"
)

// Stream is the answer to one request: chunks as the plugin sends them, then
// io.EOF, or the error that ended the request. The plugin is never held up
// by a slow reader: chunks queue here.
type Stream struct {
	mu     sync.Mutex
	chunks []json.RawMessage
	end    error // io.EOF or the failure, once finished
	signal chan struct{}
	done   chan struct{} // closed when finished
}

func newStream() *Stream { return &Stream{signal: make(chan struct{}, 1), done: make(chan struct{})} }

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
			s.mu.Unlock()
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

// push queues a chunk; it reports false once the stream has ended.
func (s *Stream) push(chunk json.RawMessage) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.end != nil {
		return false
	}
	s.chunks = append(s.chunks, chunk)
	s.wake()
	return true
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
	s.wake()
	return true
}

func (s *Stream) wake() {
	select {
	case s.signal <- struct{}{}:
	default:
	}
}
