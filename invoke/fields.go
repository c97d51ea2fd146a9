package invoke

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/dify-cli/dify/internal/similar"
	"gopkg.in/yaml.v3"
)

// Field is one declared input: a tool or strategy parameter, a credential,
// a model parameter rule, an endpoint setting.
type Field struct {
	Name     string
	Type     string
	Required bool
	Default  any      // nil when there is none
	Options  []string // the values a select takes
	Min, Max *float64
	Scope    string // a selector's declared scope (model-selector: the model type)
}

// Arg is one value given on the command line: name=value is converted to
// the field's type; name:=JSON is taken as JSON as it is.
type Arg struct {
	Name  string
	Value string
	JSON  bool
}

// ParseArg reads name=value or name:=json.
func ParseArg(s string) (Arg, error) {
	eq := strings.IndexByte(s, '=')
	if eq <= 0 {
		return Arg{}, fmt.Errorf("%q is not name=value (or name:=JSON)", s)
	}
	if s[eq-1] == ':' {
		if eq == 1 {
			return Arg{}, fmt.Errorf("%q has no name before :=", s)
		}
		return Arg{Name: s[:eq-1], Value: s[eq+1:], JSON: true}, nil
	}
	return Arg{Name: s[:eq], Value: s[eq+1:]}, nil
}

