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
	"io"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/dify-cli/dify/checksum"
	"github.com/dify-cli/dify/internal/similar"
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
	return "", fmt.Errorf("invalid category %q: use one of %s%s", s, strings.Join(Categories, ", "), similar.DidYouMean(s, Categories))
}

// CategoryWarning is what to tell someone about to sign with key in cat:
// the langgenius category (the official tool's default) says LangGenius
// made the plugin, which is true only with Dify's own key. "" otherwise.
func CategoryWarning(cat string, key *rsa.PrivateKey) string {
	if cat != "langgenius" || key == nil || key.PublicKey.Equal(OfficialKey()) {
		return ""
	}
	return "signing in the langgenius category (the default) with a key that is not Dify's: a Dify that trusts your key lists the plugin as made by LangGenius; use --category community (or partner, if Dify made you one)"
}

// comment is the archive comment of a signed package.
type comment struct {
	Signature string `json:"signature"`
	Time      int64  `json:"time"`
}

// record is the content of VerificationFile. The daemon reads only
// authorized_category and ignores other keys (it decodes with
// encoding/json into a struct of that one field), so the record can carry
// the checksum of the other entries: the record is signed, and the checksum
// covers file names, which the daemon's signature does not.
type record struct {
	Category string `json:"authorized_category"`
	// Checksum is the daemon's checksum of every other entry, or "" in a
	// record written by the official tool.
	Checksum string `json:"unsigned_checksum,omitempty"`
}

// Options say how to sign.
type Options struct {
	Category string    // langgenius, partner or community, in any case
	Time     time.Time // the signing time recorded in the package
	// OfficialRecord writes the verification record exactly as the official
	// tool does, without the checksum that makes renamed entries fail
	// verification. Both forms verify with the daemon and the official tool.
	OfficialRecord bool
}

// Sign writes to w a copy of the package zr signed with key. The daemon's
// construction is kept exactly: every entry's SHA-256 in stored order, then
// the verification record's, then the decimal time, hashed with SHA-256 and
// signed with RSASSA-PKCS1-v1_5. An existing verification record is
// replaced rather than duplicated, so re-signing works.
func Sign(w io.Writer, zr *zip.Reader, key *rsa.PrivateKey, opts Options) error {
	category, err := ParseCategory(opts.Category)
	if err != nil {
		return err
	}
	if err := checkSignable(zr); err != nil {
		return err
	}
	zw := zip.NewWriter(w)
	signed := sha256.New()
	var files []checksum.File
	for _, f := range zr.File {
		name := path.Clean(f.Name)
		if name == VerificationFile {
			continue
		}
		ew, err := zw.Create(name)
		if err != nil {
			return err
		}
		digest, err := copyHashed(ew, f)
		if err != nil {
			return err
		}
		signed.Write(digest[:])
		files = append(files, checksum.File{Path: name, Digest: digest})
	}
	rec := record{Category: category}
	if !opts.OfficialRecord {
		rec.Checksum = checksum.Combine(files)
	}
	data, _ := json.Marshal(rec)
	ew, err := zw.Create(VerificationFile)
	if err != nil {
		return err
	}
	if _, err := ew.Write(data); err != nil {
		return err
	}
	recordSum := sha256.Sum256(data)
	signed.Write(recordSum[:])

	t := opts.Time.Unix()
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

// copyHashed copies entry f to w and returns the SHA-256 of its content.
func copyHashed(w io.Writer, f *zip.File) (digest [sha256.Size]byte, err error) {
	rc, err := f.Open()
	if err != nil {
		return digest, fmt.Errorf("reading %s: %w", f.Name, err)
	}
	defer rc.Close()
	h := sha256.New()
	if _, err := io.Copy(io.MultiWriter(w, h), rc); err != nil {
		return digest, fmt.Errorf("reading %s: %w", f.Name, err)
	}
	h.Sum(digest[:0])
	return digest, nil
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
