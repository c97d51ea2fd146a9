package sign

import (
	"bytes"
	"crypto/rsa"
	"errors"
	"os"
	"testing"
	"time"
)

// Interoperability with packages and keys made by the official tool
// (testdata/official): its signed package verifies here, and signing its
// unsigned package at the same time, with the record as it writes it,
// gives its signed package byte for byte.
func TestOfficialToolInterop(t *testing.T) {
	read := func(name string) []byte {
		data, err := os.ReadFile("../testdata/official/" + name)
		if err != nil {
			t.Fatal(err)
		}
		return data
	}
	pub, err := ParsePublicKey(read("fixture.public.pem"))
	if err != nil {
		t.Fatal(err)
	}
	priv, err := ParsePrivateKey(read("fixture.private.pem"))
	if err != nil {
		t.Fatal(err)
	}
	signed := read("demo.signed.difypkg")
	v, err := Verify(reader(t, signed), []*rsa.PublicKey{pub})
	if err != nil || v.Category != "community" || v.NamesCovered || v.Time.Unix() != 1796021588 {
		t.Fatalf("the official signed package: %+v, %v", v, err)
	}
	if _, err := Verify(reader(t, signed), []*rsa.PublicKey{OfficialKey()}); !errors.Is(err, ErrWrongKey) {
		t.Errorf("with the official Dify key: %v, want ErrWrongKey", err)
	}
	var out bytes.Buffer
	if err := Sign(&out, reader(t, read("demo.difypkg")), priv, Options{Category: "community", Time: time.Unix(1796021588, 0), OfficialRecord: true}); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(out.Bytes(), signed) {
		t.Error("signing the official unsigned package at the same time does not give the official signed package")
	}
	// With the names checksum, the same package verifies with this tool
	// (and, per the record's decoding, with the daemon: see
	// TestRecordWithChecksumReadsAsTheDaemonReadsIt).
	out.Reset()
	if err := Sign(&out, reader(t, read("demo.difypkg")), priv, Options{Category: "community", Time: time.Now()}); err != nil {
		t.Fatal(err)
	}
	if v, err := Verify(reader(t, out.Bytes()), []*rsa.PublicKey{pub}); err != nil || !v.NamesCovered {
		t.Errorf("%+v, %v", v, err)
	}
}
