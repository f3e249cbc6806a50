// The exercise list: its filter, and giving an unassigned exercise its targets.
import { api, counted } from "./api.js";
for (const form of document.querySelectorAll("form.assign")) {
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const error = form.querySelector(".error-text");
    const targets = [...form.elements.targets.selectedOptions].map((o) => o.value);
    error.hidden = true;
    if (!targets.length) {
      error.textContent = "Choose at least one muscle.";
      error.hidden = false;
      return;
    }
    try {
      const body = { targets };
      if (form.elements.kind && form.elements.kind.value) body.mechanic = form.elements.kind.value;
      await api(`/api/exercises/${encodeURIComponent(form.dataset.exercise)}/targets`, { method: "PUT", body });
      location.reload();
    } catch (e) {
      error.textContent = e.message;
      error.hidden = false;
    }
  });
}
const f = document.getElementById("filter");
const cards = [...document.querySelectorAll("article[data-search]")];
f.addEventListener("input", () => {
  const q = f.value.trim().toLowerCase();
  let n = 0;
  for (const c of cards) { const on = !q || c.dataset.search.includes(q); c.hidden = !on; n += on; }
  document.getElementById("count").textContent = counted(n, "exercise");
});
