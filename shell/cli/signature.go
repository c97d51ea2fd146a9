package cli

import (
	"context"
	"crypto/rsa"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/dify-cli/dify/checksum"
	"github.com/dify-cli/dify/internal/atomicfile"
	"github.com/dify-cli/dify/internal/capped"
	"github.com/dify-cli/dify/pack"
	"github.com/dify-cli/dify/sign"
	"github.com/spf13/cobra"
)

func newSignatureCmd(s *Streams) *cobra.Command {
	cmd := newGroupCmd("signature", "Make signing keys, sign packages and verify signatures")
	cmd.AddCommand(newGenerateCmd(s), newSignCmd(s), newVerifyCmd(s))
	return cmd
}

func newGenerateCmd(s *Streams) *cobra.Command {
	var name string
	var force bool
	cmd := &cobra.Command{
		Use:   "generate",
		Short: "Create an RSA-4096 key pair for signing packages",
		Long: `Create an RSA-4096 key pair in the PKCS#1 PEM format the Dify daemon reads:
NAME.private.pem (readable only by you) and NAME.public.pem. Give the public key to
the Dify administrator (THIRD_PARTY_SIGNATURE_VERIFICATION_PUBLIC_KEYS); keep the
private key secret.`,
		Example: "  dify signature generate -f acme",
		Args:    exactArgs(0, "no arguments"),
		RunE: run(func(cmd *cobra.Command, args []string) error {
			privPath, pubPath := name+".private.pem", name+".public.pem"
			if !force {
				for _, p := range []string{privPath, pubPath} {
					if _, err := os.Lstat(p); err == nil {
						return fmt.Errorf("%s already exists; use --force to replace it, or -f to choose another name", p)
					}
				}
			}
			if dir := filepath.Dir(name); dir != "." {
				if err := os.MkdirAll(dir, 0o755); err != nil {
					return err
				}
			}
			key, err := sign.GenerateKey()
			if err != nil {
				return err
			}
			if err := writeFile(privPath, 0o600, sign.EncodePrivateKey(key)); err != nil {
				return err
			}
			if err := writeFile(pubPath, 0o644, sign.EncodePublicKey(&key.PublicKey)); err != nil {
				return err
			}
			fmt.Fprintln(s.Out, privPath)
			fmt.Fprintln(s.Out, pubPath)
			return nil
		}),
	}
	cmd.Flags().StringVarP(&name, "filename", "f", "dify_plugin_signing_key", "base name of the key files (may include a directory)")
	cmd.Flags().BoolVar(&force, "force", false, "replace existing key files")
	return cmd
}

func writeFile(name string, perm os.FileMode, data []byte) error {
	return atomicfile.Write(name, perm, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
}

func newSignCmd(s *Streams) *cobra.Command {
	var keyPath, category, output string
	var force bool
	var maxSizeMB int64
	cmd := &cobra.Command{
		Use:   "sign PACKAGE",
		Short: "Sign a .difypkg with a private key",
		Long: `Sign a package with a private key made by 'dify signature generate'. The result is
written next to the input as NAME.signed.difypkg (or to -o), with the category
recorded in .verification.dify.json. Signing a signed package replaces its
signature. An existing output file is replaced only with --force.

The record also holds the package's checksum, which covers file names: the
daemon's signature covers contents and order only, so without it a renamed
entry would still verify. The daemon and the official tool read the record
as before and verify the package all the same.`,
		Example: "  dify signature sign weather.difypkg -p acme.private.pem -c community",
		Args:    exactArgs(1, "the package to sign"),
		RunE: run(func(cmd *cobra.Command, args []string) error {
			cat, err := sign.ParseCategory(category)
			if err != nil {
				return err
			}
			key, err := readPrivateKey(keyPath)
			if err != nil {
				return err
			}
			in := args[0]
			if output == "" {
				ext := filepath.Ext(in)
				output = strings.TrimSuffix(in, ext) + ".signed" + ext
			}
			if _, err := os.Lstat(output); err == nil && !force {
				return fmt.Errorf("%s already exists; use --force to replace it, or -o to write elsewhere", output)
			}
			arc, err := pack.OpenArchive(in, maxSizeBytes(maxSizeMB))
			if err != nil {
				return err
			}
			defer arc.Close()
			ctx, stop := withInterrupts(cmd.Context())
			defer stop()
			err = atomicfile.Write(output, 0o644, func(w io.Writer) error {
				return sign.Sign(cancelWriter{ctx, w}, arc.Reader, key, sign.Options{Category: cat, Time: time.Now()})
			})
			if cause := context.Cause(ctx); err != nil && cause != nil {
				return cause
			}
			if err != nil {
				return fmt.Errorf("signing %s: %w", in, err)
			}
			fmt.Fprintln(s.Out, output)
			return nil
		}),
	}
	cmd.Flags().StringVarP(&keyPath, "private-key", "p", "", "private key file (PKCS#1 PEM)")
	cmd.Flags().StringVarP(&category, "category", "c", "langgenius", "authorized category: langgenius, partner or community")
	cmd.Flags().StringVarP(&output, "output", "o", "", "signed package to write (default: NAME.signed.difypkg next to the input)")
	cmd.Flags().BoolVar(&force, "force", false, "replace an existing output file")
	completeValues(cmd, "category", sign.Categories)
	addMaxSizeFlag(cmd.Flags(), &maxSizeMB)
	cmd.MarkFlagRequired("private-key")
	return cmd
}

// cancelWriter fails writes once its context is done, so that a long
// write stops at the next chunk.
type cancelWriter struct {
	ctx context.Context
	w   io.Writer
}

func (c cancelWriter) Write(p []byte) (int, error) {
	if err := context.Cause(c.ctx); err != nil {
		return 0, err
	}
	return c.w.Write(p)
}

// maxKeyFile bounds a key file: an RSA-4096 PEM key is about 3 KB.
const maxKeyFile = 64 << 10

// readKeyFile reads a key file, refusing what cannot be one (a FIFO, a
// directory, a large file) before reading it.
func readKeyFile(what, p string) ([]byte, error) {
	st, err := os.Stat(p)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("%s %s does not exist", what, p)
		}
		return nil, fmt.Errorf("cannot read %s: %w", what, err)
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("%s %s is not a regular file", what, p)
	}
	f, err := os.Open(p)
	if err != nil {
		return nil, fmt.Errorf("cannot read %s: %w", what, err)
	}
	defer f.Close()
	data, err := capped.Read(p, f, maxKeyFile)
	if err != nil {
		return nil, fmt.Errorf("%s %s is not a key: %w", what, p, err)
	}
	return data, nil
}

