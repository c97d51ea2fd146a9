package playground

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"

	"github.com/dify-cli/dify/runner"
)

// Dify stands in for Dify when the plugin calls into it (a backwards
// invocation: a model, a tool, an app, storage): the stand-in of dify
// plugin run answers, unless the developer wrote a reply for that kind of
// call on the page. Every call, with what was answered, is shown on the
// page under the run that made it. It outlives the plugin's restarts, so
// that written replies and storage stay.
type Dify struct {
	mu       sync.Mutex
	fallback runner.Dify
	written  map[string]string // by call type: what the developer wrote
	sinks    map[int]func(Backwards)
	nextSink int
}

// Backwards is one call of the plugin into Dify as the page shows it.
type Backwards struct {
	Type    string         `json:"type"`
	Request map[string]any `json:"request"`
	Replies []any          `json:"replies"`           // what was answered, in order
	Written bool           `json:"written,omitempty"` // with the developer's reply
	Error   string         `json:"error,omitempty"`
}

// NewDify answers with fallback where no reply is written; a nil fallback
// is set later, with SetFallback, before the plugin's first call.
func NewDify(fallback runner.Dify) *Dify {
	return &Dify{fallback: fallback, written: map[string]string{}, sinks: map[int]func(Backwards){}}
}

// SetFallback sets the stand-in once: the first plugin started says what
// its storage may hold, and what it stores lasts as long as the playground.
func (d *Dify) SetFallback(f runner.Dify) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.fallback == nil {
		d.fallback = f
	}
}

// Call answers one call and shows it to the runs in progress.
func (d *Dify) Call(ctx context.Context, c runner.Call, reply func(string, any)) error {
	b := Backwards{Type: c.Type, Request: c.Request, Replies: []any{}}
	kept := func(message string, data any) {
		b.Replies = append(b.Replies, data)
		reply(message, data)
	}
	d.mu.Lock()
	text, written := d.written[c.Type]
	fallback := d.fallback
	d.mu.Unlock()
	var err error
	switch {
	case written:
		b.Written = true
		err = runner.Written(c, text, kept)
	case fallback == nil:
		err = errors.New("the playground's stand-in for Dify is not ready")
	default:
		err = fallback.Call(ctx, c, kept)
	}
	if err != nil {
		b.Error = err.Error()
	}
	d.mu.Lock()
	sinks := make([]func(Backwards), 0, len(d.sinks))
	for _, sink := range d.sinks {
		sinks = append(sinks, sink)
	}
	d.mu.Unlock()
	for _, sink := range sinks {
		sink(b)
	}
	return err
}

// watch sends the calls into Dify made from now on to sink, until the
// returned function is called (a call already under way may still reach
// it).
func (d *Dify) watch(sink func(Backwards)) (stop func()) {
	d.mu.Lock()
	defer d.mu.Unlock()
	id := d.nextSink
	d.nextSink++
	d.sinks[id] = sink
	return func() {
		d.mu.Lock()
		defer d.mu.Unlock()
		delete(d.sinks, id)
	}
}

// WrittenTypes are the kinds of call a reply can be written for: those the
// stand-in answers. llm, tool and app replies are text; the others JSON.
var WrittenTypes = []string{"llm", "tool", "app", "llm_structured_output", "text_embedding", "rerank", "tts", "speech2text",
	"moderation", "node_parameter_extractor", "node_question_classifier", "system_summary", "upload_file", "fetch_app"}

// ReplyRequest writes (or, empty, removes) the reply to calls of a type.
type ReplyRequest struct {
	Type  string `json:"type"`
	Reply string `json:"reply"`
}

// replies answers GET with the written replies and POST with them after
// one is written or removed.
func (d *Dify) replies(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodPost {
		var req ReplyRequest
		if !decodeRequest(w, r, &req, "a written reply (type, reply)") {
			return
		}
		if !slices.Contains(WrittenTypes, req.Type) {
			apiError(w, http.StatusBadRequest, fmt.Sprintf("a reply can be written for %s calls, not %q", strings.Join(WrittenTypes, ", "), req.Type))
			return
		}
		if err := checkReply(req); err != nil {
			apiError(w, http.StatusBadRequest, err.Error())
			return
		}
		d.mu.Lock()
		if req.Reply == "" {
			delete(d.written, req.Type)
		} else {
			d.written[req.Type] = req.Reply
		}
		d.mu.Unlock()
	} else if r.Method != http.MethodGet {
		apiError(w, http.StatusMethodNotAllowed, "GET or POST")
		return
	}
	d.mu.Lock()
	out := map[string]string{}
	for k, v := range d.written {
		out[k] = v
	}
	d.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(out)
}

// checkReply refuses a reply the plugin could not be given: JSON replies
// must be objects.
func checkReply(req ReplyRequest) error {
	switch req.Type {
	case "llm", "tool", "app":
		return nil
	}
	if req.Reply == "" {
		return nil
	}
	var v map[string]any
	if err := json.Unmarshal([]byte(req.Reply), &v); err != nil {
		return errors.New("the reply to " + req.Type + " calls is the JSON object Dify answers with: " + err.Error())
	}
	return nil
}
