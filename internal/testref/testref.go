// Package testref locates reference data for compatibility tests: the
// official tool's outputs the repository holds (testdata/official, with
// the facts it printed in facts.json), and the shared data CI places
// beside the repository (../shared), which adds more when present. Nothing
// here skips: a test runs the repository's set always and the shared one
// when it is there.
package testref

import (
	"encoding/json"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
)

// repo is the repository's root.
func repo() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..")
}

// Shared returns the path of name in the shared test data beside the
// repository, and whether it is there.
func Shared(name string) (string, bool) {
	p := filepath.Join(repo(), "..", "shared", filepath.FromSlash(name))
	_, err := os.Stat(p)
	return p, err == nil
}

// Reference is a plugin, the official tool's packages of it, and the facts
// the tool printed for them.
type Reference struct {
	Name                  string // "official" (the repository's) or "shared"
	Dir                   string // the plugin directory
	Unsigned, Signed      string // its package, and that package signed
	PublicKey, PrivateKey string // the key pair it was signed with
	UnsignedSHA256        string // "" when not recorded
	UnsignedChecksum      string
	SignedChecksum        string
	// DirChecksum is the checksum of Dir under exact gitignore rules; Only
	// lists files our rules keep that the official tool drops (it ignores
	// `!` lines), which its package lacks.
	DirChecksum string
	OnlyOurs    []string
	SignedAt    int64 // the signing time recorded in Signed
	Category    string
}

// References are the repository's reference set and, when present, the
// shared one.
func References(t testing.TB) []Reference {
	t.Helper()
	official := filepath.Join(repo(), "testdata", "official")
	data, err := os.ReadFile(filepath.Join(official, "facts.json"))
	if err != nil {
		t.Fatal(err)
	}
	var f struct {
		Plugin, Unsigned, Signed, Category string
		PublicKey                          string `json:"public_key"`
		PrivateKey                         string `json:"private_key"`
		UnsignedSHA256                     string `json:"unsigned_sha256"`
		UnsignedChecksum                   string `json:"unsigned_checksum"`
		SignedChecksum                     string `json:"signed_checksum"`
		DirChecksum                        string `json:"dir_checksum"`
		SignedAt                           int64  `json:"signed_at"`
	}
	if err := json.Unmarshal(data, &f); err != nil {
		t.Fatal(err)
	}
	at := func(name string) string { return filepath.Join(official, filepath.FromSlash(name)) }
	refs := []Reference{{Name: "official", Dir: at(f.Plugin), Unsigned: at(f.Unsigned), Signed: at(f.Signed),
		PublicKey: at(f.PublicKey), PrivateKey: at(f.PrivateKey), UnsignedSHA256: f.UnsignedSHA256,
		UnsignedChecksum: f.UnsignedChecksum, SignedChecksum: f.SignedChecksum, DirChecksum: f.DirChecksum,
		SignedAt: f.SignedAt, Category: f.Category}}

	if dir, ok := Shared("testdata-reference"); ok {
		read := func(name string) string {
			data, err := os.ReadFile(filepath.Join(dir, name))
			if err != nil {
				t.Fatal(err)
			}
			return strings.TrimSpace(string(data))
		}
		signed := filepath.Join(dir, "weather.signed.difypkg")
		refs = append(refs, Reference{Name: "shared", Dir: filepath.Join(dir, "weather"),
			Unsigned: filepath.Join(dir, "weather.difypkg"), Signed: signed,
			PublicKey: filepath.Join(dir, "fixture_key.public.pem"), PrivateKey: filepath.Join(dir, "fixture_key.private.pem"),
			UnsignedChecksum: read("weather.difypkg.checksum"), SignedChecksum: read("weather.signed.difypkg.checksum"),
			DirChecksum: read("weather.dir.checksum"), OnlyOurs: []string{"important.log"},
			SignedAt: commentTime(t, signed), Category: "community"})
	}
	return refs
}

// commentTime reads the signing time from a signed package's zip comment.
func commentTime(t testing.TB, pkg string) int64 {
	data, err := os.ReadFile(pkg)
	if err != nil {
		t.Fatal(err)
	}
	i := strings.LastIndex(string(data), `"time":`)
	if i < 0 {
		return 0
	}
	rest := string(data[i+len(`"time":`):])
	end := strings.IndexAny(rest, "}, ")
	if end < 0 {
		return 0
	}
	n, _ := strconv.ParseInt(rest[:end], 10, 64)
	return n
}
