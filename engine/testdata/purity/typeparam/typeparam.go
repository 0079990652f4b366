// Package typeparam ranges over maps hidden behind type parameters.
package typeparam

type Table interface {
	~map[string]int
}

type Named map[string]int

func Sum[M ~map[K]V, K comparable, V int | int64](m M) (n V) {
	for _, v := range m {
		n += v
	}
	return n
}

func Keys[T Table](t T) (n int) {
	for k := range t {
		n += len(k)
	}
	return n
}

func Named2(t Named) (n int) {
	for k := range t {
		n += len(k)
	}
	return n
}

func Slice[S ~[]int](s S) (n int) {
	for _, v := range s { // not a map
		n += v
	}
	return n
}
