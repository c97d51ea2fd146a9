// Package explain says why a Dify refused to install a plugin, and what to
// change: it knows the errors the plugin daemon returns on the install path
// (upload, decoding, signature, size, the Python environment), read from its
// source (langgenius/dify-plugin-daemon), and the ones the docker-compose
// setup adds in front of it. Given the text a user saw (the message in
// Dify's page, or an excerpt of the daemon's log) it finds each error in it.
package explain

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/dify-cli/dify/internal/lazyregexp"
)

// Entry is one error the daemon (or what stands before it) returns.
type Entry struct {
	ID     string // a short name: dify plugin explain ID shows it
	Title  string
	Source string // where it comes from
	Cause  string
	// Fix says what to change; Detail, when set, adds what the matched
	// text tells (a limit, a package) from the expression's groups, which
	// end with the whole text.
	Fix    []string
	Detail func(groups []string) string
	match  func() *regexp.Regexp
}

// Found is an entry found in a text.
type Found struct {
	*Entry
	At     int      // where in the text
	Text   string   // what matched
	Groups []string // the expression's groups, then the whole text
}

// Explain is what Detail adds, if anything: nothing for an entry shown by
// its ID, which matched no text.
func (f Found) Explain() string {
	if f.Detail == nil || len(f.Groups) == 0 {
		return ""
	}
	return f.Detail(f.Groups)
}

// restart is how a docker-compose Dify takes a changed docker/.env: `docker
// compose restart` keeps the containers' old environment.
const restart = "then recreate the containers: `docker compose down && docker compose up -d` in Dify's docker folder (`docker compose restart` keeps the old settings)"

// Catalogue lists every error, most specific first: a text that matches
// several reports each once, in the order they appear in it.
func Catalogue() []*Entry {
	return entries
}

