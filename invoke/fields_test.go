package invoke

import (
	"encoding/json"
	"errors"
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
		`top_k takes a whole number, not 1.5`,
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

// NaN and infinities are not numbers a plugin can take; values given as
// JSON (name:=JSON) are checked like the others.
func TestValuesAreCheckedHoweverGiven(t *testing.T) {
	fields := []Field{
		{Name: "size", Type: "number"},
		{Name: "max_iterations", Type: "int", Min: f64(1), Max: f64(10)},
		{Name: "query", Type: "string"},
		{Name: "mode", Type: "select", Options: []string{"fast", "careful"}},
		{Name: "verbose", Type: "boolean"},
		{Name: "filters", Type: "object"},
		{Name: "files", Type: "files"},
	}
	for _, tc := range []struct {
		arg  Arg
		want string
	}{
		{Arg{Name: "size", Value: "NaN"}, `size takes a number, not "NaN"`},
		{Arg{Name: "size", Value: "-Inf"}, `size takes a number, not "-Inf"`},
		{Arg{Name: "size", Value: "infinity"}, `size takes a number, not "infinity"`},
		{Arg{Name: "max_iterations", Value: "99999", JSON: true}, `max_iterations is at most 10, not 99999`},
		{Arg{Name: "max_iterations", Value: "2.5", JSON: true}, `max_iterations takes a whole number, not 2.5`},
		{Arg{Name: "max_iterations", Value: `"3"`, JSON: true}, `max_iterations takes a number (type int), not a string`},
		{Arg{Name: "query", Value: "42", JSON: true}, `query takes a string (type string), not a number`},
		{Arg{Name: "mode", Value: `"slow"`, JSON: true}, `mode is one of fast, careful, not "slow"`},
		{Arg{Name: "mode", Value: `1`, JSON: true}, `mode takes a string (type select), not a number`},
		{Arg{Name: "verbose", Value: `"yes"`, JSON: true}, `verbose takes true or false (type boolean), not a string`},
		{Arg{Name: "filters", Value: `[1]`, JSON: true}, `filters takes an object (type object), not an array`},
		{Arg{Name: "files", Value: `{}`, JSON: true}, `files takes an array (type files), not an object`},
	} {
		_, err := fill(fields, []Arg{tc.arg}, "parameter", true)
		var ue *UsageError
		if !errors.As(err, &ue) || err.Error() != tc.want {
			t.Errorf("%+v: got %v, want %s", tc.arg, err, tc.want)
		}
	}
	got, err := fill(fields, []Arg{{Name: "max_iterations", Value: "3", JSON: true}, {Name: "query", Value: `"q"`, JSON: true},
		{Name: "mode", Value: `"fast"`, JSON: true}, {Name: "verbose", Value: "false", JSON: true}}, "parameter", true)
	want := map[string]any{"max_iterations": json.Number("3"), "query": "q", "mode": "fast", "verbose": false}
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("good JSON values: %#v, %v", got, err)
	}
}

func TestCredentialsFile(t *testing.T) {
	args, err := CredentialsFile("creds.yaml", []byte("port: 8080\napi_key: k\nenabled: true\nscopes: [a, b]\n"))
	if err != nil {
		t.Fatal(err)
	}
	want := []Arg{{Name: "api_key", Value: "k"}, {Name: "enabled", Value: "true"}, {Name: "port", Value: "8080"}, {Name: "scopes", Value: `["a","b"]`, JSON: true}}
	if !reflect.DeepEqual(args, want) {
		t.Errorf("got %+v", args)
	}
	if _, err := CredentialsFile("creds.yaml", []byte("a: [\n")); err == nil || !strings.Contains(err.Error(), "creds.yaml") {
		t.Errorf("broken file: %v", err)
	}
}
