package runner

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/dify-cli/dify/internal/lazyregexp"
)

// handle reads one line the plugin wrote on stdout: a protocol event, or a
// stray line.
func (p *Plugin) handle(line []byte, dropped int64) {
	if dropped > 0 {
		p.tooLong(line, dropped)
		return
	}
	line = bytes.TrimSpace(line)
	if len(line) == 0 {
		return
	}
	var ev event
	if line[0] != '{' || json.Unmarshal(line, &ev) != nil {
		p.stray(line)
		return
	}
	switch ev.Event {
	case "":
		// The manifest the SDK prints first, as JSON without an event.
	case eventHeartbeat:
		p.readyOnce.Do(func() { close(p.ready) })
	case eventLog:
		var l struct {
			Level   string `json:"level"`
			Message string `json:"message"`
		}
		json.Unmarshal(ev.Data, &l)
		p.log(Log{Source: "log", Level: l.Level, Text: l.Message})
	case eventError:
		var e struct {
			Error string `json:"error"`
		}
		if json.Unmarshal(ev.Data, &e) != nil || e.Error == "" {
			e.Error = string(ev.Data)
		}
		p.log(Log{Source: "error", Level: "ERROR", Text: e.Error})
	case eventSession:
		if ev.SessionID != nil {
			p.onSession(*ev.SessionID, ev.Data)
		}
	default:
		p.stray(line)
	}
}

// sessionIDRe finds the session a line belongs to at its start.
var sessionIDRe = lazyregexp.New(`"session_id"\s*:\s*"([^"\\]{1,200})"`)

// tooLong is a stdout line over the daemon's limit: the daemon would stop
// the plugin. It is said, the request it belongs to (when its start names
// one) ends with that error, and the plugin goes on.
func (p *Plugin) tooLong(start []byte, dropped int64) {
	size := int64(len(start)) + dropped
	msg := fmt.Sprintf("the plugin wrote a stdout line of %d bytes, more than the %d MiB the Dify daemon reads; the daemon stops a plugin that does. Send large results in parts (the SDK sends blobs as 8 KiB chunks)", size, MaxPluginLine>>20)
	p.log(Log{Source: "error", Level: "ERROR", Text: msg})
	head := start[:min(len(start), 4096)]
	if m := sessionIDRe().FindSubmatch(head); m != nil {
		if s := p.session(string(m[1])); s != nil {
			p.end(s, errors.New(msg))
		}
	}
}

// stray is a stdout line outside the protocol: usually a print() in the
// plugin's code, which the daemon cannot read either.
func (p *Plugin) stray(line []byte) {
	text := string(line)
	if len(text) > 1024 {
		text = text[:1024] + "..."
	}
	p.strayOnce.Do(func() {
		p.log(Log{Source: "stdout", Level: "WARNING", Text: "the plugin printed to stdout outside the protocol (Dify ignores such lines; print to sys.stderr or use logging):"})
	})
	p.log(Log{Source: "stdout", Text: text})
}

func (p *Plugin) onSession(id string, data json.RawMessage) {
	s := p.session(id)
	if s == nil {
		return // finished, or never ours: the daemon drops these too
	}
	var m sessionMessage
	if err := json.Unmarshal(data, &m); err != nil {
		p.end(s, protocolError("unmarshal_error", "unmarshal json failed: %s", err))
		return
	}
	switch m.Type {
	case sessionStream:
		if _, err := decodeObject(m.Data); err != nil {
			p.end(s, protocolError("unmarshal_error", "unmarshal json failed: %s", err))
			return
		}
		s.stream.push(m.Data)
	case sessionEnd:
		p.end(s, nil)
	case sessionError:
		var e PluginError
		if err := json.Unmarshal(m.Data, &e); err != nil || (e.Type == "" && e.Message == "") {
			e = PluginError{Type: "unknown_error", Message: string(m.Data)}
		}
		p.end(s, &e)
	case sessionInvoke:
		go p.backwards(s, m.Data)
	default:
		p.end(s, protocolError("unknown_stream_message_type", "unknown stream message type: %s", m.Type))
	}
}

func (p *Plugin) end(s *session, err error) {
	s.stream.finish(err)
	p.drop(s.id)
}
