package journal

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"syscall"

	"cyberex/engine"
)

// Writer appends records to a journal.
//
// Durability: AppendCommands, End and Flush return only after the bytes are
// written and, when the destination can (an *os.File), synced to disk. A
// server acknowledges a command only after AppendCommands returned, so an
// acknowledged command survives a crash. Hash checkpoints are buffered and
// reach the disk with the next synced call: losing one loses no input.
//
// The writer checks every record as the reader will, so it never writes a
// journal that cannot be read back. After any error the writer is unusable
// (the file's end is uncertain): every later call returns that error.
type Writer struct {
	out    io.Writer
	sync   func() error // nil when out cannot sync
	closer io.Closer    // the file Create or Append opened
	buf    []byte       // records not yet written
	order  order
	size   int64
	err    error
	closed bool
}

// syncer is what *os.File offers.
type syncer interface{ Sync() error }

// NewWriter starts a journal on out with its header, written and synced
// before it returns. If out has a Sync method (an *os.File), it is called
// after every durable write. Close does not close out.
func NewWriter(out io.Writer, h Header) (*Writer, error) {
	if h.Format == "" {
		h.Format = Format
	}
	if err := checkHeader(&h); err != nil {
		return nil, fmt.Errorf("journal header: %w", err)
	}
	w := newWriter(out)
	w.add(struct {
		Type string `json:"type"`
		Header
	}{"header", h})
	if len(w.buf) > LineBytesMax {
		return nil, fmt.Errorf("journal header: longer than %d bytes", LineBytesMax)
	}
	if err := w.Flush(); err != nil {
		return nil, err
	}
	return w, nil
}

func newWriter(out io.Writer) *Writer {
	w := &Writer{out: out, order: newOrder()}
	if s, ok := out.(syncer); ok {
		w.sync = s.Sync
	}
	return w
}

// Create makes a new journal file at path; it fails if the file exists (a
// journal is a record: it is never overwritten). The file and its directory
// entry are synced before Create returns.
func Create(path string, h Header) (*Writer, error) {
	f, err := CreateFile(path)
	if err != nil {
		return nil, err
	}
	w, err := NewWriter(f, h)
	if err != nil {
		f.Close()
		os.Remove(path)
		return nil, err
	}
	w.closer = f
	return w, nil
}

// CreateFile makes the new, empty file of a journal at path, for a Writer
// (NewWriter, or a session's Options.Journal): it fails if the file exists
// (a journal is never overwritten), and the folder's entry of the new file
// is synced before it returns, so that a journal whose records were synced
// is found after a crash of the machine. The caller closes the file.
func CreateFile(path string) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		if errors.Is(err, os.ErrExist) {
			return nil, existsError{path}
		}
		return nil, err
	}
	if err := syncDir(filepath.Dir(path)); err != nil {
		f.Close()
		os.Remove(path)
		return nil, fmt.Errorf("journal %s: sync its folder: %w", path, err)
	}
	return f, nil
}

// Append reopens a journal to continue it after a restart: it reads the
// journal, cuts off a torn last line, and returns the journal read and a
// Writer positioned after the last intact record. A journal that has an end
// record cannot be continued.
func Append(path string) (*Journal, *Writer, error) {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return nil, nil, err
	}
	j, err := Read(f, path)
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	if j.End != nil {
		f.Close()
		return nil, nil, fmt.Errorf("%s: the run ended at tick %d; a journal cannot continue after its end", path, j.End.Tick)
	}
	if j.Failed != nil {
		f.Close()
		return nil, nil, fmt.Errorf("%s: the run failed at tick %d; a journal cannot continue after its failure", path, j.Failed.Tick)
	}
	if err := f.Truncate(j.Size); err != nil {
		f.Close()
		return nil, nil, err
	}
	if _, err := f.Seek(j.Size, io.SeekStart); err != nil {
		f.Close()
		return nil, nil, err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return nil, nil, err
	}
	w := newWriter(f)
	w.closer = f
	w.size = j.Size
	for _, c := range j.Commands {
		w.order.commandDone(c.Tick)
	}
	for _, h := range j.Hashes {
		w.order.hashDone(h.Tick)
	}
	w.order.story = j.StoryStopped != nil
	return j, w, nil
}

