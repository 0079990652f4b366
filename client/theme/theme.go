// Package theme holds the client's colours and the shape of each asset
// state: a normal theme and a high-contrast one.
//
// State is never told by colour alone: each state has its own shape (and
// a letter when the map is zoomed in), and the colours come from the
// Okabe–Ito palette, which stays distinct for the common kinds of colour
// blindness. TLP labels use the colours of the FIRST TLP 2.0 standard.
package theme

import "image/color"

// State is how an asset looks on the map: one per distinct situation a
// player must tell apart at a glance.
type State uint8

const (
	StateClean       State = iota
	StateDegraded          // availability or integrity reduced (DDoS, damage)
	StateCompromised       // known to be compromised
	StateDefaced           // a website showing the attacker's page
	StateIsolated          // cut off by its owner or ISP
	StateSinkholed         // a C2 whose traffic goes to a sinkhole, or blocked
	StateDown              // taken down by its host
	StateDestroyed         // wiped or physically broken
	StateForeign           // another organisation's asset the viewer knows of
	StateCount
)

// Shape is what the map draws for a state.
type Shape uint8

const (
	ShapeSquare Shape = iota
	ShapeTriangle
	ShapeDiamond
	ShapeRing // a hollow square
	ShapeCircle
	ShapeCross
	ShapeBar // a flat rectangle: something that no longer runs
	ShapeDot // a small square: known of, not ours
)

// Theme is one set of colours.
type Theme struct {
	Name       string
	Background color.RGBA
	Panel      color.RGBA
	PanelAlt   color.RGBA // alternate rows, inactive tabs
	Border     color.RGBA
	Text       color.RGBA
	Muted      color.RGBA
	Accent     color.RGBA // focus ring, selection, active tab
	Error      color.RGBA
	OK         color.RGBA
	Segment    color.RGBA // a segment's box on the map
	SegmentLbl color.RGBA
	Unread     color.RGBA
	// StateColor and StateShape give each asset state its look.
	StateColor [StateCount]color.RGBA
	StateShape [StateCount]Shape
	// StateLetter is drawn on an asset when the map is zoomed in.
	StateLetter [StateCount]string
}

// Okabe–Ito colours.
var (
	oiOrange    = rgb(0xE6, 0x9F, 0x00)
	oiSkyBlue   = rgb(0x56, 0xB4, 0xE9)
	oiGreen     = rgb(0x00, 0x9E, 0x73)
	oiYellow    = rgb(0xF0, 0xE4, 0x42)
	oiBlue      = rgb(0x00, 0x72, 0xB2)
	oiVermilion = rgb(0xD5, 0x5E, 0x00)
	oiPurple    = rgb(0xCC, 0x79, 0xA7)
)

func rgb(r, g, b uint8) color.RGBA { return color.RGBA{r, g, b, 0xff} }

var shapes = [StateCount]Shape{
	StateClean:       ShapeSquare,
	StateDegraded:    ShapeCircle,
	StateCompromised: ShapeTriangle,
	StateDefaced:     ShapeDiamond,
	StateIsolated:    ShapeRing,
	StateSinkholed:   ShapeRing,
	StateDown:        ShapeBar,
	StateDestroyed:   ShapeCross,
	StateForeign:     ShapeDot,
}

var letters = [StateCount]string{
	StateClean: "", StateDegraded: "D", StateCompromised: "!", StateDefaced: "W",
	StateIsolated: "I", StateSinkholed: "S", StateDown: "T", StateDestroyed: "X", StateForeign: "",
}

// Normal is the default theme: dark, calm, with the state colours bright.
var Normal = Theme{
	Name:       "normal",
	Background: rgb(0x16, 0x1a, 0x20),
	Panel:      rgb(0x21, 0x26, 0x2e),
	PanelAlt:   rgb(0x2a, 0x30, 0x3a),
	Border:     rgb(0x3d, 0x45, 0x52),
	Text:       rgb(0xe8, 0xea, 0xed),
	Muted:      rgb(0x9a, 0xa3, 0xae),
	Accent:     oiSkyBlue,
	Error:      rgb(0xff, 0x7a, 0x5c),
	OK:         oiGreen,
	Segment:    rgb(0x1d, 0x22, 0x29),
	SegmentLbl: rgb(0xb8, 0xc0, 0xcc),
	Unread:     oiYellow,
	StateColor: [StateCount]color.RGBA{
		StateClean:       oiGreen,
		StateDegraded:    oiOrange,
		StateCompromised: oiVermilion,
		StateDefaced:     oiPurple,
		StateIsolated:    oiBlue,
		StateSinkholed:   oiSkyBlue,
		StateDown:        rgb(0x80, 0x80, 0x80),
		StateDestroyed:   rgb(0xf0, 0xf0, 0xf0),
		StateForeign:     rgb(0x70, 0x78, 0x84),
	},
	StateShape:  shapes,
	StateLetter: letters,
}

// HighContrast is black and white with saturated state colours: every
// text is at least 7:1 against its background (WCAG AAA).
var HighContrast = Theme{
	Name:       "high-contrast",
	Background: rgb(0, 0, 0),
	Panel:      rgb(0, 0, 0),
	PanelAlt:   rgb(0x1a, 0x1a, 0x1a),
	Border:     rgb(0xff, 0xff, 0xff),
	Text:       rgb(0xff, 0xff, 0xff),
	Muted:      rgb(0xd0, 0xd0, 0xd0),
	Accent:     oiYellow,
	Error:      rgb(0xff, 0x8c, 0x69),
	OK:         rgb(0x3d, 0xe0, 0xa8),
	Segment:    rgb(0, 0, 0),
	SegmentLbl: rgb(0xff, 0xff, 0xff),
	Unread:     oiYellow,
	StateColor: [StateCount]color.RGBA{
		StateClean:       rgb(0x3d, 0xe0, 0xa8),
		StateDegraded:    rgb(0xff, 0xc0, 0x30),
		StateCompromised: rgb(0xff, 0x6a, 0x3d),
		StateDefaced:     rgb(0xff, 0x9c, 0xd8),
		StateIsolated:    rgb(0x6c, 0xb8, 0xff),
		StateSinkholed:   rgb(0x9c, 0xe6, 0xff),
		StateDown:        rgb(0xc0, 0xc0, 0xc0),
		StateDestroyed:   rgb(0xff, 0xff, 0xff),
		StateForeign:     rgb(0xa0, 0xa0, 0xa0),
	},
	StateShape:  shapes,
	StateLetter: letters,
}

// TLPColors returns the text and background colours FIRST's TLP 2.0
// standard gives a label ("RED", "AMBER+STRICT", "AMBER", "GREEN",
// "CLEAR"; the "TLP:" prefix optional). An unknown label gets white on
// black, as CLEAR does.
func TLPColors(label string) (fg, bg color.RGBA) {
	if len(label) > 4 && label[:4] == "TLP:" {
		label = label[4:]
	}
	bg = rgb(0, 0, 0)
	switch label {
	case "RED":
		return rgb(0xFF, 0x2B, 0x2B), bg
	case "AMBER", "AMBER+STRICT":
		return rgb(0xFF, 0xC0, 0x00), bg
	case "GREEN":
		return rgb(0x33, 0xFF, 0x00), bg
	default:
		return rgb(0xFF, 0xFF, 0xFF), bg
	}
}
