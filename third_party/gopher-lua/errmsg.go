package lua

// cyberex fork: see FORK.md.

// errorArgMax bounds each string that goes into an error message gopher-lua
// formats (a key name, a value): without it one failing index with a
// MiB-long key builds a MiB-long message inside one instruction.
const errorArgMax = 200

func shortenArgs(args []interface{}) []interface{} {
	var out []interface{}
	for i, a := range args {
		var s string
		switch v := a.(type) {
		case string:
			s = v
		case LString:
			s = string(v)
		default:
			continue
		}
		if len(s) <= errorArgMax {
			continue
		}
		if out == nil {
			out = append([]interface{}(nil), args...)
		}
		out[i] = s[:errorArgMax] + "…"
	}
	if out == nil {
		return args
	}
	return out
}
