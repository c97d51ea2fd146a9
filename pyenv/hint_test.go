package pyenv

import (
	"strings"
	"testing"
)

func TestInstallHint(t *testing.T) {
	for _, c := range []struct {
		name, output, want string
	}{
		{"pip offline", `Looking in links: /opt/wheels
WARNING: Retrying (Retry(total=0, connect=None, read=None, redirect=None, status=None)) after connection broken by 'NewConnectionError('<pip._vendor.urllib3.connection.HTTPSConnection object at 0x7fd8e90378c0>: Failed to establish a new connection: [Errno -2] Name or service not known')': /simple/dify-plugin/
ERROR: Could not find a version that satisfies the requirement dify_plugin<0.11.0,>=0.10.0 (from versions: none)
ERROR: No matching distribution found for dify_plugin<0.11.0,>=0.10.0`, "could not be reached"},
		{"pip through a dead proxy", `WARNING: Retrying (Retry(total=4, connect=None, read=None, redirect=None, status=None)) after connection broken by 'ProxyError('Cannot connect to proxy.', NewConnectionError(...))': /simple/requests/`, "could not be reached"},
		{"uv offline", "error: Failed to fetch: `https://pypi.org/simple/requests/`\n  Caused by: Request failed after 3 retries\n  Caused by: error sending request for url (https://pypi.org/simple/requests/)\n  Caused by: client error (Connect)\n  Caused by: dns error: failed to lookup address information: Name or service not known", "could not be reached"},
		{"pip no such version", "ERROR: Could not find a version that satisfies the requirement no-such-package-anywhere==9.9 (from versions: none)\nERROR: No matching distribution found for no-such-package-anywhere==9.9", "has no version of a requirement"},
		{"uv no such version", "  × No solution found when resolving dependencies:\n  ╰─▶ Because there is no version of no-such-package==9.9 and you require no-such-package==9.9, we can conclude that your requirements are unsatisfiable.", "has no version of a requirement"},
		{"a build failure", "error: subprocess-exited-with-error\n  × Building wheel for lxml (pyproject.toml) did not run successfully.", ""},
	} {
		got := installHint(c.output)
		if c.want == "" && got != "" || !strings.Contains(got, c.want) {
			t.Errorf("%s: hint %q, want one saying %q", c.name, got, c.want)
		}
	}
}
