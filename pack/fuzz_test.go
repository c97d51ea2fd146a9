package pack

import (
	"bytes"
	"context"
	"testing"

	"github.com/dify-cli/dify/checksum"
	"github.com/dify-cli/dify/internal/hostile"
	"github.com/dify-cli/dify/manifest"
)

// FuzzReadPackage reads arbitrary bytes as a package, end to end, as the
// commands that take a downloaded .difypkg do: open it and check its
// entries, validate it (which reads every entry and loads the manifest and
// every declaration), list its modules and README files, and checksum it.
// None of it may panic, hang or allocate from what the headers claim.
func FuzzReadPackage(f *testing.F) {
	bad := uint32(1)
	raw, crc := hostile.Bomb(9 << 20)
	long := bytes.Repeat([]byte("x = 1\n"), 500)
	seeds := [][]byte{
		hostile.Zip("", hostile.Entry{Name: "manifest.yaml", Data: validManifest, Size: 1 << 62}),
		hostile.Zip("", hostile.Entry{Name: "manifest.yaml", Data: validManifest}, hostile.Entry{Name: "main.py", Data: long, Size: 40 << 30}),
		hostile.Zip("", hostile.Entry{Name: "manifest.yaml", Data: validManifest}, hostile.Entry{Name: "main.py", Raw: raw, Deflate: true, CRC: &crc, Size: 9 << 20}),
		hostile.Zip("", hostile.Entry{Name: "manifest.yaml", Data: validManifest}, hostile.Entry{Name: "main.py", Raw: raw, Deflate: true, CRC: &crc, Size: 1000}),
		hostile.Zip("", hostile.Entry{Name: "manifest.yaml", Data: validManifest}, hostile.Entry{Name: "main.py", Data: long, Deflate: true, CRC: &bad}),
		hostile.Zip("", hostile.Entry{Name: "manifest.yaml", Data: validManifest}, hostile.Entry{Name: "main.py", Data: long, Deflate: true, Cut: 7}),
		hostile.Zip("", hostile.Entry{Name: "manifest.yaml", Data: validManifest}, hostile.Entry{Name: "../evil", Data: []byte("x")}),
		hostile.Zip("", hostile.Entry{Name: "manifest.yaml", Data: validManifest}, hostile.Entry{Name: "manifest.yaml", Data: []byte("x")}),
		hostile.Zip("", hostile.Entry{Name: "manifest.yaml", Data: []byte("plugins:\n  tools: [p.yaml]\n")}, hostile.Entry{Name: "p.yaml", Data: []byte("tools: [p.yaml, ../x, /etc/passwd]\n")}),
		hostile.Zip(`{"signature":"AAAA","time":1}`, hostile.Entry{Name: "manifest.yaml", Data: validManifest}, hostile.Entry{Name: ".verification.dify.json", Data: []byte(`{"authorized_category":"partner"}`)}),
		hostile.Zip("", hostile.Entry{Name: "caf\xe9", Data: []byte("x")}),
	}
	if data, err := readFile(demoDir); err == nil {
		seeds = append(seeds, data)
	}
	for _, s := range seeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := ReadPackage("fuzz.difypkg", bytes.NewReader(data), int64(len(data)), PlanOptions{MaxSize: 8 << 20})
		if err != nil {
			return
		}
		ds := p.Check()
		if p.Err() != nil {
			if !ds.HasErrors() {
				t.Fatalf("a package refused by Err has no error finding: %v", p.Err())
			}
			return
		}
		if m, _ := manifest.Load(p); m != nil {
			m.Modules()
		}
		manifest.Readmes(p)
		checksum.Sum(p)
	})
}

// readFile packages a plugin directory into memory, for a seed.
func readFile(dir string) ([]byte, error) {
	p, err := OpenDir(dir, PlanOptions{})
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	err = Write(context.Background(), &buf, p, WriteOptions{})
	return buf.Bytes(), err
}
