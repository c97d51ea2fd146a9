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
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/dify-cli/dify/internal/atomicfile"
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
	// Dir is the plugin's folder, where runs are saved as tests; "" for a
	// package, which has none.
	Dir string
	// Credentials is the file credentials are remembered in when the
	// developer asks (mode 0600, outside the plugin's folder); "" keeps
	// them in the page only.
	Credentials string
	// Dify is the stand-in that answers the plugin's calls into Dify, when
	// the page is to show them and take written replies; nil for none.
	Dify *Dify
	// MaxExecution bounds one call, as Dify's daemon does with
	// PLUGIN_MAX_EXECUTION_TIMEOUT; DefaultMaxExecution when zero.
	MaxExecution time.Duration
}

// DefaultMaxExecution is PLUGIN_MAX_EXECUTION_TIMEOUT in Dify's docker
// setup: the daemon ends a request that takes longer ("killed by timeout").
const DefaultMaxExecution = 10 * time.Minute

// Server is the playground's HTTP handler.
type Server struct {
	o    Options
	page *template.Template
	host string // the address requests must name, once listening

	mu        sync.Mutex
	tools     []toolForm
	endpoints []endpointForm
	models    []modelForm
	uploads   uploads       // files chosen on the page
	version   int           // counts the plugin's restarts
	changed   chan struct{} // closed at the next restart
	down      error         // why the plugin is not running, after a failed restart
}

//go:embed page.html
var files embed.FS

