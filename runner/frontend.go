package runner

import (
	"encoding/json"
	"fmt"
	"strings"
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
