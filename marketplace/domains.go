package marketplace

import (
	"fmt"
	"net/netip"
	"sort"
	"strings"

	"github.com/dify-cli/dify/internal/lazyregexp"
	"github.com/dify-cli/dify/internal/pytext"
)

// The access_domains check lists the hosts the plugin's code names
// literally, as the marketplace shows them under "Access Domain", and
// warns about those manifest.yaml does not declare under network.domains.
// Links for people (documentation, the repository, help text) are left out.

const (
	maxHostsPerFile    = 20  // a file naming more is data, not configuration
	maxHostsPerPackage = 200 // backstop
)

var (
	urlRe       = lazyregexp.New("(?i)\\bhttps?://([^" + pytext.SpaceClass + "/?#\"'`<>)\\]}\\\\,;*]+|\\*\\.[^" + pytext.SpaceClass + "/?#\"'`<>)\\]}\\\\,;]+)")
	hostRe      = lazyregexp.New(`^(?:\*\.)?(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,}$`)
	yamlKeyRe   = lazyregexp.New(`^([` + pytext.SpaceClass + `]*)(?:-[` + pytext.SpaceClass + `]+)?([A-Za-z_$][\p{L}\p{N}_ .$-]*)[` + pytext.SpaceClass + `]*:`)
	schemaRefRe = lazyregexp.New(`(?i)(?:^|[` + pytext.SpaceClass + `"'{,])\$?(?:ref|schema)[` + pytext.SpaceClass + `]*[:=]`)
)

var excludedHosts = in("github.com", "www.github.com", "gist.github.com", "api.github.com", "raw.githubusercontent.com",
	"objects.githubusercontent.com", "codeload.github.com", "gitlab.com", "bitbucket.org", "www.w3.org", "w3.org",
	"json-schema.org", "schema.org", "spdx.org", "opensource.org", "www.apache.org", "apache.org", "www.gnu.org",
	"creativecommons.org", "purl.org", "xmlns.com", "schemas.openxmlformats.org", "pypi.org", "files.pythonhosted.org",
	"registry.npmjs.org", "cdn.jsdelivr.net", "cdnjs.cloudflare.com", "unpkg.com", "fonts.googleapis.com",
	"fonts.gstatic.com", "localhost", "host.docker.internal", "0.0.0.0", "broadcasthost", "stackoverflow.com",
	"www.stackoverflow.com", "en.wikipedia.org", "wikipedia.org", "example.com", "example.org", "example.net")

var excludedSuffixes = []string{".readthedocs.io", ".readthedocs.org", ".github.io", ".gitlab.io", ".example.com",
	".example.org", ".example.net", ".example", ".test", ".invalid", ".localhost", ".local"}

var (
	docLabels   = in("docs", "doc", "developer", "learn")
	docKeys     = in("url", "help", "privacy", "repo", "documentation", "doc_url", "document_url", "docs", "icon", "website", "homepage", "source")
	docAncestor = in("help", "oauth_schema")
	localeKeys  = in("en_us", "zh_hans", "zh_hant", "ja_jp", "ko_kr", "pt_br", "fr_fr", "de_de", "es_es", "ru_ru", "it_it",
		"vi_vn", "th_th", "tr_tr", "pl_pl", "uk_ua", "id_id", "hi_in", "ar_sa", "ro_ro", "sl_si", "fa_ir", "he_il", "nl_nl")
)

func normaliseHost(raw string) string {
	h := strings.ToLower(strings.Trim(pytext.Strip(raw), "."))
	if i := strings.LastIndexByte(h, '@'); i >= 0 {
		h = h[i+1:]
	}
	if strings.HasPrefix(h, "[") {
		return ""
	}
	h, _, _ = strings.Cut(h, ":")
	return h
}

// hasHTTP is a quick test for the URL expression: "http" in any case.
func hasHTTP(s string) bool {
	for i := 0; i+4 <= len(s); i++ {
		if (s[i] == 'h' || s[i] == 'H') && strings.EqualFold(s[i:i+4], "http") {
			return true
		}
	}
	return false
}

func hostsIn(text string) []string {
	if !hasHTTP(text) {
		return nil
	}
	var out []string
	for _, m := range urlRe().FindAllStringSubmatch(text, -1) {
		if h := normaliseHost(m[1]); h != "" {
			out = append(out, h)
		}
	}
	return out
}

