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

	"github.com/dify-cli/dify/checksum"
)

// Verified describes a package whose signature checked out.
type Verified struct {
	Key      int       // index of the key that verified it
	Time     time.Time // signing time recorded in the package
	Category string    // authorized category; "langgenius" when the record is absent, as the daemon assumes
	// NamesCovered is set when the signed record holds the checksum of the
	// other entries, so that file names were checked too; Checksum is it.
	NamesCovered bool
	Checksum     string
}

// Reasons a package does not verify.
var (
	ErrUnsigned  = errors.New("the package is not signed (its archive comment holds no signature)")
	ErrTampered  = errors.New("the package was changed after it was signed: an entry's content or the entry order differs from what the key signed")
	ErrWrongKey  = errors.New("the package was not signed by this key")
	ErrDuplicate = errors.New("the package has two entries with the same name; the daemon would verify one and other tools extract the other")
	ErrRenamed   = errors.New("the package was changed after it was signed: file names differ from the ones signed (an entry was renamed or two were swapped)")
)

// maxRecord bounds the verification record: it holds a few short fields.
const maxRecord = 64 << 10

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
	digest, rec, names, err := signedDigest(zr, c.Time)
	if err != nil {
		return nil, err
	}
	if len(keys) == 0 {
		return nil, errors.New("no public key to verify with")
	}
	tampered := false
	for i, k := range keys {
		if rsa.VerifyPKCS1v15(k, crypto.SHA256, digest, sig) == nil {
			v := &Verified{Key: i, Time: time.Unix(c.Time, 0).UTC(), Category: rec.Category}
			if rec.Checksum != "" {
				if rec.Checksum != names {
					return nil, ErrRenamed
				}
				v.NamesCovered, v.Checksum = true, rec.Checksum
			}
			return v, nil
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
// entry in stored order, then the decimal time, and returns its SHA-256, the
// verification record, and the checksum of the entries other than the
// record, which covers their names.
func signedDigest(zr *zip.Reader, t int64) (digest []byte, rec record, names string, err error) {
	seen := map[string]bool{}
	signed := sha256.New()
	rec.Category = "langgenius"
	var files []checksum.File
	for _, f := range zr.File {
		if strings.HasSuffix(f.Name, "/") {
			return nil, rec, "", fmt.Errorf("entry %q is a directory entry, which the daemon cannot read", f.Name)
		}
		name := path.Clean(f.Name)
		if seen[name] {
			return nil, rec, "", fmt.Errorf("%w (%s)", ErrDuplicate, name)
		}
		seen[name] = true
		rc, err := f.Open()
		if err != nil {
			return nil, rec, "", fmt.Errorf("reading %s: %w", f.Name, err)
		}
		h := sha256.New()
		var data limitedBuffer
		w := io.Writer(h)
		if name == VerificationFile {
			w = io.MultiWriter(h, &data)
		}
		_, err = io.Copy(w, rc)
		rc.Close()
		if err != nil {
			return nil, rec, "", fmt.Errorf("reading %s: %w", f.Name, err)
		}
		var sum [sha256.Size]byte
		h.Sum(sum[:0])
		signed.Write(sum[:])
		if name != VerificationFile {
			files = append(files, checksum.File{Path: name, Digest: sum})
			continue
		}
		if data.over {
			return nil, rec, "", fmt.Errorf("%s is larger than a verification record can be (%d bytes)", VerificationFile, maxRecord)
		}
		if err := json.Unmarshal(data.Bytes(), &rec); err != nil {
			return nil, rec, "", fmt.Errorf("%s is not valid JSON: %v", VerificationFile, err)
		}
	}
	signed.Write([]byte(strconv.FormatInt(t, 10)))
	return signed.Sum(nil), rec, checksum.Combine(files), nil
}

// limitedBuffer keeps the first maxRecord bytes written to it.
type limitedBuffer struct {
	bytes.Buffer
	over bool
}

func (b *limitedBuffer) Write(p []byte) (int, error) {
	if room := maxRecord - b.Len(); len(p) > room {
		b.over = true
		b.Buffer.Write(p[:max(room, 0)])
		return len(p), nil
	}
	return b.Buffer.Write(p)
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
