package runner

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/dify-cli/dify/manifest"
)

// Call is one call of the plugin into Dify: a backwards invocation.
type Call struct {
	Type     string         // llm, tool, storage, ... (the SDK's InvokeType)
	Request  map[string]any // its fields, numbers as json.Number
	PluginID string         // author/name
	TenantID string
	UserID   string
}

// Dify answers the plugin's calls into Dify. reply sends one answer:
// message "stream" for each part of a streamed answer, "struct" for a
// single one. A returned error ends the call with its message.
type Dify interface {
	Call(ctx context.Context, c Call, reply func(message string, data any)) error
}

// backwards answers an invoke message the way the daemon does
// (io_tunnel/backwards_invocation/task.go): a malformed call ends the
// request, a call from a model plugin or without its permission is
// refused, anything else goes to Dify; every call ends with an "end".
func (p *Plugin) backwards(s *session, data json.RawMessage) {
	m, err := decodeObject(data)
	var typ, id string
	var req map[string]any
	if err == nil {
		var ok bool
		if typ, ok = m["type"].(string); !ok {
			err = fmt.Errorf("invoke request missing type")
		} else if id, ok = m["backwards_request_id"].(string); !ok {
			err = fmt.Errorf("invoke request missing request_id")
		} else if req, ok = m["request"].(map[string]any); !ok {
			err = fmt.Errorf("invoke request missing request")
		}
	}
	if err != nil {
		p.end(s, protocolError("invoke_dify_error", "invoke dify failed: %s", err))
		return
	}

	respond := func(event, message string, data any) {
		p.send(inMessage{SessionID: s.id, Event: inResponse, Data: map[string]any{
			"backwards_request_id": id, "event": event, "message": message, "data": data,
		}})
	}
	defer respond("end", "", nil)

	if s.from == "model" {
		respond("error", "you can not invoke dify from model", nil)
		return
	}
	perm, needed, known := manifest.InvokePermission(typ)
	if !known {
		respond("error", "unsupported invoke type: "+typ, nil)
		return
	}
	if needed && !p.grant.Has(perm.Key) {
		respond("error", perm.DeniedMessage(), nil)
		return
	}
	call := Call{Type: typ, Request: req, PluginID: p.id, TenantID: s.tenantID, UserID: s.userID}
	err = p.dify.Call(p.ctx, call, func(message string, data any) { respond("response", message, data) })
	if err != nil {
		respond("error", err.Error(), nil)
	}
}
