package manifest

import (
	"fmt"
	"slices"

	"gopkg.in/yaml.v3"
)

// schema lists the keys a mapping may hold; unknown keys are ignored by Dify.
type schema struct {
	keys     []string
	children map[string]schema
}

var manifestSchema = schema{
	keys: []string{"version", "type", "author", "name", "label", "description", "icon", "icon_dark", "resource", "plugins", "meta",
		"tags", "created_at", "privacy", "repo", "contact", "network", "verified", "tool", "model", "endpoint", "agent_strategy", "datasource", "trigger"},
	children: map[string]schema{
		"resource": {keys: []string{"memory", "permission"}, children: map[string]schema{
			"permission": {keys: []string{"tool", "model", "node", "endpoint", "app", "storage"}, children: map[string]schema{
				"tool":     {keys: []string{"enabled"}},
				"model":    {keys: append([]string{"enabled"}, ModelTypeKeys()...)},
				"node":     {keys: []string{"enabled"}},
				"endpoint": {keys: []string{"enabled"}},
				"app":      {keys: []string{"enabled"}},
				"storage":  {keys: []string{"enabled", "size"}},
			}},
		}},
		"network": {keys: []string{"domains"}},
		"plugins": {keys: []string{"tools", "models", "endpoints", "agent_strategies", "datasources", "triggers"}},
		"meta": {keys: []string{"version", "arch", "runner", "minimum_dify_version"}, children: map[string]schema{
			"runner": {keys: []string{"language", "version", "entrypoint"}},
		}},
	},
}

// knownKeys warns about keys the daemon ignores, suggesting the nearest known one.
func (v *validator) knownKeys(doc *Document, n *yaml.Node, s schema, prefix string) {
	if n == nil || n.Kind != yaml.MappingNode {
		return
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := n.Content[i]
		if !slices.Contains(s.keys, k.Value) {
			hint := ""
			if c := closest(k.Value, s.keys); c != "" {
				hint = fmt.Sprintf("did you mean %s?", prefix+c)
			}
			v.warnf(doc, k, "unknown-key", hint, "%s is ignored by Dify", prefix+k.Value)
			continue
		}
		if child, ok := s.children[k.Value]; ok {
			v.knownKeys(doc, n.Content[i+1], child, prefix+k.Value+".")
		}
	}
}
