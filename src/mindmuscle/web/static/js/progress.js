// Progress charts (small SVG charts, charts.js): target rating per muscle, e1RM and volume per
// exercise, week by week, in the lifter's units. Data from GET /api/progress (a coach's view of a
// client: the data-src of the Trends heading, GET /api/clients/NAME/progress).

import { api } from "./api.js";
import { drawChart } from "./charts.js";

const LB = 0.45359237;

async function main() {
  const src = document.getElementById("progress-trends")?.dataset.src || "/api/progress";
  const data = await api(src);
  const units = document.body.dataset.units || "kg";
  const mass = (kg) => (kg === null || kg === undefined ? null : Math.round((units === "lb" ? kg / LB : kg) * 10) / 10);
  const mSel = document.getElementById("muscle-select");
  const eSel = document.getElementById("exercise-select");
  const drawMuscle = () => {
    const t = data.trends.find((x) => x.muscle_id === mSel.value);
    if (!t) return;
    drawChart(document.getElementById("chart-rating"), {
      title: `${t.name}: target rating (0-10)`,
      points: t.weeks.map((w, i) => ({ x: w, y: t.mean_rating[i] })),
      yMin: 0,
      yMax: 10,
    });
  };
  const drawExercise = () => {
    const e = data.exercises.find((x) => x.exercise_id === eSel.value);
    if (!e) return;
    drawChart(document.getElementById("chart-e1rm"), {
      title: `Estimated 1RM (${units})`,
      points: e.weeks.map((w, i) => ({ x: w, y: mass(e.e1rm_kg[i]) })),
      colour: "#4cc9f0",
      unit: units,
    });
    drawChart(document.getElementById("chart-volume"), {
      title: `Weekly volume (${units} × reps)`,
      points: e.weeks.map((w, i) => ({ x: w, y: Math.round(mass(e.volume_kg[i])) })),
      kind: "bar",
      colour: "#9d8df1",
      unit: units,
    });
  };
  if (mSel) mSel.addEventListener("change", drawMuscle);
  if (eSel) eSel.addEventListener("change", drawExercise);
  if (mSel) drawMuscle();
  if (eSel) drawExercise();
  document.body.dataset.chartsReady = "1";
}

main();
