package remote

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestResolve(t *testing.T) {
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	for _, c := range []struct {
		name       string
		s          Sources
		addr, from string
		key        string
		keyFrom    string
		err        string
	}{
		{name: "flags win", s: Sources{URL: "dify.example:5003", Key: "k1", Getenv: env(map[string]string{"REMOTE_INSTALL_URL": "other:1", "REMOTE_INSTALL_KEY": "k2"})},
			addr: "dify.example:5003", from: "--url", key: "k1", keyFrom: "--key"},
		{name: "environment, new names", s: Sources{Getenv: env(map[string]string{"REMOTE_INSTALL_URL": "env.example:5004", "REMOTE_INSTALL_KEY": "k2"}),
			DotEnv: map[string]string{"REMOTE_INSTALL_URL": "dot:1", "REMOTE_INSTALL_KEY": "k3"}, DotEnvAt: ".env"},
			addr: "env.example:5004", from: "REMOTE_INSTALL_URL in the environment", key: "k2", keyFrom: "REMOTE_INSTALL_KEY in the environment"},
		{name: ".env, old names", s: Sources{DotEnv: map[string]string{"REMOTE_INSTALL_HOST": "old.example", "REMOTE_INSTALL_PORT": "5005", "REMOTE_INSTALL_KEY": "k3"}, DotEnvAt: "p/.env"},
			addr: "old.example:5005", from: "REMOTE_INSTALL_HOST and REMOTE_INSTALL_PORT in p/.env", key: "k3", keyFrom: "REMOTE_INSTALL_KEY in p/.env"},
		{name: "the URL before the old names in one place", s: Sources{DotEnv: map[string]string{"REMOTE_INSTALL_URL": "new.example:1", "REMOTE_INSTALL_HOST": "old.example", "REMOTE_INSTALL_KEY": "k"}, DotEnvAt: ".env"},
			addr: "new.example:1", from: "REMOTE_INSTALL_URL in .env", key: "k", keyFrom: "REMOTE_INSTALL_KEY in .env"},
		{name: "a port alone takes the SDK's host", s: Sources{DotEnv: map[string]string{"REMOTE_INSTALL_PORT": "7000", "REMOTE_INSTALL_KEY": "k"}, DotEnvAt: ".env"},
			addr: "localhost:7000", from: "REMOTE_INSTALL_HOST and REMOTE_INSTALL_PORT in .env", key: "k", keyFrom: "REMOTE_INSTALL_KEY in .env"},
		{name: "a scheme", s: Sources{URL: "tcp://debug-plugin.dify.dev:5003", Key: "k"}, addr: "debug-plugin.dify.dev:5003", from: "--url", key: "k", keyFrom: "--key"},
		{name: "nothing", s: Sources{}, err: "no debugging address: give --url host:port"},
		{name: "no key", s: Sources{URL: "h:1"}, err: "no debugging key: give --key"},
		{name: "no port", s: Sources{URL: "dify.example", Key: "k"}, err: `"dify.example" is not host:port`},
		{name: "bad port", s: Sources{DotEnv: map[string]string{"REMOTE_INSTALL_PORT": "x", "REMOTE_INSTALL_KEY": "k"}, DotEnvAt: ".env"}, err: "REMOTE_INSTALL_PORT in .env is \"x\""},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := Resolve(c.s)
			if c.err != "" {
				if err == nil || !strings.Contains(err.Error(), c.err) {
					t.Fatalf("error %v, want %q", err, c.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.Address() != c.addr || got.AddressFrom != c.from || got.Key != c.key || got.KeyFrom != c.keyFrom {
				t.Errorf("got %+v", got)
			}
		})
	}
}

func TestMaskedKey(t *testing.T) {
	c := Config{Key: "0a1b2c3d-4e5f-6789-abcd-ef0123456789"}
	if got := c.MaskedKey(); got != "0a1b****************************6789" || strings.Contains(got, "4e5f") {
		t.Errorf("MaskedKey() = %q", got)
	}
	if got := (Config{Key: "short"}).MaskedKey(); got != "*****" {
		t.Errorf("a short key: %q", got)
	}
}

func TestDotEnv(t *testing.T) {
	got := ParseDotEnv([]byte("# comment\nexport A=1\nB = \"two words\"\nC='x # y'\nD=plain # note\n\nbroken\n"))
	want := map[string]string{"A": "1", "B": "two words", "C": "x # y", "D": "plain"}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %q, want %q", k, got[k], v)
		}
	}
	if len(got) != len(want) {
		t.Errorf("got %v", got)
	}
}

func TestWriteEnv(t *testing.T) {
	path := filepath.Join(t.TempDir(), ".env")
	os.WriteFile(path, []byte("# my settings\nINSTALL_METHOD=local\nOTHER=keep\nREMOTE_INSTALL_KEY=old\nREMOTE_INSTALL_KEY=older\n"), 0o644)
	c := Config{Host: "dify.example", Port: 5003, Key: "new-key"}
	if err := WriteEnv(path, EnvValues(c)); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(path)
	want := "# my settings\nINSTALL_METHOD=remote\nOTHER=keep\nREMOTE_INSTALL_KEY=new-key\nREMOTE_INSTALL_URL=dify.example:5003\nREMOTE_INSTALL_HOST=dify.example\nREMOTE_INSTALL_PORT=5003\n"
	if string(data) != want {
		t.Errorf("got\n%s\nwant\n%s", data, want)
	}
	st, _ := os.Stat(path)
	if st.Mode().Perm() != 0o600 {
		t.Errorf("mode %v: the file holds a key", st.Mode().Perm())
	}
	// Both generations of names read back the same address.
	got, err := Resolve(Sources{DotEnv: ParseDotEnv(data), DotEnvAt: ".env"})
	if err != nil || got.Address() != "dify.example:5003" || got.Key != "new-key" {
		t.Errorf("read back %+v, %v", got, err)
	}
}
