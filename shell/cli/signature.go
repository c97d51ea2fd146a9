package cli

import (
	"context"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/dify-cli/dify/checksum"
	"github.com/dify-cli/dify/internal/atomicfile"
	"github.com/dify-cli/dify/pack"
	"github.com/dify-cli/dify/sign"
	"github.com/spf13/cobra"
)

// newSignatureCmd builds the signature group: with want, only that
// subcommand.
func newSignatureCmd(s *Streams, want string) *cobra.Command {
	cmd := newGroupCmd("signature", "Make signing keys, sign packages and verify signatures")
	addCommands(cmd, want,
		entry{"generate", func() *cobra.Command { return newGenerateCmd(s, nil) }},
		entry{"sign", func() *cobra.Command { return newSignCmd(s, nil) }},
		entry{"verify", func() *cobra.Command { return newVerifyCmd(s, nil) }})
	return cmd
}

type generateOptions struct {
	io    *Streams
	name  string
	force bool
}

func newGenerateCmd(s *Streams, runF func(*generateOptions) error) *cobra.Command {
	o := &generateOptions{io: s}
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
			return dispatch(o, runF, generateRun)
		}),
	}
	cmd.Flags().StringVarP(&o.name, "filename", "f", "dify_plugin_signing_key", "base name of the key files (may include a directory)")
	cmd.Flags().BoolVar(&o.force, "force", false, "replace existing key files")
	return cmd
}

func generateRun(o *generateOptions) error {
	privPath, pubPath := o.name+".private.pem", o.name+".public.pem"
	if !o.force {
		for _, p := range []string{privPath, pubPath} {
			if _, err := os.Lstat(p); err == nil {
				return fmt.Errorf("%s already exists; use --force to replace it, or -f to choose another name", p)
			}
		}
	}
	if dir := filepath.Dir(o.name); dir != "." {
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
	fmt.Fprintln(o.io.Out, privPath)
	fmt.Fprintln(o.io.Out, pubPath)
	return nil
}

type signOptions struct {
	io        *Streams
	ctx       context.Context
	input     string
	keyPath   string
	category  string
	output    string
	force     bool
	maxSizeMB int64
}

func newSignCmd(s *Streams, runF func(*signOptions) error) *cobra.Command {
	o := &signOptions{io: s}
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
			o.ctx, o.input = cmd.Context(), args[0]
			return dispatch(o, runF, signRun)
		}),
	}
	cmd.Flags().StringVarP(&o.keyPath, "private-key", "p", "", "private key file (PKCS#1 PEM)")
	cmd.Flags().StringVarP(&o.category, "category", "c", "langgenius", "authorized category: langgenius, partner or community")
	cmd.Flags().StringVarP(&o.output, "output", "o", "", "signed package to write (default: NAME.signed.difypkg next to the input)")
	cmd.Flags().BoolVar(&o.force, "force", false, "replace an existing output file")
	addMaxSizeFlag(cmd.Flags(), &o.maxSizeMB)
	completeValues(cmd, "category", sign.Categories)
	completePackageArg(cmd, "difypkg")
	completeFlagSuffix(cmd, "private-key", ".private.pem")
	cmd.MarkFlagRequired("private-key")
	return cmd
}

func signRun(o *signOptions) error {
	cat, err := sign.ParseCategory(o.category)
	if err != nil {
		return err
	}
	key, err := readPrivateKey(o.keyPath)
	if err != nil {
		return err
	}
	if w := sign.CategoryWarning(cat, key); w != "" {
		o.io.warnf("%s", w)
	}
	output := o.output
	if output == "" {
		ext := filepath.Ext(o.input)
		output = strings.TrimSuffix(o.input, ext) + ".signed" + ext
	}
	if _, err := os.Lstat(output); err == nil && !o.force {
		return fmt.Errorf("%s already exists; use --force to replace it, or -o to write elsewhere", output)
	}
	arc, err := pack.OpenArchive(o.input, maxSizeBytes(o.maxSizeMB))
	if err != nil {
		return err
	}
	defer arc.Close()
	ctx, stop := withInterrupts(o.ctx)
	defer stop()
	err = atomicfile.Write(output, 0o644, func(w io.Writer) error {
		return sign.Sign(cancelWriter{ctx, w}, arc.Reader, key, sign.Options{Category: cat, Time: o.io.now()})
	})
	if cause := context.Cause(ctx); err != nil && cause != nil {
		return cause
	}
	if err != nil {
		return fmt.Errorf("signing %s: %w", o.input, err)
	}
	fmt.Fprintln(o.io.Out, output)
	return nil
}

