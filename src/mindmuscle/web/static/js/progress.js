// Progress charts (plotly.js, served by the app): target rating per muscle, e1RM and volume
// per exercise, week by week. Data from GET /api/progress.

import { api } from "./api.js";

const LAYOUT = {
  paper_bgcolor: "rgba(0,0,0,0)",
  plot_bgcolor: "rgba(0,0,0,0)",
  font: { color: "#c9cfda", family: "system-ui, sans-serif", size: 12 },
  margin: { l: 40, r: 10, t: 30, b: 30 },
  xaxis: { gridcolor: "#2c313c", zeroline: false },
  yaxis: { gridcolor: "#2c313c", zeroline: false },
  showlegend: false,
};
const CONFIG = { displayModeBar: false, responsive: true };

function whenPlotly() {
  return new Promise((resolve) => {
    const check = () => (window.Plotly ? resolve(window.Plotly) : setTimeout(check, 30));
    check();
  });
}

async function main() {
  const [data, Plotly] = await Promise.all([api("/api/progress"), whenPlotly()]);
  const units = document.body.dataset.units || "kg";
  const mSel = document.getElementById("muscle-select");
  const eSel = document.getElementById("exercise-select");
  const drawMuscle = () => {
    const t = data.trends.find((x) => x.muscle_id === mSel.value);
    if (!t) return;
    Plotly.react("chart-rating", [{ x: t.weeks, y: t.mean_rating, mode: "lines+markers", line: { color: "#ff7a1a", width: 3 }, marker: { size: 5 } }],
      { ...LAYOUT, title: { text: `${t.name}: target rating`, font: { size: 14 } }, yaxis: { ...LAYOUT.yaxis, range: [0, 10.5] } }, CONFIG);
  };
  const drawExercise = () => {
    const e = data.exercises.find((x) => x.exercise_id === eSel.value);
    if (!e) return;
    Plotly.react("chart-e1rm", [{ x: e.weeks, y: e.e1rm_kg, mode: "lines+markers", connectgaps: true, line: { color: "#4cc9f0", width: 3 }, marker: { size: 5 } }],
      { ...LAYOUT, title: { text: `Estimated 1RM (${units === "lb" ? "kg" : "kg"})`, font: { size: 14 } } }, CONFIG);
    Plotly.react("chart-volume", [{ x: e.weeks, y: e.volume_kg, type: "bar", marker: { color: "#9d8df1" } }],
      { ...LAYOUT, title: { text: "Weekly volume (kg × reps)", font: { size: 14 } } }, CONFIG);
  };
  if (mSel) mSel.addEventListener("change", drawMuscle);
  if (eSel) eSel.addEventListener("change", drawExercise);
  drawMuscle();
  drawExercise();
  document.body.dataset.chartsReady = "1";
}

main();
