package manifest

import (
	"fmt"
	"reflect"
	"sort"
	"strings"
	"sync"

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
		fields, names := keysOf(t)
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

// structKeys memoizes keysOf, a function of the type alone: the same few
// declaration types are looked at for every key of every file.
var structKeys sync.Map // reflect.Type → typeKeys

type typeKeys struct {
	fields map[string]reflect.Type
	names  []string // sorted
}

// keysOf gives the YAML keys of struct type t with their types, and their
// names sorted; neither may be changed.
func keysOf(t reflect.Type) (map[string]reflect.Type, []string) {
	if k, ok := structKeys.Load(t); ok {
		return k.(typeKeys).fields, k.(typeKeys).names
	}
	fields := map[string]reflect.Type{}
	yamlFields(t, fields)
	names := make([]string, 0, len(fields))
	for name := range fields {
		names = append(names, name)
	}
	sort.Strings(names)
	structKeys.Store(t, typeKeys{fields, names})
	return fields, names
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
