// Live repetition count from the phone's accelerometer during a set.
//
// The same algorithm, step for step, as MotionStream's live count in
// mindmuscle/signals/motion/stream.py (a browser test feeds both the same samples and checks the
// counts agree): resample to 25 Hz, causal band-pass 0.1-1.5 Hz, project on the principal direction
// of the recent movement (any orientation), count with a hysteresis that adapts to the lifter's
// own amplitude. Samples are processed in batches spanning at least 0.5 s (a display refresh).
// The count after the set comes from the server's full analysis; this one is for the screen.

const RATE_HZ = 25;
const STEP_S = 1 / RATE_HZ;
// scipy.signal.butter(1, (0.1, 1.5), btype="bandpass", fs=25) and lfilter_zi of it.
export const LIVE_B = [0.15093563448143818, 0.0, -0.15093563448143818];
export const LIVE_A = [1.0, -1.6900063899848876, 0.6981287310371238];
export const LIVE_ZI = [-0.1509356344814412, -0.15093563448143607];
const ORDER = LIVE_A.length - 1;
export const LIVE_THRESHOLD = 0.35;
export const LIVE_MEMORY_S = 10.0;
export const LIVE_MIN_REP_S = 0.5;
export const LIVE_MIN_AMPLITUDE_MS2 = 0.3;
export const LIVE_UPDATE_S = 0.5;

// Eigenvector of the largest eigenvalue of a symmetric 3x3 matrix (cyclic Jacobi rotations).
export function principalAxis(m) {
  const a = m.map((row) => row.slice());
  const v = [
    [1, 0, 0],
    [0, 1, 0],
    [0, 0, 1],
  ];
  for (let sweep = 0; sweep < 50; sweep++) {
    const off = a[0][1] ** 2 + a[0][2] ** 2 + a[1][2] ** 2;
    if (off < 1e-30 * (a[0][0] ** 2 + a[1][1] ** 2 + a[2][2] ** 2) || off === 0) break;
    for (const [p, q] of [
      [0, 1],
      [0, 2],
      [1, 2],
    ]) {
      if (a[p][q] === 0) continue;
      const theta = (a[q][q] - a[p][p]) / (2 * a[p][q]);
      const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
      const c = 1 / Math.sqrt(t * t + 1);
      const s = t * c;
      for (let k = 0; k < 3; k++) {
        const akp = a[k][p];
        const akq = a[k][q];
        a[k][p] = c * akp - s * akq;
        a[k][q] = s * akp + c * akq;
      }
      for (let k = 0; k < 3; k++) {
        const apk = a[p][k];
        const aqk = a[q][k];
        a[p][k] = c * apk - s * aqk;
        a[q][k] = s * apk + c * aqk;
      }
      for (let k = 0; k < 3; k++) {
        const vkp = v[k][p];
        const vkq = v[k][q];
        v[k][p] = c * vkp - s * vkq;
        v[k][q] = s * vkp + c * vkq;
      }
    }
  }
  let best = 0;
  for (let i = 1; i < 3; i++) if (a[i][i] > a[best][best]) best = i;
  return [v[0][best], v[1][best], v[2][best]];
}

function interp(x, xs, ys) {
  // numpy.interp: linear, held at the end values outside [xs[0], xs[-1]].
  const n = xs.length;
  if (x <= xs[0]) return ys[0];
  if (x >= xs[n - 1]) return ys[n - 1];
  let lo = 0;
  let hi = n - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (xs[mid] <= x) lo = mid;
    else hi = mid;
  }
  const slope = (ys[hi] - ys[lo]) / (xs[hi] - xs[lo]);
  return slope * (x - xs[lo]) + ys[lo];
}

export class LiveRepCounter {
  // sides = 2 for an alternating exercise (the phone sees one side; both are counted).
  constructor({ sides = 1 } = {}) {
    this.sides = sides;
    this.reps = 0;
    this.pending = [];
    this.lastT = null;
    this.lastAcc = null;
    this.nextGridT = null;
    this.zi = null;
    this.cov = [
      [0, 0, 0],
      [0, 0, 0],
      [0, 0, 0],
    ];
    this.axis = [0, 0, 1];
    this.amp = 0;
    this.armed = false;
    this.lastCountT = -Infinity;
  }