var entries = []*Entry{
	{
		ID:     "bad-signature",
		Title:  "The package is not signed by a key this Dify trusts",
		Source: "plugin daemon, internal/service/plugin_decoder.go",
		match:  lazyregexp.New(`plugin verification has been enabled, and the plugin you want to install has a bad signature`),
		Cause: "FORCE_VERIFYING_SIGNATURE is true (the default): the daemon installs only packages signed by the Dify Marketplace, " +
			"or by a key listed in THIRD_PARTY_SIGNATURE_VERIFICATION_PUBLIC_KEYS. A package you built, repackaged (--offline) or downloaded " +
			"from GitHub has no such signature, and editing a signed package breaks its signature.",
		Fix: []string{
			"either set FORCE_VERIFYING_SIGNATURE=false in docker/.env, " + restart,
			"or sign the package (`dify signature generate acme`, `dify plugin package DIR --sign acme.private.pem`), copy acme.public.pem into the daemon's container (a volume), and set THIRD_PARTY_SIGNATURE_VERIFICATION_ENABLED=true and THIRD_PARTY_SIGNATURE_VERIFICATION_PUBLIC_KEYS=/path/in/container/acme.public.pem, " + restart,
			"check a package before uploading it: `dify signature verify PKG --public-key acme.public.pem`",
		},
	},
	{
		ID:     "too-large-uncompressed",
		Title:  "The package's files are larger than the daemon allows",
		Source: "plugin daemon, pkg/plugin_packager/decoder/zip.go",
		match:  lazyregexp.New(`plugin package size is too large, please ensure the uncompressed size is less than (\d+) bytes`),
		Cause:  "The daemon adds up the uncompressed size of every file of the package and refuses it over MAX_PLUGIN_PACKAGE_SIZE (52428800 bytes, 50 MiB, by default). Offline packages, which carry wheels, often are.",
		Fix: []string{
			"raise the limit: in docker/.env set PLUGIN_MAX_PACKAGE_SIZE (docker-compose passes it to the API and, as MAX_PLUGIN_PACKAGE_SIZE, to the daemon) to at least the package's uncompressed size, which `dify plugin inspect PKG` prints; " + restart,
			"or make the package smaller: `dify plugin package --offline --platform linux/amd64` carries the wheels of one platform only, and .difyignore leaves out what the plugin does not need",
		},
		Detail: func(g []string) string {
			n, err := strconv.ParseInt(g[1], 10, 64)
			if err != nil {
				return ""
			}
			return fmt.Sprintf("The limit of this Dify is %d bytes (%.1f MiB).", n, float64(n)/(1<<20))
		},
	},
	{
		ID:     "upload-too-large",
		Title:  "The uploaded file is larger than the daemon takes",
		Source: "plugin daemon, internal/server/controllers/plugins.go",
		match:  lazyregexp.New(`file size exceeds the maximum limit`),
		Cause:  "The package file is over MAX_PLUGIN_PACKAGE_SIZE (50 MiB by default) before it is even opened.",
		Fix: []string{
			"in docker/.env set PLUGIN_MAX_PACKAGE_SIZE above the file's size (docker-compose passes it to the API and the daemon), and NGINX_CLIENT_MAX_BODY_SIZE too; " + restart,
		},
	},
	{
		ID:     "nginx-413",
		Title:  "nginx refused the upload",
		Source: "nginx in front of Dify (docker-compose)",
		match:  lazyregexp.New(`(?i)413 Request Entity Too Large|Request Entity Too Large|client intended to send too large body`),
		Cause:  "The upload is larger than nginx's client_max_body_size (NGINX_CLIENT_MAX_BODY_SIZE in Dify's docker-compose setup): nginx answers 413 before Dify sees the file.",
		Fix: []string{
			"in docker/.env set NGINX_CLIENT_MAX_BODY_SIZE above the package file's size (for example 200M), " + restart,
			"a reverse proxy of your own in front of Dify has its own limit (client_max_body_size in nginx, proxy-body-size in Kubernetes ingress-nginx)",
		},
	},
	{
		ID:     "not-a-package",
		Title:  "The file is not a plugin package",
		Source: "plugin daemon, pkg/plugin_packager/decoder/zip.go",
		match:  lazyregexp.New(`difypkg: not a valid difypkg file|not a valid zip file|zip: not a valid zip`),
		Cause:  "A .difypkg is a zip file; this one is not: a download that saved an HTML error page, a file cut short, or a file renamed to .difypkg.",
		Fix: []string{
			"check the file: `dify plugin inspect PKG` reads it and says what is wrong",
			"download it again, or build it again with `dify plugin package DIR`",
		},
	},
	{
		ID:     "illegal-path",
		Title:  "The package holds a file outside its folder",
		Source: "plugin daemon, pkg/plugin_packager/decoder/zip.go",
		match:  lazyregexp.New(`illegal file path in plugin package: ("[^"]*"|\S+)`),
		Cause:  "An entry's name is absolute or climbs out with `..`: the daemon refuses the package rather than write outside the plugin's folder. Packages made by hand with zip tools can have such names.",
		Fix:    []string{"build the package with `dify plugin package DIR`, which never writes such names; `dify plugin inspect PKG` lists the entries"},
		Detail: func(g []string) string { return "The entry: " + g[1] + "." },
	},
	{
		ID:     "author-uuid",
		Title:  "The author is a UUID",
		Source: "plugin daemon, internal/service/plugin_decoder.go",
		match:  lazyregexp.New(`cannot set author to an UUID`),
		Cause:  "The daemon keeps authors that look like UUIDs for plugins installed through remote debugging.",
		Fix:    []string{"set `author` in manifest.yaml (and in every provider's identity) to a name, such as your GitHub handle; `dify plugin validate` checks it"},
	},
	{
		ID:     "manifest",
		Title:  "The manifest or a declaration is not valid",
		Source: "plugin daemon, internal/core/plugin_manager/packages.go and pkg/plugin_packager/decoder/helper.go",
		match:  lazyregexp.New(`illegal plugin manifest|failed to (?:unmarshal|read) (?:plugin|tool|endpoint|model|agent strategy|datasource|trigger|event|llm position|text embedding position|rerank position|tts position|speech2text position|moderation position) file: (\S+)|plugin_unique_identifier.*not valid|Key: '[A-Za-z.]+' Error:Field validation`),
		Cause:  "The daemon checks manifest.yaml and every file it names against its schema; one of them does not fit (a missing field, a wrong type, a name out of its pattern, a file that is not there).",
		Fix:    []string{"run `dify plugin validate DIR` (or on the package): it applies the daemon's rules and names the file, the line and the fix"},
		Detail: func(g []string) string {
			if g[1] != "" {
				return "The file: " + g[1] + "."
			}
			return ""
		},
	},
	{
		ID:     "icon",
		Title:  "An icon the plugin names is not in the package",
		Source: "plugin daemon, pkg/plugin_packager/decoder/helper.go",
		match:  lazyregexp.New(`(plugin|plugin dark|tool|trigger|datasource|model icon (?:small|large) \w+) icon not found|model icon (small|large) (\w+) not found`),
		Cause:  "manifest.yaml's icon (and icon_dark), or a provider's icon, names a file that is not in _assets/ of the package (a typo, a different case, or a file left out by .difyignore).",
		Fix:    []string{"put the file in _assets/ under the exact name, or correct the name; `dify plugin validate DIR` checks every icon, and `dify plugin package` refuses a missing one"},
	},
	{
		ID:     "identifier-mismatch",
		Title:  "The package changed between upload and install",
		Source: "plugin daemon, internal/core/plugin_manager/packages.go",
		match:  lazyregexp.New(`plugin unique identifier mismatch|original and new plugin unique identifier are the same`),
		Cause:  "The identifier (author/name:version@checksum) Dify asked to install is not the one of the stored package; or an upgrade names the version already installed.",
		Fix:    []string{"upload the package again; for an upgrade, raise `version` in manifest.yaml (`dify plugin bump`) and package again"},
	},
	{
		ID:     "package-not-uploaded",
		Title:  "The package is not in the daemon's storage",
		Source: "plugin daemon, internal/core/plugin_manager/packages.go",
		match:  lazyregexp.New(`plugin package not found, please upload it firstly`),
		Cause:  "Dify asked the daemon to install a package it no longer has: the daemon's storage (a volume, or S3-compatible storage) was reset or is not shared between daemon replicas.",
		Fix:    []string{"upload the package again; with several daemon replicas, give them one shared storage (PLUGIN_STORAGE_TYPE and its settings)"},
	},
	{
		ID:     "no-dependency-file",
		Title:  "The plugin has no dependency file",
		Source: "plugin daemon, internal/core/local_runtime/setup_python_environment.go",
		match:  lazyregexp.New(`neither pyproject\.toml nor requirements\.txt found in plugin directory`),
		Cause:  "The daemon installs a plugin's dependencies from pyproject.toml or requirements.txt, and the package has neither (a .difyignore that leaves them out, or a plugin made by hand).",
		Fix:    []string{"add requirements.txt (with dify_plugin at least) and package again; `dify plugin package` generates one from uv.lock when it is missing"},
	},
	{
		ID:     "install-timeout",
		Title:  "Installing the dependencies stalled",
		Source: "plugin daemon, internal/core/local_runtime/setup_python_environment.go",
		match:  lazyregexp.New(`init process exited due to no activity for (\d+) seconds`),
		Cause:  "uv printed nothing for PYTHON_ENV_INIT_TIMEOUT seconds while installing the plugin's dependencies: almost always an index that cannot be reached (a Dify without internet, a firewall, a proxy the container does not know), sometimes a very large download.",
		Fix: []string{
			"a Dify without internet: install an offline package, which carries its wheels: `dify plugin package DIR --offline` (or PKG --offline to repackage a marketplace plugin)",
			"a Dify behind a mirror: set PIP_MIRROR_URL for the daemon (docker/.env), " + restart,
			"a slow link: raise PYTHON_ENV_INIT_TIMEOUT",
		},
		Detail: func(g []string) string { return "This Dify waits " + g[1] + " seconds." },
	},
	{
		ID:     "no-network",
		Title:  "The daemon cannot reach the package index",
		Source: "uv, run by the plugin daemon (internal/core/local_runtime)",
		match:  lazyregexp.New(`(?i)(?:Failed to fetch|Could not connect|error sending request for url|dns error|failed to lookup address|Connection refused|Network is unreachable|Temporary failure in name resolution|operation timed out|tcp connect error)[^\n]*?(?:pypi\.org|files\.pythonhosted\.org|https?://[^\s'")]+)`),
		Cause:  "uv, installing the plugin's dependencies, could not download from the index: the Dify has no internet, or a firewall or proxy stands in the way.",
		Fix: []string{
			"install an offline package, which carries every wheel for linux/amd64 and linux/arm64: `dify plugin package DIR --offline`, or `dify plugin package PKG --offline` for a marketplace plugin",
			"or point the daemon at a mirror it can reach: PIP_MIRROR_URL in docker/.env (the daemon then prefers requirements.txt), " + restart,
			"a proxy: set HTTP_PROXY, HTTPS_PROXY and NO_PROXY for the plugin_daemon service",
		},
	},
	{
		ID:     "no-wheel",
		Title:  "A dependency has no version the daemon can install",
		Source: "uv (or pip), run by the plugin daemon",
		match:  lazyregexp.New(`(?i)No solution found when resolving dependencies|there is no version of ([A-Za-z0-9._-]+)|No matching distribution found for ([A-Za-z0-9._-]+[^\s]*)|Could not find a version that satisfies the requirement ([^\s]+)|has no wheels? (?:with a matching|for the current platform)|doesn't have a source distribution or wheel for the current platform`),
		Cause: "uv found no version of a dependency that installs there: in an offline package, a wheel for another Python (the daemon installs with Python 3.12, whatever meta.runner.version says) or another platform (linux/amd64 or linux/arm64, glibc 2.39); " +
			"from an index, versions that conflict, or a package with no wheel for Linux and no way to build it.",
		Fix: []string{
			"an offline package: build it again with dify, which picks the wheels for Python 3.12 and each platform: `dify plugin package DIR --offline` (`--dry-run` lists them)",
			"conflicting versions: `uv lock` in the plugin, then try it as the daemon would: `dify plugin run DIR`",
		},
		Detail: func(g []string) string {
			if m := wheelPackage().FindStringSubmatch(g[len(g)-1]); m != nil {
				for _, s := range m[1:] {
					if s != "" {
						return "The package: " + s + "."
					}
				}
			}
			return ""
		},
	},
	{
		ID:     "install-failed",
		Title:  "Installing the dependencies failed",
		Source: "plugin daemon, internal/core/local_runtime/setup_python_environment.go",
		match:  lazyregexp.New(`failed to install dependencies: ([^\n,]*)`),
		Cause:  "uv exited with an error while installing the plugin's dependencies; what it printed follows `output:` in the message (another entry may say more about it).",
		Fix: []string{
			"try the install as the daemon does, on your machine: `dify plugin run DIR` builds the same environment (Python 3.12, the same dependency file) and prints uv's output",
			"read the daemon's log for the whole output: `docker compose logs plugin_daemon`",
		},
	},
	{
		ID:     "uv-missing",
		Title:  "The daemon has no uv",
		Source: "plugin daemon, internal/core/local_runtime/setup_python_environment.go",
		match:  lazyregexp.New(`failed to find uv path`),
		Cause:  "The daemon installs dependencies with uv, and cannot find it: an image of your own without uv, or UV_PATH pointing nowhere.",
		Fix:    []string{"use the official langgenius/dify-plugin-daemon image, or install uv in yours and set UV_PATH to it"},
	},
	{
		ID:     "venv-failed",
		Title:  "The daemon could not create the plugin's Python environment",
		Source: "plugin daemon, internal/core/local_runtime/setup_python_environment.go",
		match:  lazyregexp.New(`failed to create virtual environment|failed to find python|virtual environment is invalid`),
		Cause:  "uv venv failed: no Python 3.12 where the daemon looks (PYTHON_INTERPRETER_PATH), or no space or permission in the daemon's working directory.",
		Fix:    []string{"check PYTHON_INTERPRETER_PATH and the free space of the daemon's volume (`docker compose exec plugin_daemon df -h /app/storage`), then install again"},
	},
	{
		ID:     "compile-failed",
		Title:  "The plugin's Python does not compile",
		Source: "plugin daemon, internal/core/local_runtime/environment_python.go",
		match:  lazyregexp.New(`failed to pre-compile the plugin`),
		Cause:  "The daemon compiles the plugin's .py files after installing its dependencies; one has a syntax error for Python 3.12.",
		Fix:    []string{"`dify plugin validate --marketplace DIR` compiles every file with Python and names the line; `dify plugin run DIR` starts it as the daemon would"},
	},
	{
		ID:     "launch-failed",
		Title:  "The plugin did not start",
		Source: "plugin daemon, internal/core/plugin_manager/installer.go",
		match:  lazyregexp.New(`failed to launch plugin: ([^\n]*)|failed to init environment`),
		Cause:  "The dependencies installed but the plugin exited before it was ready: an import that fails (a dependency missing from requirements.txt), an error in its start, or a missing entrypoint.",
		Fix: []string{
			"start it as the daemon would, on your machine: `dify plugin run DIR -l` shows its stderr and the first error",
			"`docker compose logs plugin_daemon` has the plugin's own output",
		},
	},
	{
		ID:     "module-missing",
		Title:  "The plugin imports a module that is not installed",
		Source: "Python, in the plugin's output",
		match:  lazyregexp.New(`ModuleNotFoundError: No module named '([^']+)'`),
		Cause:  "The plugin imports a package its dependency file does not name; it worked on your machine because the package was installed there.",
		Fix:    []string{"add the package to requirements.txt (or pyproject.toml, then `uv lock`), package again, and check with `dify plugin run DIR` in a clean environment (`--refresh`)"},
		Detail: func(g []string) string { return "The module: " + g[1] + "." },
	},
}

