package invoke

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

func TestParseArg(t *testing.T) {
	for in, want := range map[string]Arg{
		"a=b":       {Name: "a", Value: "b"},
		"a=":        {Name: "a", Value: ""},
		"a=b=c":     {Name: "a", Value: "b=c"},
		`a:=[1,2]`:  {Name: "a", Value: "[1,2]", JSON: true},
		"url=x?y=z": {Name: "url", Value: "x?y=z"},
	} {
		got, err := ParseArg(in)
		if err != nil || got != want {
			t.Errorf("ParseArg(%q) = %+v, %v; want %+v", in, got, err, want)
		}
	}
	for _, bad := range []string{"novalue", "=x", ":=x"} {
		if _, err := ParseArg(bad); err == nil {
			t.Errorf("ParseArg(%q) accepted", bad)
		}
	}
}

func f64(v float64) *float64 { return &v }

func TestFill(t *testing.T) {
	fields := []Field{
		{Name: "query", Type: "string", Required: true},
		{Name: "count", Type: "number", Min: f64(1), Max: f64(10)},
		{Name: "mode", Type: "select", Options: []string{"fast", "careful"}, Default: "fast"},
		{Name: "verbose", Type: "boolean"},
		{Name: "top_k", Type: "int"},
		{Name: "filters", Type: "object"},
	}
	got, err := fill(fields, []Arg{
		{Name: "query", Value: "dify"}, {Name: "count", Value: "2.5"}, {Name: "verbose", Value: "yes"},
		{Name: "top_k", Value: "3"}, {Name: "filters", Value: `{"a":1}`},
	}, "parameter", true)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"query": "dify", "count": json.Number("2.5"), "mode": "fast", "verbose": true,
		"top_k": json.Number("3"), "filters": map[string]any{"a": json.Number("1")}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %#v\nwant %#v", got, want)
	}

	_, err = fill(fields, []Arg{
		{Name: "qeury", Value: "x"}, {Name: "count", Value: "many"}, {Name: "mode", Value: "carefull"},
		{Name: "verbose", Value: "maybe"}, {Name: "top_k", Value: "1.5"}, {Name: "filters", Value: "{"},
	}, "parameter", true)
	msg := err.Error()
	for _, want := range []string{
		`unknown parameter "qeury" (did you mean "query"?)`,
		`count takes a number, not "many"`,
		`mode is one of fast, careful, not "carefull" (did you mean "careful"?)`,
		`verbose takes true or false, not "maybe"`,
		`top_k takes a whole number, not "1.5"`,
		`filters takes JSON (type object): give it as filters:=JSON`,
		`missing required parameter "query" (string)`,
	} {
		if !strings.Contains(msg, want) {
			t.Errorf("error lacks %q:\n%s", want, msg)
		}
	}
	if strings.Contains(msg, `missing required parameter "count"`) {
		t.Errorf("a value given but wrong is also reported missing:\n%s", msg)
	}

	_, err = fill(fields, []Arg{{Name: "count", Value: "11"}}, "parameter", true)
	if err == nil || !strings.Contains(err.Error(), "count is at most 10, not 11") {
		t.Errorf("above max: %v", err)
	}

	// Raw JSON is taken as it is; loose fields accept unknown names.
	got, err = fill(nil, []Arg{{Name: "x", Value: `[1]`, JSON: true}, {Name: "y", Value: "plain"}}, "model parameter", false)
	if err != nil || !reflect.DeepEqual(got, map[string]any{"x": []any{json.Number("1")}, "y": "plain"}) {
		t.Errorf("loose fields: %#v, %v", got, err)
	}
}
