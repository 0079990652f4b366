package script

import (
	lua "github.com/yuin/gopher-lua"
)

// A task is a playbook: a function run as a coroutine that sleeps between
// ticks. The scheduler is what makes playbooks replay: tasks resume in the
// order they were spawned, each at most once per RunTasks, and only when
// their wake tick has come (and their predicate, if any, holds).
//
// Lua sees three functions:
//
//	spawn(fn, ...)     start fn(...) as a task; returns its id (1, 2, ...)
//	wait([n])          inside a task: sleep n ticks (default 1, n >= 1; a
//	                   duration such as "90m" when the tick length is known)
//	wait_until(pred [, timeout])
//	                   inside a task: sleep until pred() is truthy, checked
//	                   once per tick from the next tick on; returns that
//	                   value, or nil once timeout ticks have passed first
//
// A task that yields with coroutine.yield() sleeps one tick. Ticks advance
// only through SetTick; the engine calls RunTasks once per tick.

type task struct {
	id      int64 // spawn order, from 1; the resume order
	th      *lua.LState
	fn      *lua.LFunction
	args    []lua.LValue // for the first resume
	started bool
	done    bool
	wakeAt  int64          // the first tick it may resume at
	until   *lua.LFunction // if set, it also waits for until() to hold
	timeout int64          // with until: the tick it gives up at, or NoTick
	name    string         // playbook name, "" for spawn
	team    int32          // organisation whose policy started it, or -1 (engine.None)
}

type scheduler struct {
	tasks   []*task
	lastID  int64
	current *task // the task being resumed
}

// spawn adds a task that may first run at the current tick.
func (s *State) spawn(L *lua.LState, fn *lua.LFunction, args []lua.LValue) *task {
	if len(s.sched.tasks) >= s.limits.TasksMax {
		L.RaiseError("%s", limitMsg("TasksMax", "more than %d live tasks", s.limits.TasksMax))
	}
	th := s.newThread(L)
	s.taskThreads[th] = true
	s.sched.lastID++
	t := &task{
		id:      s.sched.lastID,
		th:      th,
		fn:      fn,
		args:    args,
		wakeAt:  s.tick,
		timeout: NoTick,
		team:    -1,
	}
	s.sched.tasks = append(s.sched.tasks, t)
	return t
}

func (s *State) luaSpawn(L *lua.LState) int {
	fn := checkLuaFunction(L, 1, "spawn")
	var args []lua.LValue
	for i := 2; i <= L.GetTop(); i++ {
		args = append(args, L.Get(i))
	}
	L.Push(lua.LNumber(s.spawn(L, fn, args).id))
	return 1
}

// currentTask is the task L is, or an error naming what called it.
func (s *State) currentTask(L *lua.LState, what string) *task {
	t := s.sched.current
	if t == nil || t.th != L {
		L.RaiseError("%s can only be called by a task (started with spawn), not from a coroutine it created or outside tasks", what)
	}
	checkYieldable(L, what)
	return t
}

func (s *State) luaWait(L *lua.LState) int {
	n := int64(1)
	if L.Get(1) != lua.LNil {
		n = s.checkTicks(L, 1, "wait")
	}
	if n < 1 {
		L.ArgError(1, "wait needs a whole number of ticks >= 1")
	}
	t := s.currentTask(L, "wait")
	t.wakeAt = s.tick + n
	return L.Yield()
}

func (s *State) luaWaitUntil(L *lua.LState) int {
	pred := checkLuaFunction(L, 1, "wait_until")
	timeout := NoTick
	if L.Get(2) != lua.LNil {
		n := s.checkTicks(L, 2, "wait_until's timeout")
		if n < 1 {
			L.ArgError(2, "wait_until's timeout is at least 1 tick")
		}
		timeout = s.tick + n
	}
	t := s.currentTask(L, "wait_until")
	t.until = pred
	t.timeout = timeout
	t.wakeAt = s.tick + 1
	return L.Yield()
}

// cancelTask stops a task: it is never resumed again (a task that cancels
// itself stops at its next wait).
func (s *State) cancelTask(id int64) bool {
	for _, t := range s.sched.tasks {
		if t.id == id && !t.done {
			t.done = true
			return true
		}
	}
	return false
}

