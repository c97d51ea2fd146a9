package filelock

import (
	"errors"
	"path/filepath"
	"testing"
)

func TestExclusiveExcludes(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.lock")
	a, err := Exclusive(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := TryExclusive(path); !errors.Is(err, ErrLocked) {
		t.Fatalf("a second exclusive lock: %v, want ErrLocked", err)
	}
	if err := a.Unlock(); err != nil {
		t.Fatal(err)
	}
	b, err := TryExclusive(path)
	if err != nil {
		t.Fatalf("after Unlock: %v", err)
	}
	b.Unlock()
}

func TestSharedLocksShareAndKeepExclusiveOut(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.lock")
	a, err := Exclusive(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Downgrade(); err != nil {
		t.Fatal(err)
	}
	b, err := Shared(path)
	if err != nil {
		t.Fatalf("a shared lock beside a downgraded one: %v", err)
	}
	if _, err := TryExclusive(path); !errors.Is(err, ErrLocked) {
		t.Fatalf("exclusive while shared locks are held: %v, want ErrLocked", err)
	}
	a.Unlock()
	b.Unlock()
	c, err := TryExclusive(path)
	if err != nil {
		t.Fatalf("after both let go: %v", err)
	}
	c.Unlock()
	var zero *Lock
	if err := zero.Unlock(); err != nil {
		t.Fatalf("unlocking nil: %v", err)
	}
}

func TestRemoveWhileOthersWait(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.lock")
	a, err := Exclusive(path)
	if err != nil {
		t.Fatal(err)
	}
	got := make(chan *Lock)
	go func() {
		b, err := Exclusive(path) // waits for a
		if err != nil {
			t.Error(err)
		}
		got <- b
	}()
	if err := a.Remove(); err != nil {
		t.Fatal(err)
	}
	b := <-got
	defer b.Unlock()
	// b holds the file now at path, not the removed one: nobody else can
	// take it.
	if _, err := TryExclusive(path); !errors.Is(err, ErrLocked) {
		t.Fatalf("after Remove, the waiter's lock does not exclude others: %v", err)
	}
}
