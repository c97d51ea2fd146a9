// Package similar finds the word someone probably meant: for "did you mean"
// in validation findings and command-line errors.
package similar

import "strings"

// Closest returns the candidate nearest to s, ignoring case, when it is near
// enough to be a likely typo: within an edit distance of a third of s (at
// least 2), or sharing a prefix of 5 letters (utility → utilities).
func Closest(s string, candidates []string) string {
	best, bestD := "", 1<<30
	for _, c := range candidates {
		if d := Distance(strings.ToLower(s), strings.ToLower(c)); d < bestD {
			best, bestD = c, d
		}
	}
	if best != "" && (bestD <= max(2, len(s)/3) || commonPrefix(strings.ToLower(s), strings.ToLower(best)) >= 5) {
		return best
	}
	return ""
}

// Suggest is Closest, or else the one candidate that starts with s (ja →
// ja_JP): what someone who typed the start of a value meant.
func Suggest(s string, candidates []string) string {
	if c := Closest(s, candidates); c != "" {
		return c
	}
	found := ""
	for _, c := range candidates {
		if s != "" && strings.HasPrefix(strings.ToLower(c), strings.ToLower(s)) {
			if found != "" {
				return ""
			}
			found = c
		}
	}
	return found
}

// DidYouMean is " (did you mean X?)" for Suggest's answer, or "".
func DidYouMean(s string, candidates []string) string {
	if c := Suggest(s, candidates); c != "" {
		return " (did you mean " + c + "?)"
	}
	return ""
}

// Distance is the Levenshtein distance between a and b, in bytes.
func Distance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

func commonPrefix(a, b string) int {
	n := 0
	for n < len(a) && n < len(b) && a[n] == b[n] {
		n++
	}
	return n
}
