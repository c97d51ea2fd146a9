// Package ignore reads ignore files with exactly git's gitignore rules, for
// deciding what a package holds (.difyignore, else .gitignore) and what git
// keeps out of a repository.
//
// The grammar:
//
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
// Parse and Decide are the grammar; a Matcher answers for one path of a
// directory tree, reading the ignore files of its parent directories.
package ignore