// classify says what kind of host h is and whether to keep it.
func classify(h string) (kind string, keep bool) {
	if strings.HasPrefix(h, "*.") {
		return "wildcard", hostRe().MatchString(h)
	}
	if ip, err := netip.ParseAddr(h); err == nil {
		switch {
		case ip.IsLoopback():
			return "ip_private", false
		case ip.IsPrivate() || ip.IsLinkLocalUnicast() || ip.IsUnspecified():
			return "ip_private", true
		}
		return "ip_public", true
	}
	return "domain", hostRe().MatchString(h)
}

func excluded(h string) bool {
	if excludedHosts(h) {
		return true
	}
	for _, s := range excludedSuffixes {
		if strings.HasSuffix(h, s) {
			return true
		}
	}
	return docLabels(strings.Split(h, ".")[0])
}

type hostAt struct {
	line int
	host string
}

func yamlHosts(text string) []hostAt {
	if !hasHTTP(text) {
		return nil // every host is found on a line with http in it
	}
	type key struct {
		indent int
		name   string
	}
	var stack []key
	var out []hostAt
	for i, line := range pytext.Lines(text) {
		if m := yamlKeyRe().FindStringSubmatch(line); m != nil {
			indent := len([]rune(m[1]))
			for len(stack) > 0 && stack[len(stack)-1].indent >= indent {
				stack = stack[:len(stack)-1]
			}
			stack = append(stack, key{indent, m[2]})
		}
		var segments []string
		for _, k := range stack {
			if l := strings.ToLower(k.name); !localeKeys(l) {
				segments = append(segments, l)
			}
		}
		if !hasHTTP(line) || len(segments) > 0 && (docKeys(segments[len(segments)-1]) || anyOf(segments, docAncestor)) {
			continue
		}
		if schemaRefRe().MatchString(line) {
			continue
		}
		for _, h := range hostsIn(line) {
			out = append(out, hostAt{i + 1, h})
		}
	}
	return out
}

func plainHosts(text string) []hostAt {
	if !hasHTTP(text) {
		return nil
	}
	var out []hostAt
	for i, line := range pytext.Lines(text) {
		s := pytext.Strip(line)
		if !hasHTTP(s) || strings.HasPrefix(s, "#") || schemaRefRe().MatchString(s) {
			continue
		}
		for _, h := range hostsIn(line) {
			out = append(out, hostAt{i + 1, h})
		}
	}
	return out
}

type domain struct {
	host, kind string
	sources    []string // file:line, in the order found
}

// hostsFound are the hosts one source file names, found without Python:
// for a .py file they stand in when the interpreter gives no answer.
type hostsFound struct {
	path string
	py   bool
	hits []hostAt
}

// findHosts reads the source files for hosts, while the files are at hand;
// domains judges them once the interpreter has answered.
func (c *checker) findHosts() {
	for _, f := range c.t.sourceFiles() {
		text, ok := c.t.textOf(f.path)
		if !ok || text == "" {
			continue
		}
		h := hostsFound{path: f.path}
		switch strings.ToLower(pytext.Suffix(f.path)) {
		case ".py":
			h.py, h.hits = true, plainHosts(text)
		case ".yaml", ".yml":
			h.hits = yamlHosts(text)
		default:
			h.hits = plainHosts(text)
		}
		c.hosts = append(c.hosts, h)
	}
	c.declared = declaredDomains(c.manifestText())
}

