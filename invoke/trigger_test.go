package invoke

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dify-cli/dify/manifest"
)

// The generated trigger plugin (testdata/init/trigger) is the declaration.
func triggerPlugin(t *testing.T) *manifest.Plugin {
	t.Helper()
	p, ds := manifest.Load(os.DirFS(filepath.Join("..", "testdata", "init", "trigger")))
	if p == nil {
		t.Fatalf("trigger plugin: %v", ds)
	}
	return p
}

func TestTriggerCalls(t *testing.T) {
	p := triggerPlugin(t)
	c, err := Trigger(p, TriggerRequest{Event: "demo_trigger_event", Properties: args("webhook_secret=s"), Body: []byte(`{"a":1}`)})
	if err != nil {
		t.Fatal(err)
	}
	if c.Type != "trigger" || c.Action != "dispatch_trigger_event" || c.Body["provider"] != "demo_trigger" || c.Then == nil {
		t.Fatalf("dispatch %+v", c)
	}
	sub := c.Body["subscription"].(map[string]any)
	if sub["properties"].(map[string]any)["webhook_secret"] != "s" || sub["endpoint"] == "" {
		t.Errorf("subscription %v", sub)
	}
	raw, _ := hex.DecodeString(c.Body["raw_http_request"].(string))
	want := "POST / HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 7\r\n\r\n{\"a\":1}"
	if string(raw) != want {
		t.Errorf("raw request %q, want %q", raw, want)
	}

	// The event follows the dispatch that fires it, with the dispatch's payload.
	next, err := c.Then([]json.RawMessage{json.RawMessage(`{"events":["demo_trigger_event"],"payload":{"k":"v"},"response":""}`)})
	if err != nil || len(next) != 1 {
		t.Fatalf("then: %v %v", next, err)
	}
	e := next[0]
	if e.Action != "invoke_trigger_event" || e.Body["event"] != "demo_trigger_event" || e.Body["payload"].(map[string]any)["k"] != "v" ||
		e.Body["raw_http_request"] != c.Body["raw_http_request"] {
		t.Errorf("event call %+v", e)
	}
	// A dispatch that fires something else stops there, saying what it fired.
	_, err = c.Then([]json.RawMessage{json.RawMessage(`{"events":["other"],"response":""}`)})
	if err == nil || !strings.Contains(err.Error(), "the dispatch fired other, not demo_trigger_event") {
		t.Errorf("another event: %v", err)
	}
	_, err = c.Then([]json.RawMessage{json.RawMessage(`{"events":[],"response":""}`)})
	if err == nil || !strings.Contains(err.Error(), "fired no event") {
		t.Errorf("no event: %v", err)
	}

	// Mistakes are the user's: a wrong event, an unknown property.
	if _, err := Trigger(p, TriggerRequest{Event: "demo_trigger_evnt"}); err == nil || !strings.Contains(err.Error(), `did you mean "demo_trigger_event"`) {
		t.Errorf("a misspelt event: %v", err)
	}
	if _, err := Trigger(p, TriggerRequest{Event: "demo_trigger_event", Properties: args("secret=x")}); err == nil || !strings.Contains(err.Error(), `unknown subscription property "secret"`) {
		t.Errorf("an unknown property: %v", err)
	}
	if _, err := Trigger(double(t, "tool"), TriggerRequest{Event: "x"}); err == nil || !strings.Contains(err.Error(), "declares no events") {
		t.Errorf("a plugin without triggers: %v", err)
	}
}

func TestTriggerAnswersForPeople(t *testing.T) {
	response := hex.EncodeToString([]byte("HTTP/1.1 202 \r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nok"))
	var out bytes.Buffer
	o := &Output{W: &out, Kind: "trigger-dispatch"}
	if err := o.Chunk(json.RawMessage(`{"events":["a","b"],"user_id":"u1","response":"` + response + `"}`)); err != nil {
		t.Fatal(err)
	}
	want := "events fired: a, b\nuser: u1\nresponse to the webhook's sender: 202 Accepted\n  Content-Length: 2\n  Content-Type: text/plain\n  ok\n"
	if out.String() != want {
		t.Errorf("dispatch shown as\n%s\nwant\n%s", out.String(), want)
	}
	out.Reset()
	o = &Output{W: &out, Kind: "trigger-event"}
	o.Chunk(json.RawMessage(`{"variables":{"x":1},"cancelled":false}`))
	if !strings.Contains(out.String(), "variables:\n{\n  \"x\": 1\n}") {
		t.Errorf("event shown as %q", out.String())
	}
	out.Reset()
	o.Chunk(json.RawMessage(`{"variables":{},"cancelled":true}`))
	if !strings.Contains(out.String(), "ignored this request") {
		t.Errorf("a cancelled event shown as %q", out.String())
	}
	if err := (&Output{W: &out, Kind: "trigger-dispatch"}).Chunk(json.RawMessage(`{"events":[],"response":"zz"}`)); err == nil {
		t.Error("a response that is not hex was shown")
	}
}
