package runner

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
)

// The wire between the runner and the plugin process: one JSON object per
// line each way (plugin-run.md §4).

// event is what the plugin writes on stdout.
type event struct {
	Event     string          `json:"event"`
	SessionID *string         `json:"session_id"`
	Data      json.RawMessage `json:"data"`
}

// Plugin events.
const (
	eventHeartbeat = "heartbeat"
	eventLog       = "log"
	eventError     = "error"
	eventSession   = "session"
)

// sessionMessage is the data of a session event.
type sessionMessage struct {
	Type string          `json:"type"`
	Data json.RawMessage `json:"data"`
}

// Session message types.
const (
	sessionStream = "stream"
	sessionEnd    = "end"
	sessionError  = "error"
	sessionInvoke = "invoke"
)

// inMessage is what the runner writes to the plugin's stdin. The nil fields
// are always null when running locally; the SDK reads session_id, event and
// data.
type inMessage struct {
	SessionID      string         `json:"session_id"`
	ConversationID *string        `json:"conversation_id"`
	MessageID      *string        `json:"message_id"`
	AppID          *string        `json:"app_id"`
	EndpointID     *string        `json:"endpoint_id"`
	Context        map[string]any `json:"context"`
	Event          string         `json:"event"`
	Data           any            `json:"data"`
}

// Runner events.
const (
	inRequest  = "request"
	inResponse = "backwards_response"
)

// PluginError is an error the plugin reported for a request: an exception
// in its code, with the exception's class name.
type PluginError struct {
	Type    string         `json:"error_type"`
	Message string         `json:"message"`
	Args    map[string]any `json:"args"`
}

// Error is the daemon's rendering: a JSON object with sorted keys, which is
// what `plugin run` clients parse.
func (e *PluginError) Error() string {
	b, _ := json.Marshal(map[string]any{"error_type": e.Type, "message": e.Message, "args": e.Args})
	return string(b)
}

// Traceback is the Python traceback the SDK sends with an error, if any.
func (e *PluginError) Traceback() string {
	s, _ := e.Args["traceback"].(string)
	return s
}

// protocolError is a request that failed because of what the plugin sent,
// named like the daemon names it (unmarshal_error, invoke_dify_error, ...).
func protocolError(kind, format string, args ...any) error {
	return &PluginError{Type: kind, Message: fmt.Sprintf(format, args...)}
}

// ErrPluginExited ends the requests in flight when the plugin process goes.
var ErrPluginExited = errors.New("the plugin exited")

// decodeObject decodes a JSON object keeping numbers as written.
func decodeObject(data []byte) (map[string]any, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		return nil, err
	}
	return m, nil
}
