package theme

import (
	"image/color"
	"math"
	"testing"
)

// luminance and contrast follow WCAG 2.x.
func luminance(c color.RGBA) float64 {
	ch := func(v uint8) float64 {
		x := float64(v) / 255
		if x <= 0.03928 {
			return x / 12.92
		}
		return math.Pow((x+0.055)/1.055, 2.4)
	}
	return 0.2126*ch(c.R) + 0.7152*ch(c.G) + 0.0722*ch(c.B)
}

func contrast(a, b color.RGBA) float64 {
	la, lb := luminance(a), luminance(b)
	if la < lb {
		la, lb = lb, la
	}
	return (la + 0.05) / (lb + 0.05)
}

func TestTextContrast(t *testing.T) {
	for _, c := range []struct {
		th  Theme
		min float64
	}{{Normal, 4.5}, {HighContrast, 7}} {
		for _, bg := range []color.RGBA{c.th.Background, c.th.Panel, c.th.PanelAlt} {
			for name, fg := range map[string]color.RGBA{"text": c.th.Text, "muted": c.th.Muted, "error": c.th.Error, "accent": c.th.Accent} {
				if r := contrast(fg, bg); r < c.min {
					t.Errorf("%s: %s on %v contrast %.2f < %.1f", c.th.Name, name, bg, r, c.min)
				}
			}
		}
		// Every state must stand out from the map's segment box.
		for s := State(0); s < StateCount; s++ {
			if r := contrast(c.th.StateColor[s], c.th.Segment); r < 3 {
				t.Errorf("%s: state %d contrast %.2f < 3 against a segment", c.th.Name, s, r)
			}
		}
	}
}

// Colour-blind players tell states apart by shape: no two states a
// player must act on differently share a shape and a letter.
func TestStatesDifferBeyondColour(t *testing.T) {
	seen := map[[2]string]State{}
	for s := State(0); s < StateCount; s++ {
		k := [2]string{string(rune('a' + Normal.StateShape[s])), Normal.StateLetter[s]}
		if o, dup := seen[k]; dup {
			t.Errorf("states %d and %d share shape and letter", o, s)
		}
		seen[k] = s
	}
}

func TestTLPColors(t *testing.T) {
	for _, c := range []struct {
		label string
		fg    color.RGBA
	}{
		{"TLP:RED", rgb(0xFF, 0x2B, 0x2B)},
		{"AMBER+STRICT", rgb(0xFF, 0xC0, 0x00)},
		{"AMBER", rgb(0xFF, 0xC0, 0x00)},
		{"GREEN", rgb(0x33, 0xFF, 0x00)},
		{"CLEAR", rgb(0xFF, 0xFF, 0xFF)},
		{"bogus", rgb(0xFF, 0xFF, 0xFF)},
	} {
		fg, bg := TLPColors(c.label)
		if fg != c.fg || bg != rgb(0, 0, 0) {
			t.Errorf("%s: %v on %v", c.label, fg, bg)
		}
	}
}
