package server

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"mime"
	"net/http"
	"os"
	"path"
	"strconv"
	"strings"
	"sync"
	"time"
)

// The browser client is one large WebAssembly file (about 19 MB, 4.5 MB
// gzipped) under a name that does not change between versions: it is sent
// gzipped to every browser that accepts it, and browsers may keep it but
// must ask again each time (Cache-Control: no-cache with an ETag), which
// costs a 304 when nothing changed and never leaves a participant with a
// client older than the server.
const (
	// webGzipMax bounds a file the server compresses itself (kept in
	// memory, once per version of the file); a larger one is sent as it is
	// unless `make web` left its .gz beside it.
	webGzipMax = 64 << 20
	// webCacheControl: keep, but revalidate before use.
	webCacheControl = "no-cache"
)

// webCompressed lists the extensions worth compressing.
var webCompressed = map[string]bool{".wasm": true, ".js": true, ".html": true, ".css": true, ".json": true, ".svg": true, ".txt": true, ".map": true}

// webFiles serves the browser client's folder.
type webFiles struct {
	root  http.FileSystem
	plain http.Handler // everything not compressed: directories, images, errors

	mu sync.Mutex
	gz map[string]*gzipped // by the file's clean path
}

// gzipped is a file compressed in memory, for one version of it (its size
// and modification time).
type gzipped struct {
	mu   sync.Mutex
	size int64
	mod  time.Time
	data []byte
	err  error
}

func newWebFiles(dir string) *webFiles {
	root := http.Dir(dir)
	return &webFiles{root: root, plain: http.FileServer(root), gz: map[string]*gzipped{}}
}

func (h *webFiles) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	name := path.Clean("/" + r.URL.Path)
	if strings.HasSuffix(r.URL.Path, "/") {
		name = path.Join(name, "index.html")
	}
	ext := path.Ext(name)
	w.Header().Set("Cache-Control", webCacheControl)
	if !webCompressed[ext] {
		h.plain.ServeHTTP(w, r)
		return
	}
	f, err := h.root.Open(name)
	if err != nil {
		h.plain.ServeHTTP(w, r) // its 404 (or 403)
		return
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil || !fi.Mode().IsRegular() {
		h.plain.ServeHTTP(w, r)
		return
	}
	hd := w.Header()
	hd.Add("Vary", "Accept-Encoding")
	if ct := mime.TypeByExtension(ext); ct != "" {
		hd.Set("Content-Type", ct)
	}
	tag := strconv.FormatInt(fi.ModTime().UnixNano(), 36) + "-" + strconv.FormatInt(fi.Size(), 36)
	if acceptsGzip(r.Header.Get("Accept-Encoding")) {
		if content, closeIt, ok := h.compressed(name, fi); ok {
			defer closeIt()
			hd.Set("Content-Encoding", "gzip")
			hd.Set("ETag", `"`+tag+`-gz"`)
			http.ServeContent(w, r, name, fi.ModTime(), content)
			return
		}
	}
	hd.Set("ETag", `"`+tag+`"`)
	http.ServeContent(w, r, name, fi.ModTime(), f)
}

// compressed is the gzipped form of a file: its .gz beside it when that is
// at least as new as the file (`make web` writes one for the client), or a
// copy compressed once in memory. ok is false when neither will do (the
// file is sent as it is).
func (h *webFiles) compressed(name string, fi os.FileInfo) (content io.ReadSeeker, closeIt func(), ok bool) {
	if gz, err := h.root.Open(name + ".gz"); err == nil {
		if gi, err := gz.Stat(); err == nil && gi.Mode().IsRegular() && !gi.ModTime().Before(fi.ModTime()) {
			return gz, func() { gz.Close() }, true
		}
		gz.Close()
	}
	if fi.Size() > webGzipMax {
		return nil, nil, false
	}
	h.mu.Lock()
	e := h.gz[name]
	if e == nil || e.size != fi.Size() || !e.mod.Equal(fi.ModTime()) {
		e = &gzipped{size: fi.Size(), mod: fi.ModTime()}
		h.gz[name] = e
	}
	h.mu.Unlock()
	// The first request for a version compresses it; the others wait for
	// it rather than compress it again.
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.data == nil && e.err == nil {
		e.data, e.err = h.gzip(name, fi.Size())
	}
	if e.err != nil {
		return nil, nil, false
	}
	return bytes.NewReader(e.data), func() {}, true
}

func (h *webFiles) gzip(name string, size int64) ([]byte, error) {
	f, err := h.root.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var b bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&b, gzip.BestCompression)
	n, err := io.Copy(zw, io.LimitReader(f, webGzipMax+1))
	if err != nil {
		return nil, fmt.Errorf("compress %s: %w", name, err)
	}
	if n != size { // changed while read: send it as it is this time
		return nil, fmt.Errorf("compress %s: %d bytes read, %d expected", name, n, size)
	}
	if err := zw.Close(); err != nil {
		return nil, fmt.Errorf("compress %s: %w", name, err)
	}
	return b.Bytes(), nil
}

// acceptsGzip reads an Accept-Encoding header: gzip, or * when gzip is
// not named, with a q above 0.
func acceptsGzip(header string) bool {
	star := false
	for _, part := range strings.Split(header, ",") {
		coding, params, _ := strings.Cut(part, ";")
		coding = strings.ToLower(strings.TrimSpace(coding))
		if coding != "gzip" && coding != "*" {
			continue
		}
		q := 1.0
		for _, p := range strings.Split(params, ";") {
			k, v, ok := strings.Cut(strings.TrimSpace(p), "=")
			if ok && strings.EqualFold(strings.TrimSpace(k), "q") {
				if f, err := strconv.ParseFloat(strings.TrimSpace(v), 64); err == nil {
					q = f
				}
			}
		}
		if coding == "gzip" {
			return q > 0
		}
		star = q > 0
	}
	return star
}
