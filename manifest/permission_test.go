package manifest

import (
	"slices"
	"testing"
)

func TestGrant(t *testing.T) {
	g := NewGrant("model.llm", "tool")
	if !g.Has("model") || !g.Has("model.llm") || !g.Has("tool") || g.Has("storage") {
		t.Errorf("keys %v: a model kind brings model", g.Keys())
	}
	if got := g.Keys(); !slices.Equal(got, []string{"tool", "model", "model.llm"}) {
		t.Errorf("keys in table order: %v", got)
	}
	if got := g.Names(); !slices.Equal(got, []string{"tool", "model.llm"}) {
		t.Errorf("names: %v", got)
	}
	copy := g.With("storage")
	if g.Has("storage") || !copy.Has("storage") {
		t.Error("a grant is a value: With must not change the original")
	}
	if h := g.Without("model"); h.Has("model.llm") || h.Has("model") || !h.Has("tool") {
		t.Errorf("without model: %v", h.Keys())
	}
	if h := g.Without("model.llm"); !h.Has("model") {
		t.Errorf("removing a kind keeps the model block: %v", h.Keys())
	}
	if got := NewGrant("model").Names(); !slices.Equal(got, []string{"model"}) {
		t.Errorf("bare model: %v", got)
	}
	s := NewGrant("storage")
	if s.Storage() != DefaultStorage || s.Names()[0] != "storage (1048576 bytes)" {
		t.Errorf("default storage %d %v", s.Storage(), s.Names())
	}
	u := NewGrant("tool").Union(Grant{StorageSize: 4096}.With("storage"))
	if !u.Has("tool") || !u.Has("storage") || u.StorageSize != 4096 {
		t.Errorf("union %v %d", u.Keys(), u.StorageSize)
	}
	if _, err := ParseGrant("model.gpu"); err == nil {
		t.Error("unknown permission accepted")
	}
	for _, p := range Permissions {
		if q, ok := FindPermission(p.Flag); !ok || q.Key != p.Key {
			t.Errorf("flag %s finds %v", p.Flag, q.Key)
		}
	}
}

func TestStorageSizes(t *testing.T) {
	for in, want := range map[string]uint64{"1024": 1024, "1MiB": 1 << 20, "512KiB": 512 << 10, "1MB": 1000000, "1GiB": 1 << 30} {
		if got, err := ParseStorageSize(in); err != nil || got != want {
			t.Errorf("%s: %d, %v", in, got, err)
		}
	}
	for _, in := range []string{"1000", "2GiB", "lots", "1.5B"} {
		if _, err := ParseStorageSize(in); err == nil {
			t.Errorf("%s accepted", in)
		}
	}
}

func TestInvokePermission(t *testing.T) {
	for typ, want := range map[string]string{
		"tool": "tool", "llm": "model.llm", "llm_structured_output": "model.llm", "system_summary": "model.llm",
		"text_embedding": "model.text_embedding", "multimodal_embedding": "model.text_embedding",
		"rerank": "model.rerank", "multimodal_rerank": "model.rerank", "tts": "model.tts",
		"speech2text": "model.speech2text", "moderation": "model.moderation",
		"node_parameter_extractor": "node", "node_question_classifier": "node",
		"app": "app", "fetch_app": "app", "storage": "storage",
	} {
		p, needed, known := InvokePermission(typ)
		if !needed || !known || p.Key != want {
			t.Errorf("InvokePermission(%q) = %s, %v, %v; want %s", typ, p.Key, needed, known, want)
		}
	}
	if _, needed, known := InvokePermission("upload_file"); needed || !known {
		t.Errorf("upload_file needs no permission: needed=%v known=%v", needed, known)
	}
	if _, _, known := InvokePermission("telepathy"); known {
		t.Error("an unknown type is known")
	}
	// The daemon's words (backwards_invocation/task.go permissionMapping).
	for key, want := range map[string]string{
		"model.llm":            "permission denied, you need to enable llm access in plugin manifest",
		"model.text_embedding": "permission denied, you need to enable text-embedding access in plugin manifest",
		"storage":              "permission denied, you need to enable storage access in plugin manifest",
		"node":                 "permission denied, you need to enable node access in plugin manifest",
	} {
		p, _ := FindPermission(key)
		if got := p.DeniedMessage(); got != want {
			t.Errorf("%s: %q, want %q", key, got, want)
		}
	}
}
