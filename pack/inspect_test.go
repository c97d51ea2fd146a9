package pack

import (
	"archive/zip"
	"crypto/rsa"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dify-cli/dify/sign"
)

func TestInspect(t *testing.T) {
	data, err := os.ReadFile("../testdata/official/fixture.public.pem")
	if err != nil {
		t.Fatal(err)
	}
	pub, err := sign.ParsePublicKey(data)
	if err != nil {
		t.Fatal(err)
	}
	in, err := Inspect("../testdata/official/demo.signed.difypkg", InspectOptions{Keys: []*rsa.PublicKey{pub}, KeyNames: []string{"fixture"}})
	if err != nil {
		t.Fatal(err)
	}
	if in.Name != "demo" || in.Checksum != "be12c791084cd5f9d8849c8b82935c6b054a0ba43ad37471ffd4ca3b747b7505" ||
		!in.Signature.Verified || in.Signature.Key != "fixture" || in.Signature.Category != "community" || len(in.Files) == 0 {
		t.Errorf("%+v", in)
	}
	if in, err := Inspect("../testdata/official/demo.difypkg", InspectOptions{Keys: []*rsa.PublicKey{pub}}); err != nil || in.Signature.Signed {
		t.Errorf("unsigned: %+v, %v", in, err)
	}

	// A bundle is not a plugin package.
	bndl := filepath.Join(t.TempDir(), "b.difybndl")
	f, _ := os.Create(bndl)
	zw := zip.NewWriter(f)
	w, _ := zw.Create("manifest.yaml")
	w.Write([]byte("name: b\ntype: bundle\nversion: 0.0.1\nauthor: acme\n"))
	zw.Close()
	f.Close()
	var other *NotAPluginError
	if _, err := Inspect(bndl, InspectOptions{}); !errors.As(err, &other) || other.Type != "bundle" {
		t.Errorf("bundle: %v", err)
	}
}

func TestPreview(t *testing.T) {
	out := filepath.Join(t.TempDir(), "demo.difypkg")
	d, err := Preview(Options{Dir: demoDir, Output: out})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Plan.Close()
	if d.Err() != nil || d.Output != out || !d.Validated || len(d.Plan.Files) == 0 {
		t.Errorf("%+v, %v", d, d.Err())
	}
	if _, err := os.Stat(out); !errors.Is(err, os.ErrNotExist) {
		t.Error("the preview wrote the package")
	}

	dir := t.TempDir()
	copyTree(t, demoDir, dir)
	os.WriteFile(filepath.Join(dir, "manifest.yaml"), []byte("name: \"demo\ntype: plugin\n"), 0o644)
	d, err = Preview(Options{Dir: dir, Output: filepath.Join(dir, "..", "x.difypkg")})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Plan.Close()
	if d.Err() == nil || !strings.Contains(d.Err().Error(), "manifest.yaml:1") {
		t.Errorf("a broken manifest: %v", d.Err())
	}
	// The output being a directory is found too.
	d2, err := Preview(Options{Dir: demoDir, Output: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer d2.Plan.Close()
	if d2.Err() == nil || !strings.Contains(d2.Err().Error(), "the output is a directory") {
		t.Errorf("output directory: %v", d2.Err())
	}
}
