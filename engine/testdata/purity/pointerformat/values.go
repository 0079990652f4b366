package pointerformat

import (
	"errors"
	"fmt"
	"io"
	"unsafe"
)

type holder struct {
	name string
	next *holder
}

type named struct{ id int }

func (n *named) String() string { return fmt.Sprint(n.id) }

type node struct {
	n    int
	kids []T
}

// G formats values fmt prints as addresses (9 problems) beside values it
// prints by content (none).
func G(w io.Writer, t *T, n *named, h holder, ch chan int, f func(), p unsafe.Pointer, list []*T, any_ any) {
	x := 3
	_ = fmt.Sprintf("%v", &x)                  // a pointer to an int
	_ = fmt.Sprintf("%+v", h)                  // a struct holding a pointer
	_ = fmt.Sprintf("%x", ch)                  // a channel
	_ = fmt.Sprintf("%d %s", 1, f)             // a function (second argument)
	_ = fmt.Errorf("%[2]v and %[1]d", 1, list) // pointers in a slice, by index
	_ = fmt.Sprint("items ", list)             // Sprint is %v
	fmt.Fprintln(w, p)                         // an unsafe.Pointer
	_ = fmt.Sprintf("%*d %v", 5, 1, &h)        // a star width takes an argument: &h, whose next is a pointer
	_ = fmt.Sprintf("%v", map[string]*T{})     // pointers in a map

	_ = fmt.Sprintf("%v %+v %x", t, t, t)                 // a pointer to a struct of values: &{...}
	_ = fmt.Sprintf("%v %s", n, n)                        // a Stringer
	_ = fmt.Sprintf("%v", errors.New("e"))                // an error
	_ = fmt.Sprintf("%T %T", &x, ch)                      // type names
	_ = fmt.Sprintf("%v %v", any_, node{})                // an interface (unknown until run time); values only
	_ = fmt.Sprintf("%v", []*named{n})                    // Stringers in a slice
	_ = fmt.Sprintf("%d%%v %v", 1, x)                     // %% is no verb
	_ = fmt.Sprintf("%v", append([]any(nil), list[0])...) // arguments spread from a slice: not known
}