  get count() {
    return this.sides * this.reps;
  }

  // One sample: time in seconds, acceleration in m/s^2 (gravity included). Returns the count.
  push(t, ax, ay, az) {
    this.pending.push([t, ax, ay, az]);
    const first = this.pending[0][0];
    if (this.pending.length > 1 && t - first >= LIVE_UPDATE_S) this.flush();
    return this.count;
  }

  // Process what is waiting (the end of the set); returns the count.
  flush() {
    if (this.pending.length) this._process(this.pending);
    this.pending = [];
    return this.count;
  }

  _process(chunk) {
    let rows = chunk;
    if (this.lastT === null) {
      this.nextGridT = rows[0][0];
      this.zi = LIVE_ZI.map((z) => [z * rows[0][1], z * rows[0][2], z * rows[0][3]]);
    } else {
      rows = [[this.lastT, ...this.lastAcc], ...rows];
    }
    const ts = rows.map((r) => r[0]);
    const stop = ts[ts.length - 1] + 1e-12;
    const n = Math.max(0, Math.ceil((stop - this.nextGridT) / STEP_S));
    const last = rows[rows.length - 1];
    this.lastT = last[0];
    this.lastAcc = [last[1], last[2], last[3]];
    if (n === 0) return;
    // numpy.arange: start + k * delta, with delta = (start + step) - start.
    const start = this.nextGridT;
    const delta = start + STEP_S - start;
    const grid = [];
    for (let k = 0; k < n; k++) grid.push(start + k * delta);
    this.nextGridT = grid[n - 1] + STEP_S;
    const cols = [1, 2, 3].map((c) => rows.map((r) => r[c]));
    const y = grid.map(() => [0, 0, 0]);
    for (let c = 0; c < 3; c++) {
      const z = this.zi.map((row) => row[c]);
      for (let k = 0; k < n; k++) {
        // Direct form II transposed, as scipy.signal.lfilter.
        const x = interp(grid[k], ts, cols[c]);
        const out = LIVE_B[0] * x + z[0];
        for (let i = 0; i < ORDER - 1; i++) z[i] = LIVE_B[i + 1] * x + z[i + 1] - LIVE_A[i + 1] * out;
        z[ORDER - 1] = LIVE_B[ORDER] * x - LIVE_A[ORDER] * out;
        y[k][c] = out;
      }
      for (let i = 0; i < ORDER; i++) this.zi[i][c] = z[i];
    }
    const keep = Math.exp((-n * STEP_S) / LIVE_MEMORY_S);
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < 3; j++) {
        let s = 0;
        for (let k = 0; k < n; k++) s += y[k][i] * y[k][j];
        this.cov[i][j] = keep * this.cov[i][j] + ((1 - keep) * s) / n;
      }
    }
    let axis = principalAxis(this.cov);
    if (axis[0] * this.axis[0] + axis[1] * this.axis[1] + axis[2] * this.axis[2] < 0) axis = axis.map((v) => -v);
    this.axis = axis;
    const decay = Math.exp(-STEP_S / LIVE_MEMORY_S);
    for (let k = 0; k < n; k++) {
      const value = y[k][0] * axis[0] + y[k][1] * axis[1] + y[k][2] * axis[2];
      this.amp = Math.max(Math.abs(value), this.amp * decay);
      const threshold = Math.max(LIVE_THRESHOLD * this.amp, LIVE_MIN_AMPLITUDE_MS2);
      if (value < -threshold) {
        this.armed = true;
      } else if (value > threshold && this.armed && grid[k] - this.lastCountT >= LIVE_MIN_REP_S) {
        this.reps += 1;
        this.armed = false;
        this.lastCountT = grid[k];
      }
    }
  }
}
