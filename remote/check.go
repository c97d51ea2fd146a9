package remote

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strings"
	"syscall"
	"time"
	"unicode"
	"unicode/utf8"
)

// Step is one check and what it found.
type Step struct {
	Name   string // resolve, connect, key
	OK     bool
	Detail string // what was seen
	Hint   string // the likely cause and the fix, when it failed
}

// CheckOptions tune Check.
type CheckOptions struct {
	// Timeout bounds the connection and the wait for the daemon's reply;
	// 10 s (the daemon's own handshake timer) when zero.
	Timeout time.Duration
}

// cloudHosts are Dify Cloud's debugging hosts (current and older docs).
var cloudHosts = []string{"debug-plugin.dify.dev", "debug.dify.ai"}

func isCloud(host string) bool {
	for _, h := range cloudHosts {
		if strings.EqualFold(host, h) {
			return true
		}
	}
	return false
}

// Check tries what the plugin will do, one step at a time, and stops at
// the first that fails: the host resolves, the port takes a connection,
// and the daemon takes the key. The key is tried with the handshake the
// SDK sends, followed at once by an empty registration, which the daemon
// refuses with a message that tells an accepted key from a refused one
// and registers nothing.
func Check(ctx context.Context, c Config, o CheckOptions) []Step {
	timeout := o.Timeout
	if timeout <= 0 {
		timeout = 10 * time.Second
	}
	var steps []Step

	if net.ParseIP(c.Host) == nil {
		addrs, err := net.DefaultResolver.LookupHost(ctx, c.Host)
		if err != nil {
			hint := "check the host: Dify shows the debugging address in Plugins → Debug (a self-hosted Dify sets it with PLUGIN_REMOTE_INSTALL_HOST)."
			if strings.Contains(c.Host, "dify") && !isCloud(c.Host) {
				hint += " Dify Cloud's is debug-plugin.dify.dev:5003 (older docs say debug.dify.ai:5003)."
			}
			return append(steps, Step{Name: "resolve", Detail: fmt.Sprintf("%s does not resolve: %v", c.Host, unwrapDNS(err)), Hint: hint})
		}
		steps = append(steps, Step{Name: "resolve", OK: true, Detail: fmt.Sprintf("%s is %s", c.Host, strings.Join(addrs, ", "))})
	}

	dialer := net.Dialer{Timeout: timeout}
	conn, err := dialer.DialContext(ctx, "tcp", c.Address())
	if err != nil {
		step := Step{Name: "connect", Detail: fmt.Sprintf("cannot connect to %s: %v", c.Address(), unwrapOp(err))}
		switch {
		case errors.Is(err, syscall.ECONNREFUSED):
			step.Hint = "nothing listens on that port. On a self-hosted Dify, remote debugging must be on in the plugin daemon (PLUGIN_REMOTE_INSTALLING_ENABLED=true) and its port published (with docker-compose, EXPOSE_PLUGIN_DEBUGGING_PORT, 5003 by default); check the port Dify shows in Plugins → Debug."
		case errors.Is(err, os.ErrDeadlineExceeded) || isTimeout(err):
			step.Hint = "no answer: a firewall drops the connection, or the host is not the plugin daemon's. Check the address in Plugins → Debug, and that the port is open from this machine."
		default:
			step.Hint = "check the address in Plugins → Debug, and the network between this machine and Dify."
		}
		return append(steps, step)
	}
	defer conn.Close()
	steps = append(steps, Step{Name: "connect", OK: true, Detail: "connected to " + conn.RemoteAddr().String()})

	conn.SetDeadline(time.Now().Add(timeout))
	handshake, _ := json.Marshal(map[string]any{"type": "handshake", "data": map[string]string{"key": c.Key}})
	probe := append(append(handshake, '\n'), `{"type":"end","data":{}}`+"\n"...)
	if _, err := conn.Write(probe); err != nil {
		return append(steps, Step{Name: "key", Detail: "the connection broke while sending the handshake: " + err.Error(),
			Hint: "try again; if it keeps failing, the port is not the plugin daemon's debugging port."})
	}
	reply, err := bufio.NewReader(io.LimitReader(conn, 4096)).ReadString('\n')
	reply = strings.TrimSpace(reply)
	if reply != "" && err != nil && isTimeout(err) {
		return append(steps, Step{Name: "key", Detail: fmt.Sprintf("the reply stopped half-way: %s, then nothing for %s", showReply(reply), timeout),
			Hint: "the daemon's replies are one short line; a reply cut off points at a slow or broken connection, or at a port that is not the plugin daemon's. Try again, and check the address in Plugins → Debug."})
	}
	if reply == "" {
		switch {
		case err != nil && isTimeout(err):
			return append(steps, Step{Name: "key", Detail: fmt.Sprintf("nothing came back within %s: the key was not refused (the daemon refuses a key it does not know at once), and the registration got no answer", timeout),
				Hint: "the plugin daemon answers both at once, so either it is stuck or overloaded (its logs say), or this port is not the plugin daemon's debugging port: check the address in Plugins → Debug."})
		default:
			return append(steps, Step{Name: "key", Detail: "the connection was closed without a reply",
				Hint: "the plugin daemon closes a connection silently when the handshake comes too late (10 s) or the connection is not its own; check that the address is the debugging port Dify shows in Plugins → Debug."})
		}
	}
	return append(steps, judge(reply, c))
}

