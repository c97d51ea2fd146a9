package manifest

import (
	"fmt"
	"reflect"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"
)

var nodeType = reflect.TypeOf(yaml.Node{})

// unknownDeclKeys warns about keys of declaration files that Dify ignores,
// using the yaml tags of the declaration types as the schema.
func (v *validator) unknownDeclKeys(p *Plugin) {
	for _, prov := range p.Providers {
		newProvider, newChild := declTypes(prov.Kind)
		v.unknownKeysOf(prov.Doc, prov.Doc.Root, reflect.TypeOf(newProvider()), "")
		for _, c := range prov.Children {
			v.unknownKeysOf(c, c.Root, reflect.TypeOf(newChild()), "")
		}
	}
}

func (v *validator) unknownKeysOf(doc *Document, n *yaml.Node, t reflect.Type, prefix string) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if n == nil || t == nodeType {
		return
	}
	switch t.Kind() {
	case reflect.Slice:
		if n.Kind == yaml.SequenceNode {
			for _, item := range n.Content {
				v.unknownKeysOf(doc, item, t.Elem(), prefix)
			}
		}
	case reflect.Struct:
		if n.Kind != yaml.MappingNode {
			return
		}
		fields := map[string]reflect.Type{}
		yamlFields(t, fields)
		var names []string
		for name := range fields {
			names = append(names, name)
		}
		sort.Strings(names)
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i]
			ft, ok := fields[k.Value]
			if !ok {
				hint := ""
				if c := closest(k.Value, names); c != "" {
					hint = fmt.Sprintf("did you mean %s?", prefix+c)
				}
				v.warnf(doc, k, "unknown-key", hint, "%s is ignored by Dify", prefix+k.Value)
				continue
			}
			v.unknownKeysOf(doc, n.Content[i+1], ft, prefix+k.Value+".")
		}
	}
}

// yamlFields collects the YAML keys of struct type t, including those of
// fields embedded with `yaml:",inline"`.
func yamlFields(t reflect.Type, fields map[string]reflect.Type) {
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		tag := strings.Split(f.Tag.Get("yaml"), ",")
		switch {
		case len(tag) > 1 && tag[1] == "inline":
			yamlFields(f.Type, fields)
		case tag[0] != "" && tag[0] != "-":
			fields[tag[0]] = f.Type
		}
	}
}
