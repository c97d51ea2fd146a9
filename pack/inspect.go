package pack

import (
	"crypto/rsa"
	"errors"
	"fmt"
	"time"

	"github.com/dify-cli/dify/checksum"
	"github.com/dify-cli/dify/internal/capped"
	"github.com/dify-cli/dify/manifest"
	"github.com/dify-cli/dify/sign"
	"gopkg.in/yaml.v3"
)

// InspectOptions say how to read a package and whose signature to check.
type InspectOptions struct {
	MaxSize  int64            // ≤ 0: DefaultMaxSize
	Keys     []*rsa.PublicKey // the keys a signature may come from
	KeyNames []string         // how to call each key, in the same order
}

// Inspection is what a package holds and who signed it.
type Inspection struct {
	Path        string   `json:"path"`
	Name        string   `json:"name"`
	Author      string   `json:"author"`
	Version     string   `json:"version"`
	Category    string   `json:"category"`
	Permissions []string `json:"permissions"` // the keys granted: tool, model.llm, storage, ...
	// StorageSize is the storage granted, in bytes (with the storage
	// permission).
	StorageSize int64         `json:"storage_size,omitempty"`
	Checksum    string        `json:"checksum"`
	Identifier  string        `json:"identifier"`
	Files       []File        `json:"files"`
	TotalSize   int64         `json:"total_size"`
	Signature   SignatureInfo `json:"signature"`
	// Grant is the permissions, for people (Names()).
	Grant manifest.Grant `json:"-"`
}

// SignatureInfo says whether a package is signed, and by which key.
type SignatureInfo struct {
	Signed   bool   `json:"signed"`
	Verified bool   `json:"verified"`
	Key      string `json:"key,omitempty"`
	Time     string `json:"time,omitempty"`
	Category string `json:"category,omitempty"`
	// NamesCovered: the signed record also covers file names.
	NamesCovered bool   `json:"names_covered,omitempty"`
	Problem      string `json:"problem,omitempty"`
}

// NotAPluginError is a package whose manifest declares another type (a
// bundle, type: bundle).
type NotAPluginError struct {
	Path string
	Type string
}

func (e *NotAPluginError) Error() string {
	return fmt.Sprintf("%s is a %s, not a plugin package", e.Path, e.Type)
}

// Inspect reads a package: its manifest, checksum, identifier, files and
// signature.
func Inspect(path string, o InspectOptions) (*Inspection, error) {
	arc, err := OpenArchive(path, o.MaxSize)
	if err != nil {
		return nil, err
	}
	defer arc.Close()
	if typ := declaredType(arc); typ != "" && typ != "plugin" {
		return nil, &NotAPluginError{Path: path, Type: typ}
	}
	p, ds := manifest.Load(arc)
	if p == nil {
		return nil, ds.Err()
	}
	sum, err := checksum.Sum(arc)
	if err != nil {
		return nil, err
	}
	files, err := List(arc)
	if err != nil {
		return nil, err
	}
	g := p.Manifest.Grant()
	in := &Inspection{Path: path, Name: p.Manifest.Name, Author: p.Manifest.Author, Version: p.Manifest.Version,
		Category: p.Manifest.Category(), Permissions: g.Keys(), Checksum: sum,
		Identifier: p.Manifest.Identifier(sum), Files: files, Grant: g}
	if in.Permissions == nil {
		in.Permissions = []string{}
	}
	if g.Has("storage") {
		in.StorageSize = int64(g.Storage())
	}
	if in.Files == nil {
		in.Files = []File{}
	}
	for _, f := range files {
		in.TotalSize += f.Size
	}
	v, err := sign.Verify(arc.Reader, o.Keys)
	switch {
	case err == nil:
		name := ""
		if v.Key < len(o.KeyNames) {
			name = o.KeyNames[v.Key]
		}
		in.Signature = SignatureInfo{Signed: true, Verified: true, Key: name, Time: v.Time.Format(time.RFC3339), Category: v.Category, NamesCovered: v.NamesCovered}
	case errors.Is(err, sign.ErrUnsigned):
	default:
		in.Signature = SignatureInfo{Signed: true, Problem: err.Error()}
	}
	return in, nil
}

// declaredType is the manifest's type, "" when it cannot be read.
func declaredType(arc *Archive) string {
	data, err := capped.ReadFile(arc, manifest.FileName, manifest.MaxYAML)
	if err != nil {
		return ""
	}
	var head struct {
		Type string `yaml:"type"`
	}
	if yaml.Unmarshal(data, &head) != nil {
		return ""
	}
	return head.Type
}
