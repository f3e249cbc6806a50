"""The guided set loop as a pure state machine.

The loop is driven by an injected clock: every method takes ``now_ms`` (milliseconds on any
monotonic clock) and returns the events it produced. Timed parts (visualisation, squeeze test,
count-in, tempo phases, rest) are laid out on a timeline when a state is entered; ``advance``
emits what is due. Nothing here sleeps, reads a clock, or touches a file, so a whole session runs
in a test in milliseconds.

States::

    prime --ready--> set --(metronome ends | finish_set)--> reflect --reflect--> rest --> prime ...
      any timed state --pause--> paused --resume--> the same state, timers shifted
      last set of the last exercise --reflect--> summary;   end --> summary

Example
-------
>>> from mindmuscle.session.loop import SetLoop  # doctest: +SKIP
>>> loop = SetLoop(plan, exercises, equipment)  # doctest: +SKIP
>>> events = loop.start(0)  # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal, Protocol, cast

from pydantic import BaseModel, ConfigDict, Field

from mindmuscle.catalog.models import Breathing, Exercise, Movement
from mindmuscle.coach.adapt import as_lifted
from mindmuscle.coach.models import Adaptation, EquipmentProfile, Plan, Prescription, Reflection
from mindmuscle.errors import InvalidInputError, SessionStateError
from mindmuscle.session.events import (
    AdaptedEvent,
    CompletedSet,
    CountInEvent,
    Event,
    ExerciseSkippedEvent,
    ExerciseStartedEvent,
    ExerciseSummary,
    PausedEvent,
    PhaseName,
    PrimeReadyEvent,
    PrimeStartedEvent,
    ReflectRequestedEvent,
    RepCompletedEvent,
    RestEndedEvent,
    RestStartedEvent,
    ResumedEvent,
    SetConfirmedEvent,
    SetFinishedEvent,
    SetStartedEvent,
    SqueezeCountdownEvent,
    SummaryEvent,
    TempoPhaseEvent,
)

__all__ = ["Adapter", "LoopOptions", "LoopState", "SetLoop"]

LoopState = Literal["idle", "prime", "set", "reflect", "rest", "paused", "summary"]
SNAPSHOT_VERSION = 1


class Adapter(Protocol):
    """The coach's adaptation step, injected so the loop stays testable."""

    def __call__(
        self,
        prescription: Prescription,
        reflection: Reflection,
        *,
        exercise: Exercise,
        equipment: EquipmentProfile,
        set_index: int,
    ) -> Adaptation: ...


def _coach_adapter(
    prescription: Prescription,
    reflection: Reflection,
    *,
    exercise: Exercise,
    equipment: EquipmentProfile,
    set_index: int,
) -> Adaptation:
    from mindmuscle.coach import adapt

    return adapt(
        prescription, reflection, exercise=exercise, equipment=equipment, set_index=set_index
    )


class LoopOptions(BaseModel):
    """How the loop paces itself.

    ``time_scale`` multiplies every duration (tempo, countdowns, rest): 1.0 in the gym, 0.01 in
    tests and demos.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    visualisation_s: float = Field(default=10.0, ge=0, description="Before the first set.")
    squeeze_test: bool = True
    count_in_s: int = Field(default=3, ge=0, le=10)
    time_scale: float = Field(default=1.0, gt=0, le=10)
    auto_start: bool = Field(
        default=False, description="Start the set when the prime ends (eyes-closed mode)."
    )


_PHASES: tuple[PhaseName, ...] = ("eccentric", "bottom_pause", "concentric", "top_squeeze")

# Word for the concentric and the eccentric phase, by the direction of the loaded movement.
_WORDS: dict[Movement, tuple[str, str]] = {
    Movement.UP: ("Up", "Down"),
    Movement.DOWN: ("Pull down", "Return"),
    Movement.TOWARDS: ("Pull", "Return"),
    Movement.AWAY: ("Push", "Return"),
    Movement.ROTATION: ("Lift", "Lower"),
    Movement.ISOMETRIC: ("Hold", "Hold"),
}

_BREATH: dict[Breathing, dict[PhaseName, str]] = {
    Breathing.EXHALE_CONCENTRIC: {
        "eccentric": "inhale",
        "bottom_pause": "hold",
        "concentric": "exhale",
        "top_squeeze": "exhale",
    },
    Breathing.BRACE: {
        "eccentric": "brace",
        "bottom_pause": "brace",
        "concentric": "brace",
        "top_squeeze": "breathe",
    },
    Breathing.STEADY: {p: "breathe" for p in _PHASES},
}


def _starts_with(exercise: Exercise) -> Literal["eccentric", "concentric"]:
    """Which phase a repetition begins with.

    The catalogue says so where it knows (a squat or a bench press starts at the top with the
    eccentric; a curl, a row or a deadlift starts with the concentric). Otherwise: pushes and
    lifts of the body (up, away) begin with the eccentric, everything else with the concentric.
    """
    if exercise.starts_with is not None:
        return exercise.starts_with
    if exercise.concentric in (Movement.UP, Movement.AWAY) and exercise.mechanic == "compound":
        return "eccentric"
    return "concentric"


@dataclass(frozen=True)
class _Slot:
    """An event of a state's timeline: its kind and fields, due ``offset_ms`` after the start."""

    offset_ms: int
    kind: type[BaseModel]
    fields: dict[str, Any]

    def make(self, at_ms: int) -> Event:
        return cast(Event, self.kind(at_ms=at_ms, **self.fields))


