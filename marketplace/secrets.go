package marketplace

import (
	"fmt"
	"strings"

	"github.com/dify-cli/dify/internal/pytext"
	"github.com/dify-cli/dify/secret"
)

// The package_secrets check: vendor tokens and private keys block outright;
// a key-like name given a literal value blocks when the value has the shape
// and entropy of secret material, and is worth a review otherwise.

func (c *checker) secrets() {
	e := c.emit(Secrets)
	for _, f := range c.t.files {
		if pruned(f.path, vcsAndEnvs) {
			continue
		}
		if f.size > secret.MaxFile {
			e.warn(at(f.path, 0), "not-scanned", "", f.path+" skipped because it is larger than 1 MiB")
			continue
		}
		if !secret.Scannable(f.path, f.size, c.t.head(f.path, 4096)) {
			continue
		}
		data, err := c.t.read(f.path, secret.MaxFile)
		if err != nil {
			e.warn(at(f.path, 0), "not-scanned", "", f.path+" could not be read")
			continue
		}
		seen := map[string]bool{}
		for _, s := range c.t.scanned(f.path, data) {
			pos := at(f.path, s.Line)
			pos.Col = s.Col
			switch {
			case s.Assignment && s.Likely:
				e.block(pos, "secret-assignment", assignmentHint(f.path, s.Key),
					fmt.Sprintf("matched secret assignment `%s`: %s", s.Key, s.Masked))
			case s.Assignment:
				e.warn(pos, "possible-secret", "a reviewer looks at it; a placeholder such as <your-api-key> is not reported",
					fmt.Sprintf("review possible secret field `%s`", s.Key))
			case s.Kind == "a private key":
				e.block(pos, "private-key", c.leaveOut(f.path)+"; keys belong in the plugin's credentials, never in its files",
					"matched private key block")
			default:
				// The validator reports one match per kind and line.
				key := fmt.Sprint(s.Line, s.Kind)
				if seen[key] {
					continue
				}
				seen[key] = true
				hint := "remove the token and revoke it; the plugin should read it from its credentials"
				if s.Placeholder {
					hint = fmt.Sprintf("this looks like a placeholder, but the marketplace blocks anything shaped like %s all the same; write it without the prefix's shape, e.g. <your %s> or %s...",
						strings.TrimPrefix(strings.TrimPrefix(s.Kind, "an "), "a "), vendorName(s.Kind), vendorPrefix(s.Masked))
				}
				e.block(pos, "vendor-token", hint, fmt.Sprintf("matched %s: %s", vendorLabel(s.Kind), s.Masked))
			}
		}
	}
}

// vendorLabel is the validator's name for a kind of token.
func vendorLabel(kind string) string {
	switch kind {
	case "an OpenAI-style API key":
		return "OpenAI-style API key"
	case "a GitHub token":
		return "GitHub token"
	case "a Slack token":
		return "Slack token"
	case "an AWS access key id":
		return "AWS access key id"
	case "a JWT":
		return "JWT token"
	}
	return kind
}

func vendorName(kind string) string {
	switch kind {
	case "an OpenAI-style API key":
		return "API key"
	case "a GitHub token":
		return "GitHub token"
	case "a Slack token":
		return "Slack token"
	case "an AWS access key id":
		return "AWS access key id"
	}
	return "token"
}

// vendorPrefix is a token's prefix followed by nothing a pattern matches.
func vendorPrefix(masked string) string {
	for _, p := range []string{"sk-", "ghp_", "gho_", "ghu_", "ghs_", "ghr_", "xoxb-", "xoxa-", "xoxp-", "xoxr-", "xoxs-", "AKIA", "eyJ"} {
		if strings.HasPrefix(masked, p) {
			return p
		}
	}
	return pytext.Strip(masked[:min(4, len(masked))])
}

func assignmentHint(file, key string) string {
	if strings.HasSuffix(file, ".py") {
		return fmt.Sprintf("read %s from the plugin's credentials instead of writing it in the code", key)
	}
	return fmt.Sprintf("leave %s empty or write a placeholder such as <your-%s>; real values belong in the plugin's credentials", key, strings.ToLower(strings.Trim(key, `"'`)))
}
