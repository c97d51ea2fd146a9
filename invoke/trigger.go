package invoke

import (
	"bufio"
	"bytes"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/dify-cli/dify/manifest"
)

// TriggerRequest is a webhook call to a trigger plugin, handled as Dify
// handles it: the provider's dispatch reads the HTTP request and names the
// events it fires, then each fired event turns it into variables.
type TriggerRequest struct {
	Provider    string // needed when several providers have the event
	Event       string // the event to run when the dispatch fires it
	Params      []Arg  // the event's parameters
	Properties  []Arg  // the subscription's properties (subscription_schema)
	Credentials []Arg  // the subscription constructor's credentials
	Method      string // POST by default
	Path        string // / by default
	Headers     []string
	Body        []byte
}

// localEndpoint is the webhook address the subscription says Dify gave it.
const localEndpoint = "http://localhost/triggers/plugin/dify-local"

// Trigger builds the dispatch_trigger_event request; its Then builds the
// invoke_trigger_event request of the event asked for, with the payload the
// dispatch returned, when the dispatch fires it.
func Trigger(p *manifest.Plugin, r TriggerRequest) (Call, error) {
	c, err := find(p, manifest.Triggers, "event", r.Provider, r.Event, triggerName, func(d any) string {
		e, _ := d.(*manifest.EventDecl)
		if e == nil {
			return ""
		}
		return e.Identity.Name
	})
	if err != nil {
		return Call{}, err
	}
	decl := c.provider.Decl.(*manifest.TriggerProviderDecl)
	params, err := fill(paramFields(c.decl.(*manifest.EventDecl).Parameters), r.Params, "parameter", true)
	if err != nil {
		return Call{}, err
	}
	props, err := fill(SubscriptionFields(c.provider), r.Properties, "subscription property", true)
	if err != nil {
		return Call{}, err
	}
	credFields := schemaFields(mapValue(&decl.SubscriptionConstructor, "credentials_schema"))
	creds, err := fill(credFields, r.Credentials, "credential", len(credFields) > 0)
	if err != nil {
		return Call{}, err
	}
	method, path := strings.ToUpper(r.Method), r.Path
	if method == "" {
		method = "POST"
	}
	if path == "" {
		path = "/"
	}
	raw, err := rawRequest(method, path, r.Headers, r.Body, true)
	if err != nil {
		return Call{}, err
	}
	provider := triggerName(c.provider)
	subscription := map[string]any{"expires_at": -1, "endpoint": localEndpoint, "parameters": map[string]any{}, "properties": props}
	common := map[string]any{
		"provider": provider, "subscription": subscription, "raw_http_request": raw,
		"credentials": creds, "credential_type": "api-key",
	}
	dispatch := Call{Type: "trigger", Action: "dispatch_trigger_event", Kind: "trigger-dispatch", Body: common}
	dispatch.Then = func(answer []json.RawMessage) ([]Call, error) {
		d, err := dispatchAnswer(answer)
		if err != nil {
			return nil, err
		}
		if !slices.Contains(d.Events, c.name) {
			fired := "no event"
			if len(d.Events) > 0 {
				fired = strings.Join(d.Events, ", ")
			}
			return nil, fmt.Errorf("the dispatch fired %s, not %s: Dify would not run %s for this request", fired, c.name, c.name)
		}
		body := map[string]any{"event": c.name, "parameters": params, "payload": d.Payload}
		for k, v := range common {
			body[k] = v
		}
		if body["payload"] == nil {
			body["payload"] = map[string]any{}
		}
		return []Call{{Type: "trigger", Action: "invoke_trigger_event", Kind: "trigger-event", Body: body}}, nil
	}
	return dispatch, nil
}

func triggerName(prov *manifest.Provider) string {
	if d, ok := prov.Decl.(*manifest.TriggerProviderDecl); ok {
		return d.Identity.Name
	}
	return ""
}

// dispatched is what a trigger's dispatch answers.
type dispatched struct {
	UserID   string         `json:"user_id"`
	Events   []string       `json:"events"`
	Payload  map[string]any `json:"payload"`
	Response string         `json:"response"` // the HTTP response, hex encoded
}

