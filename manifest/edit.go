package manifest

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// SetPermissions rewrites the resource.permission block of manifest.yaml
// (data) so that exactly the permissions in grant are enabled, with the
// grant's storage size when storage is granted (0 keeps the current size, or
// DefaultStorage). Everything else in the file — comments, key order,
// quoting — is kept.
func SetPermissions(data []byte, grant Grant) ([]byte, error) {
	doc, root, err := parseMapping(data)
	if err != nil {
		return nil, err
	}
	resource := child(root, "resource", true)
	perm := child(resource, "permission", false)
	if perm == nil {
		if !grant.Any() {
			return data, nil
		}
		perm = child(resource, "permission", true)
	}
	if perm.Kind != yaml.MappingNode { // e.g. `permission:` with no value
		perm.Kind, perm.Tag, perm.Value, perm.Style = yaml.MappingNode, "!!map", "", 0
	}
	for _, k := range []string{"tool", "node", "endpoint", "app"} {
		setToggle(perm, k, grant.Has(k), nil)
	}
	setToggle(perm, "model", grant.Has("model"), func(block *yaml.Node) {
		for _, p := range Permissions {
			if kind, ok := strings.CutPrefix(p.Key, "model."); ok {
				setScalar(block, kind, strconv.FormatBool(grant.Has(p.Key)), "!!bool")
			}
		}
	})
	setToggle(perm, "storage", grant.Has("storage"), func(block *yaml.Node) {
		size := grant.StorageSize
		if size == 0 {
			if cur := lookup(block, "size"); cur != nil {
				size, _ = strconv.ParseUint(cur.Value, 10, 64)
			}
		}
		if size == 0 {
			size = DefaultStorage
		}
		setScalar(block, "size", strconv.FormatUint(size, 10), "!!int")
	})
	return encode(doc, data)
}

// parseMapping parses a YAML document whose root is a mapping, for editing.
func parseMapping(data []byte) (doc *yaml.Node, root *yaml.Node, err error) {
	doc = &yaml.Node{}
	if err := yaml.Unmarshal(data, doc); err != nil {
		return nil, nil, err
	}
	if len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		return nil, nil, fmt.Errorf("not a YAML mapping")
	}
	return doc, doc.Content[0], nil
}

// encode writes an edited document back with the file's own indentation.
func encode(doc *yaml.Node, original []byte) ([]byte, error) {
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(indentOf(original))
	if err := enc.Encode(doc); err != nil {
		return nil, err
	}
	enc.Close()
	return buf.Bytes(), nil
}

// setToggle sets key.enabled in perm. A disabled permission that is absent
// stays absent; fill adds the block's other fields when it is enabled.
func setToggle(perm *yaml.Node, key string, on bool, fill func(*yaml.Node)) {
	block := child(perm, key, false)
	if block == nil && !on {
		return
	}
	block = child(perm, key, true)
	if block.Kind != yaml.MappingNode {
		block.Kind, block.Tag, block.Value, block.Style = yaml.MappingNode, "!!map", "", 0
	}
	setScalar(block, "enabled", strconv.FormatBool(on), "!!bool")
	if on && fill != nil {
		fill(block)
	}
}

// child returns the value of key in mapping m, adding an empty mapping when
// create is set and the key is absent.
func child(m *yaml.Node, key string, create bool) *yaml.Node {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	if !create {
		return nil
	}
	v := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
	m.Content = append(m.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: key}, v)
	return v
}

func setScalar(m *yaml.Node, key, value, tag string) {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			v := m.Content[i+1]
			v.Kind, v.Tag, v.Value, v.Style, v.Content = yaml.ScalarNode, tag, value, 0, nil
			return
		}
	}
	m.Content = append(m.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: key},
		&yaml.Node{Kind: yaml.ScalarNode, Tag: tag, Value: value})
}

// indentOf guesses a file's indentation from its first indented mapping line.
func indentOf(data []byte) int {
	for _, line := range strings.Split(string(data), "\n") {
		trimmed := strings.TrimLeft(line, " ")
		if n := len(line) - len(trimmed); n > 0 && trimmed != "" && !strings.HasPrefix(trimmed, "#") && !strings.HasPrefix(trimmed, "- ") {
			return n
		}
	}
	return 2
}

// AppendToList adds value to the sequence at keys (e.g. "plugins", "tools")
// in the YAML document data, creating the mappings and the sequence when
// absent, and keeping the rest of the file as it is.
func AppendToList(data []byte, value string, keys ...string) ([]byte, error) {
	doc, n, err := parseMapping(data)
	if err != nil {
		return nil, err
	}
	for i, k := range keys {
		next := child(n, k, true)
		if i == len(keys)-1 && next.Kind != yaml.SequenceNode {
			next.Kind, next.Tag, next.Value, next.Style, next.Content = yaml.SequenceNode, "!!seq", "", 0, nil
		}
		n = next
	}
	for _, item := range n.Content {
		if item.Value == value {
			return data, nil
		}
	}
	n.Content = append(n.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: value})
	return encode(doc, data)
}