func (c *checker) domains() {
	e := c.emit(Domains)
	collected := map[string]*domain{}
	var order []string
	skippedData, truncated := 0, false
	for _, src := range c.hosts {
		hits := src.hits
		if lits, ok := c.pythonHostsOf(src); ok {
			hits = nil
			for _, l := range lits {
				line, _ := l[0].(float64)
				s, _ := l[1].(string)
				for _, h := range hostsIn(s) {
					hits = append(hits, hostAt{int(line), h})
				}
			}
		}
		perFile := map[string][]string{}
		var fileOrder []string
		for _, h := range hits {
			if _, keep := classify(h.host); !keep || excluded(h.host) {
				continue
			}
			ev := fmt.Sprintf("%s:%d", src.path, h.line)
			if _, seen := perFile[h.host]; !seen {
				fileOrder = append(fileOrder, h.host)
			}
			if !contains(perFile[h.host], ev) {
				perFile[h.host] = append(perFile[h.host], ev)
			}
		}
		if len(perFile) > maxHostsPerFile {
			skippedData++
			continue
		}
		for _, h := range fileOrder {
			d := collected[h]
			if d == nil {
				if len(collected) >= maxHostsPerPackage {
					truncated = true
					continue
				}
				kind, _ := classify(h)
				d = &domain{host: h, kind: kind}
				collected[h] = d
				order = append(order, h)
			}
			for _, ev := range perFile[h] {
				if !contains(d.sources, ev) {
					d.sources = append(d.sources, ev)
				}
			}
		}
	}
	sort.Strings(order)
	declared := c.declared
	var undeclared []string
	for _, h := range order {
		d := collected[h]
		file, line := splitEvidence(d.sources[0])
		state := "declared in network.domains"
		if !matchesDeclaration(h, declared) {
			undeclared = append(undeclared, h)
			state = "not declared in network.domains"
		}
		e.warn(at(file, line), "outbound-domain", "", fmt.Sprintf("outbound domain %s [%s] (%s), %s", h, d.kind, strings.Join(d.sources[:min(3, len(d.sources))], ", "), state))
	}
	if c.runtime > 0 {
		e.warn(at(".", 0), "runtime-hosts", "declare the hosts those calls reach under network.domains in manifest.yaml",
			fmt.Sprintf("%d of %d outbound call site(s) build their address at runtime; those hosts cannot be extracted statically", c.runtime, c.calls))
	}
	if skippedData > 0 {
		e.warn(at(".", 0), "data-files", "", fmt.Sprintf("%d file(s) skipped as data payloads (more than the per-file host limit); their URLs are not treated as access domains", skippedData))
	}
	if truncated {
		e.warn(at(".", 0), "hosts-truncated", "", "host list truncated at the per-package limit")
	}
	if len(undeclared) > 0 {
		e.warn(at(manifestFile, 0), "undeclared-domains", "list them in manifest.yaml:\n    network:\n      domains:\n        - "+strings.Join(undeclared, "\n        - "),
			"domains reached by this plugin are missing from manifest.yaml network.domains: "+strings.Join(undeclared, ", "))
	}
	if len(declared) > 0 && len(order) == 0 {
		e.warn(at(manifestFile, 0), "declared-unseen", "", "manifest declares network.domains but the static scan found no literal hostname; this is expected for SDK-based plugins")
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func splitEvidence(ev string) (string, int) {
	i := strings.LastIndexByte(ev, ':')
	var n int
	fmt.Sscan(ev[i+1:], &n)
	return ev[:i], n
}

// declaredDomains reads manifest.yaml's top-level network.domains with the
// validator's line reader: a flat list, block or inline.
func declaredDomains(text string) []string {
	var out []string
	add := func(raw string) {
		v := strings.Trim(pytext.Strip(raw), `"'`)
		if i := strings.Index(v, "://"); i > 0 && schemeRe().MatchString(v[:i+1]) {
			v = v[i+3:]
		}
		v, _, _ = strings.Cut(v, "/")
		if h := normaliseHost(v); h != "" && !contains(out, h) {
			out = append(out, h)
		}
	}
	inNetwork, inDomains := false, false
	for _, line := range pytext.Lines(text) {
		s := pytext.Strip(line)
		if s == "" || strings.HasPrefix(strings.TrimLeftFunc(line, pytext.IsSpace), "#") {
			continue
		}
		indent := len([]rune(line)) - len([]rune(strings.TrimLeftFunc(line, pytext.IsSpace)))
		if indent == 0 {
			inNetwork = strings.TrimRight(strings.TrimRightFunc(s, pytext.IsSpace), ":") == "network" && strings.HasSuffix(s, ":")
			inDomains = false
			continue
		}
		if !inNetwork {
			continue
		}
		if strings.HasPrefix(s, "-") {
			if inDomains {
				item, _, _ := strings.Cut(s[1:], "#")
				add(item)
			}
			continue
		}
		k, v, _ := strings.Cut(s, ":")
		inDomains = pytext.Strip(k) == "domains"
		if inDomains {
			v = pytext.Strip(v)
			if strings.HasPrefix(v, "[") && strings.HasSuffix(v, "]") {
				for _, item := range strings.Split(v[1:len(v)-1], ",") {
					add(item)
				}
				inDomains = false
			}
		}
	}
	return out
}

func matchesDeclaration(h string, declared []string) bool {
	for _, d := range declared {
		if d == h {
			return true
		}
		if strings.HasPrefix(d, "*.") {
			suffix := d[1:]
			if strings.HasSuffix(h, suffix) && h != strings.TrimLeft(suffix, ".") || h == d[2:] {
				return true
			}
		}
	}
	return false
}

func (c *checker) manifestText() string {
	s, _ := c.t.textOf(manifestFile)
	return s
}
