// The tempo metronome. Sounds are scheduled ahead on the Web Audio clock (not setInterval), so
// they stay on time when the main thread is busy; the page reads the same clock to show the
// phase word. Each phase has its own sound: eccentric falls, the pause thuds, the concentric
// rises, the squeeze pings twice.

export const PHASES = ["eccentric", "bottom_pause", "concentric", "top_squeeze"];
export const PHASE_WORDS = {
  eccentric: "Lower",
  bottom_pause: "Pause",
  concentric: "Lift",
  top_squeeze: "Squeeze",
};
const VIBRATE = { eccentric: [40], bottom_pause: [20], concentric: [90], top_squeeze: [30, 40, 30] };

// Spoken phases never talk over the metronome: the word is said right after its phase's sound
// (the longest, the lowering's fall, lasts 0.32 s), only on a phase that lasts at least
// SAY_WORD_S as played, so it ends before the next phase's sound; the breathing cue joins it on
// a phase of at least SAY_BREATH_S, and that phase's first soft tick is left out so the words
// are heard alone. Shorter phases (fast tempos) are carried by the metronome's sounds only.
export const SAY_AFTER_S = 0.35;
export const SAY_WORD_S = 1.0;
export const SAY_BREATH_S = 2.0;

// What is said at a phase `e` of a timeline (its word, and its breathing on a long phase), or
// null when the phase is too short to say anything without talking over the next sound.
export function spokenCue(e) {
  if (!e || e.kind !== "phase" || !(e.duration >= SAY_WORD_S)) return null;
  const word = e.word || PHASE_WORDS[e.phase];
  return e.breath && e.duration >= SAY_BREATH_S ? `${word}, ${e.breath}` : word;
}

// Build the timeline of one set: a count-in, then every phase of every repetition.
// tempo: {eccentric_s, bottom_pause_s, concentric_s, top_squeeze_s}; times in seconds.
export function buildTimeline(tempo, reps, { countIn = 3, speed = 1 } = {}) {
  const events = [];
  let t = 0;
  for (let i = countIn; i > 0; i--) {
    events.push({ t, kind: "count", value: i, duration: 1 / speed });
    t += 1 / speed;
  }
  for (let rep = 1; rep <= reps; rep++) {
    for (const phase of PHASES) {
      const d = (tempo[`${phase}_s`] || 0) / speed;
      if (d <= 0) continue;
      events.push({ t, kind: "phase", phase, rep, duration: d });
      t += d;
    }
    events.push({ t, kind: "rep", rep, duration: 0 });
  }
  events.push({ t, kind: "end", duration: 0 });
  return { events, total: t };
}

export class Metronome {
  constructor() {
    this.ctx = null;
    this.muted = false;
    this.vibrate = true;
    this.speed = 1;
    this.timeline = null;
    this.startAt = 0;
    this.next = 0;
    this.timer = null;
    this.fallbackOrigin = performance.now();
    // Called with each phase and the clock time its sound starts; returns true when it will
    // say the phase (the page's voice and screen-reader line), which leaves out its first tick.
    this.onPhase = null;
  }

  // Must be called from a user gesture (tap) so the browser lets the page make sound.
  async unlock() {
    try {
      if (!this.ctx) {
        const AC = window.AudioContext || window.webkitAudioContext;
        if (AC) this.ctx = new AC({ latencyHint: "interactive" });
      }
      if (this.ctx && this.ctx.state === "suspended") await this.ctx.resume();
    } catch {
      this.ctx = null;
    }
    return this.audioRunning();
  }

  audioRunning() {
    return !!this.ctx && this.ctx.state === "running";
  }

  // Seconds on the clock the sounds are scheduled on.
  now() {
    return this.audioRunning() ? this.ctx.currentTime : (performance.now() - this.fallbackOrigin) / 1000;
  }

  // Play `timeline` from `from` seconds into it (a paused or reloaded set goes on where it was).
  start(timeline, { lead = 0.15, from = 0 } = {}) {
    this.stop();
    this.timeline = timeline;
    this.startAt = this.now() + lead - from;
    this.next = 0;
    while (this.next < timeline.events.length && timeline.events[this.next].t < from) this.next++;
    this.timer = setInterval(() => this._schedule(), 25);
    this._schedule();
    return this.startAt;
  }