// judge explains the daemon's reply to the probe.
func judge(reply string, c Config) Step {
	step := Step{Name: "key", Detail: "the daemon replied " + showReply(reply)}
	switch {
	case strings.HasPrefix(reply, "no registration transferred"):
		step.OK = true
		step.Detail = fmt.Sprintf("the daemon accepts the key %s: it replied %s to an empty registration, its answer once a key is accepted (nothing was registered)", c.MaskedKey(), showReply(reply))
	case strings.HasPrefix(reply, "server is busy"):
		step.Hint = "the key is accepted, but the daemon has as many debugging connections as it takes (PLUGIN_REMOTE_INSTALLING_MAX_CONN, 256 by default, counts every workspace's); stop other debugging sessions or try again later."
	default:
		step.Hint = Explain(reply, c)
	}
	return step
}

// Explain says what a refusal from the daemon means and what to do; it
// also reads the SDK's report of one ("An error occurred while parsing the
// data: b'handshake failed, invalid key'").
func Explain(reply string, c Config) string {
	switch {
	case strings.Contains(reply, "handshake failed, invalid key"):
		other := "Dify Cloud (debug-plugin.dify.dev)"
		if isCloud(c.Host) {
			other = "a self-hosted Dify"
		}
		return "the daemon does not know this key. A debugging key expires 2 hours after Dify last showed it (open Plugins → Debug again to renew it), belongs to the workspace it was copied in, and a key from " +
			other + " does not work here. Copy the key again from Plugins → Debug of the right workspace."
	case strings.Contains(reply, "failed to get connection info"):
		return "the daemon could not look the key up (its Redis is unreachable or failing); this is a problem of the Dify installation, not of the plugin."
	case strings.Contains(reply, "invalid handshake message"):
		return "the daemon could not read the handshake; this happens when something between this machine and Dify changes the traffic (a proxy that is not plain TCP)."
	case strings.Contains(reply, "invalid plugin declaration"), strings.Contains(reply, "register failed"), strings.Contains(reply, "invalid manifest"):
		return "the daemon refused the plugin's declarations; run `dify plugin validate` and fix what it reports."
	case strings.Contains(reply, "assets too large"):
		return "the files in _assets/ add up to more than 50 MB; the daemon refuses that in debugging."
	}
	return "this is not a reply the plugin daemon gives; check that the address is the debugging port Dify shows in Plugins → Debug."
}

// showReply quotes a reply for people: text up to 200 characters, and
// only a size for anything longer or not text.
func showReply(reply string) string {
	printable := utf8.ValidString(reply) && strings.IndexFunc(reply, func(r rune) bool { return !unicode.IsPrint(r) && r != '\t' }) < 0
	switch {
	case !printable:
		return fmt.Sprintf("%d bytes that are not text", len(reply))
	case utf8.RuneCountInString(reply) > 200:
		return fmt.Sprintf("%q... (%d bytes)", string([]rune(reply)[:200]), len(reply))
	}
	return fmt.Sprintf("%q", reply)
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

func unwrapDNS(err error) error {
	var dns *net.DNSError
	if errors.As(err, &dns) {
		if dns.IsNotFound {
			return errors.New("no such host")
		}
		return errors.New(dns.Err)
	}
	return err
}

func unwrapOp(err error) error {
	var op *net.OpError
	if errors.As(err, &op) && op.Err != nil {
		var sys *os.SyscallError
		if errors.As(op.Err, &sys) {
			return sys.Err
		}
		return op.Err
	}
	return err
}
