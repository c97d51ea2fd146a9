// Package pack turns a plugin project directory into a .difypkg and reads
// packages back.
//
// # Selecting files
//
// A walk of the plugin directory selects files with .difyignore at the plugin
// root, or .gitignore when there is none (an empty .difyignore still stops
// the fallback); the chosen name is also read in every subdirectory. The
// rules are git's, exactly: package ignore holds the grammar and its
// differences from the reference packager.
//
// Besides the ignore rules, a Source never selects *.difypkg files or the
// package being written. It refuses, with an error naming the path, files
// that cannot be packaged faithfully: symbolic links to directories, broken
// links, FIFOs, sockets, devices, and names containing a backslash. A link to a
// regular file is packaged as that file's content.
//
// # Writing packages
//
// Write produces the zip layout the daemon reads, identical byte for byte to
// the reference packager's: one deflated entry per file, sorted by the byte
// order of the slash path, no directory entries, zero timestamps, no modes, no
// comment. Files are streamed one at a time, and the uncompressed size limit
// is checked before and while writing. Package writes to a temporary file next
// to the output and renames it, so a failed run leaves nothing behind.
package pack