func dispatchAnswer(answer []json.RawMessage) (dispatched, error) {
	var d dispatched
	if len(answer) != 1 {
		return d, fmt.Errorf("the dispatch answered in %d parts, not one", len(answer))
	}
	if err := json.Unmarshal(answer[0], &d); err != nil {
		return d, fmt.Errorf("the dispatch's answer is not what Dify reads: %v", err)
	}
	return d, nil
}

// rawRequest is an HTTP request as the SDK reads it: HTTP/1.1 bytes, hex
// encoded. jsonType adds Content-Type: application/json to a JSON body
// given without a type, as a webhook's sender would.
func rawRequest(method, path string, headers []string, body []byte, jsonType bool) (string, error) {
	if !strings.HasPrefix(path, "/") {
		return "", usagef("the path %q must start with /", path)
	}
	var raw bytes.Buffer
	fmt.Fprintf(&raw, "%s %s HTTP/1.1\r\nHost: localhost\r\n", method, path)
	hasLength, hasType := false, false
	for _, h := range headers {
		name, value, ok := strings.Cut(h, ":")
		name = strings.TrimSpace(name)
		if !ok || name == "" {
			return "", usagef("header %q is not Name: value", h)
		}
		hasLength = hasLength || strings.EqualFold(name, "Content-Length")
		hasType = hasType || strings.EqualFold(name, "Content-Type")
		fmt.Fprintf(&raw, "%s: %s\r\n", name, strings.TrimSpace(value))
	}
	if jsonType && !hasType && len(body) > 0 && json.Valid(body) {
		raw.WriteString("Content-Type: application/json\r\n")
	}
	if !hasLength && (len(body) > 0 || method == "POST" || method == "PUT" || method == "PATCH") {
		raw.WriteString("Content-Length: " + strconv.Itoa(len(body)) + "\r\n")
	}
	raw.WriteString("\r\n")
	raw.Write(body)
	return hex.EncodeToString(raw.Bytes()), nil
}

// triggerDispatch shows what the dispatch decided: the events it fires, the
// user, and the HTTP response the webhook's sender gets.
func (o *Output) triggerDispatch(c map[string]any) error {
	events, _ := c["events"].([]any)
	names := make([]string, len(events))
	for i, e := range events {
		names[i] = fmt.Sprint(e)
	}
	fired := "none"
	if len(names) > 0 {
		fired = strings.Join(names, ", ")
	}
	if err := o.line("events fired: " + fired); err != nil {
		return err
	}
	if u, _ := c["user_id"].(string); u != "" {
		o.line("user: " + u)
	}
	if p, ok := c["payload"].(map[string]any); ok && len(p) > 0 {
		o.line("payload:")
		o.pretty(p)
	}
	s, _ := c["response"].(string)
	data, err := hex.DecodeString(s)
	if err != nil {
		return fmt.Errorf("the plugin sent an HTTP response that is not hex: %v", err)
	}
	if len(data) == 0 {
		return nil
	}
	resp, err := http.ReadResponse(bufio.NewReader(bytes.NewReader(data)), nil)
	if err != nil {
		return fmt.Errorf("the plugin sent an HTTP response Dify cannot read: %v", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return fmt.Errorf("the plugin sent an HTTP response Dify cannot read: %v", err)
	}
	o.line(fmt.Sprintf("response to the webhook's sender: %d %s", resp.StatusCode, http.StatusText(resp.StatusCode)))
	names = names[:0]
	for n := range resp.Header {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		o.line(fmt.Sprintf("  %s: %s", n, strings.Join(resp.Header[n], ", ")))
	}
	if len(body) > 0 {
		o.line("  " + strings.ReplaceAll(strings.TrimRight(string(body), "\n"), "\n", "\n  "))
	}
	return nil
}

// triggerEvent shows the variables an event made of the request, or that it
// ignored it.
func (o *Output) triggerEvent(c map[string]any) error {
	if cancelled, _ := c["cancelled"].(bool); cancelled {
		return o.line("the event ignored this request (cancelled): no workflow would run")
	}
	o.line("variables:")
	v := c["variables"]
	if v == nil {
		v = map[string]any{}
	}
	return o.pretty(v)
}

// SubscriptionFields are the properties of a trigger provider's
// subscription (subscription_schema), as Trigger checks them: for forms.
func SubscriptionFields(prov *manifest.Provider) []Field {
	d, ok := prov.Decl.(*manifest.TriggerProviderDecl)
	if !ok {
		return nil
	}
	return schemaFields(&d.SubscriptionSchema)
}
