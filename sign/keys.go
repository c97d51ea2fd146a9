// Package sign creates key pairs and signs and verifies plugin packages the
// way the Dify daemon does. Keys are passed in as values or bytes; nothing here
// reads flags or prints.
package sign

import (
	"bytes"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	_ "embed"
	"encoding/pem"
	"errors"
	"fmt"
	"strings"
)

// KeyBits is the size of generated keys, as the reference tool makes them.
const KeyBits = 4096

// MinKeyBits is the smallest key accepted for signing or verifying.
const MinKeyBits = 2048

// GenerateKey makes a new RSA key of KeyBits bits.
func GenerateKey() (*rsa.PrivateKey, error) {
	return rsa.GenerateKey(rand.Reader, KeyBits)
}

// EncodePrivateKey returns the key as a PKCS#1 "RSA PRIVATE KEY" PEM block.
func EncodePrivateKey(k *rsa.PrivateKey) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(k)})
}

// EncodePublicKey returns the key as a PKCS#1 "RSA PUBLIC KEY" PEM block.
func EncodePublicKey(k *rsa.PublicKey) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "RSA PUBLIC KEY", Bytes: x509.MarshalPKCS1PublicKey(k)})
}

// ParsePrivateKey reads a PKCS#1 PEM private key, the format the daemon's
// tools write. Surrounding whitespace is allowed; other data is not.
func ParsePrivateKey(data []byte) (*rsa.PrivateKey, error) {
	der, err := decodePEM(data, "RSA PRIVATE KEY")
	if err != nil {
		return nil, err
	}
	k, err := x509.ParsePKCS1PrivateKey(der)
	if err != nil {
		return nil, fmt.Errorf("not a valid RSA private key: %v", err)
	}
	if k.N.BitLen() < MinKeyBits {
		return nil, fmt.Errorf("the key has %d bits; at least %d are needed", k.N.BitLen(), MinKeyBits)
	}
	return k, nil
}

// ParsePublicKey reads a PKCS#1 PEM public key.
func ParsePublicKey(data []byte) (*rsa.PublicKey, error) {
	der, err := decodePEM(data, "RSA PUBLIC KEY")
	if err != nil {
		return nil, err
	}
	k, err := x509.ParsePKCS1PublicKey(der)
	if err != nil {
		return nil, fmt.Errorf("not a valid RSA public key: %v", err)
	}
	if k.N.BitLen() < MinKeyBits {
		return nil, fmt.Errorf("the key has %d bits; at least %d are needed", k.N.BitLen(), MinKeyBits)
	}
	return k, nil
}

func decodePEM(data []byte, want string) ([]byte, error) {
	block, rest := pem.Decode(bytes.TrimSpace(data))
	if block == nil {
		return nil, fmt.Errorf("no PEM block found; expected %q", want)
	}
	if block.Type == "ENCRYPTED PRIVATE KEY" || strings.Contains(block.Headers["Proc-Type"], "ENCRYPTED") {
		return nil, errors.New("the private key is encrypted with a passphrase, which the Dify tools cannot use; " +
			"write a decrypted copy with `openssl rsa -in KEY -out KEY.decrypted.pem -traditional` (it asks for the passphrase) and sign with that")
	}
	if block.Type != want {
		hint := ""
		switch block.Type {
		case "PRIVATE KEY", "PUBLIC KEY":
			hint = " (this is PKCS#8/SPKI; convert it with openssl rsa -traditional, or make a key with `dify signature generate`)"
		case "RSA PRIVATE KEY", "RSA PUBLIC KEY":
			hint = " (did you swap the private and public key?)"
		}
		return nil, fmt.Errorf("found a %q PEM block, expected %q%s", block.Type, want, hint)
	}
	if len(bytes.TrimSpace(rest)) > 0 {
		return nil, errors.New("unexpected data after the PEM block")
	}
	return block.Bytes, nil
}

//go:embed official_public_key.pem
var officialKeyPEM []byte

// OfficialKey returns the public key the Dify daemon trusts by default.
func OfficialKey() *rsa.PublicKey {
	k, err := ParsePublicKey(officialKeyPEM)
	if err != nil {
		panic("embedded official key: " + err.Error())
	}
	return k
}
