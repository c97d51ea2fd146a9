package run

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"sync"
)

// The front end of `dify plugin run`: a client writes one request per line
// and reads the answers, on stdin and stdout or over TCP. In JSON format
// every line is what the official tool prints (plugin-run.md §3), which the
// SDK's PluginRunner parses; the text format is for people.

// Format is how the front end prints.
type Format int

const (
	JSON Format = iota // one GenericResponse per line, as the official tool prints
	Text               // lines for people
)

// ParseFormat reads --response-format.
func ParseFormat(s string) (Format, error) {
	switch s {
	case "json":
		return JSON, nil
	case "text":
		return Text, nil
	}
	return 0, fmt.Errorf("invalid response format %q: use text or json", s)
}

// Response types of the front end.
const (
	TypeInfo      = "info"
	TypeReady     = "plugin_ready"
	TypeError     = "error"
	TypeResponse  = "plugin_response"
	TypeInvokeEnd = "plugin_invoke_end"
)

// GenericResponse is one line the front end prints.
type GenericResponse struct {
	InvokeID string         `json:"invoke_id"`
	Type     string         `json:"type"`
	Response map[string]any `json:"response"`
}

// InvokePluginPayload is one request line.
type InvokePluginPayload struct {
	InvokeID string         `json:"invoke_id"`
	Type     string         `json:"type"`
	Action   string         `json:"action"`
	Request  map[string]any `json:"request"`
}

// Info and Failure are the system messages: start-up, the TCP address and a
// fatal error, printed with an empty invoke_id.
func Info(text string, fields map[string]any) GenericResponse {
	r := map[string]any{"info": text}
	for k, v := range fields {
		r[k] = v
	}
	return GenericResponse{Type: TypeInfo, Response: r}
}

func Failure(err error) GenericResponse {
	return GenericResponse{Type: TypeError, Response: map[string]any{"error": err.Error()}}
}

// Encode renders one response as a line (or, in text format, a few)
// ending in a newline. label names the request in text format.
func Encode(f Format, r GenericResponse, label string) []byte {
	if f == JSON {
		b, err := json.Marshal(r)
		if err != nil {
			b, _ = json.Marshal(Failure(fmt.Errorf("cannot encode a response: %w", err)))
		}
		return append(b, '\n')
	}
	var b strings.Builder
	prefix := "[" + label + "] "
	if label == "" {
		prefix = ""
	}
	switch r.Type {
	case TypeReady:
		b.WriteString("Plugin ready. Write one JSON request per line, for example:\n" +
			`  {"invoke_id":"1","type":"tool","action":"invoke_tool","request":{"provider":"P","tool":"T","credentials":{},"tool_parameters":{}}}` +
			"\nEnd with Ctrl-D.\n")
	case TypeInfo:
		fmt.Fprintf(&b, "%s%v\n", prefix, r.Response["info"])
	case TypeResponse:
		body, _ := json.Marshal(r.Response)
		fmt.Fprintf(&b, "%s%s\n", prefix, body)
	case TypeInvokeEnd:
		fmt.Fprintf(&b, "%send\n", prefix)
	case TypeError:
		text, _ := r.Response["error"].(string)
		fmt.Fprintf(&b, "%serror: %s\n", prefix, HumanError(text))
	default:
		body, _ := json.Marshal(r.Response)
		fmt.Fprintf(&b, "%s%s %s\n", prefix, r.Type, body)
	}
	return []byte(b.String())
}

// HumanError turns the daemon's JSON rendering of a plugin error back into
// "Type: message", with the traceback under it.
func HumanError(text string) string {
	var e PluginError
	if !strings.HasPrefix(text, "{") || json.Unmarshal([]byte(text), &e) != nil || (e.Type == "" && e.Message == "") {
		return text
	}
	out := e.Message
	if e.Type != "" {
		out = e.Type + ": " + e.Message
	}
	if tb := strings.TrimRight(e.Traceback(), "\n"); tb != "" {
		out += "\n  " + strings.ReplaceAll(tb, "\n", "\n  ")
	}
	return out
}

// Server answers front-end clients with one running plugin.
type Server struct {
	Plugin *Plugin
	Format Format
}

// Serve answers one client: it announces the plugin, then reads requests
// from r until EOF and runs them concurrently, writing to w. At EOF it
// waits for the requests in flight and returns nil; when ctx ends it
// returns at once.
func (s *Server) Serve(ctx context.Context, r io.Reader, w io.Writer) error {
	out := &output{w: w, format: s.Format}
	// Each client is its own user and tenant, as in the official tool.
	user, tenant := NewID(), NewID()
	out.emit(GenericResponse{Type: TypeReady, Response: map[string]any{"info": "plugin loaded"}}, "")

	lines := make(chan []byte)
	go func() {
		defer close(lines)
		br := bufio.NewReaderSize(r, 64<<10)
		for {
			line, err := readLine(br)
			if len(bytes.TrimSpace(line)) > 0 {
				select {
				case lines <- line:
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
	n := 0
	for {
		var line []byte
		var ok bool
		select {
		case line, ok = <-lines:
		case <-ctx.Done():
			return ctx.Err()
		}
		if !ok {
			done := make(chan struct{})
			go func() { wg.Wait(); close(done) }()
			select {
			case <-done:
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		}
		n++
		if s.Format == JSON {
			out.emit(Info("received request", nil), "")
		}
		var req InvokePluginPayload
		dec := json.NewDecoder(bytes.NewReader(line))
		dec.UseNumber()
		err := dec.Decode(&req)
		label := req.InvokeID
		if label == "" {
			label = "#" + strconv.Itoa(n)
		}
		if err != nil {
			out.emit(GenericResponse{InvokeID: req.InvokeID, Type: TypeError, Response: map[string]any{"error": err.Error()}}, label)
			continue
		}
		if req.Type == "" || req.Action == "" {
			out.emit(GenericResponse{InvokeID: req.InvokeID, Type: TypeError, Response: map[string]any{"error": "action and type are required"}}, label)
			continue
		}
		stream, err := s.Plugin.Invoke(ctx, Request{Type: req.Type, Action: req.Action, Body: req.Request, UserID: user, TenantID: tenant})
		if err != nil {
			out.emit(GenericResponse{InvokeID: req.InvokeID, Type: TypeError, Response: map[string]any{"error": err.Error()}}, label)
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			pump(ctx, stream, out, req.InvokeID, label)
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

// output writes whole lines; requests answer concurrently.
type output struct {
	mu     sync.Mutex
	w      io.Writer
	format Format
}

func (o *output) emit(r GenericResponse, label string) {
	if o.format == Text && r.Type == TypeInfo && r.Response["info"] == "received request" {
		return
	}
	b := Encode(o.format, r, label)
	o.mu.Lock()
	defer o.mu.Unlock()
	o.w.Write(b)
}

// ServeTCP answers every connection to ln as a client of its own until ctx
// ends, then closes ln and the connections.
func (s *Server) ServeTCP(ctx context.Context, ln net.Listener) error {
	stop := context.AfterFunc(ctx, func() { ln.Close() })
	defer stop()
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
			s.Serve(ctx, conn, conn)
		}()
	}
}
