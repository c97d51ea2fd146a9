package manifest

import (
	"gopkg.in/yaml.v3"
)

// Module is one thing a plugin provides: a tool, an endpoint, a model, an
// agent strategy, a datasource or a trigger event.
type Module struct {
	Kind       string      `json:"kind"` // tool, endpoint, model, agent-strategy, datasource, event
	Name       string      `json:"name"`
	Provider   string      `json:"provider,omitempty"`   // the provider or group file
	File       string      `json:"file"`                 // where it is declared
	Detail     string      `json:"detail,omitempty"`     // method and path; model type
	Parameters []Parameter `json:"parameters,omitempty"` // tools, strategies, datasources, events
}

// Parameter is a declared input of a module.
type Parameter struct {
	Name     string `json:"name"`
	Type     string `json:"type"`
	Required bool   `json:"required,omitempty"`
}

// Modules lists what a loaded plugin provides, in declaration order.
func (p *Plugin) Modules() []Module {
	var out []Module
	for _, prov := range p.Providers {
		for _, c := range prov.Children {
			m := Module{Provider: prov.Doc.Path, File: c.Path}
			switch prov.Kind {
			case Tools:
				m.Kind, m.Name = "tool", scalar(lookup(c.Root, "identity", "name"))
			case AgentStrategies:
				m.Kind, m.Name = "agent-strategy", scalar(lookup(c.Root, "identity", "name"))
			case Datasources:
				m.Kind, m.Name = "datasource", scalar(lookup(c.Root, "identity", "name"))
			case Triggers:
				m.Kind, m.Name = "event", scalar(lookup(c.Root, "identity", "name"))
			case Endpoints:
				m.Kind, m.Name = "endpoint", scalar(lookup(c.Root, "path"))
				m.Detail = scalar(lookup(c.Root, "method")) + " " + m.Name
			case Models:
				m.Kind, m.Name = "model", scalar(lookup(c.Root, "model"))
				m.Detail = scalar(lookup(c.Root, "model_type"))
			}
			m.Parameters = parameters(lookup(c.Root, "parameters"))
			out = append(out, m)
		}
	}
	return out
}

func parameters(n *yaml.Node) []Parameter {
	if n == nil || n.Kind != yaml.SequenceNode {
		return nil
	}
	var ps []Parameter
	for _, item := range n.Content {
		ps = append(ps, Parameter{
			Name:     scalar(lookup(item, "name")),
			Type:     scalar(lookup(item, "type")),
			Required: scalar(lookup(item, "required")) == "true",
		})
	}
	return ps
}
