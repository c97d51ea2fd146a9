package sign

import (
	"bytes"
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"io"
	"os"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/dify-cli/dify/internal/testref"
)

// Interoperability with the official tool's key pair and signed package:
// the repository's reference set in every clone, the shared one when
// present.
func TestReferenceInterop(t *testing.T) {
	for _, r := range testref.References(t) {
		t.Run(r.Name, func(t *testing.T) { referenceInterop(t, r) })
	}
}

func referenceInterop(t *testing.T, r testref.Reference) {
	pubPEM, err := os.ReadFile(r.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	privPEM, _ := os.ReadFile(r.PrivateKey)
	pub, err := ParsePublicKey(pubPEM)
	if err != nil {
		t.Fatal(err)
	}
	priv, err := ParsePrivateKey(privPEM)
	if err != nil {
		t.Fatal(err)
	}

	refSigned, _ := os.ReadFile(r.Signed)
	v, err := Verify(reader(t, refSigned), []*rsa.PublicKey{pub})
	if err != nil || v.Category != r.Category || v.Time.Unix() != r.SignedAt {
		t.Fatalf("reference-signed package: %+v, %v; the official tool signed it in %s at %d", v, err, r.Category, r.SignedAt)
	}
	if _, err := Verify(reader(t, refSigned), []*rsa.PublicKey{OfficialKey()}); err == nil {
		t.Errorf("reference-signed package verified with the official key")
	}

	unsigned, _ := os.ReadFile(r.Unsigned)
	when := time.Unix(1795257210, 0)
	ours := officialSign(t, unsigned, priv, "community", when)
	zr := reader(t, ours)

	// Recompute the signed data as the reference verifier does: SHA-256 of every
	// entry's content in stored order, then the decimal time.
	var c struct {
		Signature string `json:"signature"`
		Time      int64  `json:"time"`
	}
	if err := json.Unmarshal([]byte(zr.Comment), &c); err != nil {
		t.Fatal(err)
	}
	if want := `{"signature":"` + c.Signature + `","time":1795257210}`; zr.Comment != want || len(zr.Comment) != 718 {
		t.Errorf("comment is %d bytes, not the reference's 718-byte {signature,time} form", len(zr.Comment))
	}
	var data []byte
	refZR := reader(t, unsigned)
	for i, f := range zr.File {
		rc, _ := f.Open()
		content, _ := io.ReadAll(rc)
		rc.Close()
		if i < len(refZR.File) && f.Name != refZR.File[i].Name {
			t.Errorf("entry %d is %s, the reference keeps %s there", i, f.Name, refZR.File[i].Name)
		}
		sum := sha256.Sum256(content)
		data = append(data, sum[:]...)
	}
	data = strconv.AppendInt(data, c.Time, 10)
	digest := sha256.Sum256(data)
	sig, _ := base64.StdEncoding.DecodeString(c.Signature)
	if err := rsa.VerifyPKCS1v15(pub, crypto.SHA256, digest[:], sig); err != nil {
		t.Errorf("our signature does not verify over the reference construction: %v", err)
	}
	if n := len(zr.File); n != len(refZR.File)+1 || zr.File[n-1].Name != VerificationFile {
		t.Errorf("want the reference's entries followed by %s", VerificationFile)
	}

	// PKCS#1 v1.5 signatures are deterministic: signed at the reference's
	// recorded time, our package is the reference's, byte for byte.
	var refComment struct{ Time int64 }
	json.Unmarshal([]byte(reader(t, refSigned).Comment), &refComment)
	if same := officialSign(t, unsigned, priv, "community", time.Unix(refComment.Time, 0)); !bytes.Equal(same, refSigned) {
		t.Errorf("signing at the reference's time gives different bytes from %s", r.Signed)
	}
}

// officialSign signs with the record as the official tool writes it.
func officialSign(t testing.TB, pkg []byte, key *rsa.PrivateKey, category string, now time.Time) []byte {
	t.Helper()
	var out bytes.Buffer
	if err := Sign(&out, reader(t, pkg), key, Options{Category: category, Time: now, OfficialRecord: true}); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

// checksumOf is the daemon's checksum of an unsigned package, computed here
// without the checksum package: SHA-256 over, per entry in name order,
// SHA-256(name) and SHA-256(content).
func checksumOf(t testing.TB, pkg []byte) string {
	zr := reader(t, pkg)
	names := map[string][]byte{}
	var order []string
	for _, f := range zr.File {
		rc, _ := f.Open()
		content, _ := io.ReadAll(rc)
		rc.Close()
		names[f.Name] = content
		order = append(order, f.Name)
	}
	slices.Sort(order)
	outer := sha256.New()
	for _, n := range order {
		a, b := sha256.Sum256([]byte(n)), sha256.Sum256(names[n])
		outer.Write(a[:])
		outer.Write(b[:])
	}
	return hex.EncodeToString(outer.Sum(nil))
}

// The daemon and the official tool verify with their own code: SHA-256 of
// every entry's content in stored order, then the decimal time, checked
// against the comment's signature; the record is decoded with encoding/json
// into a struct holding only authorized_category. Both are redone here,
// independently of Verify, on a package signed with the name checksum.
func TestRecordWithChecksumReadsAsTheDaemonReadsIt(t *testing.T) {
	k1, _ := testKeys(t)
	signed := signBytes(t, makeZip(t, plainPkg...), k1, "partner", time.Unix(1795257210, 0))
	zr := reader(t, signed)
	var c struct {
		Signature string `json:"signature"`
		Time      int64  `json:"time"`
	}
	if err := json.Unmarshal([]byte(zr.Comment), &c); err != nil {
		t.Fatal(err)
	}
	var data []byte
	var daemonRecord struct {
		AuthorizedCategory string `json:"authorized_category"`
	}
	for _, f := range zr.File {
		rc, _ := f.Open()
		content, _ := io.ReadAll(rc)
		rc.Close()
		sum := sha256.Sum256(content)
		data = append(data, sum[:]...)
		if f.Name == VerificationFile {
			if err := json.Unmarshal(content, &daemonRecord); err != nil {
				t.Fatalf("the daemon cannot decode the record %s: %v", content, err)
			}
		}
	}
	data = strconv.AppendInt(data, c.Time, 10)
	digest := sha256.Sum256(data)
	sig, _ := base64.StdEncoding.DecodeString(c.Signature)
	if err := rsa.VerifyPKCS1v15(&k1.PublicKey, crypto.SHA256, digest[:], sig); err != nil {
		t.Errorf("the daemon's construction does not verify: %v", err)
	}
	if daemonRecord.AuthorizedCategory != "partner" {
		t.Errorf("the daemon reads category %q", daemonRecord.AuthorizedCategory)
	}
}
