package journal

import (
	"path/filepath"
	"strings"
)

// ScenarioDirFor is what a journal written at journalPath records as the
// folder of its scenario, dir (as the user gave it, relative to the
// current folder or absolute), so that the journal finds its scenario
// from any current folder: relative to the journal's folder when the two
// share a folder other than the file system's root (a journal and its
// scenario moved together still match), otherwise absolute. Slash
// separated. If the paths cannot be made absolute, dir as given.
func ScenarioDirFor(journalPath, dir string) string {
	jd, err1 := filepath.Abs(filepath.Dir(journalPath))
	sd, err2 := filepath.Abs(dir)
	if err1 != nil || err2 != nil {
		return filepath.ToSlash(dir)
	}
	rel, err := filepath.Rel(jd, sd)
	if err != nil {
		return filepath.ToSlash(sd)
	}
	// The folder both are below: up from the journal's folder as many
	// times as rel climbs.
	common := jd
	for _, part := range strings.Split(rel, string(filepath.Separator)) {
		if part != ".." {
			break
		}
		common = filepath.Dir(common)
	}
	if common == filepath.Dir(common) { // the root (or a volume's)
		return filepath.ToSlash(sd)
	}
	return filepath.ToSlash(rel)
}

// ScenarioDirCandidates lists where the scenario recorded as recorded (a
// header's scenario_dir) in the journal at journalPath may be, in the
// order to try them: an absolute path as it is; a relative one relative
// to the journal's folder (what ScenarioDirFor writes), then relative to
// the current folder (journals written before recorded the path as typed
// on the command line).
func ScenarioDirCandidates(journalPath, recorded string) []string {
	d := filepath.FromSlash(recorded)
	if filepath.IsAbs(d) {
		return []string{d}
	}
	beside := filepath.Join(filepath.Dir(journalPath), d)
	if filepath.Clean(beside) == filepath.Clean(d) {
		return []string{d}
	}
	return []string{beside, d}
}
