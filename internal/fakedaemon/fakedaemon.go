// Package fakedaemon is a stand-in for the Dify plugin daemon's remote
// debugging port, for tests: the daemon's side of the handshake and the
// registration (remote-debug.md §2), its plain-text refusals, the timer on
// the handshake, and a record of every frame each connection sent.
package fakedaemon

import (
	"bufio"
	"encoding/json"
	"io"
	"net"
	"sync"
	"time"
)

// Frame is one registration frame a plugin sent.
type Frame struct {
	Type string          `json:"type"`
	Data json.RawMessage `json:"data"`
}

// Conn is what one connection did.
type Conn struct {
	Frames     []Frame
	Registered bool   // the end frame was accepted
	Refused    string // the plain-text reply it was closed with, if any
	Heartbeats int    // heartbeat events after registration
}

// Daemon accepts connections on a loopback port.
type Daemon struct {
	Key string
	// HandshakeTimeout is how long a connection may take to hand shake
	// before it is closed without a word (the daemon's 10 s).
	HandshakeTimeout time.Duration

	ln      net.Listener
	mu      sync.Mutex
	conns   []*Conn
	changed chan struct{}
}

// Start listens on 127.0.0.1 with a free port.
func Start(key string) (*Daemon, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	d := &Daemon{Key: key, HandshakeTimeout: 10 * time.Second, ln: ln, changed: make(chan struct{})}
	go d.accept()
	return d, nil
}

// Addr is host:port.
func (d *Daemon) Addr() string { return d.ln.Addr().String() }

// Close stops listening.
func (d *Daemon) Close() error { return d.ln.Close() }

// Conns returns a copy of what every connection did so far.
func (d *Daemon) Conns() []Conn {
	d.mu.Lock()
	defer d.mu.Unlock()
	out := make([]Conn, len(d.conns))
	for i, c := range d.conns {
		out[i] = *c
		out[i].Frames = append([]Frame(nil), c.Frames...)
	}
	return out
}

// Wait blocks until cond holds for the connections (checked after every
// change), or the deadline passes; it reports whether cond held.
func (d *Daemon) Wait(cond func([]Conn) bool, deadline time.Duration) bool {
	timeout := time.After(deadline)
	for {
		d.mu.Lock()
		ch := d.changed
		d.mu.Unlock()
		if cond(d.Conns()) {
			return true
		}
		select {
		case <-ch:
		case <-timeout:
			return cond(d.Conns())
		}
	}
}

func (d *Daemon) update(f func()) {
	d.mu.Lock()
	f()
	close(d.changed)
	d.changed = make(chan struct{})
	d.mu.Unlock()
}

func (d *Daemon) accept() {
	for {
		nc, err := d.ln.Accept()
		if err != nil {
			return
		}
		c := &Conn{}
		d.update(func() { d.conns = append(d.conns, c) })
		go d.serve(nc, c)
	}
}

// Registration frames that declare something the plugin provides.
var declarations = map[string]bool{
	"tool_declaration": true, "model_declaration": true, "endpoint_declaration": true,
	"agent_strategy_declaration": true, "datasource_declaration": true, "trigger_declaration": true,
}

func (d *Daemon) serve(nc net.Conn, c *Conn) {
	defer nc.Close()
	refuse := func(msg string) {
		nc.Write([]byte(msg))
		d.update(func() { c.Refused = msg })
		// Closing with the plugin's frames unread would reset the
		// connection, and the reset can reach the plugin before the
		// refusal does: stop writing, and read to the plugin's end.
		if tc, ok := nc.(*net.TCPConn); ok {
			tc.CloseWrite()
			nc.SetReadDeadline(time.Now().Add(5 * time.Second))
			io.Copy(io.Discard, nc)
		}
	}
	nc.SetReadDeadline(time.Now().Add(d.HandshakeTimeout))
	sc := bufio.NewScanner(nc)
	sc.Buffer(make([]byte, 64<<10), 64<<20)
	handshake, declared := false, false
	for sc.Scan() {
		line := sc.Bytes()
		if len(line) == 0 {
			continue
		}
		var f Frame
		if err := json.Unmarshal(line, &f); err != nil || f.Type == "" {
			refuse("handshake failed, invalid handshake message")
			return
		}
		d.update(func() { c.Frames = append(c.Frames, f) })
		switch {
		case f.Type == "handshake":
			if handshake {
				refuse("handshake already completed")
				return
			}
			var key struct {
				Key string `json:"key"`
			}
			json.Unmarshal(f.Data, &key)
			if key.Key != d.Key {
				refuse("handshake failed, invalid key")
				return
			}
			handshake = true
			nc.SetReadDeadline(time.Time{})
		case !handshake:
			refuse("handshake failed, invalid handshake message")
			return
		case declarations[f.Type]:
			declared = true
		case f.Type == "end":
			if !declared {
				refuse("no registration transferred, cannot initialize")
				return
			}
			d.update(func() { c.Registered = true })
			d.heartbeats(sc, c)
			return
		}
	}
}

// heartbeats counts the plugin's heartbeat events after registration.
func (d *Daemon) heartbeats(sc *bufio.Scanner, c *Conn) {
	for sc.Scan() {
		var ev struct {
			Event string `json:"event"`
		}
		if json.Unmarshal(sc.Bytes(), &ev) == nil && ev.Event == "heartbeat" {
			d.update(func() { c.Heartbeats++ })
		}
	}
}
