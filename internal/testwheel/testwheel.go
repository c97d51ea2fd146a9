// Package testwheel builds real wheel files for tests: a module that
// records its tag, with the dist-info files pip reads (METADATA, WHEEL,
// RECORD with hashes).
package testwheel

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"strings"
)

// Build returns the file name and content of a wheel of the given project,
// version and tag (python-abi-platform). The module, named after the
// project, has TAG set to the tag.
func Build(name, version, tag string) (file string, data []byte) {
	return BuildWith(name, version, tag)
}

// Metadata is the METADATA of a wheel BuildWith makes: the name, the
// version and the extra header lines (such as "Requires-Dist: alpha>=1").
func Metadata(name, version string, headers ...string) string {
	m := fmt.Sprintf("Metadata-Version: 2.1\nName: %s\nVersion: %s\n", name, version)
	for _, h := range headers {
		m += h + "\n"
	}
	return m
}

// BuildWith is Build with extra METADATA header lines.
func BuildWith(name, version, tag string, headers ...string) (file string, data []byte) {
	dist := strings.ReplaceAll(strings.ReplaceAll(name, "-", "_"), ".", "_")
	file = fmt.Sprintf("%s-%s-%s.whl", dist, version, tag)
	info := fmt.Sprintf("%s-%s.dist-info", dist, version)
	files := []struct{ name, body string }{
		{dist + "/__init__.py", fmt.Sprintf("TAG = %q\n", tag)},
		{info + "/METADATA", Metadata(name, version, headers...)},
		{info + "/WHEEL", fmt.Sprintf("Wheel-Version: 1.0\nGenerator: dify-test\nRoot-Is-Purelib: true\nTag: %s\n", tag)},
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	var record strings.Builder
	for _, f := range files {
		w, _ := zw.CreateHeader(&zip.FileHeader{Name: f.name, Method: zip.Deflate})
		w.Write([]byte(f.body))
		sum := sha256.Sum256([]byte(f.body))
		fmt.Fprintf(&record, "%s,sha256=%s,%d\n", f.name, base64.RawURLEncoding.EncodeToString(sum[:]), len(f.body))
	}
	fmt.Fprintf(&record, "%s/RECORD,,\n", info)
	w, _ := zw.CreateHeader(&zip.FileHeader{Name: info + "/RECORD", Method: zip.Deflate})
	w.Write([]byte(record.String()))
	zw.Close()
	return file, buf.Bytes()
}
