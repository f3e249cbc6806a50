// Live EMG bars on the set page, from the server's sensor (mindmuscle serve --live).
//
// The server pushes about 20 frames a second over /api/live/ws while a set runs (see
// mindmuscle.services.live_feed). This module draws a bar per shown muscle (the exercise's target
// and its compensators, by name), %MVC when the lifter is calibrated, else "% of this set's peak",
// says in words when the sensor stops (the set goes on and is kept), and plays the cue tones
// through the set loop's audio (metronome.js): one when the target reaches the chosen %MVC, a
// different one when a compensating muscle rises above the target. Nothing here can stop the
// set: every failure ends in a line of text.

import { feltText } from "./api.js";

const STOPPED = "Sensor stopped — the set is kept.";
const QUIET_MS = 800; // no message for this long: the stream has stopped (shown within a second)
const RETRY_MS = 2000;
export const TONE_LEVELS = [20, 30, 40, 50, 60, 70, 0]; // %MVC; 0: no tone

// What tests and the latency benchmark read: frames received, and for each its source time
// (the sensor's clock), the receipt time (ms since the epoch, this page's clock) and when the
// server's pipeline put it out (the sensor's clock).
const stats = { frames: 0, receipts: [], tones: [], dropped: 0 };
window.mmLive = stats;

let status = null; // GET /api/live, asked once per page

// The felt rating beside what the EMG measured, never the one as the other (rule 16): "felt
// 8/10, measured 62% MVC" (or "% of this set's peak" without a calibration); a reason instead of
// a measurement ("no repetition found in the EMG", "no EMG: …") stands after a dot.
export function feltMeasured(rating, measured) {
  const felt = feltText(rating);
  if (measured && /^\d/.test(measured)) return `${felt}, measured ${measured}`;
  return measured ? `${felt} · ${measured}` : felt;
}

export async function liveConfigured(api) {
  if (status === null) {
    try {
      status = await api("/api/live");
    } catch {
      status = { configured: false, source: null }; // offline: nothing live
    }
  }
  return !!status.configured;
}

export class LiveBars {
  // panel: the #live element; audio: the Metronome (its cueTone); toneAt(): the chosen %MVC.
  constructor(panel, audio, { toneAt = () => 40 } = {}) {
    this.panel = panel;
    this.audio = audio;
    this.toneAt = toneAt;
    this.ws = null;
    this.bars = new Map();
    this.exercise = null;
    this.running = false;
    this.lastMessage = 0;
    this.watchdog = null;
    this.retry = null;
    this.stopped = false;
    this.basis = "pct_peak";
  }

  // setUuid: the set's own UUID, so the server keeps its samples and stores them with it.
  start(exerciseId, setUuid = null) {
    this.stop();
    this.exercise = exerciseId;
    this.setUuid = setUuid;
    this.running = true;
    this.panel.hidden = false;
    this.panel.dataset.state = "connecting";
    this.say("Connecting to the sensor…");
    this._connect();
    this.watchdog = setInterval(() => this._watch(), 200);
  }

  stop() {
    this.running = false;
    clearInterval(this.watchdog);
    clearTimeout(this.retry);
    this.watchdog = this.retry = null;
    if (this.ws) {
      try {
        this.ws.close(1000);
      } catch {
        // already closed
      }
    }
    this.ws = null;
    this.panel.hidden = true;
  }

  // A new tone level: the server computes the cues, so the set's stream starts again with it.
  retune() {
    if (this.running) this._connect();
  }

  say(text) {
    const line = this.panel.querySelector("[data-live-state]");
    if (line.textContent !== text) line.textContent = text;
  }

  _connect() {
    if (this.ws) {
      this.ws.onclose = null;
      try {
        this.ws.close(1000);
      } catch {
        // already closed
      }
    }
    const scheme = location.protocol === "https:" ? "wss:" : "ws:";
    const q = new URLSearchParams();
    if (this.exercise) q.set("exercise", this.exercise);
    if (this.setUuid) q.set("set", this.setUuid);
    const tone = this.toneAt();
    if (tone) q.set("cue_at", String(tone));
    let ws;
    try {
      ws = new WebSocket(`${scheme}//${location.host}/api/live/ws?${q}`);
    } catch {
      this._lost();
      return;
    }
    this.ws = ws;
    this.lastMessage = performance.now();
    ws.onmessage = (e) => {
      const received = performance.timeOrigin + performance.now();
      this.lastMessage = performance.now();
      let m;
      try {
        m = JSON.parse(e.data);
      } catch {
        return;
      }
      try {
        this._message(m, received);
      } catch {
        this.say("The live bars could not be drawn; the set goes on.");
      }
    };
    ws.onclose = () => {
      if (this.ws !== ws || !this.running) return;
      this.ws = null;
      // Refused (a bad request, too many pages): the sentence stays, no retry.
      if (["refused", "busy"].includes(this.panel.dataset.state)) return;
      this._lost();
      this.retry = setTimeout(() => this.running && this._connect(), RETRY_MS);
    };
  }

