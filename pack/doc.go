// Package pack turns a plugin project directory into a .difypkg and reads
// packages back.
//
// # Selecting files
//
// A Source walks the plugin directory and selects files with an ignore file,
// read with exactly git's gitignore rules:
//
//   - The ignore file is .difyignore at the plugin root. When there is none,
//     .gitignore is used instead. An empty .difyignore means "no rules" and
//     still stops the fallback. The chosen name is also read in every
//     subdirectory; rules there apply to paths below that directory and take
//     precedence over the parent's.
//   - A blank line matches nothing. A line starting with # is a comment; write
//     \# for a pattern that starts with a hash. Trailing spaces are removed
//     unless escaped with a backslash ("a\ "); leading spaces are part of the
//     pattern. CRLF line ends and a UTF-8 byte order mark are accepted.
//   - A leading ! negates: a path excluded by an earlier line is included again.
//     Write \! for a pattern that starts with an exclamation mark. A file cannot
//     be re-included when one of its parent directories is excluded, because
//     excluded directories are not descended into (write "logs/*" instead of
//     "logs/" to re-include files inside it).
//   - The last line that matches a path decides; lines from a deeper ignore
//     file come after the lines of the files above it.
//   - A trailing / makes the pattern match directories only (a symbolic link is
//     never a directory here).
//   - A pattern with a / at the start or in the middle is anchored: it is
//     matched against the whole path relative to the ignore file's directory. A
//     pattern without one matches the name of a file or directory at any depth.
//   - * matches any run of characters except /, ? one character except /, and
//     [...] one character from a set: ranges (a-z), negation ([!...] or [^...])
//     and POSIX classes ([:digit:]). A backslash makes the next character
//     literal.
//   - ** has a special meaning only as a whole path segment: "**/x" matches x
//     in any directory, "x/**" everything inside x, "a/**/b" zero or more
//     directories between a and b. Elsewhere ("**.txt", "sub/**.txt") it is the
//     same as *.
//   - Matching is case-sensitive.
//
// These rules differ from the reference packager, which ignores ! lines,
// treats [!x] as "! or x", does not backtrack on **, trims leading spaces and
// reads no nested ignore files.
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
