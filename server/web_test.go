package server

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// get fetches a path as a browser would, without Go's own decompression:
// the test reads the bytes as they travel.
func webGet(t *testing.T, url string, header map[string]string) (*http.Response, []byte) {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	for k, v := range header {
		req.Header.Set(k, v)
	}
	c := &http.Client{Transport: &http.Transport{DisableCompression: true}}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	return resp, b
}

func gunzip(t *testing.T, b []byte) []byte {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("not gzip: %v", err)
	}
	out, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// The browser client goes out gzipped to browsers that take gzip, as it is
// to the others, with its type, an ETag per encoding, Vary and a
// revalidate-before-use cache policy; a fresh .gz beside a file is sent
// instead of compressing it, a stale one is not.
func TestWebClientCompressed(t *testing.T) {
	dir := t.TempDir()
	wasm := bytes.Repeat([]byte("\x00asm\x01\x00\x00\x00 cyberex client code "), 20000)
	index := []byte("<!doctype html><title>cyberex</title><script src=wasm_exec.js></script>")
	for name, b := range map[string][]byte{"cyberex-client.wasm": wasm, "index.html": index, "wasm_exec.js": []byte("// go's loader\n"), "logo.png": []byte("\x89PNG....")} {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	ts := httptest.NewServer(newWebFiles(dir))
	defer ts.Close()
	gz := map[string]string{"Accept-Encoding": "gzip, deflate, br"}

	resp, body := webGet(t, ts.URL+"/cyberex-client.wasm", gz)
	if resp.StatusCode != 200 || resp.Header.Get("Content-Encoding") != "gzip" {
		t.Fatalf("wasm: %s, encoding %q", resp.Status, resp.Header.Get("Content-Encoding"))
	}
	if !bytes.Equal(gunzip(t, body), wasm) {
		t.Fatal("the gzipped wasm is not the file")
	}
	if len(body) > len(wasm)/10 {
		t.Errorf("gzipped %d bytes of %d", len(body), len(wasm))
	}
	for k, want := range map[string]string{"Content-Type": "application/wasm", "Cache-Control": "no-cache", "Vary": "Accept-Encoding"} {
		if got := resp.Header.Get(k); got != want {
			t.Errorf("%s: %q, want %q", k, got, want)
		}
	}
	gzTag := resp.Header.Get("ETag")
	if gzTag == "" {
		t.Fatal("no ETag")
	}
	// Revalidation costs a 304 and no body.
	resp, body = webGet(t, ts.URL+"/cyberex-client.wasm", map[string]string{"Accept-Encoding": "gzip", "If-None-Match": gzTag})
	if resp.StatusCode != http.StatusNotModified || len(body) != 0 {
		t.Errorf("revalidation: %s, %d bytes", resp.Status, len(body))
	}
	// Without gzip: the file as it is, under another ETag.
	for _, h := range []map[string]string{nil, {"Accept-Encoding": "gzip;q=0, *"}, {"Accept-Encoding": "identity"}} {
		resp, body = webGet(t, ts.URL+"/cyberex-client.wasm", h)
		if resp.Header.Get("Content-Encoding") != "" || !bytes.Equal(body, wasm) {
			t.Errorf("%v: encoding %q, %d bytes", h, resp.Header.Get("Content-Encoding"), len(body))
		}
		if tag := resp.Header.Get("ETag"); tag == "" || tag == gzTag {
			t.Errorf("%v: ETag %q (gzipped %q)", h, tag, gzTag)
		}
	}
	// The page at /, gzipped; images as they are.
	resp, body = webGet(t, ts.URL+"/", gz)
	if resp.Header.Get("Content-Encoding") != "gzip" || !bytes.Equal(gunzip(t, body), index) || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
		t.Errorf("/: %q %q", resp.Header.Get("Content-Encoding"), resp.Header.Get("Content-Type"))
	}
	resp, body = webGet(t, ts.URL+"/logo.png", gz)
	if resp.Header.Get("Content-Encoding") != "" || resp.Header.Get("Cache-Control") != "no-cache" || string(body) != "\x89PNG...." {
		t.Errorf("png: %q, %q", resp.Header.Get("Content-Encoding"), body)
	}
	// Nothing outside the folder, nothing missing.
	for _, p := range []string{"/../web_test.go", "/%2e%2e/web_test.go", "/nope.wasm", "/nope/"} {
		resp, _ = webGet(t, ts.URL+p, gz)
		if resp.StatusCode != http.StatusNotFound {
			t.Errorf("%s: %s", p, resp.Status)
		}
	}

	// make web's .gz is sent as it is when it is at least as new as the
	// file (its bytes say which was sent)...
	var pre bytes.Buffer
	zw := gzip.NewWriter(&pre)
	zw.Name = "precompressed"
	zw.Write(wasm)
	zw.Close()
	gzFile := filepath.Join(dir, "cyberex-client.wasm.gz")
	os.WriteFile(gzFile, pre.Bytes(), 0o644)
	resp, body = webGet(t, ts.URL+"/cyberex-client.wasm", gz)
	if !bytes.Equal(body, pre.Bytes()) || resp.Header.Get("Content-Type") != "application/wasm" {
		t.Errorf("fresh .gz not sent (%d bytes, %q)", len(body), resp.Header.Get("Content-Type"))
	}
	// ...and not when the file is newer (a rebuilt client, an old .gz).
	old := time.Now().Add(-time.Hour)
	os.Chtimes(gzFile, old, old)
	resp, body = webGet(t, ts.URL+"/cyberex-client.wasm", gz)
	if bytes.Equal(body, pre.Bytes()) || !bytes.Equal(gunzip(t, body), wasm) {
		t.Error("stale .gz sent")
	}
	// A rebuilt file is compressed again, with a new ETag.
	wasm2 := append(bytes.Clone(wasm), "v2"...)
	os.WriteFile(filepath.Join(dir, "cyberex-client.wasm"), wasm2, 0o644)
	resp, body = webGet(t, ts.URL+"/cyberex-client.wasm", gz)
	if !bytes.Equal(gunzip(t, body), wasm2) || resp.Header.Get("ETag") == gzTag {
		t.Errorf("rebuilt file: ETag %q", resp.Header.Get("ETag"))
	}
}

func TestAcceptsGzip(t *testing.T) {
	for h, want := range map[string]bool{
		"": false, "gzip": true, "GZIP": true, "deflate, gzip;q=0.5": true, "gzip;q=0": false,
		"gzip; q=0.0, *": false, "*": true, "*;q=0": false, "br, identity": false, "x-gzip": false,
	} {
		if got := acceptsGzip(h); got != want {
			t.Errorf("%q: %v, want %v", h, got, want)
		}
	}
}