// taskAlive says whether a task has neither ended nor been cancelled.
func (s *State) taskAlive(id int64) bool {
	for _, t := range s.sched.tasks {
		if t.id == id {
			return !t.done
		}
	}
	return false
}

// TaskCount is the number of live tasks.
func (s *State) TaskCount() int { return len(s.sched.tasks) }

// RunTasks resumes, in spawn order, every task due at the current tick,
// including tasks spawned during this call. It stops at the first task that
// fails: that task is removed and its error returned; the tasks after it
// stay due and run at the next call.
func (s *State) RunTasks() error {
	if err := s.usable(); err != nil {
		return err
	}
	var taskErr error
	_, err := s.call(s.ls.NewFunction(func(L *lua.LState) int {
		taskErr = s.runTasks(L)
		return 0
	}), nil)
	s.sched.compact(s.taskThreads)
	if err != nil {
		return err
	}
	return taskErr
}

func (s *State) runTasks(L *lua.LState) error {
	for i := 0; i < len(s.sched.tasks); i++ {
		t := s.sched.tasks[i]
		if t.done || t.wakeAt > s.tick {
			continue
		}
		var args []lua.LValue
		if t.until != nil {
			ok, v, err := s.checkUntil(L, t)
			if err != nil {
				t.done = true
				return err
			}
			if !ok {
				if t.timeout == NoTick || s.tick < t.timeout {
					continue
				}
				v = lua.LNil // timed out
			}
			t.until = nil
			t.timeout = NoTick
			args = []lua.LValue{v}
		}
		if !t.started {
			t.started = true
			args, t.args = t.args, nil
		}
		if err := s.resumeTask(L, t, args); err != nil {
			return err
		}
	}
	return nil
}

func (s *State) resumeTask(L *lua.LState, t *task, args []lua.LValue) error {
	st, err := s.resume(L, t, args)
	switch st {
	case lua.ResumeOK:
		t.done = true
	case lua.ResumeYield:
		if t.done {
			break // cancelled while it ran: it never resumes
		}
		if t.wakeAt <= s.tick && t.until == nil {
			t.wakeAt = s.tick + 1 // a plain coroutine.yield()
		}
	case lua.ResumeError:
		t.done = true
		return s.taskError(err, t)
	}
	if s.budget.stop != nil {
		return s.stopError()
	}
	return nil
}

func (s *State) resume(L *lua.LState, t *task, args []lua.LValue) (lua.ResumeState, error) {
	s.enterCoroutine(L)
	s.sched.current = t
	defer func() {
		s.sched.current = nil
		s.leaveCoroutine()
	}()
	if stop := s.budget.charge(1); stop != nil {
		return lua.ResumeError, stop
	}
	st, err, _ := L.Resume(t.th, t.fn, args...)
	return st, err
}

// checkUntil calls a task's predicate on the main thread.
func (s *State) checkUntil(L *lua.LState, t *task) (bool, lua.LValue, error) {
	s.charge(L, 1)
	top := L.GetTop()
	L.Push(t.until)
	if err := L.PCall(0, 1, nil); err != nil {
		L.SetTop(top)
		return false, nil, s.taskError(err, t)
	}
	v := L.Get(-1)
	L.SetTop(top)
	return lua.LVAsBool(v), v, nil
}

// taskError names where a task failed; when the message carries no
// position, the task's function is the best place to point at.
func (s *State) taskError(err error, t *task) error {
	e := s.fromLua(err)
	if e.File == "" && !t.fn.IsG {
		e.File, e.Line = t.fn.Proto.SourceName, t.fn.Proto.LineDefined
	}
	return e
}

// compact drops finished tasks, keeping the order.
func (sc *scheduler) compact(taskThreads map[*lua.LState]bool) {
	live := sc.tasks[:0]
	for _, t := range sc.tasks {
		if !t.done {
			live = append(live, t)
		} else {
			delete(taskThreads, t.th)
		}
	}
	clear(sc.tasks[len(live):])
	sc.tasks = live
}