// wheelPackage names the package in uv's and pip's messages.
var wheelPackage = lazyregexp.New(`there is no version of ([A-Za-z0-9._-]+(?:[=<>!~]=?[^\s,]+)?)|No matching distribution found for ([A-Za-z0-9._-]+[^\s]*)|Could not find a version that satisfies the requirement ([^\s]+)`)

// Find returns the entries found in text, in the order they appear; an
// entry found more than once is reported once.
func Find(text string) []Found {
	var out []Found
	for _, e := range entries {
		m := e.match().FindStringSubmatchIndex(text)
		if m == nil {
			continue
		}
		// The groups, then the whole text, for what Detail looks for.
		groups := make([]string, len(m)/2+1)
		for i := range len(m) / 2 {
			if m[2*i] >= 0 {
				groups[i] = text[m[2*i]:m[2*i+1]]
			}
		}
		groups[len(groups)-1] = text
		out = append(out, Found{Entry: e, At: m[0], Text: groups[0], Groups: groups})
	}
	slices.SortStableFunc(out, func(a, b Found) int { return a.At - b.At })
	return out
}

// ByID returns the entry with the given ID, or nil.
func ByID(id string) *Entry {
	id = strings.ToLower(strings.TrimSpace(id))
	for _, e := range entries {
		if e.ID == id {
			return e
		}
	}
	return nil
}
