// Package remote connects a plugin on this machine to a Dify instance for
// remote debugging (the plugin dials the daemon's debugging port and
// registers with a key; remote-debug.md), and explains what goes wrong
// before it does: where the address and key come from, whether the host
// resolves, the port answers and the daemon takes the key.
package remote

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/dify-cli/dify/ignore"
	"github.com/dify-cli/dify/internal/atomicfile"
)

// Config is where to connect and with which key.
type Config struct {
	Host string
	Port int
	Key  string
	// AddressFrom and KeyFrom say where each came from, for people.
	AddressFrom, KeyFrom string
}

// Address is host:port.
func (c Config) Address() string { return net.JoinHostPort(c.Host, strconv.Itoa(c.Port)) }

// MaskedKey shows enough of the key to tell keys apart, never all of it.
func (c Config) MaskedKey() string {
	k := c.Key
	if len(k) <= 8 {
		return strings.Repeat("*", len(k))
	}
	return k[:4] + strings.Repeat("*", len(k)-8) + k[len(k)-4:]
}

// Sources are the places a Config is read from, strongest first.
type Sources struct {
	URL, Key string              // flags
	KeyFlag  string              // the flag that gave Key ("--key" when empty)
	Getenv   func(string) string // the environment
	DotEnv   map[string]string   // the plugin's .env
	DotEnvAt string              // its path, for messages
}

// Variable names. The SDK reads REMOTE_INSTALL_URL (host:port) and, when it
// is not set, the older REMOTE_INSTALL_HOST and REMOTE_INSTALL_PORT.
const (
	envURL  = "REMOTE_INSTALL_URL"
	envHost = "REMOTE_INSTALL_HOST"
	envPort = "REMOTE_INSTALL_PORT"
	envKey  = "REMOTE_INSTALL_KEY"
)

// Resolve reads the address and the key: flags, else the environment, else
// .env; in each, REMOTE_INSTALL_URL before REMOTE_INSTALL_HOST/PORT.
func Resolve(s Sources) (Config, error) {
	var c Config
	getenv := s.Getenv
	if getenv == nil {
		getenv = func(string) string { return "" }
	}
	type place struct {
		name string
		get  func(string) string
	}
	places := []place{
		{"the environment", getenv},
		{s.DotEnvAt, func(k string) string { return s.DotEnv[k] }},
	}

	switch {
	case s.URL != "":
		host, port, err := ParseAddress(s.URL)
		if err != nil {
			return c, fmt.Errorf("--url: %w", err)
		}
		c.Host, c.Port, c.AddressFrom = host, port, "--url"
	default:
		for _, p := range places {
			if p.name == "" {
				continue
			}
			if v := p.get(envURL); v != "" {
				host, port, err := ParseAddress(v)
				if err != nil {
					return c, fmt.Errorf("%s in %s: %w", envURL, p.name, err)
				}
				c.Host, c.Port, c.AddressFrom = host, port, envURL+" in "+p.name
				break
			}
			host, portText := p.get(envHost), p.get(envPort)
			if host == "" && portText == "" {
				continue
			}
			// The SDK's defaults for the one that is missing.
			if host == "" {
				host = "localhost"
			}
			port := 5003
			if portText != "" {
				n, err := strconv.Atoi(portText)
				if err != nil || n <= 0 || n > 65535 {
					return c, fmt.Errorf("%s in %s is %q, not a port number", envPort, p.name, portText)
				}
				port = n
			}
			c.Host, c.Port, c.AddressFrom = host, port, envHost+" and "+envPort+" in "+p.name
			break
		}
	}
	if c.Host == "" {
		return c, errors.New("no debugging address: give --url host:port as Dify shows it in Plugins → Debug, or set REMOTE_INSTALL_URL in .env (--write-env does it)")
	}

	if s.Key != "" {
		c.Key, c.KeyFrom = s.Key, s.KeyFlag
		if c.KeyFrom == "" {
			c.KeyFrom = "--key"
		}
	} else {
		for _, p := range places {
			if p.name != "" && p.get(envKey) != "" {
				c.Key, c.KeyFrom = p.get(envKey), envKey+" in "+p.name
				break
			}
		}
	}
	if c.Key == "" {
		return c, errors.New("no debugging key: give --key as Dify shows it in Plugins → Debug, or set REMOTE_INSTALL_KEY in .env (--write-env does it)")
	}
	return c, nil
}

