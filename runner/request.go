package runner

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"
)

// ParseRequest reads one request line: a JSON object with a string type
// and action, and nothing after it.
func ParseRequest(line []byte) (InvokePluginPayload, error) {
	var req InvokePluginPayload
	dec := json.NewDecoder(bytes.NewReader(line))
	dec.UseNumber()
	if err := dec.Decode(&req); err != nil {
		return InvokePluginPayload{}, requestError(err)
	}
	if rest := bytes.TrimSpace(line[dec.InputOffset():]); len(rest) > 0 {
		return req, fmt.Errorf("the line goes on after its JSON object (%q): write one request per line", shorten(rest, 40))
	}
	if req.Type == "" || req.Action == "" {
		return req, errors.New("action and type are required")
	}
	return req, nil
}

// requestError says what is wrong with a request line in the terms of the
// request, not of Go's types.
func requestError(err error) error {
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syntax):
		return fmt.Errorf("the line is not JSON: %s (at byte %d)", syntax.Error(), syntax.Offset)
	case errors.As(err, &typ):
		want := map[reflect.Kind]string{reflect.String: "a string", reflect.Map: "an object", reflect.Struct: "an object"}[typ.Type.Kind()]
		if want == "" {
			want = typ.Type.Kind().String()
		}
		if typ.Field == "" {
			return fmt.Errorf("a request is a JSON object, not %s", article(typ.Value))
		}
		return fmt.Errorf("%q must be %s, not %s", typ.Field, want, article(typ.Value))
	case errors.Is(err, io.ErrUnexpectedEOF):
		return errors.New("the line ends in the middle of its JSON object")
	}
	return err
}

func article(kind string) string {
	if strings.IndexByte("aeiou", kind[0]) >= 0 {
		return "an " + kind
	}
	return "a " + kind
}

func shorten(b []byte, n int) string {
	if len(b) > n {
		return string(b[:n]) + "..."
	}
	return string(b)
}