  stop() {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.timeline = null;
  }

  // Where the set is now: the current event, elapsed and remaining seconds of it.
  position() {
    if (!this.timeline) return null;
    const t = this.now() - this.startAt;
    const ev = this.timeline.events;
    let cur = null;
    let repsDone = 0;
    for (const e of ev) {
      if (e.t > t) break;
      if (e.kind === "rep") repsDone = e.rep;
      if (e.kind !== "rep") cur = e;
    }
    return { t, event: cur, repsDone, done: t >= this.timeline.total };
  }

  _schedule() {
    const horizon = this.now() + 0.12;
    const ev = this.timeline ? this.timeline.events : [];
    while (this.next < ev.length && this.startAt + ev[this.next].t < horizon) {
      const e = ev[this.next++];
      const at = this.startAt + e.t;
      if (e.kind === "count") this.beep(at, 880, 0.08, 0.25);
      if (e.kind === "phase") {
        this.phaseSound(e.phase, at);
        const said = this.onPhase ? this.onPhase(e, at) : false;
        // Soft ticks on each further second of a long phase, so the eyes can stay closed.
        for (let s = said ? 2 : 1; s < e.duration * this.speedFactor(); s++) {
          this.beep(at + s / this.speedFactor(), 1000, 0.02, 0.06);
        }
        if (this.vibrate && navigator.vibrate) {
          const delay = Math.max(0, (at - this.now()) * 1000);
          setTimeout(() => this.timeline && this.vibrate && navigator.vibrate(VIBRATE[e.phase]), delay);
        }
      }
      if (e.kind === "end") this.chime(at);
    }
  }

  speedFactor() {
    return this.speed || 1;
  }

  _osc(type, at, f0, f1, dur, gain) {
    if (this.muted || !this.audioRunning()) return;
    const c = this.ctx;
    const o = c.createOscillator();
    const g = c.createGain();
    o.type = type;
    o.frequency.setValueAtTime(f0, at);
    if (f1 !== f0) o.frequency.exponentialRampToValueAtTime(f1, at + dur);
    g.gain.setValueAtTime(0.0001, at);
    g.gain.exponentialRampToValueAtTime(gain, at + 0.01);
    g.gain.exponentialRampToValueAtTime(0.0001, at + dur);
    o.connect(g).connect(c.destination);
    o.start(at);
    o.stop(at + dur + 0.02);
  }

  beep(at, freq, dur, gain) {
    this._osc("sine", at, freq, freq, dur, gain);
  }

  phaseSound(phase, at) {
    if (phase === "eccentric") this._osc("triangle", at, 620, 330, 0.32, 0.45);
    else if (phase === "bottom_pause") this._osc("sine", at, 150, 110, 0.16, 0.7);
    else if (phase === "concentric") this._osc("sawtooth", at, 330, 880, 0.22, 0.22);
    else if (phase === "top_squeeze") {
      this._osc("sine", at, 1320, 1320, 0.07, 0.4);
      this._osc("sine", at + 0.11, 1320, 1320, 0.07, 0.4);
    }
  }

  // The live EMG cues (live.js), unlike every phase sound: the target reached the chosen %MVC is
  // a bright rising pair of notes; a compensating muscle above the target is a low double buzz.
  cueTone(kind, at = this.now()) {
    if (kind === "target_reached") {
      this._osc("sine", at, 1568, 1568, 0.09, 0.4);
      this._osc("sine", at + 0.1, 2093, 2093, 0.14, 0.4);
    } else if (kind === "compensating") {
      this._osc("square", at, 196, 196, 0.12, 0.18);
      this._osc("square", at + 0.18, 196, 196, 0.12, 0.18);
    }
    this.lastCue = { kind, at };
  }

  chime(at = this.now()) {
    [660, 880, 1100].forEach((f, i) => this._osc("sine", at + i * 0.14, f, f, 0.3, 0.35));
  }
}
