// Package tcpproxy is a test helper: a loopback TCP relay that a test can cut
// and restore to play an outage between rollcall and its database.
package tcpproxy

import (
	"io"
	"net"
	"sync"
	"testing"
)

// Proxy relays loopback TCP connections to a target. Cutting it closes
// its listener and every relayed connection, as a network or database
// outage would; restoring it listens again on the same address.
type Proxy struct {
	target string
	addr   string

	mu    sync.Mutex
	ln    net.Listener // nil while cut
	conns map[net.Conn]struct{}
	wg    sync.WaitGroup
}

// Start relays a free loopback port to target until the test ends.
func Start(t testing.TB, target string) *Proxy {
	t.Helper()

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("proxy listen: %v", err)
	}
	p := &Proxy{target: target, addr: ln.Addr().String(), conns: map[net.Conn]struct{}{}}
	p.accept(ln)
	t.Cleanup(func() {
		p.Cut()
		p.wg.Wait()
	})
	return p
}

// Addr returns the loopback address the proxy listens on.
func (p *Proxy) Addr() string {
	return p.addr
}

// accept relays each connection ln accepts until ln is closed.
func (p *Proxy) accept(ln net.Listener) {
	p.mu.Lock()
	p.ln = ln
	p.mu.Unlock()

	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			p.relay(c)
		}
	}()
}

// relay dials the target for client and copies bytes both ways.
func (p *Proxy) relay(client net.Conn) {
	server, err := net.Dial("tcp", p.target)
	if err != nil {
		_ = client.Close()
		return
	}
	if !p.track(client, server) {
		return
	}

	p.wg.Add(2)
	go p.copy(server, client)
	go p.copy(client, server)
}

// track records a relayed pair, or closes it when the proxy was cut while
// the target was being dialled, so no connection outlives a cut.
func (p *Proxy) track(a, b net.Conn) bool {
	p.mu.Lock()
	defer p.mu.Unlock()

	if p.ln == nil {
		_ = a.Close()
		_ = b.Close()
		return false
	}
	p.conns[a], p.conns[b] = struct{}{}, struct{}{}
	return true
}

func (p *Proxy) copy(dst, src net.Conn) {
	defer p.wg.Done()

	_, _ = io.Copy(dst, src) // Either side closing ends the relay.
	_ = dst.Close()
	_ = src.Close()

	p.mu.Lock()
	delete(p.conns, dst)
	delete(p.conns, src)
	p.mu.Unlock()
}

// Cut closes the listener and every relayed connection.
func (p *Proxy) Cut() {
	p.mu.Lock()
	defer p.mu.Unlock()

	if p.ln != nil {
		_ = p.ln.Close()
		p.ln = nil
	}
	for c := range p.conns {
		_ = c.Close()
	}
	clear(p.conns)
}

// Restore listens again on the address the proxy had before the cut.
func (p *Proxy) Restore(t testing.TB) {
	t.Helper()

	ln, err := net.Listen("tcp", p.addr)
	if err != nil {
		t.Fatalf("proxy listen again on %s: %v", p.addr, err)
	}
	p.accept(ln)
}