// existsError is CreateFile's error for a journal that exists; it is
// os.ErrExist (errors.Is).
type existsError struct{ path string }

func (e existsError) Error() string {
	return fmt.Sprintf("journal %s already exists: a journal is never overwritten; remove it or choose another name", e.path)
}

func (e existsError) Unwrap() error { return os.ErrExist }

// syncDir syncs a folder's entries. A file system that cannot sync a
// folder (EINVAL: some network and virtual ones) is not an error: there
// is nothing more to do there.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil && !errors.Is(err, syscall.EINVAL) && !errors.Is(err, errors.ErrUnsupported) {
		return err
	}
	return nil
}

// commandRecord is a command as written; fields in the documented order.
type commandRecord struct {
	Type   string            `json:"type"`
	Tick   int32             `json:"tick"`
	Org    string            `json:"org"`
	Sender string            `json:"sender,omitempty"` // only when not Org
	ID     int64             `json:"id,omitempty"`
	Verb   string            `json:"verb"`
	Target string            `json:"target,omitempty"`
	Args   map[string]string `json:"args,omitempty"`
}

type checkRecord struct {
	Type string `json:"type"`
	Tick int32  `json:"tick"`
	Hash string `json:"hash"`
}

// add encodes one record into the buffer. Records are plain structs of
// strings, integers and a string map, which encoding/json writes the same
// way every time (map keys sorted).
func (w *Writer) add(v any) {
	b, err := json.Marshal(v)
	if err != nil { // cannot happen for these types; keep the writer honest
		w.err = fmt.Errorf("journal: encode: %w", err)
		return
	}
	w.buf = append(w.buf, b...)
	w.buf = append(w.buf, '\n')
}

func (w *Writer) usable() error {
	if w.err != nil {
		return w.err
	}
	if w.closed {
		return errors.New("journal: writer is closed")
	}
	return nil
}

// AppendCommands records the commands of one tick, in the order Step will
// apply them, and returns once they are on disk. Each command's Tick must
// be tick or 0 (it is set to tick). An empty batch writes nothing.
func (w *Writer) AppendCommands(tick int32, cmds []engine.Command) error {
	if err := w.usable(); err != nil {
		return err
	}
	if len(cmds) == 0 {
		return nil
	}
	start := len(w.buf)
	o := w.order
	for i := range cmds {
		c := cmds[i]
		if c.Tick != 0 && c.Tick != tick {
			w.buf = w.buf[:start]
			return fmt.Errorf("journal: command %d of the batch is for tick %d, the batch for tick %d", i+1, c.Tick, tick)
		}
		c.Tick = tick
		err := o.command(tick)
		if err == nil {
			err = CheckCommand(&c)
		}
		var b []byte
		if err == nil {
			sender := c.Sender
			if sender == c.Org {
				sender = "" // the reader takes a missing sender as the organisation
			}
			b, err = json.Marshal(commandRecord{"command", c.Tick, c.Org, sender, c.ID, c.Verb, c.Target, c.Args})
		}
		if err == nil && len(b) > LineBytesMax {
			err = fmt.Errorf("record longer than %d bytes", LineBytesMax)
		}
		if err != nil {
			w.buf = w.buf[:start] // nothing of a bad batch is written
			return fmt.Errorf("journal: command %d of tick %d: %w", i+1, tick, err)
		}
		o.commandDone(tick)
		w.buf = append(append(w.buf, b...), '\n')
	}
	w.order = o
	return w.Flush()
}

// AppendHash records the state hash (lowercase hex) after a tick. It is
// buffered: it reaches the disk with the next AppendCommands, End, Flush or
// Close.
func (w *Writer) AppendHash(tick int32, hash string) error {
	if err := w.usable(); err != nil {
		return err
	}
	if err := w.order.hash(tick); err != nil {
		return fmt.Errorf("journal: hash: %w", err)
	}
	if err := checkHash(hash); err != nil {
		return fmt.Errorf("journal: hash of tick %d: %w", tick, err)
	}
	w.order.hashDone(tick)
	w.add(checkRecord{"hash", tick, hash})
	return nil
}