func readPrivateKey(p string) (*rsa.PrivateKey, error) {
	data, err := readKeyFile("private key", p)
	if err != nil {
		return nil, err
	}
	k, err := sign.ParsePrivateKey(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", p, err)
	}
	return k, nil
}

func newVerifyCmd(s *Streams) *cobra.Command {
	var keyPaths []string
	var maxSizeMB int64
	cmd := &cobra.Command{
		Use:   "verify PACKAGE",
		Short: "Check a package's signature",
		Long: `Check a package's signature against the given public keys, or against the
official Dify key when none is given. Prints the key that matched, the signing
time and the category; exits 1 when the package does not verify.

The daemon's signature covers the contents of the entries and their order, but
not their names. Packages signed by this tool also carry, inside the signed
record, a checksum that covers names, and a renamed entry fails; for packages
signed by the official tool, compare the checksum printed with the result.`,
		Example: "  dify signature verify weather.signed.difypkg -p acme.public.pem",
		Args:    exactArgs(1, "the package to verify"),
		RunE: run(func(cmd *cobra.Command, args []string) error {
			keys, names, err := publicKeys(keyPaths)
			if err != nil {
				return err
			}
			arc, err := pack.OpenArchive(args[0], maxSizeBytes(maxSizeMB))
			if err != nil {
				return err
			}
			defer arc.Close()
			v, err := sign.Verify(arc.Reader, keys)
			if err != nil {
				if len(keyPaths) == 0 && !errors.Is(err, sign.ErrUnsigned) {
					return fmt.Errorf("%s does not verify with the official Dify key: %w\nif it was signed with your own key, give its public key with -p KEY.public.pem", args[0], err)
				}
				return fmt.Errorf("%s does not verify: %w", args[0], err)
			}
			sum, err := checksum.Sum(arc)
			if err != nil {
				return err
			}
			fmt.Fprintf(s.Out, "verified: %s\nkey:      %s\nsigned:   %s\ncategory: %s\nchecksum: %s\n",
				args[0], names[v.Key], v.Time.Format(time.RFC3339), v.Category, sum)
			if v.NamesCovered {
				fmt.Fprintln(s.Err, "note: file names are covered too: the signed record holds the checksum of the other entries")
			} else {
				fmt.Fprintln(s.Err, "note: the signature covers entry contents and order, not file names; compare the checksum to be sure of names")
			}
			return nil
		}),
	}
	cmd.Flags().StringArrayVarP(&keyPaths, "public-key", "p", nil, "public key file (PKCS#1 PEM); repeat to try several (default: the official Dify key)")
	addMaxSizeFlag(cmd.Flags(), &maxSizeMB)
	return cmd
}

func publicKeys(paths []string) ([]*rsa.PublicKey, []string, error) {
	if len(paths) == 0 {
		return []*rsa.PublicKey{sign.OfficialKey()}, []string{"official Dify key"}, nil
	}
	var keys []*rsa.PublicKey
	for _, p := range paths {
		data, err := readKeyFile("public key", p)
		if err != nil {
			return nil, nil, err
		}
		k, err := sign.ParsePublicKey(data)
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %w", p, err)
		}
		keys = append(keys, k)
	}
	return keys, paths, nil
}
