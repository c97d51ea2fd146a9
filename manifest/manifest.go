// Package manifest reads a plugin's declarations: manifest.yaml and every
// provider and child file it references. It works on any fs.FS, so a project
// directory seen through its ignore rules and a .difypkg are read the same way.
package manifest

// FileName is the plugin's root declaration file.
const FileName = "manifest.yaml"

// I18n is a text in several languages, keyed by language code (en_US, ...).
type I18n map[string]string

// Manifest mirrors manifest.yaml.
type Manifest struct {
	Version     string   `yaml:"version"`
	Type        string   `yaml:"type"`
	Author      string   `yaml:"author"`
	Name        string   `yaml:"name"`
	Label       I18n     `yaml:"label"`
	Description I18n     `yaml:"description"`
	Icon        string   `yaml:"icon"`
	IconDark    string   `yaml:"icon_dark"`
	Resource    Resource `yaml:"resource"`
	Plugins     Plugins  `yaml:"plugins"`
	Meta        Meta     `yaml:"meta"`
	Tags        []string `yaml:"tags"`
	CreatedAt   string   `yaml:"created_at"`
	Privacy     string   `yaml:"privacy"`
	Repo        *string  `yaml:"repo"`
	// Contact and Network are read by the marketplace, not by Dify.
	Contact string   `yaml:"contact"`
	Network *Network `yaml:"network"`
}

// Network declares the hosts a plugin reaches, for the marketplace's page.
type Network struct {
	Domains []string `yaml:"domains"`
}

// Resource is the manifest's resource block.
type Resource struct {
	Memory     int64            `yaml:"memory"`
	Permission *PermissionBlock `yaml:"permission"`
}

// PermissionBlock mirrors resource.permission; see Permissions for the list.
type PermissionBlock struct {
	Tool     *Toggle           `yaml:"tool,omitempty"`
	Model    *ModelPermission  `yaml:"model,omitempty"`
	Node     *Toggle           `yaml:"node,omitempty"`
	Endpoint *Toggle           `yaml:"endpoint,omitempty"`
	App      *Toggle           `yaml:"app,omitempty"`
	Storage  *StoragePermisson `yaml:"storage,omitempty"`
}

// Toggle is a permission that is either on or off.
type Toggle struct {
	Enabled bool `yaml:"enabled"`
}

// ModelPermission enables model invocation, per model kind.
type ModelPermission struct {
	Enabled       bool `yaml:"enabled"`
	LLM           bool `yaml:"llm"`
	TextEmbedding bool `yaml:"text_embedding"`
	Rerank        bool `yaml:"rerank"`
	TTS           bool `yaml:"tts"`
	Speech2Text   bool `yaml:"speech2text"`
	Moderation    bool `yaml:"moderation"`
}

// StoragePermisson enables the plugin's key-value storage of Size bytes.
type StoragePermisson struct {
	Enabled bool   `yaml:"enabled"`
	Size    uint64 `yaml:"size"`
}

// Plugins lists the provider files, per kind.
type Plugins struct {
	Tools           []string `yaml:"tools"`
	Models          []string `yaml:"models"`
	Endpoints       []string `yaml:"endpoints"`
	AgentStrategies []string `yaml:"agent_strategies"`
	Datasources     []string `yaml:"datasources"`
	Triggers        []string `yaml:"triggers"`
}

// Meta describes how the plugin runs.
type Meta struct {
	Version            string   `yaml:"version"`
	Arch               []string `yaml:"arch"`
	Runner             Runner   `yaml:"runner"`
	MinimumDifyVersion string   `yaml:"minimum_dify_version"`
}

// Runner names the language runtime and the module to start.
type Runner struct {
	Language   string `yaml:"language"`
	Version    string `yaml:"version"`
	Entrypoint string `yaml:"entrypoint"`
}

// Identifier returns the plugin's unique identifier for a checksum:
// author/name:version@checksum, without "author/" when author is empty.
func (m *Manifest) Identifier(checksum string) string {
	id := m.Name + ":" + m.Version + "@" + checksum
	if m.Author != "" {
		id = m.Author + "/" + id
	}
	return id
}

// Category is how Dify classifies a plugin, derived from its providers as the
// daemon does: tool, model, datasource, agent-strategy, trigger or extension.
func (m *Manifest) Category() string {
	switch {
	case len(m.Plugins.Tools) > 0:
		return "tool"
	case len(m.Plugins.Models) > 0:
		return "model"
	case len(m.Plugins.Datasources) > 0:
		return "datasource"
	case len(m.Plugins.AgentStrategies) > 0:
		return "agent-strategy"
	case len(m.Plugins.Triggers) > 0:
		return "trigger"
	}
	return "extension"
}

// PermissionNames lists the enabled permissions, e.g. "tool", "model.llm",
// "storage (1048576 bytes)".
func (m *Manifest) PermissionNames() []string { return m.Grant().Names() }