// End records the final tick and hash (taken after engine.World.Finish) and
// syncs. Nothing can be appended after it.
func (w *Writer) End(tick int32, hash string) error {
	if err := w.usable(); err != nil {
		return err
	}
	if err := w.order.end(tick); err != nil {
		return fmt.Errorf("journal: end: %w", err)
	}
	if err := checkHash(hash); err != nil {
		return fmt.Errorf("journal: end: %w", err)
	}
	w.order.ended, w.order.last = true, "end"
	w.add(checkRecord{"end", tick, hash})
	return w.Flush()
}

type failedRecord struct {
	Type  string `json:"type"`
	Tick  int32  `json:"tick"`
	Error string `json:"error"`
}

// Failed records that the Step of tick failed with err (a scenario
// script's error) and syncs: the run stopped there. The error is stored as
// FailureText makes it. Nothing can be appended after it; a journal has
// an end or a failed record, not both.
func (w *Writer) Failed(tick int32, err string) error {
	if e := w.usable(); e != nil {
		return e
	}
	f := Failure{Tick: tick, Error: FailureText(err)}
	if e := w.order.failed(tick); e != nil {
		return fmt.Errorf("journal: failed: %w", e)
	}
	if e := checkFailure(&f); e != nil {
		return fmt.Errorf("journal: failed: %w", e)
	}
	w.order.ended, w.order.last = true, "failed"
	w.add(failedRecord{"failed", f.Tick, f.Error})
	return w.Flush()
}

// StoryStopped records that the story of a live run failed in the Step
// of tick and stopped, with err, while the run goes on; it is written
// before that tick's hash and synced. It is stored as FailureText makes
// it.
func (w *Writer) StoryStopped(tick int32, err string) error {
	if e := w.usable(); e != nil {
		return e
	}
	f := Failure{Tick: tick, Error: FailureText(err)}
	if e := w.order.storyStopped(tick); e != nil {
		return fmt.Errorf("journal: story_stopped: %w", e)
	}
	if e := checkFailure(&f); e != nil {
		return fmt.Errorf("journal: story_stopped: %w", e)
	}
	w.order.story = true
	w.add(failedRecord{"story_stopped", f.Tick, f.Error})
	return w.Flush()
}

// Flush writes buffered records and syncs them to disk.
func (w *Writer) Flush() error {
	if err := w.Write(); err != nil {
		return err
	}
	if w.sync != nil {
		if err := w.sync(); err != nil {
			w.err = fmt.Errorf("journal: sync: %w", err)
			return w.err
		}
	}
	return nil
}

// Write writes buffered records to the destination without syncing: they
// survive a crash of the process (the operating system holds them), not
// of the machine. A server writes each tick's hash so; the commands, which
// were acknowledged, are synced (AppendCommands).
func (w *Writer) Write() error {
	if err := w.usable(); err != nil {
		return err
	}
	if len(w.buf) == 0 {
		return nil
	}
	if w.size+int64(len(w.buf)) > FileBytesMax {
		w.err = fmt.Errorf("journal: longer than %d bytes", FileBytesMax)
		return w.err
	}
	n, err := w.out.Write(w.buf)
	w.size += int64(n)
	if err == nil && n < len(w.buf) {
		err = io.ErrShortWrite
	}
	if err != nil {
		w.err = fmt.Errorf("journal: write: %w", err)
		return w.err
	}
	w.buf = w.buf[:0]
	return nil
}

// Close flushes and syncs what is buffered, and closes the file if Create
// or Append opened it. A journal closed without End is a run that did not
// end: it can be replayed up to its last tick, or continued with Append.
func (w *Writer) Close() error {
	if w.closed {
		return nil
	}
	err := w.Flush()
	w.closed = true
	if w.closer != nil {
		if cerr := w.closer.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("journal: close: %w", cerr)
		}
	}
	return err
}
