package sign

import (
	"archive/zip"
	"bytes"
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/big"
	"path"
	"strconv"
	"strings"
	"time"
)

// Verified describes a package whose signature checked out.
type Verified struct {
	Key      int       // index of the key that verified it
	Time     time.Time // signing time recorded in the package
	Category string    // authorized category; "langgenius" when the record is absent, as the daemon assumes
}

// Reasons a package does not verify.
var (
	ErrUnsigned  = errors.New("the package is not signed (its archive comment holds no signature)")
	ErrTampered  = errors.New("the package was changed after it was signed: an entry's content or the entry order differs from what the key signed")
	ErrWrongKey  = errors.New("the package was not signed by this key")
	ErrDuplicate = errors.New("the package has two entries with the same name; the daemon would verify one and other tools extract the other")
)

// Verify checks the package's signature against each key in turn, with the
// daemon's construction (see Sign). It additionally rejects packages whose
// entries the daemon and other zip tools would read differently.
func Verify(zr *zip.Reader, keys []*rsa.PublicKey) (*Verified, error) {
	var c comment
	if strings.TrimSpace(zr.Comment) == "" {
		return nil, ErrUnsigned
	}
	if err := json.Unmarshal([]byte(zr.Comment), &c); err != nil || c.Signature == "" {
		return nil, fmt.Errorf("%w: the archive comment is not a signature record", ErrUnsigned)
	}
	sig, err := base64.StdEncoding.DecodeString(c.Signature)
	if err != nil {
		return nil, fmt.Errorf("the signature is not valid base64: %v", err)
	}
	digest, category, err := signedDigest(zr, c.Time)
	if err != nil {
		return nil, err
	}
	if len(keys) == 0 {
		return nil, errors.New("no public key to verify with")
	}
	tampered := false
	for i, k := range keys {
		if rsa.VerifyPKCS1v15(k, crypto.SHA256, digest, sig) == nil {
			return &Verified{Key: i, Time: time.Unix(c.Time, 0).UTC(), Category: category}, nil
		}
		if signedWithKey(k, sig) {
			tampered = true
		}
	}
	if tampered {
		return nil, ErrTampered
	}
	return nil, ErrWrongKey
}

// signedDigest rebuilds the signed data of a package: the SHA-256 of every
// entry in stored order, then the decimal time, and returns its SHA-256.
func signedDigest(zr *zip.Reader, t int64) (digest []byte, category string, err error) {
	seen := map[string]bool{}
	signed := sha256.New()
	category = "langgenius"
	for _, f := range zr.File {
		if strings.HasSuffix(f.Name, "/") {
			return nil, "", fmt.Errorf("entry %q is a directory entry, which the daemon cannot read", f.Name)
		}
		name := path.Clean(f.Name)
		if seen[name] {
			return nil, "", fmt.Errorf("%w (%s)", ErrDuplicate, name)
		}
		seen[name] = true
		rc, err := f.Open()
		if err != nil {
			return nil, "", fmt.Errorf("reading %s: %w", f.Name, err)
		}
		h := sha256.New()
		var record bytes.Buffer
		w := io.Writer(h)
		if name == VerificationFile {
			w = io.MultiWriter(h, &record)
		}
		_, err = io.Copy(w, rc)
		rc.Close()
		if err != nil {
			return nil, "", fmt.Errorf("reading %s: %w", f.Name, err)
		}
		signed.Write(h.Sum(nil))
		if name == VerificationFile {
			var v struct {
				Category string `json:"authorized_category"`
			}
			if err := json.Unmarshal(record.Bytes(), &v); err != nil {
				return nil, "", fmt.Errorf("%s is not valid JSON: %v", VerificationFile, err)
			}
			category = v.Category
		}
	}
	signed.Write([]byte(strconv.FormatInt(t, 10)))
	return signed.Sum(nil), category, nil
}

// sha256Prefix is the DER DigestInfo header of a PKCS#1 v1.5 SHA-256 signature.
var sha256Prefix = []byte{0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20}

// signedWithKey reports whether sig is a well-formed PKCS#1 v1.5 SHA-256
// signature under k, whatever digest it carries. A valid form with the wrong
// digest means the key did sign this package but its content changed since;
// a random-looking block means another key signed it.
func signedWithKey(k *rsa.PublicKey, sig []byte) bool {
	size := k.Size()
	if len(sig) != size {
		return false
	}
	s := new(big.Int).SetBytes(sig)
	if s.Cmp(k.N) >= 0 {
		return false
	}
	m := new(big.Int).Exp(s, big.NewInt(int64(k.E)), k.N)
	em := m.FillBytes(make([]byte, size))
	// 0x00 0x01 0xff... 0x00 DigestInfo(SHA-256) digest
	tail := len(sha256Prefix) + sha256.Size
	if em[0] != 0 || em[1] != 1 || em[size-tail-1] != 0 {
		return false
	}
	for _, b := range em[2 : size-tail-1] {
		if b != 0xff {
			return false
		}
	}
	return bytes.Equal(em[size-tail:size-sha256.Size], sha256Prefix)
}
