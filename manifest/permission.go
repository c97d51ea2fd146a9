package manifest

import (
	"fmt"
	"strings"

	"github.com/dify-cli/dify/internal/bytesize"
)

// Permission is one thing a plugin may ask the Dify host to do.
type Permission struct {
	// Key names it as its path under resource.permission: "tool",
	// "model.llm". The key "model" is the model block itself.
	Key string
	// Flag is the suffix of its flags: --allow-llm, --deny-llm.
	Flag string
	// Label is how forms and listings show it; empty for "model", which
	// forms do not offer (a model permission without a kind allows nothing).
	Label string
	// calls are the session attributes whose use needs it
	// (session.storage...); none when no code shows the need (endpoints
	// are declared, not called).
	calls []string
	// invokes are the backwards invocation types (what a running plugin
	// asks Dify for, the SDK's InvokeType) that the daemon allows only with
	// it; see InvokePermission.
	invokes []string
}

// Permissions is the one list of permissions, in the order forms and
// listings show them. Flags, forms, scaffold, SetPermissions, validation and
// the permission check all read it.
var Permissions = []Permission{
	{Key: "tool", Flag: "tool", Label: "tool: invoke tools", calls: []string{"tool"}, invokes: []string{"tool"}},
	{Key: "model", Flag: "model", Label: ""},
	{Key: "model.llm", Flag: "llm", Label: "model: invoke LLMs", calls: []string{"model.llm", "model.summary"}, invokes: []string{"llm", "llm_structured_output", "system_summary"}},
	{Key: "model.text_embedding", Flag: "text-embedding", Label: "model: invoke text embedding models", calls: []string{"model.text_embedding"}, invokes: []string{"text_embedding", "multimodal_embedding"}},
	{Key: "model.rerank", Flag: "rerank", Label: "model: invoke rerank models", calls: []string{"model.rerank"}, invokes: []string{"rerank", "multimodal_rerank"}},
	{Key: "model.tts", Flag: "tts", Label: "model: invoke text-to-speech models", calls: []string{"model.tts"}, invokes: []string{"tts"}},
	{Key: "model.speech2text", Flag: "speech2text", Label: "model: invoke speech-to-text models", calls: []string{"model.speech2text"}, invokes: []string{"speech2text"}},
	{Key: "model.moderation", Flag: "moderation", Label: "model: invoke moderation models", calls: []string{"model.moderation"}, invokes: []string{"moderation"}},
	{Key: "node", Flag: "node", Label: "node: invoke workflow nodes", calls: []string{"workflow_node"}, invokes: []string{"node_parameter_extractor", "node_question_classifier"}},
	{Key: "endpoint", Flag: "endpoint", Label: "endpoint: register HTTP endpoints"},
	{Key: "app", Flag: "app", Label: "app: invoke Dify apps", calls: []string{"app"}, invokes: []string{"app", "fetch_app"}},
	{Key: "storage", Flag: "storage", Label: "storage: keep data between calls", calls: []string{"storage"}, invokes: []string{"storage"}},
}

// Storage sizes the daemon accepts (resource.permission.storage.size), and
// the size used when storage is granted without one.
const (
	MinStorage     = 1024
	MaxStorage     = 1 << 30
	DefaultStorage = 1 << 20
)

// CheckStorageSize explains why a storage size is refused, or returns nil.
func CheckStorageSize(n uint64) error {
	if n < MinStorage || n > MaxStorage {
		return fmt.Errorf("storage size %d is out of range: use %d (1 KiB) to %d (1 GiB) bytes", n, MinStorage, MaxStorage)
	}
	return nil
}

// ParseStorageSize reads a storage size as people write it (1048576, 1MiB,
// 512KiB, 1MB) and checks its range.
func ParseStorageSize(s string) (uint64, error) {
	n, err := bytesize.Parse(s)
	if err != nil {
		return 0, err
	}
	return n, CheckStorageSize(n)
}

// FindPermission returns the permission with the given key or flag suffix.
func FindPermission(keyOrFlag string) (Permission, bool) {
	for _, p := range Permissions {
		if p.Key == keyOrFlag || p.Flag == keyOrFlag {
			return p, true
		}
	}
	return Permission{}, false
}

// InvokePermission returns the permission a backwards invocation of type typ
// needs. needed is false for upload_file, which every plugin may call; known
// is false for types the daemon does not serve.
func InvokePermission(typ string) (p Permission, needed, known bool) {
	if typ == "upload_file" {
		return Permission{}, false, true
	}
	for _, p := range Permissions {
		for _, t := range p.invokes {
			if t == typ {
				return p, true, true
			}
		}
	}
	return Permission{}, false, false
}

// DeniedMessage is the daemon's refusal of a backwards invocation that needs
// p, word for word (its flag suffix is the daemon's name for it).
func (p Permission) DeniedMessage() string {
	return fmt.Sprintf("permission denied, you need to enable %s access in plugin manifest", p.Flag)
}

