package link

import (
	"strconv"

	"cyberex/client/locale"
	"cyberex/client/model"
	"cyberex/engine"
	"cyberex/wire"
)

// Apply puts one server message into the model. It returns true when the
// model's view no longer follows the server (a delta that does not fit)
// and a fresh view is needed.
func Apply(m *model.Model, msg wire.Message) (resync bool) {
	t := m.Text
	switch x := msg.(type) {
	case *wire.Welcome:
		role := model.RoleTeam
		switch x.Role {
		case wire.RoleController:
			role = model.RoleController
		case wire.RoleObserver:
			role = model.RoleObserver
		}
		m.Join(model.Welcome{Role: role, Org: x.Org, Title: x.Title, TickSeconds: x.TickSeconds, Verbs: x.Verbs})
		setStatus(m, &x.Status)
	case *wire.Status:
		setStatus(m, x)
	case *wire.View:
		if x.View != nil {
			m.SetSnapshot(x.View)
		}
	case *wire.Delta:
		if err := m.ApplyDelta(&x.ViewDelta); err != nil {
			return true
		}
		if len(x.Metrics) > 0 {
			m.SetFigures(figures(x.Metrics))
		}
	case *wire.Ack:
		if x.Paused {
			m.Answer(x.Ref, t.F(locale.KeyAckPaused, x.Tick), false, false)
		} else {
			m.Answer(x.Ref, t.F(locale.KeyAck, x.Tick), false, false)
		}
	case *wire.Result:
		text := x.Text
		if x.Accepted {
			switch {
			case x.Started:
				text = t.F(locale.KeyStarted, text, x.Done)
			case x.Ahead > 0:
				text = t.F(locale.KeyWaitingAhead, text, x.Ahead)
			}
		}
		m.Answer(x.Ref, text, !x.Accepted, true)
	case *wire.Past:
		m.ShowPast(x.View, figures(x.Metrics))
		m.Answer(x.Ref, t.F(locale.KeyPastAnswer, x.Tick), false, true)
	case *wire.Branched:
		m.AddBranch(branch(x))
		m.Answer(x.Ref, t.F(locale.KeyBranchAnswer, x.Name), false, true)
	case *wire.Noted:
		m.Answer(x.Ref, t.F(locale.KeyNoted, x.Tick), false, true)
	case *wire.Error:
		if x.Ref != 0 {
			m.Answer(x.Ref, t.F(locale.KeyErrorPrefix, x.Message), true, true)
		} else if x.Code == wire.ErrCode || x.Code == wire.ErrProtocol {
			m.JoinError = x.Message
		}
	case *wire.Bye:
		m.Conn = model.Disconnected
	}
	return false
}

func setStatus(m *model.Model, s *wire.Status) {
	st := model.Status{
		Started:       s.State != wire.StateWaiting,
		Paused:        s.State == wire.StatePaused || s.State == wire.StateWaiting,
		Ended:         s.State == wire.StateEnded || s.State == wire.StateFailed,
		MillisPerTick: s.MillisPerTick,
		MoveLeft:      s.MoveLeft,
		Problem:       s.Error,
	}
	if st.Problem == "" {
		st.Problem = s.Story
	}
	m.SetStatus(st)
	m.Teams = m.Teams[:0]
	for _, tm := range s.Teams {
		m.Teams = append(m.Teams, model.Team{Org: tm.Org, People: tm.People, Scripted: tm.Scripted})
	}
}

func figures(ms []engine.Metric) []model.Figure {
	figs := make([]model.Figure, len(ms))
	for i, mt := range ms {
		figs[i] = model.Figure{Name: mt.Name, Value: mt.Value}
	}
	return figs
}

// branch puts a branch's outcome beside the exercise's: every objective,
// and the key figures that differ.
func branch(x *wire.Branched) model.Branch {
	b := model.Branch{Name: x.Name, At: x.At, Until: x.Until, Commands: x.Commands, Keep: x.Keep, Checked: x.Checked}
	status := func(os []engine.ObjectiveView, id string) (string, int8) {
		for _, o := range os {
			if o.ID == id {
				switch o.Status {
				case "met":
					return o.Status + " @" + strconv.Itoa(int(o.Tick)), 1
				case "failed":
					return o.Status + " @" + strconv.Itoa(int(o.Tick)), -1
				}
				return o.Status, 0
			}
		}
		return "—", 0
	}
	for _, o := range x.Run.Objectives {
		c := model.Compared{Name: o.ID}
		c.Run, c.RunOK = status(x.Run.Objectives, o.ID)
		c.Branch, c.BrOK = status(x.Branch.Objectives, o.ID)
		b.Objectives = append(b.Objectives, c)
	}
	theirs := map[string]int64{}
	for _, mt := range x.Branch.Metrics {
		theirs[mt.Name] = mt.Value
	}
	for _, mt := range x.Run.Metrics {
		if v, ok := theirs[mt.Name]; ok && v != mt.Value {
			b.Figures = append(b.Figures, model.Compared{Name: mt.Name, Run: strconv.FormatInt(mt.Value, 10), Branch: strconv.FormatInt(v, 10)})
		}
	}
	return b
}