  _watch() {
    if (!this.running || this.panel.dataset.state !== "live") return;
    if (performance.now() - this.lastMessage > QUIET_MS) this._lost();
  }

  _lost(detail) {
    this.panel.dataset.state = "stopped";
    for (const bar of this.bars.values()) {
      bar.fill.style.width = "0%";
      bar.value.textContent = "–";
    }
    this.say(detail ? `${STOPPED} ${detail.charAt(0).toUpperCase()}${detail.slice(1).replace(/\.?$/, ".")}` : STOPPED);
  }

  _message(m, received) {
    if (m.type === "setup") return this._setup(m);
    if (m.type === "status") {
      if (m.state === "none") {
        this.stop(); // the server has no sensor after all: nothing live on the page
        return;
      }
      if (m.state === "no_sensor" && stats.frames > 0 && this.panel.dataset.state !== "connecting") {
        this._lost(); // it was there during this page: it stopped, the set goes on
        return;
      }
      this.panel.dataset.state = m.state;
      this.say(m.message);
      return;
    }
    if (m.type !== "frame") return;
    stats.frames += 1;
    this.panel.dataset.frames = String(stats.frames);
    stats.dropped = m.quality.dropped_samples;
    const stream = m.quality.stream;
    if (stream !== "ok") {
      this._lost(m.quality.note || "");
      return;
    }
    // Frames of samples only (a "stalled" frame shows no new sample).
    if (stats.receipts.length < 50000) stats.receipts.push([m.source_time, received, m.emitted_time]);
    if (this.panel.dataset.state !== "live") {
      this.panel.dataset.state = "live";
      this.say("");
    }
    for (const [key, bar] of this.bars) {
      const v = m.muscles[key];
      if (!v) continue;
      const value = this.basis === "pct_mvc" && v.pct_mvc !== null ? v.pct_mvc : v.pct_peak;
      const pct = Math.max(0, Math.min(100, value));
      bar.fill.style.width = `${pct.toFixed(1)}%`;
      bar.value.textContent = `${Math.round(value)}%`;
      bar.row.classList.toggle("over", !!v.cue && v.cue.kind === "compensating");
    }
    for (const [, kind] of m.sound || []) {
      const audible = !!this.audio && this.audio.audioRunning() && !this.audio.muted;
      stats.tones.push([kind, audible]);
      if (this.audio) this.audio.cueTone(kind);
    }
  }

  _setup(m) {
    this.basis = m.basis;
    const list = this.panel.querySelector("[data-live-bars]");
    list.replaceChildren();
    this.bars.clear();
    for (const mu of m.muscles) {
      const row = document.createElement("div");
      row.className = `lbar role-${mu.role}`;
      const name = document.createElement("span");
      name.className = "lname";
      name.textContent = mu.role === "compensator" ? `${mu.name} · helper` : mu.name;
      const track = document.createElement("span");
      track.className = "ltrack";
      const fill = document.createElement("i");
      track.append(fill);
      if (m.basis === "pct_mvc" && m.cue_at_pct_mvc && mu.role === "target") {
        const mark = document.createElement("b");
        mark.className = "lmark";
        mark.style.left = `${m.cue_at_pct_mvc}%`;
        track.append(mark);
      }
      const value = document.createElement("span");
      value.className = "lval";
      value.textContent = "–";
      row.append(name, track, value);
      list.append(row);
      this.bars.set(mu.key, { row, fill, value });
    }
    const basis = this.panel.querySelector("[data-live-basis]");
    basis.textContent = m.basis === "pct_mvc" ? "% MVC" : "% of this set's peak";
    const tone = this.panel.querySelector("[data-live-tone]");
    tone.hidden = m.basis !== "pct_mvc";
    if (!m.muscles.length) {
      this.say("The sensor's muscles are not this exercise's target: no bars for this set.");
    } else if (this.panel.dataset.state !== "live") {
      this.say("Waiting for the sensor…");
    }
    this.panel.dataset.state = this.panel.dataset.state === "live" ? "live" : "waiting";
  }
}
