package manifest

import (
	"fmt"
	"reflect"
	"slices"

	"gopkg.in/yaml.v3"

	"github.com/dify-cli/dify/internal/similar"
)

// A key that is a typo of a key the mapping should have (identiy: for
// identity:) makes Dify see no such key, and every rule about it then
// reports its absence far from the cause. So the typo is reported once,
// at its line, as what it is, and the rest of the file is checked as if
// it were spelled right: the key is renamed in the parsed tree before the
// file is decoded.

// typoOf returns the known key k is a likely typo of, when the mapping
// does not have that key already; "" otherwise.
func typoOf(k string, known []string, have map[string]bool) string {
	if slices.Contains(known, k) {
		return ""
	}
	c := similar.Closest(k, known)
	if c == "" || have[c] || similar.Distance(k, c) > 2 || len(c) <= 4 && similar.Distance(k, c) > 1 {
		return ""
	}
	return c
}

// repairMapping renames the typos among n's keys and reports them; it
// returns the keys as they now are, for walking the children.
func repairMapping(doc *Document, n *yaml.Node, known []string, prefix string) Diagnostics {
	have := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		have[n.Content[i].Value] = true
	}
	var ds Diagnostics
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := n.Content[i]
		c := typoOf(k.Value, known, have)
		if c == "" {
			continue
		}
		ds = append(ds, Diagnostic{Pos: doc.Pos(k), Severity: Error, Rule: "key-typo",
			Message: fmt.Sprintf("%s is not a key Dify reads; it looks like a typo of %s, which this mapping lacks (the rest of the file was checked as if it were spelled %s)", prefix+k.Value, prefix+c, c),
			Hint:    fmt.Sprintf("rename %s to %s", k.Value, c)})
		have[c] = true
		k.Value = c
	}
	return ds
}

// repairManifest repairs manifest.yaml against its schema.
func repairManifest(doc *Document, n *yaml.Node, s schema, prefix string) Diagnostics {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	ds := repairMapping(doc, n, s.keys, prefix)
	for i := 0; i+1 < len(n.Content); i += 2 {
		if child, ok := s.children[n.Content[i].Value]; ok {
			ds = append(ds, repairManifest(doc, n.Content[i+1], child, prefix+n.Content[i].Value+".")...)
		}
	}
	return ds
}

// repairDecl repairs a declaration file against its Go type.
func repairDecl(doc *Document, n *yaml.Node, t reflect.Type, prefix string) Diagnostics {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if n == nil || t == nodeType {
		return nil
	}
	var ds Diagnostics
	switch t.Kind() {
	case reflect.Slice:
		if n.Kind == yaml.SequenceNode {
			for _, item := range n.Content {
				ds = append(ds, repairDecl(doc, item, t.Elem(), prefix)...)
			}
		}
	case reflect.Struct:
		if n.Kind != yaml.MappingNode {
			return nil
		}
		fields, names := keysOf(t)
		ds = repairMapping(doc, n, names, prefix)
		for i := 0; i+1 < len(n.Content); i += 2 {
			if ft, ok := fields[n.Content[i].Value]; ok {
				ds = append(ds, repairDecl(doc, n.Content[i+1], ft, prefix+n.Content[i].Value+".")...)
			}
		}
	}
	return ds
}
