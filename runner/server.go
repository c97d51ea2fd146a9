package runner

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"sync"
	"time"
)

// Server answers front-end clients with one running plugin.
type Server struct {
	Plugin *Plugin
	Format Format
	// WriteTimeout drops a TCP client that takes no answer for this long,
	// so that a client that never reads cannot hold up the plugin (whose
	// answers wait for it); DefaultWriteTimeout when zero.
	WriteTimeout time.Duration
	// Notify, when set, is told about clients dropped.
	Notify func(string)
}

// DefaultWriteTimeout is how long a TCP client may leave answers unread.
const DefaultWriteTimeout = 60 * time.Second

// request is one line a client wrote, cut at MaxRequestLine.
type request struct {
	line    []byte
	dropped int64
}

// Serve answers one client: it announces the plugin, then reads requests
// from r until EOF and runs them concurrently, writing to w. At EOF it
// waits for the requests in flight and returns nil. When the plugin exits,
// it stops reading, lets every request in flight end with its error and
// plugin_invoke_end, and returns nil. When ctx ends, or w fails, it returns
// at once.
func (s *Server) Serve(ctx context.Context, r io.Reader, w io.Writer) error {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	out := &output{w: w, format: s.Format, fail: cancel}
	// Each client is its own user and tenant, as in the official tool.
	user, tenant := NewID(), NewID()
	out.emit(GenericResponse{Type: TypeReady, Response: map[string]any{"info": "plugin loaded"}}, "")

	lines := make(chan request)
	go func() {
		defer close(lines)
		lr := newLineReader(r, MaxRequestLine)
		for {
			line, dropped, err := lr.next()
			if dropped > 0 || len(bytes.TrimSpace(line)) > 0 {
				select {
				case lines <- request{line, dropped}:
				case <-ctx.Done():
					return
				}
			}
			if err != nil {
				return
			}
		}
	}()

	var wg sync.WaitGroup
	finish := func() error {
		done := make(chan struct{})
		go func() { wg.Wait(); close(done) }()
		select {
		case <-done:
			return nil
		case <-ctx.Done():
			return context.Cause(ctx)
		}
	}
	n := 0
	for {
		var req request
		var ok bool
		select {
		case req, ok = <-lines:
		case <-s.Plugin.Exited():
			return finish()
		case <-ctx.Done():
			return context.Cause(ctx)
		}
		if !ok {
			return finish()
		}
		n++
		if s.Format == JSON {
			out.emit(Info("received request", nil), "")
		}
		label := "#" + strconv.Itoa(n)
		if req.dropped > 0 {
			msg := fmt.Sprintf("the request line is %d bytes, more than the %d MiB dify plugin run reads (as the official tool); it was skipped", int64(len(req.line))+req.dropped, MaxRequestLine>>20)
			out.emit(GenericResponse{Type: TypeError, Response: map[string]any{"error": msg}}, label)
			continue
		}
		payload, err := ParseRequest(req.line)
		if payload.InvokeID != "" {
			label = payload.InvokeID
		}
		if err != nil {
			out.emit(GenericResponse{InvokeID: payload.InvokeID, Type: TypeError, Response: map[string]any{"error": err.Error()}}, label)
			continue
		}
		stream, err := s.Plugin.Invoke(ctx, Request{Type: payload.Type, Action: payload.Action, Body: payload.Request, UserID: user, TenantID: tenant})
		if err != nil {
			out.emit(GenericResponse{InvokeID: payload.InvokeID, Type: TypeError, Response: map[string]any{"error": err.Error()}}, label)
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			pump(ctx, stream, out, payload.InvokeID, label)
		}()
	}
}

// pump prints one request's answers: each chunk, the error if there is one,
// then the end, as the official tool does (the end follows an error too).
func pump(ctx context.Context, stream *Stream, out *output, id, label string) {
	for {
		chunk, err := stream.Next(ctx)
		if err == io.EOF {
			break
		}
		if err != nil {
			if ctx.Err() != nil {
				return
			}
			out.emit(GenericResponse{InvokeID: id, Type: TypeError, Response: map[string]any{"error": err.Error()}}, label)
			break
		}
		m, _ := decodeObject(chunk)
		out.emit(GenericResponse{InvokeID: id, Type: TypeResponse, Response: m}, label)
	}
	out.emit(GenericResponse{InvokeID: id, Type: TypeInvokeEnd, Response: map[string]any{"info": "plugin invoke end"}}, label)
}

// output writes whole lines; requests answer concurrently. The first
// failed write ends the client (fail), so that nothing queues for a client
// that is gone or stopped reading.
type output struct {
	mu     sync.Mutex
	w      io.Writer
	format Format
	fail   context.CancelCauseFunc
	failed bool
}

func (o *output) emit(r GenericResponse, label string) {
	if o.format == Text && r.Type == TypeInfo && r.Response["info"] == "received request" {
		return
	}
	b := Encode(o.format, r, label)
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.failed {
		return
	}
	if _, err := o.w.Write(b); err != nil {
		o.failed = true
		if o.fail != nil {
			o.fail(&ClientError{Err: err})
		}
	}
}

// ClientError is a client whose answers could not be written.
type ClientError struct{ Err error }

func (e *ClientError) Error() string {
	if isTimeout(e.Err) {
		return "the client stopped reading its answers"
	}
	return "the client went away: " + e.Err.Error()
}

func (e *ClientError) Unwrap() error { return e.Err }

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// deadlineWriter gives every write to a connection a deadline.
type deadlineWriter struct {
	conn    net.Conn
	timeout time.Duration
}

func (d deadlineWriter) Write(b []byte) (int, error) {
	d.conn.SetWriteDeadline(time.Now().Add(d.timeout))
	return d.conn.Write(b)
}

// ServeTCP answers every connection to ln as a client of its own until ctx
// ends or the plugin exits, then closes ln and the connections (after the
// requests in flight have ended, when the plugin exited).
func (s *Server) ServeTCP(ctx context.Context, ln net.Listener) error {
	stop := context.AfterFunc(ctx, func() { ln.Close() })
	defer stop()
	go func() {
		select {
		case <-s.Plugin.Exited():
			ln.Close()
		case <-ctx.Done():
		}
	}()
	timeout := s.WriteTimeout
	if timeout <= 0 {
		timeout = DefaultWriteTimeout
	}
	var wg sync.WaitGroup
	defer wg.Wait()
	for {
		conn, err := ln.Accept()
		if err != nil {
			if ctx.Err() != nil || errors.Is(err, net.ErrClosed) {
				return nil
			}
			return err
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			closeConn := context.AfterFunc(ctx, func() { conn.Close() })
			defer closeConn()
			defer conn.Close()
			err := s.Serve(ctx, conn, deadlineWriter{conn: conn, timeout: timeout})
			var ce *ClientError
			if errors.As(err, &ce) && s.Notify != nil {
				s.Notify(fmt.Sprintf("%s: %v; it was disconnected and its requests cancelled", conn.RemoteAddr(), ce))
			}
		}()
	}
}
