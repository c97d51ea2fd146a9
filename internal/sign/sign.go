package sign

import (
	"archive/zip"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"hash"
	"io"
	"path"
	"strconv"
	"strings"
	"time"
)

// VerificationFile is the package entry that records the signer's category.
const VerificationFile = ".verification.dify.json"

// Categories the daemon knows, in its spelling.
var Categories = []string{"langgenius", "partner", "community"}

// ParseCategory accepts a category in any case and returns its canonical
// lower-case spelling.
func ParseCategory(s string) (string, error) {
	for _, c := range Categories {
		if strings.EqualFold(s, c) {
			return c, nil
		}
	}
	return "", fmt.Errorf("invalid category %q: use one of %s", s, strings.Join(Categories, ", "))
}

// comment is the archive comment of a signed package.
type comment struct {
	Signature string `json:"signature"`
	Time      int64  `json:"time"`
}

// Sign writes to w a copy of the package zr signed with key, recording
// category (langgenius, partner or community) in VerificationFile. The
// daemon's construction is kept exactly: every entry's SHA-256 in stored order,
// then the verification record's, then the decimal time, hashed with SHA-256
// and signed with RSASSA-PKCS1-v1_5. An existing verification record is
// replaced rather than duplicated, so re-signing works.
func Sign(w io.Writer, zr *zip.Reader, key *rsa.PrivateKey, category string, now time.Time) error {
	category, err := ParseCategory(category)
	if err != nil {
		return err
	}
	if err := checkSignable(zr); err != nil {
		return err
	}
	zw := zip.NewWriter(w)
	signed := sha256.New()
	for _, f := range zr.File {
		name := path.Clean(f.Name)
		if name == VerificationFile {
			continue
		}
		ew, err := zw.Create(name)
		if err != nil {
			return err
		}
		if err := copyHashed(ew, signed, f); err != nil {
			return err
		}
	}
	record, _ := json.Marshal(struct {
		Category string `json:"authorized_category"`
	}{category})
	ew, err := zw.Create(VerificationFile)
	if err != nil {
		return err
	}
	if _, err := ew.Write(record); err != nil {
		return err
	}
	recordSum := sha256.Sum256(record)
	signed.Write(recordSum[:])

	t := now.Unix()
	signed.Write([]byte(strconv.FormatInt(t, 10)))
	sig, err := rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA256, signed.Sum(nil))
	if err != nil {
		return err
	}
	c, _ := json.Marshal(comment{Signature: base64.StdEncoding.EncodeToString(sig), Time: t})
	if err := zw.SetComment(string(c)); err != nil {
		return err
	}
	return zw.Close()
}

// copyHashed copies entry f to w and adds the SHA-256 of its content to signed.
func copyHashed(w io.Writer, signed hash.Hash, f *zip.File) error {
	rc, err := f.Open()
	if err != nil {
		return fmt.Errorf("reading %s: %w", f.Name, err)
	}
	defer rc.Close()
	h := sha256.New()
	if _, err := io.Copy(io.MultiWriter(w, h), rc); err != nil {
		return fmt.Errorf("reading %s: %w", f.Name, err)
	}
	signed.Write(h.Sum(nil))
	return nil
}

func checkSignable(zr *zip.Reader) error {
	seen := map[string]bool{}
	for _, f := range zr.File {
		if strings.HasSuffix(f.Name, "/") {
			return fmt.Errorf("entry %q is a directory entry; the daemon cannot read such packages", f.Name)
		}
		name := path.Clean(f.Name)
		if seen[name] {
			return fmt.Errorf("entry %q appears twice", name)
		}
		seen[name] = true
	}
	if !seen["manifest.yaml"] {
		return fmt.Errorf("no manifest.yaml: not a plugin package")
	}
	return nil
}
