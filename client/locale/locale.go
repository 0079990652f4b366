// Package locale holds every text a player reads in the client, in one
// table per language (English now), and writes exercise times in the
// exercise's time zone and the player's.
//
// A text is found by a typed Key, so a missing entry is a compile error
// (an unknown key) or a test failure (an empty entry), never a blank on
// the screen. Formats are fmt verbs; the test checks each format's verbs
// against how the client calls it.
package locale

import (
	"fmt"
	"time"
)

// Key names one text of the table.
type Key uint16

// Table is one language's texts, indexed by Key.
type Table struct {
	// Lang is the BCP 47 tag of the language.
	Lang  string
	texts *[keyCount]string
}

// English is the table the client uses today.
var English = Table{Lang: "en", texts: &english}

// T returns the text of k.
func (t Table) T(k Key) string {
	if int(k) >= len(t.texts) {
		return "?"
	}
	return t.texts[k]
}

// F formats the text of k with args (the text is a fmt format).
func (t Table) F(k Key, args ...any) string {
	return fmt.Sprintf(t.T(k), args...)
}

// Zone is a fixed offset from UTC, as a jurisdiction declares it.
type Zone struct {
	Name          string
	OffsetMinutes int32
}

// Location turns the zone into a time.Location for formatting.
func (z Zone) Location() *time.Location {
	return time.FixedZone(z.Label(), int(z.OffsetMinutes)*60)
}

// Label writes the zone as "UTC+2", "UTC-3:30" or "UTC".
func (z Zone) Label() string {
	m := z.OffsetMinutes
	if m == 0 {
		return "UTC"
	}
	sign := '+'
	if m < 0 {
		sign, m = '-', -m
	}
	if m%60 == 0 {
		return fmt.Sprintf("UTC%c%d", sign, m/60)
	}
	return fmt.Sprintf("UTC%c%d:%02d", sign, m/60, m%60)
}

// Clock writes an exercise time twice: in the exercise's zone (where the
// scenario takes place: the viewer's jurisdiction) and in the player's own
// (the machine's or browser's zone), e.g. "Tue 03 Mar 14:05 UTC+1 · 13:05
// yours". When both zones agree it is written once.
func (t Table) Clock(unix int64, exercise Zone, player *time.Location) string {
	at := time.Unix(unix, 0)
	ex := at.In(exercise.Location()).Format("Mon 02 Jan 15:04") + " " + exercise.Label()
	if player == nil {
		return ex
	}
	_, off := at.In(player).Zone()
	if int32(off/60) == exercise.OffsetMinutes {
		return ex
	}
	return ex + " · " + t.F(KeyClockYours, at.In(player).Format("15:04"))
}

// Duration writes a number of exercise seconds as a person says it:
// "45 s", "12 min", "3 h 20 min", "2 d 4 h".
func (t Table) Duration(seconds int64) string {
	if seconds < 0 {
		seconds = 0
	}
	switch {
	case seconds < 60:
		return t.F(KeyDurSeconds, seconds)
	case seconds < 3600:
		return t.F(KeyDurMinutes, seconds/60)
	case seconds < 86400:
		h, m := seconds/3600, seconds%3600/60
		if m == 0 {
			return t.F(KeyDurHours, h)
		}
		return t.F(KeyDurHoursMinutes, h, m)
	default:
		d, h := seconds/86400, seconds%86400/3600
		if h == 0 {
			return t.F(KeyDurDays, d)
		}
		return t.F(KeyDurDaysHours, d, h)
	}
}

// Short writes an exercise time in the exercise's zone, briefly:
// "Tue 14:05", for lists where the top bar already names the zone.
func (t Table) Short(unix int64, z Zone) string {
	return time.Unix(unix, 0).In(z.Location()).Format("Mon 15:04")
}