func permissionIndex(key string) int {
	for i, p := range Permissions {
		if p.Key == key {
			return i
		}
	}
	panic("unknown permission " + key)
}

// Grant is a set of permissions, with the storage size. It is a value:
// copies do not share state, and two grants compare with ==.
type Grant struct {
	bits uint32
	// StorageSize is the storage in bytes when storage is granted; 0 means
	// DefaultStorage (or the size already in the manifest, for an edit).
	StorageSize uint64
}

// NewGrant returns a grant of the given keys; a model kind brings the model
// permission with it.
func NewGrant(keys ...string) Grant {
	var g Grant
	for _, k := range keys {
		g = g.With(k)
	}
	return g
}

// ParseGrant returns a grant of keys given by a user, refusing unknown ones.
func ParseGrant(keys ...string) (Grant, error) {
	for _, k := range keys {
		if _, ok := FindPermission(k); !ok {
			return Grant{}, fmt.Errorf("unknown permission %q", k)
		}
	}
	return NewGrant(keys...), nil
}

// Has reports whether key is granted.
func (g Grant) Has(key string) bool { return g.bits&(1<<permissionIndex(key)) != 0 }

// With returns g with key granted. A model kind implies "model".
func (g Grant) With(key string) Grant {
	g.bits |= 1 << permissionIndex(key)
	if strings.HasPrefix(key, "model.") {
		g.bits |= 1 << permissionIndex("model")
	}
	return g
}

// Without returns g with key removed; removing "model" removes every kind.
func (g Grant) Without(key string) Grant {
	g.bits &^= 1 << permissionIndex(key)
	if key == "model" {
		for _, p := range Permissions {
			if strings.HasPrefix(p.Key, "model.") {
				g.bits &^= 1 << permissionIndex(p.Key)
			}
		}
	}
	return g
}

// Union returns the permissions of both; the storage size of g wins when set.
func (g Grant) Union(o Grant) Grant {
	out := Grant{bits: g.bits | o.bits, StorageSize: g.StorageSize}
	if out.StorageSize == 0 {
		out.StorageSize = o.StorageSize
	}
	return out
}

// Any reports whether anything is granted.
func (g Grant) Any() bool { return g.bits != 0 }

// Keys lists the granted keys in the order of Permissions.
func (g Grant) Keys() []string {
	var keys []string
	for _, p := range Permissions {
		if g.Has(p.Key) {
			keys = append(keys, p.Key)
		}
	}
	return keys
}

// Storage returns the storage size to write: StorageSize, or DefaultStorage.
func (g Grant) Storage() uint64 {
	if g.StorageSize == 0 {
		return DefaultStorage
	}
	return g.StorageSize
}

// Names lists the granted permissions for people: "tool", "model.llm",
// "storage (1048576 bytes)". The model permission is named only when no
// model kind is granted ("model.llm" says it already).
func (g Grant) Names() []string {
	var out []string
	kinds := false
	for _, k := range g.Keys() {
		kinds = kinds || strings.HasPrefix(k, "model.")
	}
	for _, k := range g.Keys() {
		if k == "model" && kinds {
			continue
		}
		if k == "storage" {
			k = fmt.Sprintf("storage (%d bytes)", g.Storage())
		}
		out = append(out, k)
	}
	return out
}

// Grant returns what the manifest's resource.permission grants.
func (m *Manifest) Grant() Grant {
	var g Grant
	p := m.Resource.Permission
	if p == nil {
		return g
	}
	for key, on := range map[string]*Toggle{"tool": p.Tool, "node": p.Node, "endpoint": p.Endpoint, "app": p.App} {
		if on != nil && on.Enabled {
			g = g.With(key)
		}
	}
	if p.Model != nil && p.Model.Enabled {
		g = g.With("model")
		for key, on := range map[string]bool{"model.llm": p.Model.LLM, "model.text_embedding": p.Model.TextEmbedding,
			"model.rerank": p.Model.Rerank, "model.tts": p.Model.TTS, "model.speech2text": p.Model.Speech2Text, "model.moderation": p.Model.Moderation} {
			if on {
				g = g.With(key)
			}
		}
	}
	if p.Storage != nil {
		g.StorageSize = p.Storage.Size
		if p.Storage.Enabled {
			g = g.With("storage")
		}
	}
	return g
}

// PermissionYAML says how to grant key in manifest.yaml.
func PermissionYAML(key string) string {
	switch {
	case strings.HasPrefix(key, "model."):
		return fmt.Sprintf("resource.permission.model: {enabled: true, %s: true}", strings.TrimPrefix(key, "model."))
	case key == "storage":
		return fmt.Sprintf("resource.permission.storage: {enabled: true, size: %d}", DefaultStorage)
	}
	return fmt.Sprintf("resource.permission.%s: {enabled: true}", key)
}