// New makes a server for the plugin.
func New(o Options) (*Server, error) {
	if o.Lang == "" {
		o.Lang = "en_US"
	}
	if o.MaxExecution <= 0 {
		o.MaxExecution = DefaultMaxExecution
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
	return &Server{o: o, page: page, tools: toolForms(o.Plugin, o.Lang), endpoints: endpointForms(o.Plugin), models: modelForms(o.Plugin, o.Lang), changed: make(chan struct{})}, nil
}

// Swap puts a restarted plugin in place: its declarations make the forms,
// calls go to inv, and the pages open reload (keeping what their forms
// hold). A restart that failed gives down instead: calls answer it until
// the next Swap.
func (s *Server) Swap(p *manifest.Plugin, inv Invoker, down error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if down == nil {
		s.o.Plugin, s.o.Invoke = p, inv
		s.tools, s.endpoints, s.models = toolForms(p, s.o.Lang), endpointForms(p), modelForms(p, s.o.Lang)
	}
	s.down = down
	s.version++
	close(s.changed)
	s.changed = make(chan struct{})
}

// current is what requests use: the plugin, its invoker, the restart
// count and whether the plugin is down.
func (s *Server) current() (Options, int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.o, s.version, s.down
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
	// A chosen file is fetched by the plugin, which has no token: its
	// random name is the key.
	if strings.HasPrefix(r.URL.Path, "/files/") {
		s.serveFile(w, r)
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
	case r.Method == http.MethodGet && r.URL.Path == "/api/changes":
		s.changes(w, r)
	case r.Method == http.MethodGet && r.URL.Path == "/":
		lang := r.URL.Query().Get("lang")
		if lang == "" {
			lang = s.o.Lang
		}
		if !slices.Contains(Languages, lang) {
			apiError(w, http.StatusBadRequest, fmt.Sprintf("the page's language is one of %s, not %q", strings.Join(Languages, ", "), lang))
			return
		}
		s.mu.Lock()
		o, version, down := s.o, s.version, s.down
		data := pageData{Plugin: o.Plugin.Manifest.Name, Lang: lang, Languages: Languages, Tools: s.tools, Endpoints: s.endpoints, Models: s.models,
			Token: o.Token, Version: version, Remember: o.Credentials != ""}
		if lang != o.Lang {
			data.Tools, data.Models = toolForms(o.Plugin, lang), modelForms(o.Plugin, lang)
		}
		if o.Dify != nil {
			data.WrittenTypes = WrittenTypes
		}
		s.mu.Unlock()
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Content-Security-Policy", "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src * data:; connect-src 'self'; frame-src 'self' data: about:")
		if down != nil {
			data.Down = down.Error()
		}
		s.page.Execute(w, data)
	case r.Method == http.MethodPost && r.URL.Path == "/api/tool":
		s.call(w, r, toolCall)
	case r.Method == http.MethodPost && r.URL.Path == "/api/endpoint":
		s.call(w, r, endpointCall)
	case r.Method == http.MethodPost && r.URL.Path == "/api/agent-strategy":
		s.call(w, r, moduleCall("agent-strategy"))
	case r.Method == http.MethodPost && r.URL.Path == "/api/datasource":
		s.call(w, r, moduleCall("datasource"))
	case r.Method == http.MethodPost && r.URL.Path == "/api/trigger":
		s.call(w, r, moduleCall("trigger"))
	case r.Method == http.MethodPost && r.URL.Path == "/api/llm":
		s.call(w, r, llmCall)
	case r.Method == http.MethodPost && r.URL.Path == "/api/model":
		s.call(w, r, modelCall)
	case r.Method == http.MethodPost && r.URL.Path == "/api/credentials":
		s.call(w, r, credentialsCall)
	case r.URL.Path == "/api/remembered":
		s.remembered(w, r)
	case r.URL.Path == "/api/replies" && s.o.Dify != nil:
		s.o.Dify.replies(w, r)
	case r.Method == http.MethodPost && r.URL.Path == "/api/options":
		s.options(w, r)
	case r.Method == http.MethodPost && r.URL.Path == "/api/files":
		s.receive(w, r)
	case r.Method == http.MethodPost && r.URL.Path == "/api/save-test":
		s.saveTest(w, r)
	default:
		apiError(w, http.StatusNotFound, "no such page: "+r.Method+" "+r.URL.Path)
	}
}

// Languages are those Dify's declarations are written in, the page's
// choice of the plugin's labels.
var Languages = []string{"en_US", "zh_Hans", "ja_JP", "pt_BR"}

type pageData struct {
	Plugin, Lang, Token string
	Languages           []string
	Tools               []toolForm
	Endpoints           []endpointForm
	Models              []modelForm
	Version             int
	Down                string
	Remember            bool     // credentials may be remembered
	WrittenTypes        []string // calls into Dify a reply can be written for; none without a stand-in
}

// changes answers, once the plugin restarts after the version the page
// has (?since=N), the new version; or the same one after a while, so that
// the page asks again (a long poll that no proxy holds open forever).
func (s *Server) changes(w http.ResponseWriter, r *http.Request) {
	since, _ := strconv.Atoi(r.URL.Query().Get("since"))
	s.mu.Lock()
	version, changed := s.version, s.changed
	s.mu.Unlock()
	if version == since {
		t := time.NewTimer(25 * time.Second)
		defer t.Stop()
		select {
		case <-changed:
		case <-t.C:
		case <-r.Context().Done():
			return
		}
		s.mu.Lock()
		version = s.version
		s.mu.Unlock()
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(map[string]int{"version": version})
}

// ToolRequest is what the page sends to call a tool, an agent strategy, a
// datasource or a trigger event: the values as the form holds them,
// strings or JSON. Credentials are a datasource's credentials and a
// trigger's subscription properties; a trigger's event comes of the
// webhook request Method, Path, Headers and Body describe.
type ToolRequest struct {
	Provider    string         `json:"provider"`
	Tool        string         `json:"tool"`
	Params      map[string]any `json:"params"`
	Credentials map[string]any `json:"credentials"`
	Method      string         `json:"method,omitempty"`
	Path        string         `json:"path,omitempty"`
	Headers     []string       `json:"headers,omitempty"`
	Body        string         `json:"body,omitempty"`
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

func toolCall(p *manifest.Plugin, dec *json.Decoder) (invoke.Call, error) {
	var req ToolRequest
	if err := dec.Decode(&req); err != nil {
		return invoke.Call{}, fmt.Errorf("the request is not the JSON of a tool call: %w", err)
	}
	return invoke.Tool(p, invoke.ToolRequest{Provider: req.Provider, Tool: req.Tool, Params: args(req.Params), Credentials: args(req.Credentials)})
}

// moduleCall builds the call of an agent strategy, a datasource or a
// trigger event.
func moduleCall(kind string) func(*manifest.Plugin, *json.Decoder) (invoke.Call, error) {
	return func(p *manifest.Plugin, dec *json.Decoder) (invoke.Call, error) {
		var req ToolRequest
		if err := dec.Decode(&req); err != nil {
			return invoke.Call{}, fmt.Errorf("the request is not the JSON of a %s call: %w", kind, err)
		}
		switch kind {
		case "agent-strategy":
			return invoke.Agent(p, invoke.AgentRequest{Provider: req.Provider, Strategy: req.Tool, Params: args(req.Params)})
		case "datasource":
			return invoke.Datasource(p, invoke.DatasourceRequest{Provider: req.Provider, Datasource: req.Tool, Params: args(req.Params), Credentials: args(req.Credentials)})
		}
		body := []byte(req.Body)
		if req.Body == "" {
			body = []byte("{}")
		}
		return invoke.Trigger(p, invoke.TriggerRequest{Provider: req.Provider, Event: req.Tool, Params: args(req.Params), Properties: args(req.Credentials),
			Method: req.Method, Path: req.Path, Headers: req.Headers, Body: body})
	}
}

// OptionsRequest is what the page sends to fill a dynamic-select
// parameter's list: the tool's options call, as Dify makes it.
type OptionsRequest struct {
	Provider    string         `json:"provider"`
	Tool        string         `json:"tool"`
	Parameter   string         `json:"parameter"`
	Credentials map[string]any `json:"credentials"`
	Lang        string         `json:"lang"`
}

// Option is one choice the plugin offered, labelled in the page's language.
type Option struct {
	Value string `json:"value"`
	Label string `json:"label"`
}

// options asks the plugin for a dynamic-select parameter's options and
// answers {"options": [...]}, or the plugin's error.
func (s *Server) options(w http.ResponseWriter, r *http.Request) {
	o, _, down := s.current()
	if down != nil {
		apiError(w, http.StatusServiceUnavailable, "the plugin is not running: "+down.Error())
		return
	}
	var req OptionsRequest
	if !decodeRequest(w, r, &req, "an options call (provider, tool, parameter, credentials)") {
		return
	}
	call, err := invoke.Options(o.Plugin, invoke.OptionsRequest{Provider: req.Provider, Tool: req.Tool, Parameter: req.Parameter, Credentials: args(req.Credentials)})
	if err != nil {
		apiError(w, http.StatusBadRequest, err.Error())
		return
	}
	ctx, cancel := callContext(r, o)
	defer cancel()
	chunks, err := o.Invoke(ctx, call)
	if err != nil {
		apiError(w, http.StatusBadGateway, callError(ctx, o, err))
		return
	}
	var answer struct {
		Options []struct {
			Value any           `json:"value"`
			Label manifest.I18n `json:"label"`
		} `json:"options"`
	}
	got := false
	for {
		c, err := chunks.Next(ctx)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			apiError(w, http.StatusBadGateway, callError(ctx, o, err))
			return
		}
		if err := json.Unmarshal(c, &answer); err != nil {
			apiError(w, http.StatusBadGateway, "the plugin's options are not what Dify reads ({\"options\": [{\"value\", \"label\"}]}): "+err.Error())
			return
		}
		got = true
	}
	if !got {
		apiError(w, http.StatusBadGateway, "the plugin answered the options call with nothing")
		return
	}
	lang := req.Lang
	if !slices.Contains(Languages, lang) {
		lang = o.Lang
	}
	out := []Option{}
	for _, opt := range answer.Options {
		v := fmt.Sprint(opt.Value)
		l := pick(opt.Label, lang)
		if l == "" {
			l = v
		}
		out = append(out, Option{Value: v, Label: l})
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(map[string]any{"options": out})
}

// CredentialsRequest is what the page sends to check a provider's
// credentials, as Dify does before it saves them.
type CredentialsRequest struct {
	Kind        string         `json:"kind"` // tool (the default) or model
	Provider    string         `json:"provider"`
	Credentials map[string]any `json:"credentials"`
}

// LLMRequest is what the page sends to ask an LLM.
type LLMRequest struct {
	Provider    string         `json:"provider"`
	Model       string         `json:"model"`
	System      string         `json:"system"`
	Prompt      string         `json:"prompt"`
	Params      map[string]any `json:"params"`
	Credentials map[string]any `json:"credentials"`
}

func llmCall(p *manifest.Plugin, dec *json.Decoder) (invoke.Call, error) {
	var req LLMRequest
	if err := dec.Decode(&req); err != nil {
		return invoke.Call{}, fmt.Errorf("the request is not the JSON of an LLM call: %w", err)
	}
	if strings.TrimSpace(req.Prompt) == "" {
		return invoke.Call{}, errors.New("the prompt is empty: write a message")
	}
	return invoke.Model(p, invoke.ModelRequest{ModelType: "llm", Provider: req.Provider, Model: req.Model, Prompt: req.Prompt, System: req.System,
		Params: args(req.Params), Credentials: args(req.Credentials)})
}

// ModelRequest is what the page sends to use a model other than an LLM:
// texts to embed or moderate, a query and documents to rerank, text to
// speak, audio to transcribe.
type ModelRequest struct {
	Provider    string         `json:"provider"`
	Model       string         `json:"model"`
	ModelType   string         `json:"model_type"`
	Texts       []string       `json:"texts"`
	InputType   string         `json:"input_type"`
	Query       string         `json:"query"`
	Docs        []string       `json:"docs"`
	TopN        int            `json:"top_n"`
	Voice       string         `json:"voice"`
	Audio       []byte         `json:"audio"` // base64 in JSON
	Credentials map[string]any `json:"credentials"`
}

func modelCall(p *manifest.Plugin, dec *json.Decoder) (invoke.Call, error) {
	var req ModelRequest
	if err := dec.Decode(&req); err != nil {
		return invoke.Call{}, fmt.Errorf("the request is not the JSON of a model call: %w", err)
	}
	nonEmpty := func(list []string) []string {
		var out []string
		for _, s := range list {
			if strings.TrimSpace(s) != "" {
				out = append(out, s)
			}
		}
		return out
	}
	texts, docs := nonEmpty(req.Texts), nonEmpty(req.Docs)
	switch req.ModelType {
	case "text-embedding", "moderation", "tts":
		if len(texts) == 0 {
			return invoke.Call{}, errors.New("there is no text: write some")
		}
	case "rerank":
		if strings.TrimSpace(req.Query) == "" || len(docs) == 0 {
			return invoke.Call{}, errors.New("a rerank needs a query and at least one document")
		}
	case "speech2text":
		if len(req.Audio) == 0 {
			return invoke.Call{}, errors.New("there is no audio: choose a file")
		}
	default:
		return invoke.Call{}, fmt.Errorf("the playground uses text-embedding, rerank, tts, speech2text and moderation models here (an LLM through its chat), not %q", req.ModelType)
	}
	return invoke.Model(p, invoke.ModelRequest{ModelType: req.ModelType, Provider: req.Provider, Model: req.Model, Credentials: args(req.Credentials),
		Texts: texts, InputType: req.InputType, Query: req.Query, Docs: docs, TopN: req.TopN, Voice: req.Voice, Audio: req.Audio})
}

func credentialsCall(p *manifest.Plugin, dec *json.Decoder) (invoke.Call, error) {
	var req CredentialsRequest
	if err := dec.Decode(&req); err != nil {
		return invoke.Call{}, fmt.Errorf("the request is not the JSON of a credentials check: %w", err)
	}
	kind := req.Kind
	if kind != "model" {
		kind = "tool"
	}
	return invoke.Credentials(p, invoke.CredentialsRequest{Kind: kind, Provider: req.Provider, Credentials: args(req.Credentials)})
}

// remembered reads (GET) or adds to (POST {"provider", "credentials"}) the
// credentials the developer asked to keep, by provider.
func (s *Server) remembered(w http.ResponseWriter, r *http.Request) {
	o, _, _ := s.current()
	if o.Credentials == "" {
		apiError(w, http.StatusBadRequest, "this playground keeps credentials in the page only")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	kept := map[string]map[string]any{}
	if data, err := os.ReadFile(o.Credentials); err == nil {
		if err := json.Unmarshal(data, &kept); err != nil {
			apiError(w, http.StatusInternalServerError, fmt.Sprintf("%s is not what the playground wrote: %v; remove it", o.Credentials, err))
			return
		}
	}
	if r.Method == http.MethodPost {
		var req CredentialsRequest
		if err := json.NewDecoder(io.LimitReader(r.Body, maxRequest)).Decode(&req); err != nil || req.Provider == "" {
			apiError(w, http.StatusBadRequest, "the request is not the JSON of credentials to remember (provider, credentials)")
			return
		}
		kept[req.Provider] = req.Credentials
		data, _ := json.MarshalIndent(kept, "", "  ")
		if err := os.MkdirAll(filepath.Dir(o.Credentials), 0o700); err != nil {
			apiError(w, http.StatusInternalServerError, err.Error())
			return
		}
		if err := atomicfile.Write(o.Credentials, 0o600, func(w io.Writer) error { _, err := w.Write(data); return err }); err != nil {
			apiError(w, http.StatusInternalServerError, err.Error())
			return
		}
	} else if r.Method != http.MethodGet {
		apiError(w, http.StatusMethodNotAllowed, "GET or POST")
		return
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(kept)
}

// saveTest keeps a run as a test in the plugin's tests/ folder.
func (s *Server) saveTest(w http.ResponseWriter, r *http.Request) {
	o, _, _ := s.current()
	if o.Dir == "" {
		apiError(w, http.StatusBadRequest, "a package has no tests/ folder to save into: run the playground on the plugin's folder")
		return
	}
	var c TestCase
	if !decodeRequest(w, r, &c, "a run to keep") {
		return
	}
	if c.Provider == "" || c.Tool == "" {
		apiError(w, http.StatusBadRequest, "a run to keep names its provider and tool")
		return
	}
	path, err := c.Save(o.Dir)
	if err != nil {
		apiError(w, http.StatusInternalServerError, err.Error())
		return
	}
	rel, _ := filepath.Rel(o.Dir, path)
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(map[string]string{"path": filepath.ToSlash(rel)})
}

func endpointCall(p *manifest.Plugin, dec *json.Decoder) (invoke.Call, error) {
	var req EndpointRequest
	if err := dec.Decode(&req); err != nil {
		return invoke.Call{}, fmt.Errorf("the request is not the JSON of an endpoint call: %w", err)
	}
	return invoke.Endpoint(p, invoke.EndpointRequest{Method: req.Method, Path: req.Path, Headers: req.Headers, Body: []byte(req.Body), Settings: args(req.Settings)})
}

// call makes the call a request describes and streams its answer as lines
// of JSON: {"chunk": …} for each chunk, then {"end": true}, or
// {"error": "…"}. A request that does not fit the declarations is a 400
// that says why.
func (s *Server) call(w http.ResponseWriter, r *http.Request, build func(*manifest.Plugin, *json.Decoder) (invoke.Call, error)) {
	o, _, down := s.current()
	if down != nil {
		apiError(w, http.StatusServiceUnavailable, "the plugin is not running: "+down.Error())
		return
	}
	dec := json.NewDecoder(io.LimitReader(r.Body, maxRequest))
	dec.UseNumber()
	call, err := build(o.Plugin, dec)
	if err != nil {
		apiError(w, http.StatusBadRequest, err.Error())
		return
	}
	// Lines come from this handler and, for the plugin's calls into Dify,
	// from the stand-in's goroutine: one at a time, those of the stand-in
	// kept until the answer starts, and none once it has ended.
	var mu sync.Mutex
	started, ended := false, false
	var early []any
	out := json.NewEncoder(w)
	write := func(v any) {
		mu.Lock()
		defer mu.Unlock()
		switch {
		case ended:
		case !started:
			early = append(early, v)
		default:
			out.Encode(v)
			if f, ok := w.(http.Flusher); ok {
				f.Flush()
			}
		}
	}
	defer func() {
		mu.Lock()
		ended = true
		mu.Unlock()
	}()
	if o.Dify != nil {
		defer o.Dify.watch(func(b Backwards) { write(map[string]any{"backwards": b}) })()
	}
	ctx, cancel := callContext(r, o)
	defer cancel()
	chunks, err := o.Invoke(ctx, call)
	if err != nil {
		apiError(w, http.StatusBadGateway, callError(ctx, o, err))
		return
	}
	w.Header().Set("Content-Type", "application/x-ndjson")
	mu.Lock()
	started = true
	for _, v := range early {
		out.Encode(v)
	}
	early = nil
	mu.Unlock()
	// A call may be followed by others (a trigger's dispatch by its event):
	// each chunk says the kind of answer it belongs to.
	for {
		var answer []json.RawMessage
		for {
			c, err := chunks.Next(ctx)
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				write(map[string]any{"error": callError(ctx, o, err)})
				return
			}
			if call.Then != nil {
				answer = append(answer, c)
			}
			write(map[string]any{"chunk": c, "kind": call.Kind})
		}
		if call.Then == nil {
			break
		}
		next, err := call.Then(answer)
		if err != nil {
			write(map[string]any{"error": err.Error()})
			return
		}
		if len(next) == 0 {
			break
		}
		call = next[0] // Then makes one call at a time
		if chunks, err = o.Invoke(ctx, call); err != nil {
			write(map[string]any{"error": callError(ctx, o, err)})
			return
		}
	}
	write(map[string]any{"end": true})
}

// callContext is a call's context: it ends with the page's request, or
// when the call has taken o.MaxExecution.
func callContext(r *http.Request, o Options) (context.Context, context.CancelFunc) {
	return context.WithTimeout(r.Context(), o.MaxExecution)
}

// callError says why a call ended, as Dify would when it took too long.
func callError(ctx context.Context, o Options, err error) string {
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return fmt.Sprintf("killed by timeout: the plugin took longer than %s; Dify's daemon ends a request after PLUGIN_MAX_EXECUTION_TIMEOUT seconds (600 in its docker setup)", o.MaxExecution)
	}
	return err.Error()
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

// decodeRequest reads a request's JSON body (numbers kept as written, at
// most maxRequest bytes) into v; when it cannot, it answers 400 saying
// what the body should have been, and returns false.
func decodeRequest(w http.ResponseWriter, r *http.Request, v any, what string) bool {
	dec := json.NewDecoder(io.LimitReader(r.Body, maxRequest))
	dec.UseNumber()
	if err := dec.Decode(v); err != nil {
		apiError(w, http.StatusBadRequest, "the request is not the JSON of "+what+": "+err.Error())
		return false
	}
	return true
}

func apiError(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]string{"error": msg})
}
