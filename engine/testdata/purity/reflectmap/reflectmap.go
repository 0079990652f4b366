// Package reflectmap walks a map through reflect.
package reflectmap

import "reflect"

func F(m map[string]int) int {
	n := 0
	v := reflect.ValueOf(m)
	for _, k := range v.MapKeys() {
		n += len(k.String())
	}
	it := v.MapRange()
	for it.Next() {
		n++
	}
	for k := range v.Seq() {
		_ = k
	}
	return n + v.Len()
}
