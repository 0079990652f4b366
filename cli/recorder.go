package cli

import (
	"bytes"
	"io"
)

// recorder keeps a copy of what a run writes to its journal, so that the
// program can read the journal back without a file (or beside one).
type recorder struct{ buf bytes.Buffer }

// tee returns a writer to w (nil: none) that also fills the recorder.
func (r *recorder) tee(w io.Writer) io.Writer {
	if w == nil {
		return &r.buf
	}
	return io.MultiWriter(w, &r.buf)
}