class SetLoop:
    """The guided set loop over one plan.

    Parameters
    ----------
    plan : Plan
        Today's plan; its prescriptions are run in order.
    exercises : Mapping[str, Exercise]
        The catalogue cards of the plan's exercises (movement direction, breathing, targets).
    equipment : EquipmentProfile
        What the user owns, for the coach's adaptation of the load.
    options : LoopOptions
        Pacing.
    adapter : Adapter, optional
        The adaptation step; the coach's ``adapt`` by default.

    Raises
    ------
    mindmuscle.errors.InvalidInputError
        When a prescription names an exercise that is not in ``exercises``.
    """

    def __init__(
        self,
        plan: Plan,
        exercises: Mapping[str, Exercise],
        equipment: EquipmentProfile,
        options: LoopOptions | None = None,
        *,
        adapter: Adapter | None = None,
    ) -> None:
        missing = [p.exercise_id for p in plan.exercises if p.exercise_id not in exercises]
        if missing:
            raise InvalidInputError(
                f"The plan names exercises that are not in the catalogue given: {missing}."
            )
        self.plan = plan
        self.exercises = dict(exercises)
        self.equipment = equipment
        self.options = options or LoopOptions()
        self._adapter: Adapter = adapter or _coach_adapter
        self._current: list[Prescription] = list(plan.exercises)
        self._state: LoopState = "idle"
        self._paused_state: LoopState | None = None
        self._paused_at_ms: int | None = None
        self._ex = 0
        self._set = 0
        self._start_ms = 0
        self._timeline: list[_Slot] = []
        self._end_offset_ms = 0
        self._cursor = 0
        self._pending: tuple[int, int] = (0, 0)
        self._reps_done = 0
        self._set_started_ms = 0
        self._set_finished_ms = 0
        self._completed: list[CompletedSet] = []
        self._skipped: set[int] = set()
        self._ended_early = False

    # ------------------------------------------------------------------ properties
    @property
    def state(self) -> LoopState:
        """The current state."""
        return self._state

    @property
    def position(self) -> tuple[int, int]:
        """(exercise index, set index) of the set in progress or next."""
        return (self._ex, self._set)

    @property
    def resume_position(self) -> tuple[int, int]:
        """(exercise index, set index) a resumed session continues with: during a rest (or a
        pause in one) the next set, otherwise the set in progress or next."""
        state = self._paused_state if self._state == "paused" else self._state
        if state == "rest":
            return self._pending
        return (self._ex, self._set)

    @property
    def current(self) -> Prescription | None:
        """The prescription in force for the current exercise (adapted after each set)."""
        return self._current[self._ex] if self._ex < len(self._current) else None

    @property
    def completed(self) -> list[CompletedSet]:
        """Every set confirmed so far, in order."""
        return list(self._completed)

    @property
    def reps_done(self) -> int:
        """Repetitions counted by the metronome in the current set."""
        return self._reps_done

    # ------------------------------------------------------------------ commands
    def start(self, now_ms: int) -> list[Event]:
        """Begin the session: the first exercise's prime, or the summary of an empty plan."""
        self._require("start", "idle")
        if not self._current:
            return self._enter_summary(now_ms)
        return self._enter_exercise(now_ms)

    def advance(self, now_ms: int) -> list[Event]:
        """Emit every timed event due by ``now_ms`` and take the transitions they end in."""
        events: list[Event] = []
        while True:
            if self._state in ("idle", "paused", "summary", "reflect"):
                return events
            while self._cursor < len(self._timeline):
                slot = self._timeline[self._cursor]
                due = self._start_ms + slot.offset_ms
                if due > now_ms:
                    return events
                self._cursor += 1
                event = slot.make(due)
                if isinstance(event, RepCompletedEvent):
                    self._reps_done = event.rep
                events.append(event)
            # The timeline of this state has run out: take its transition at the end time.
            end_ms = self._start_ms + self._end_offset_ms
            if end_ms > now_ms:
                return events
            if self._state == "prime":
                if not self.options.auto_start:
                    return events
                events.extend(self._enter_set(end_ms))
            elif self._state == "set":
                events.extend(self._enter_reflect(end_ms, self._reps_done, by="metronome"))
                return events
            elif self._state == "rest":
                events.append(RestEndedEvent(at_ms=end_ms, skipped=False))
                events.extend(self._after_rest(end_ms))

    def next_due_ms(self) -> int | None:
        """When ``advance`` should next be called, or None while waiting for the user."""
        if self._state in ("idle", "paused", "summary", "reflect"):
            return None
        if self._cursor < len(self._timeline):
            return self._start_ms + self._timeline[self._cursor].offset_ms
        if self._state == "prime" and not self.options.auto_start:
            return None
        return self._start_ms + self._end_offset_ms

    def ready(self, now_ms: int) -> list[Event]:
        """The lifter is ready: end the prime (skipping what is left of it) and start the set."""
        self._require("ready", "prime")
        return self._enter_set(now_ms)

    def finish_set(self, now_ms: int, reps: int | None = None) -> list[Event]:
        """The lifter ends the set; ``reps`` overrides the metronome's count."""
        self._require("finish_set", "set")
        events = self.advance(now_ms)
        if self._state != "set":  # the metronome ended it already
            return events
        if reps is not None and reps < 0:
            raise InvalidInputError(f"reps must be 0 or more, got {reps}.")
        done = self._reps_done if reps is None else reps
        return events + self._enter_reflect(now_ms, done, by="user")

    def reflect(
        self,
        now_ms: int,
        reflection: Reflection,
        *,
        reps: int,
        load_kg: float | None,
        set_uuid: str,
    ) -> list[Event]:
        """Confirm the set with its reflection, adapt the next set, and rest.

        The returned events start with ``set_confirmed``: store it before acknowledging.
        """
        self._require("reflect", "reflect")
        if reps < 0:
            raise InvalidInputError(f"reps must be 0 or more, got {reps}.")
        if load_kg is not None and load_kg < 0:
            raise InvalidInputError(f"load_kg must be 0 or more, got {load_kg}.")
        if not set_uuid:
            raise InvalidInputError("set_uuid must be a non-empty id made by the client.")
        p = self._current[self._ex]
        done = CompletedSet(
            set_uuid=set_uuid,
            exercise_id=p.exercise_id,
            exercise_index=self._ex,
            set_index=self._set,
            reps=reps,
            load_kg=load_kg,
            tempo=p.tempo,
            focus_mode=p.focus.mode,
            cue=p.focus.cue,
            reflection=reflection,
            started_ms=self._set_started_ms,
            finished_ms=self._set_finished_ms,
        )
        self._completed.append(done)
        events: list[Event] = [SetConfirmedEvent(at_ms=now_ms, completed=done)]
        adaptation = self._adapter(
            as_lifted(p, load_kg),  # the next set follows from what was lifted
            reflection,
            exercise=self.exercises[p.exercise_id],
            equipment=self.equipment,
            set_index=self._set,
        )
        self._current[self._ex] = adaptation.next
        events.append(
            AdaptedEvent(
                at_ms=now_ms,
                actions=list(adaptation.actions),
                reasons=list(adaptation.reasons),
                next=adaptation.next,
            )
        )
        nxt = self._next_position(self._ex, self._set + 1)
        if nxt is None:
            return events + self._enter_summary(now_ms)
        return events + self._enter_rest(now_ms, nxt)

    def skip_rest(self, now_ms: int) -> list[Event]:
        """End the rest now."""
        self._require("skip_rest", "rest")
        return [RestEndedEvent(at_ms=now_ms, skipped=True), *self._after_rest(now_ms)]

    def pause(self, now_ms: int) -> list[Event]:
        """Freeze every timer; ``resume`` continues where it stopped."""
        self._require("pause", "prime", "set", "rest")
        events = self.advance(now_ms)
        if self._state not in ("prime", "set", "rest"):
            return events
        self._paused_state = self._state
        self._paused_at_ms = now_ms
        self._state = "paused"
        return [*events, PausedEvent(at_ms=now_ms, state=self._paused_state)]

    def resume(self, now_ms: int) -> list[Event]:
        """Continue after ``pause``: the timeline is shifted by the time spent paused."""
        self._require("resume", "paused")
        assert self._paused_state is not None and self._paused_at_ms is not None
        paused_ms = max(0, now_ms - self._paused_at_ms)
        self._start_ms += paused_ms
        self._state = self._paused_state
        self._paused_state = None
        self._paused_at_ms = None
        return [ResumedEvent(at_ms=now_ms, state=self._state, paused_ms=paused_ms)]

    def skip_exercise(self, now_ms: int) -> list[Event]:
        """Leave the current exercise (its confirmed sets stay) and go to the next one."""
        self._require("skip_exercise", "prime", "set", "reflect", "rest", "paused")
        # While resting before a new exercise, the one to skip is the one coming up.
        skipped = self._pending[0] if self._state == "rest" else self._ex
        self._skipped.add(skipped)
        events: list[Event] = [
            ExerciseSkippedEvent(
                at_ms=now_ms, exercise_index=skipped, exercise_id=self._current[skipped].exercise_id
            )
        ]
        self._paused_state = None
        self._paused_at_ms = None
        nxt = self._next_position(skipped + 1, 0)
        if nxt is None:
            return events + self._enter_summary(now_ms)
        self._ex, self._set = nxt
        return events + self._enter_exercise(now_ms)

    def end(self, now_ms: int) -> list[Event]:
        """End the session early; confirmed sets are kept."""
        self._require("end", "prime", "set", "reflect", "rest", "paused")
        self._ended_early = True
        return self._enter_summary(now_ms)

    # ------------------------------------------------------------------ snapshot
    def snapshot(self) -> dict[str, Any]:
        """A JSON-able record of the loop, enough to resume it after a crash.

        A set that was in progress but not confirmed is started again from its prime; a set
        waiting for its reflection is still waiting for it; a rest resumes with the next set.
        """
        state = self._paused_state if self._state == "paused" else self._state
        # During a rest the set just done is behind us: resuming begins with the next one.
        position = list(self.resume_position)
        return {
            "version": SNAPSHOT_VERSION,
            "state": state,
            "position": position,
            "current": [p.model_dump(mode="json") for p in self._current],
            "completed": [c.model_dump(mode="json") for c in self._completed],
            "skipped": sorted(self._skipped),
            "reps_done": self._reps_done,
            "set_started_ms": self._set_started_ms,
            "set_finished_ms": self._set_finished_ms,
            "ended_early": self._ended_early,
        }

    @classmethod
    def restore(
        cls,
        snapshot: Mapping[str, Any],
        plan: Plan,
        exercises: Mapping[str, Exercise],
        equipment: EquipmentProfile,
        options: LoopOptions | None = None,
        *,
        adapter: Adapter | None = None,
    ) -> SetLoop:
        """Rebuild a loop from :meth:`snapshot`; call :meth:`resume_at` to restart its timers."""
        if snapshot.get("version") != SNAPSHOT_VERSION:
            raise InvalidInputError(
                f"Cannot resume: session snapshot version {snapshot.get('version')!r}, "
                f"this version of MindMuscle reads version {SNAPSHOT_VERSION}."
            )
        loop = cls(plan, exercises, equipment, options, adapter=adapter)
        loop._current = [Prescription.model_validate(p) for p in snapshot["current"]]
        loop._completed = [CompletedSet.model_validate(c) for c in snapshot["completed"]]
        loop._skipped = set(snapshot.get("skipped", []))
        loop._ex, loop._set = (int(v) for v in snapshot["position"])
        loop._ended_early = bool(snapshot.get("ended_early", False))
        state = snapshot["state"]
        loop._restored_state = state
        if state == "reflect":
            loop._state = "reflect"
            loop._reps_done = int(snapshot["reps_done"])
            loop._set_started_ms = int(snapshot["set_started_ms"])
            loop._set_finished_ms = int(snapshot["set_finished_ms"])
        elif state == "summary":
            loop._state = "summary"
        else:
            loop._state = "idle"
        return loop

    _restored_state: str | None = None

    def resume_at(self, now_ms: int) -> list[Event]:
        """Restart a restored loop at ``now_ms``: the interrupted set begins again at its prime."""
        if self._state == "reflect":
            return [
                ReflectRequestedEvent(
                    at_ms=now_ms,
                    exercise_id=self._current[self._ex].exercise_id,
                    targets=list(self.exercises[self._current[self._ex].exercise_id].targets),
                    reps=self._reps_done,
                )
            ]
        if self._state == "summary":
            return [self._summary_event(now_ms)]
        self._require("resume_at", "idle")
        if self._ex >= len(self._current):
            return self._enter_summary(now_ms)
        if self._set == 0:
            return self._enter_exercise(now_ms)
        return self._enter_prime(now_ms)

    # ------------------------------------------------------------------ transitions
    def _require(self, command: str, *states: LoopState) -> None:
        if self._state not in states:
            raise SessionStateError(
                f"Cannot {command.replace('_', ' ')} while the session is in '{self._state}'; "
                f"allowed in: {', '.join(states)}."
            )

    def _ms(self, seconds: float) -> int:
        return round(seconds * 1000 * self.options.time_scale)

    def _next_position(self, ex: int, set_index: int) -> tuple[int, int] | None:
        while ex < len(self._current):
            if ex not in self._skipped and set_index < self._current[ex].sets:
                return (ex, set_index)
            ex, set_index = ex + 1, 0
        return None

    def _set_timeline(self, now_ms: int, slots: Sequence[_Slot], end_offset_ms: int) -> None:
        self._start_ms = now_ms
        self._timeline = list(slots)
        self._end_offset_ms = end_offset_ms
        self._cursor = 0

    def _enter_exercise(self, now_ms: int) -> list[Event]:
        p = self._current[self._ex]
        started = ExerciseStartedEvent(
            at_ms=now_ms, exercise_index=self._ex, exercise_id=p.exercise_id, name=p.name,
            sets=p.sets,
        )  # fmt: skip
        return [started, *self._enter_prime(now_ms)]

    def _enter_prime(self, now_ms: int) -> list[Event]:
        p = self._current[self._ex]
        first = self._set == 0
        vis_s = self.options.visualisation_s if first else 0.0
        squeeze_s = p.prime.squeeze_test_s if self.options.squeeze_test else 0.0
        slots: list[_Slot] = [
            _Slot(
                0,
                PrimeStartedEvent,
                {
                    "exercise_index": self._ex,
                    "set_index": self._set,
                    "visualisation": p.prime.visualisation if first else None,
                    "visualisation_s": vis_s,
                    "touch": p.prime.touch,
                    "squeeze_test_s": squeeze_s,
                },
            )
        ]
        whole = int(squeeze_s)
        for k in range(whole + 1 if squeeze_s > 0 else 0):
            remaining = whole - k
            slots.append(
                _Slot(self._ms(vis_s + k), SqueezeCountdownEvent, {"remaining_s": remaining})
            )
        slots.append(
            _Slot(
                self._ms(vis_s + squeeze_s),
                PrimeReadyEvent,
                {
                    "load_kg": p.load_kg,
                    "load_display": p.load_display,
                    "reps": p.reps,
                    "cue": p.focus.cue,
                },
            )
        )
        self._state = "prime"
        self._set_timeline(now_ms, slots, slots[-1].offset_ms)
        return self.advance(now_ms)

    def _enter_set(self, now_ms: int) -> list[Event]:
        p = self._current[self._ex]
        exercise = self.exercises[p.exercise_id]
        concentric_word, eccentric_word = _WORDS[exercise.concentric]
        words: dict[PhaseName, str] = {
            "eccentric": eccentric_word,
            "bottom_pause": "Pause",
            "concentric": concentric_word,
            "top_squeeze": "Squeeze",
        }
        breath = _BREATH[exercise.breathing]
        durations: dict[PhaseName, float] = {
            "eccentric": p.tempo.eccentric_s,
            "bottom_pause": p.tempo.bottom_pause_s,
            "concentric": p.tempo.concentric_s,
            "top_squeeze": p.tempo.top_squeeze_s,
        }
        order = (
            _PHASES
            if _starts_with(exercise) == "eccentric"
            else ("concentric", "top_squeeze", "eccentric", "bottom_pause")
        )
        slots: list[_Slot] = [
            _Slot(
                0,
                SetStartedEvent,
                {
                    "exercise_index": self._ex,
                    "set_index": self._set,
                    "exercise_id": p.exercise_id,
                    "load_kg": p.load_kg,
                    "load_display": p.load_display,
                    "reps": p.reps,
                    "tempo": p.tempo,
                    "focus_mode": p.focus.mode,
                    "cue": p.focus.cue,
                },
            )
        ]
        t = 0.0
        for k in range(self.options.count_in_s):
            slots.append(
                _Slot(self._ms(t), CountInEvent, {"remaining_s": self.options.count_in_s - k})
            )
            t += 1.0
        for rep in range(1, p.reps[1] + 1):
            for phase in order:
                d = durations[phase]
                if d <= 0:
                    continue
                slots.append(
                    _Slot(
                        self._ms(t),
                        TempoPhaseEvent,
                        {
                            "rep": rep,
                            "phase": phase,
                            "word": words[phase],
                            "breath": breath[phase],
                            "duration_s": d,
                        },
                    )
                )
                t += d
            slots.append(_Slot(self._ms(t), RepCompletedEvent, {"rep": rep}))
        self._state = "set"
        self._reps_done = 0
        self._set_started_ms = now_ms
        self._set_timeline(now_ms, slots, self._ms(t))
        return self.advance(now_ms)

    def _enter_reflect(
        self, now_ms: int, reps: int, *, by: Literal["metronome", "user"]
    ) -> list[Event]:
        p = self._current[self._ex]
        self._state = "reflect"
        self._reps_done = reps
        self._set_finished_ms = now_ms
        self._timeline = []
        self._cursor = 0
        return [
            SetFinishedEvent(at_ms=now_ms, reps=reps, by=by),
            ReflectRequestedEvent(
                at_ms=now_ms,
                exercise_id=p.exercise_id,
                targets=list(self.exercises[p.exercise_id].targets),
                reps=reps,
            ),
        ]

    def _enter_rest(self, now_ms: int, nxt: tuple[int, int]) -> list[Event]:
        p = self._current[self._ex]
        duration_ms = self._ms(p.rest_s)
        self._state = "rest"
        self._pending = nxt
        # The prompt is for the set that comes next: the next exercise's after this one's last.
        prompt = self._current[nxt[0]].between_set_prompt
        started = _Slot(
            0,
            RestStartedEvent,
            {
                "duration_s": duration_ms / 1000,
                "ends_ms": now_ms + duration_ms,
                "prompt": prompt,
                "next_exercise_index": nxt[0],
                "next_set_index": nxt[1],
            },
        )
        self._set_timeline(now_ms, [started], duration_ms)
        return self.advance(now_ms)

    def _after_rest(self, now_ms: int) -> list[Event]:
        ex, set_index = self._pending
        new_exercise = ex != self._ex
        self._ex, self._set = ex, set_index
        if new_exercise:
            return self._enter_exercise(now_ms)
        return self._enter_prime(now_ms)

    def _summary_event(self, now_ms: int) -> SummaryEvent:
        per: list[ExerciseSummary] = []
        for i, p in enumerate(self._current):
            done = [c for c in self._completed if c.exercise_index == i]
            ratings = [
                c.reflection.target_rating for c in done if c.reflection.target_rating is not None
            ]
            per.append(
                ExerciseSummary(
                    exercise_id=p.exercise_id,
                    name=p.name,
                    sets_done=len(done),
                    reps_total=sum(c.reps for c in done),
                    mean_target_rating=(sum(ratings) / len(ratings)) if ratings else None,
                    skipped=i in self._skipped,
                )
            )
        return SummaryEvent(
            at_ms=now_ms,
            ended_early=self._ended_early,
            sets_done=len(self._completed),
            reps_total=sum(c.reps for c in self._completed),
            exercises=per,
        )

    def _enter_summary(self, now_ms: int) -> list[Event]:
        self._state = "summary"
        self._timeline = []
        self._cursor = 0
        self._paused_state = None
        return [self._summary_event(now_ms)]
