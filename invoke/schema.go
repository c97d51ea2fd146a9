package invoke

import (
	"bytes"
	"encoding/json"

	"github.com/dify-cli/dify/manifest"
	"gopkg.in/yaml.v3"
)

// The fields of the declarations: parameters, model parameter rules and
// credential forms, as fill checks them.

// paramFields are the fields of tool, strategy, datasource parameters.
func paramFields(ps []manifest.ParameterDecl) []Field {
	var out []Field
	for _, p := range ps {
		f := Field{Name: p.Name, Type: p.Type, Required: p.Required, Min: p.Min, Max: p.Max, Default: nodeValue(&p.Default), Scope: p.Scope}
		for _, o := range p.Options {
			f.Options = append(f.Options, o.Value)
		}
		out = append(out, f)
	}
	return out
}

// ruleFields are the fields of a model's parameter rules.
func ruleFields(rules []manifest.ParameterRule) []Field {
	var out []Field
	for _, r := range rules {
		typ := r.Type
		if typ == "" {
			typ = templateTypes[r.UseTemplate]
		}
		out = append(out, Field{Name: r.Name, Type: typ, Required: r.Required, Min: r.Min, Max: r.Max,
			Options: r.Options, Default: nodeValue(&r.Default)})
	}
	return out
}

// templateTypes are the types of the SDK's parameter templates
// (use_template), for rules that give no type of their own.
var templateTypes = map[string]string{
	"temperature": "float", "top_p": "float", "top_k": "int", "presence_penalty": "float",
	"frequency_penalty": "float", "max_tokens": "int", "response_format": "string", "json_schema": "text",
}

// schemaFields reads a form schema: a list of fields named by name or
// variable (model credential forms), or a mapping from names to fields
// (tool credentials).
func schemaFields(n *yaml.Node) []Field {
	if n == nil {
		return nil
	}
	if n.Kind == yaml.MappingNode {
		if list := mapValue(n, "credential_form_schemas"); list != nil {
			return schemaFields(list)
		}
		var out []Field
		for i := 0; i+1 < len(n.Content); i += 2 {
			f := schemaField(n.Content[i+1])
			f.Name = n.Content[i].Value
			out = append(out, f)
		}
		return out
	}
	if n.Kind != yaml.SequenceNode {
		return nil
	}
	var out []Field
	for _, item := range n.Content {
		f := schemaField(item)
		if f.Name == "" {
			f.Name = scalarOf(mapValue(item, "variable"))
		}
		out = append(out, f)
	}
	return out
}

func schemaField(n *yaml.Node) Field {
	f := Field{
		Name:     scalarOf(mapValue(n, "name")),
		Type:     scalarOf(mapValue(n, "type")),
		Required: scalarOf(mapValue(n, "required")) == "true",
		Default:  nodeValue(mapValue(n, "default")),
	}
	if opts := mapValue(n, "options"); opts != nil && opts.Kind == yaml.SequenceNode {
		for _, o := range opts.Content {
			if v := mapValue(o, "value"); v != nil {
				f.Options = append(f.Options, v.Value)
			} else if o.Kind == yaml.ScalarNode {
				f.Options = append(f.Options, o.Value)
			}
		}
	}
	return f
}

// nodeValue decodes a YAML value into what JSON would carry; nil for none.
func nodeValue(n *yaml.Node) any {
	if n == nil || n.Kind == 0 || (n.Kind == yaml.ScalarNode && n.Tag == "!!null") {
		return nil
	}
	var v any
	if err := n.Decode(&v); err != nil {
		return nil
	}
	// Through JSON, so that numbers are json.Number like everything else.
	b, err := json.Marshal(v)
	if err != nil {
		return v
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var out any
	if dec.Decode(&out) != nil {
		return v
	}
	return out
}

func mapValue(n *yaml.Node, key string) *yaml.Node {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

func scalarOf(n *yaml.Node) string {
	if n == nil || n.Kind != yaml.ScalarNode {
		return ""
	}
	return n.Value
}