// ParseAddress reads host:port as the SDK does, with or without a scheme
// (tcp://host:port).
func ParseAddress(s string) (string, int, error) {
	s = strings.TrimSpace(s)
	hostport := s
	if strings.Contains(s, "://") {
		u, err := url.Parse(s)
		if err != nil {
			return "", 0, fmt.Errorf("%q is not host:port", s)
		}
		hostport = u.Host
	}
	host, portText, err := net.SplitHostPort(hostport)
	if err != nil {
		return "", 0, fmt.Errorf("%q is not host:port (for example debug-plugin.dify.dev:5003)", s)
	}
	port, err := strconv.Atoi(portText)
	if err != nil || port <= 0 || port > 65535 || host == "" {
		return "", 0, fmt.Errorf("%q is not host:port (for example debug-plugin.dify.dev:5003)", s)
	}
	return host, port, nil
}

// ParseDotEnv reads KEY=VALUE lines as python-dotenv does for the simple
// cases: comments, blank lines, `export`, single or double quotes.
func ParseDotEnv(data []byte) map[string]string {
	out := map[string]string{}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		name, value, ok := dotEnvLine(sc.Text())
		if ok {
			out[name] = value
		}
	}
	return out
}

func dotEnvLine(line string) (name, value string, ok bool) {
	line = strings.TrimSpace(line)
	if line == "" || strings.HasPrefix(line, "#") {
		return "", "", false
	}
	line = strings.TrimPrefix(line, "export ")
	name, value, ok = strings.Cut(line, "=")
	if !ok {
		return "", "", false
	}
	name, value = strings.TrimSpace(name), strings.TrimSpace(value)
	if len(value) >= 2 && (value[0] == '"' || value[0] == '\'') && value[len(value)-1] == value[0] {
		value = value[1 : len(value)-1]
	} else if i := strings.Index(value, " #"); i >= 0 {
		value = strings.TrimSpace(value[:i])
	}
	return name, value, name != ""
}

// Exposure says where the plugin's .env, which holds the debugging key,
// would go: into a package (by the ignore rules packaging reads) or into
// git (by .gitignore), each with the line to add and where. The advice
// never switches off the .gitignore fallback: when packaging reads
// .gitignore, the line goes there.
func Exposure(dir string) []string {
	var out []string
	pkg := ignore.Open(dir, ignore.DifyIgnore, ignore.GitIgnore)
	packaged := pkg.Match(".env", false) == nil
	if packaged {
		what := ".env would be packaged with the debugging key in it"
		if pkg.File() == ignore.GitIgnore {
			what = ".env would be packaged, and committed, with the debugging key in it"
		}
		out = append(out, what+": "+pkg.Advice(".env"))
	}
	if pkg.File() != ignore.GitIgnore {
		git := ignore.Open(dir, ignore.GitIgnore)
		if git.File() != "" && git.Match(".env", false) == nil {
			out = append(out, ".env could be committed with the debugging key in it: "+git.Advice(".env"))
		}
	}
	return out
}

// EnvValues are the settings WriteEnv puts in .env for c: both generations
// of the address variables, so that any SDK version reads it.
func EnvValues(c Config) [][2]string {
	return [][2]string{
		{"INSTALL_METHOD", "remote"},
		{envURL, c.Address()},
		{envHost, c.Host},
		{envPort, strconv.Itoa(c.Port)},
		{envKey, c.Key},
	}
}

// WriteEnv sets values in the .env file at path, keeping its other lines
// and comments, replacing a variable's line in place (and dropping later
// repeats of it), adding the rest at the end. The file is replaced in one
// step and readable by its owner only: it holds a key.
func WriteEnv(path string, values [][2]string) error {
	old, err := os.ReadFile(path)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	done := map[string]bool{}
	var lines []string
	text := strings.TrimSuffix(strings.ReplaceAll(string(old), "\r\n", "\n"), "\n")
	for _, line := range strings.Split(text, "\n") {
		if text == "" {
			break
		}
		name, _, ok := dotEnvLine(line)
		i := slices.IndexFunc(values, func(v [2]string) bool { return v[0] == name })
		if !ok || i < 0 {
			lines = append(lines, line)
			continue
		}
		if done[name] {
			continue
		}
		done[name] = true
		lines = append(lines, name+"="+values[i][1])
	}
	for _, v := range values {
		if !done[v[0]] {
			lines = append(lines, v[0]+"="+v[1])
		}
	}
	return atomicfile.Write(path, 0o600, func(w io.Writer) error {
		_, err := io.WriteString(w, strings.Join(lines, "\n")+"\n")
		return err
	})
}
