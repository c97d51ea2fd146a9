// Package playground serves a page on which a developer tries a plugin as
// Dify would show it: a form for each tool, built from its declarations
// (every parameter type, labels and help in the page's language, required
// marks, defaults), the provider's credentials, and the answer streamed
// back as Dify shows it. The page and its API are served on a loopback
// address and answer only requests that carry the server's random token
// and name that address as their host.
package playground

import (
	"context"
	"crypto/rand"
	"embed"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io"
	"net"
	"net/http"
	"slices"
	"strings"

	"github.com/dify-cli/dify/invoke"
	"github.com/dify-cli/dify/manifest"
)

// Chunks is the streamed answer of one call; Next returns io.EOF at its
// end.
type Chunks interface {
	Next(ctx context.Context) (json.RawMessage, error)
}

// Invoker sends a call to the running plugin.
type Invoker func(ctx context.Context, call invoke.Call) (Chunks, error)

// Options are what a playground serves.
type Options struct {
	Plugin *manifest.Plugin
	Invoke Invoker
	Lang   string // en_US (default), zh_Hans, ja_JP, pt_BR
	Token  string // "" makes a random one
}

// Server is the playground's HTTP handler.
type Server struct {
	o         Options
	page      *template.Template
	tools     []toolForm
	endpoints []endpointForm
	host      string // the address requests must name, once listening
}

//go:embed page.html
var files embed.FS

// New makes a server for the plugin.
func New(o Options) (*Server, error) {
	if o.Lang == "" {
		o.Lang = "en_US"
	}
	if o.Token == "" {
		b := make([]byte, 16)
		if _, err := rand.Read(b); err != nil {
			return nil, err
		}
		o.Token = hex.EncodeToString(b)
	}
	page, err := template.ParseFS(files, "page.html")
	if err != nil {
		return nil, err
	}
	return &Server{o: o, page: page, tools: toolForms(o.Plugin, o.Lang), endpoints: endpointForms(o.Plugin)}, nil
}

// Token is the secret every request carries.
func (s *Server) Token() string { return s.o.Token }

// Listen opens a loopback port (0 picks a free one) and returns the page's
// address, token included.
func (s *Server) Listen(port int) (net.Listener, string, error) {
	ln, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", port))
	if err != nil {
		return nil, "", err
	}
	s.host = ln.Addr().String()
	return ln, fmt.Sprintf("http://%s/?token=%s", s.host, s.o.Token), nil
}

// ServeHTTP answers the page (GET /) and the API (POST /api/tool).
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Referrer-Policy", "no-referrer")
	// DNS rebinding: a page of another site that resolves its name to
	// 127.0.0.1 names itself as the host, not this address.
	if s.host != "" && r.Host != s.host && r.Host != strings.Replace(s.host, "127.0.0.1", "localhost", 1) {
		apiError(w, http.StatusForbidden, "requests must be addressed to "+s.host)
		return
	}
	token := r.URL.Query().Get("token")
	if h := r.Header.Get("X-Playground-Token"); h != "" {
		token = h
	}
	if token != s.o.Token {
		apiError(w, http.StatusUnauthorized, "the playground's token is missing or wrong: open the address dify printed, token included")
		return
	}
	switch {
	case r.Method == http.MethodGet && r.URL.Path == "/":
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Content-Security-Policy", "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src * data:; connect-src 'self'; frame-src 'self' data: about:")
		s.page.Execute(w, pageData{Plugin: s.o.Plugin.Manifest.Name, Lang: s.o.Lang, Tools: s.tools, Endpoints: s.endpoints, Token: s.o.Token})
	case r.Method == http.MethodPost && r.URL.Path == "/api/tool":
		s.call(w, r, s.toolCall)
	case r.Method == http.MethodPost && r.URL.Path == "/api/endpoint":
		s.call(w, r, s.endpointCall)
	default:
		apiError(w, http.StatusNotFound, "no such page: "+r.Method+" "+r.URL.Path)
	}
}

type pageData struct {
	Plugin, Lang, Token string
	Tools               []toolForm
	Endpoints           []endpointForm
}

// ToolRequest is what the page sends to call a tool: the values as the
// form holds them, strings or JSON.
type ToolRequest struct {
	Provider    string         `json:"provider"`
	Tool        string         `json:"tool"`
	Params      map[string]any `json:"params"`
	Credentials map[string]any `json:"credentials"`
}

// maxRequest bounds a request body: files travel as JSON objects, not bytes.
const maxRequest = 16 << 20

// EndpointRequest is what the page sends to call an endpoint.
type EndpointRequest struct {
	Method   string         `json:"method"`
	Path     string         `json:"path"`
	Headers  []string       `json:"headers"` // "Name: value"
	Body     string         `json:"body"`
	Settings map[string]any `json:"settings"`
}

func (s *Server) toolCall(dec *json.Decoder) (invoke.Call, error) {
	var req ToolRequest
	if err := dec.Decode(&req); err != nil {
		return invoke.Call{}, fmt.Errorf("the request is not the JSON of a tool call: %w", err)
	}
	return invoke.Tool(s.o.Plugin, invoke.ToolRequest{Provider: req.Provider, Tool: req.Tool, Params: args(req.Params), Credentials: args(req.Credentials)})
}

func (s *Server) endpointCall(dec *json.Decoder) (invoke.Call, error) {
	var req EndpointRequest
	if err := dec.Decode(&req); err != nil {
		return invoke.Call{}, fmt.Errorf("the request is not the JSON of an endpoint call: %w", err)
	}
	return invoke.Endpoint(s.o.Plugin, invoke.EndpointRequest{Method: req.Method, Path: req.Path, Headers: req.Headers, Body: []byte(req.Body), Settings: args(req.Settings)})
}

// call makes the call a request describes and streams its answer as lines
// of JSON: {"chunk": …} for each chunk, then {"end": true}, or
// {"error": "…"}. A request that does not fit the declarations is a 400
// that says why.
func (s *Server) call(w http.ResponseWriter, r *http.Request, build func(*json.Decoder) (invoke.Call, error)) {
	dec := json.NewDecoder(io.LimitReader(r.Body, maxRequest))
	dec.UseNumber()
	call, err := build(dec)
	if err != nil {
		apiError(w, http.StatusBadRequest, err.Error())
		return
	}
	chunks, err := s.o.Invoke(r.Context(), call)
	if err != nil {
		apiError(w, http.StatusBadGateway, err.Error())
		return
	}
	w.Header().Set("Content-Type", "application/x-ndjson")
	flush := func() {
		if f, ok := w.(http.Flusher); ok {
			f.Flush()
		}
	}
	enc := json.NewEncoder(w)
	for {
		c, err := chunks.Next(r.Context())
		if errors.Is(err, io.EOF) {
			enc.Encode(map[string]any{"end": true})
			flush()
			return
		}
		if err != nil {
			enc.Encode(map[string]any{"error": err.Error()})
			flush()
			return
		}
		enc.Encode(map[string]json.RawMessage{"chunk": c})
		flush()
	}
}

// args turns form values into invoke's arguments: strings as typed, the
// rest as JSON, each checked against the declaration by invoke.
func args(values map[string]any) []invoke.Arg {
	var out []invoke.Arg
	names := make([]string, 0, len(values))
	for n := range values {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		switch v := values[n].(type) {
		case nil:
		case string:
			out = append(out, invoke.Arg{Name: n, Value: v})
		default:
			b, _ := json.Marshal(v)
			out = append(out, invoke.Arg{Name: n, Value: string(b), JSON: true})
		}
	}
	return out
}

func apiError(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]string{"error": msg})
}
