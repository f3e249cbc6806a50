// Today: the readiness check, then the plan (made and stored by POST /api/today).

import { api, toast } from "./api.js";

const form = document.getElementById("readiness-form");

async function plan(readiness) {
  const err = document.getElementById("form-error");
  if (err) err.hidden = true;
  try {
    await api("/api/today", { method: "POST", body: { readiness } });
    localStorage.removeItem("mm.loop");
    location.reload();
  } catch (ex) {
    if (err) {
      err.textContent = ex.message;
      err.hidden = false;
    } else toast(ex.message, "error");
  }
}

if (form) {
  const value = (name) => Number(form.querySelector(`input[name=${name}]:checked`).value);
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    plan({ sleep: value("sleep"), energy: value("energy"), stress: value("stress"), focus: value("focus") });
  });
  document.getElementById("skip-readiness").addEventListener("click", () => plan(null));
}

const replan = document.getElementById("replan");
if (replan) {
  replan.addEventListener("click", async () => {
    const active = await api("/api/sessions/active");
    if (active.session && active.session.sets_done === 0) {
      await api(`/api/sessions/${active.session.session_id}/end`, { method: "POST" });
    }
    location.reload();
  });
}
