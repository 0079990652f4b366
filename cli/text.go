package cli

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// safe makes text from a scenario, a script or a file fit to print on a
// terminal, one line: control characters cannot move the cursor, clear
// the screen, retitle the window or hide what follows. A newline becomes
// "⏎"; a tab stays; other C0 controls, DEL and C1 controls are written
// as escapes (\x1b, \x7f, \u009b), as are the bidirectional-override
// characters that reorder what a terminal shows (U+202A-U+202E,
// U+2066-U+2069); a byte that is not UTF-8 becomes U+FFFD.
//
// Every line the CLI prints for people goes through it (through
// fmt's %s of a safe value, or safeLines for multi-line messages); JSON
// output does not, since encoding/json escapes control characters itself
// and keeps the text exact.
func safe(s string) string {
	if isSafe(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n <= 1:
			b.WriteRune(utf8.RuneError)
		case r == '\n':
			b.WriteString("⏎")
		case r == '\t':
			b.WriteByte('\t')
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\x%02x`, r)
		case 0x80 <= r && r < 0xa0, bidiControl(r):
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	return b.String()
}

// isSafe says s needs no change: the common case, checked without
// allocating.
func isSafe(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x80 {
			// Multi-byte: the careful path decides.
			for _, r := range s[i:] {
				if r == utf8.RuneError || r < 0x20 && r != '\t' || r == 0x7f || 0x80 <= r && r < 0xa0 || bidiControl(r) {
					return false
				}
			}
			return utf8.ValidString(s[i:])
		}
		if c < 0x20 && c != '\t' || c == 0x7f {
			return false
		}
	}
	return true
}

func bidiControl(r rune) bool {
	return 0x202a <= r && r <= 0x202e || 0x2066 <= r && r <= 0x2069
}

// safeLines is safe for a message of several lines: each line is made
// safe, the line breaks are kept (a carriage return is not one).
func safeLines(s string) string {
	if isSafe(strings.ReplaceAll(s, "\n", "")) {
		return s
	}
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = safe(l)
	}
	return strings.Join(lines, "\n")
}
