package pack

import (
	"errors"
	"fmt"
	"io"
	"path"

	"github.com/dify-cli/dify/internal/diskread"
	"github.com/dify-cli/dify/manifest"
	"github.com/dify-cli/dify/secret"
)

// Credentials in a plugin's files are refused by default: a .env file (the
// remote-debugging key, API keys) or a token in a test fixture ships to
// everyone who installs the plugin, and the marketplace refuses them.

// severity is an error, or a warning with --allow-secrets.
func (p *Plan) secretSeverity() manifest.Severity {
	if p.AllowSecrets {
		return manifest.Warning
	}
	return manifest.Error
}

// LeaveOut says how to keep a file out of the package, given the ignore-file
// line that leaves it out.
func (p *Plan) LeaveOut(line string) string {
	switch {
	case p.IsPackage:
		return "package the plugin again without it"
	case p.IgnoreFile == "":
		return fmt.Sprintf("create %s with the line %q", DifyIgnore, line)
	}
	return fmt.Sprintf("add the line %q to %s", line, p.IgnoreFile)
}

func (p *Plan) envFile(name string) manifest.Diagnostic {
	line := ".env"
	if path.Base(name) != ".env" {
		line = path.Base(name)
	}
	return manifest.Diagnostic{Pos: manifest.Position{File: name}, Severity: p.secretSeverity(), Rule: "env-file",
		Message: "an environment file holds real values (API keys, the remote-debugging key) and would ship with the plugin; the marketplace refuses it",
		Hint:    p.LeaveOut(line) + " (.env.example, .env.sample and .env.template are fine); --allow-secrets packages it anyway"}
}

// readHead reads what the credential scan needs of a file: its first
// secret.MaxFile+1 bytes. A package's entry is read to its end, so that a
// bad checksum or a cut-short stream is found.
func (p *Plan) readHead(f File) ([]byte, error) {
	if abs, ok := p.onDisk(f.Path); ok {
		data, _, err := diskread.Head(abs, secret.MaxFile+1)
		if errors.Is(err, diskread.ErrNotRegular) {
			err = errors.New("no longer a regular file")
		}
		return data, err
	}
	file, err := p.Open(f.Path)
	if err != nil {
		return nil, err
	}
	defer file.Close()
	head := make([]byte, 0, min(f.Size, secret.MaxFile)+1)
	data, err := readUpTo(file, head, secret.MaxFile+1)
	if err == nil && p.IsPackage {
		_, err = io.Copy(io.Discard, file)
	}
	return data, err
}

// scanSecrets reports the private keys and vendor tokens in a file's head,
// and keeps the head when it is the whole file and the plan keeps files.
func (p *Plan) scanSecrets(f File, data []byte) manifest.Diagnostics {
	kept := p.keep && int64(len(data)) == f.Size && f.Size <= secret.MaxFile
	if kept {
		p.keptMu.Lock()
		if p.kept == nil {
			p.kept = map[string][]byte{}
		}
		p.kept[f.Path] = data
		p.keptMu.Unlock()
	}
	if !secret.Scannable(f.Path, f.Size, data) || len(data) > secret.MaxFile {
		return nil
	}
	// A plan that keeps files is checked by the marketplace next, which
	// scans them with the generic tier too: the scan is made once, here,
	// and kept with the file.
	found := secret.Scan(f.Path, data, kept)
	if kept {
		p.keptMu.Lock()
		if p.secrets == nil {
			p.secrets = map[string][]secret.Finding{}
		}
		p.secrets[f.Path] = found
		p.keptMu.Unlock()
	}
	var ds manifest.Diagnostics
	for _, s := range found {
		if s.Placeholder || s.Assignment {
			continue
		}
		what := s.Kind
		if s.Masked != "" {
			what += " (" + s.Masked + ")"
		}
		ds = append(ds, manifest.Diagnostic{Pos: manifest.Position{File: f.Path, Line: s.Line, Col: s.Col}, Severity: p.secretSeverity(), Rule: "secret",
			Message: "this line holds " + what + ", which would ship to everyone who installs the plugin",
			Hint:    "a plugin gets its credentials from its provider's credential form: remove it (and revoke it if it was real), or " + p.LeaveOut("/"+f.Path) + "; --allow-secrets packages it anyway"})
	}
	return ds
}

// Secrets gives what secret.Scan with the generic tier found in a kept
// file (see PlanOptions.Keep), made while Check read it.
func (p *Plan) Secrets(name string) ([]secret.Finding, bool) {
	p.keptMu.Lock()
	defer p.keptMu.Unlock()
	found, ok := p.secrets[name]
	return found, ok
}

// readUpTo reads at most n bytes of r into buf.
func readUpTo(r io.Reader, buf []byte, n int64) ([]byte, error) {
	for int64(len(buf)) < n {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		m, err := r.Read(buf[len(buf):min(int64(cap(buf)), n)])
		buf = buf[:len(buf)+m]
		if err == io.EOF {
			return buf, nil
		}
		if err != nil {
			return buf, err
		}
	}
	return buf, nil
}