type verifyOptions struct {
	io        *Streams
	input     string
	json      bool
	keyPaths  []string
	maxSizeMB int64
}

func newVerifyCmd(s *Streams, runF func(*verifyOptions) error) *cobra.Command {
	o := &verifyOptions{io: s}
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
			o.input = args[0]
			return dispatch(o, runF, verifyRun)
		}),
	}
	cmd.Flags().StringArrayVarP(&o.keyPaths, "public-key", "p", nil, "public key file (PKCS#1 PEM); repeat to try several (default: the official Dify key)")
	cmd.Flags().BoolVar(&o.json, "json", false, "print the result as JSON (exit 1 still when it does not verify)")
	addMaxSizeFlag(cmd.Flags(), &o.maxSizeMB)
	completePackageArg(cmd, "difypkg")
	completeFlagSuffix(cmd, "public-key", ".public.pem")
	return cmd
}

// verification is what verify --json prints.
type verification struct {
	Package      string `json:"package"`
	Verified     bool   `json:"verified"`
	Key          string `json:"key,omitempty"`
	Signed       string `json:"signed,omitempty"`
	Category     string `json:"category,omitempty"`
	Checksum     string `json:"checksum,omitempty"`
	NamesCovered bool   `json:"names_covered"`
	Problem      string `json:"problem,omitempty"`
}

func verifyRun(o *verifyOptions) error {
	s := o.io
	keys, names, err := publicKeys(o.keyPaths)
	if err != nil {
		return err
	}
	arc, err := pack.OpenArchive(o.input, maxSizeBytes(o.maxSizeMB))
	if err != nil {
		return err
	}
	defer arc.Close()
	out := verification{Package: o.input}
	v, err := sign.Verify(arc.Reader, keys)
	if errors.Is(err, sign.ErrWrongKey) {
		// Say whose it is, when it is a key we know.
		who := "another key"
		if len(o.keyPaths) > 0 {
			if _, e := sign.Verify(arc.Reader, []*rsa.PublicKey{sign.OfficialKey()}); e == nil {
				who = "the official Dify key"
			}
			err = fmt.Errorf("it was signed with %s, not with %s", who, strings.Join(names, " or "))
		} else {
			err = errors.New("it was signed with another key")
		}
	}
	if err != nil {
		out.Problem = err.Error()
		if o.json {
			if err := writeJSON(s.Out, out); err != nil {
				return err
			}
			return &silentError{code: exitFailure}
		}
		if len(o.keyPaths) == 0 && !errors.Is(err, sign.ErrUnsigned) {
			return fmt.Errorf("%s does not verify with the official Dify key: %w\nif it was signed with your own key, give its public key with -p KEY.public.pem", o.input, err)
		}
		return fmt.Errorf("%s does not verify: %w", o.input, err)
	}
	sum, err := checksum.Sum(arc)
	if err != nil {
		return err
	}
	out.Verified, out.Key, out.Signed, out.Category, out.Checksum, out.NamesCovered = true, names[v.Key], v.Time.Format(time.RFC3339), v.Category, sum, v.NamesCovered
	if o.json {
		return writeJSON(s.Out, out)
	}
	fmt.Fprintf(s.Out, "verified: %s\nkey:      %s\nsigned:   %s\ncategory: %s\nchecksum: %s\n",
		o.input, out.Key, out.Signed, out.Category, sum)
	if v.NamesCovered {
		fmt.Fprintln(s.Err, "note: renaming a file breaks this signature too: it was made by dify, which signs the package's checksum (names included) with it")
	} else {
		fmt.Fprintln(s.Err, "note: this signature covers the files' contents and order, not their names (so a renamed file would still verify); the checksum above covers names: compare it with the publisher's")
	}
	return nil
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