// ParseArgs reads a list of name=value arguments.
func ParseArgs(list []string) ([]Arg, error) {
	var out []Arg
	for _, s := range list {
		a, err := ParseArg(s)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, nil
}

// CredentialsFile reads credentials from a JSON or YAML file (name is for
// messages): a scalar is a value as -c gives it (port: 8080 fills a text
// field), anything else is JSON. The names come sorted.
func CredentialsFile(name string, data []byte) ([]Arg, error) {
	var m map[string]any
	if err := yaml.Unmarshal(data, &m); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	names := make([]string, 0, len(m))
	for k := range m {
		names = append(names, k)
	}
	slices.Sort(names)
	var args []Arg
	for _, k := range names {
		switch v := m[k].(type) {
		case string:
			args = append(args, Arg{Name: k, Value: v})
		case bool, int, int64, uint64, float64:
			args = append(args, Arg{Name: k, Value: fmt.Sprint(v)})
		default:
			data, err := json.Marshal(v)
			if err != nil {
				return nil, fmt.Errorf("%s: %s: %w", name, k, err)
			}
			args = append(args, Arg{Name: k, Value: string(data), JSON: true})
		}
	}
	return args, nil
}

// UsageError is a call that does not fit the declarations: an unknown name,
// a missing value, a value of the wrong type. The command line shows it as
// a usage error.
type UsageError struct{ Problems []string }

func (e *UsageError) Error() string { return strings.Join(e.Problems, "\n") }

// fill checks args against fields and returns the values to send: each
// converted to its field's type, defaults added for the fields not given.
// what names the fields in messages ("parameter", "credential").
func fill(fields []Field, args []Arg, what string, strict bool) (map[string]any, error) {
	out := map[string]any{}
	var problems []string
	byName := map[string]Field{}
	var names []string
	for _, f := range fields {
		byName[f.Name] = f
		names = append(names, f.Name)
	}
	given := map[string]bool{}
	for _, a := range args {
		given[a.Name] = true
		f, ok := byName[a.Name]
		if !ok {
			if !strict {
				v, err := convert(Field{Name: a.Name, Type: "any"}, a)
				if err != nil {
					problems = append(problems, err.Error())
				}
				out[a.Name] = v
				continue
			}
			msg := fmt.Sprintf("unknown %s %q", what, a.Name)
			if s := similar.Closest(a.Name, names); s != "" {
				msg += fmt.Sprintf(" (did you mean %q?)", s)
			} else if len(names) > 0 {
				msg += "; the " + what + "s are " + strings.Join(names, ", ")
			} else {
				msg += "; none are declared"
			}
			problems = append(problems, msg)
			continue
		}
		v, err := convert(f, a)
		if err != nil {
			problems = append(problems, err.Error())
			continue
		}
		out[a.Name] = v
	}
	for _, f := range fields {
		if given[f.Name] {
			continue
		}
		switch {
		case f.Default != nil:
			out[f.Name] = f.Default
		case f.Required:
			problems = append(problems, fmt.Sprintf("missing required %s %q (%s)", what, f.Name, f.Type)+example(f))
		}
	}
	if len(problems) > 0 {
		return nil, &UsageError{Problems: problems}
	}
	return out, nil
}

// example shows a field's value on the command line, for the types whose
// JSON a developer cannot guess ("" for the others).
func example(f Field) string {
	if e := Example(f.Type, f.Scope); e != "" {
		return fmt.Sprintf(", e.g. %s:='%s'", f.Name, e)
	}
	return ""
}

// convert turns a command-line value into the JSON value a field takes.
// A value given as JSON is checked the same way (type, range, options).
func convert(f Field, a Arg) (any, error) {
	if a.JSON {
		v, err := decodeJSON(a.Value)
		if err != nil {
			return nil, fmt.Errorf("%s: %q is not JSON: %v", a.Name, a.Value, err)
		}
		return checkJSON(f, a.Name, v)
	}
	switch f.Type {
	case "number", "int", "float", "integer":
		n, err := strconv.ParseFloat(a.Value, 64)
		if err != nil {
			return nil, fmt.Errorf("%s takes a number, not %q", a.Name, a.Value)
		}
		return checkNumber(f, a.Name, n, a.Value)
	case "boolean", "switch", "checkbox":
		switch strings.ToLower(a.Value) {
		case "true", "yes", "1", "on":
			return true, nil
		case "false", "no", "0", "off":
			return false, nil
		}
		return nil, fmt.Errorf("%s takes true or false, not %q", a.Name, a.Value)
	case "select", "radio", "dynamic-select":
		return checkOption(f, a.Name, a.Value)
	case "file", "files", "object", "array", "array[tools]", "app-selector", "model-selector", "date-range":
		v, err := decodeJSON(a.Value)
		if err != nil {
			return nil, fmt.Errorf("%s takes JSON (type %s): give it as %s:=JSON%s", a.Name, f.Type, a.Name, example(f))
		}
		return v, nil
	case "any":
		// A value that reads as JSON is JSON; anything else is a string.
		if v, err := decodeJSON(a.Value); err == nil {
			return v, nil
		}
		return a.Value, nil
	}
	return a.Value, nil
}

// checkNumber holds a number to its field: finite, whole for integers, in
// range. shown is how the user wrote it.
func checkNumber(f Field, name string, n float64, shown string) (any, error) {
	if math.IsNaN(n) || math.IsInf(n, 0) {
		return nil, fmt.Errorf("%s takes a number, not %q", name, shown)
	}
	if f.Type == "int" || f.Type == "integer" {
		if n != math.Trunc(n) {
			return nil, fmt.Errorf("%s takes a whole number, not %s", name, shown)
		}
	}
	if f.Min != nil && n < *f.Min {
		return nil, fmt.Errorf("%s is at least %v, not %s", name, *f.Min, shown)
	}
	if f.Max != nil && n > *f.Max {
		return nil, fmt.Errorf("%s is at most %v, not %s", name, *f.Max, shown)
	}
	return json.Number(strconv.FormatFloat(n, 'f', -1, 64)), nil
}

func checkOption(f Field, name, value string) (any, error) {
	if len(f.Options) > 0 && !slices.Contains(f.Options, value) {
		msg := fmt.Sprintf("%s is one of %s, not %q", name, strings.Join(f.Options, ", "), value)
		if s := similar.Closest(value, f.Options); s != "" {
			msg += fmt.Sprintf(" (did you mean %q?)", s)
		}
		return nil, errors.New(msg)
	}
	return value, nil
}

// stringTypes are the field types whose value is a string.
var stringTypes = []string{"string", "text", "text-input", "secret-input", "paragraph", "textarea"}

// checkJSON holds a value given as JSON to its field's type.
func checkJSON(f Field, name string, v any) (any, error) {
	kind := jsonKind(v)
	wrong := func(want string) error {
		return fmt.Errorf("%s takes %s (type %s), not %s", name, want, f.Type, kind)
	}
	switch f.Type {
	case "number", "int", "float", "integer":
		num, ok := v.(json.Number)
		if !ok {
			return nil, wrong("a number")
		}
		n, err := num.Float64()
		if err != nil {
			return nil, fmt.Errorf("%s takes a number, not %s", name, num)
		}
		return checkNumber(f, name, n, num.String())
	case "boolean", "switch", "checkbox":
		if _, ok := v.(bool); !ok {
			return nil, wrong("true or false")
		}
	case "select", "radio", "dynamic-select":
		str, ok := v.(string)
		if !ok {
			return nil, wrong("a string")
		}
		return checkOption(f, name, str)
	case "object", "model-selector", "app-selector", "file":
		if _, ok := v.(map[string]any); !ok {
			return nil, wrong("an object")
		}
	case "array", "array[tools]", "files":
		if _, ok := v.([]any); !ok {
			return nil, wrong("an array")
		}
	default:
		if slices.Contains(stringTypes, f.Type) {
			if _, ok := v.(string); !ok {
				return nil, wrong("a string")
			}
		}
	}
	return v, nil
}

// jsonKind names a decoded JSON value's kind for messages.
func jsonKind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "a boolean"
	case json.Number:
		return "a number"
	case string:
		return "a string"
	case []any:
		return "an array"
	}
	return "an object"
}

func decodeJSON(s string) (any, error) {
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	if dec.More() {
		return nil, errors.New("more than one value")
	}
	return v, nil
}
