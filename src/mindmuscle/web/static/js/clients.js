// A coach sets a routine for a client (POST /api/clients/NAME/routines) and deletes one they
// set (DELETE /api/clients/NAME/routines/ID); the page then shows the client's routines again.

import { api, ApiError } from "./api.js";

const form = document.getElementById("client-routine");
const client = form.dataset.client;
const msg = document.getElementById("routine-msg");

function say(text) {
  msg.textContent = text || "";
  msg.hidden = !text;
}

function body() {
  const exercises = [];
  for (const row of form.querySelectorAll(".routine-row")) {
    const id = row.querySelector("[name=exercise]").value;
    if (!id) continue;
    const sets = row.querySelector("[name=sets]").value.trim();
    const tempo = row.querySelector("[name=tempo]").value.trim();
    const focus = row.querySelector("[name=focus]").value;
    // A number the server refuses comes back as its one line; text is sent as typed.
    exercises.push({ exercise_id: id, sets: sets === "" ? 3 : Number(sets), tempo: tempo || null, focus: focus || null });
  }
  return { name: document.getElementById("routine-name").value.trim(), exercises };
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  const data = body();
  if (!data.name) return say("Give the routine a name.");
  if (!data.exercises.length) return say("Choose at least one exercise.");
  say("");
  try {
    await api(`/api/clients/${client}/routines`, { method: "POST", body: data });
    location.reload();
  } catch (err) {
    say(err instanceof ApiError ? err.message : "The routine was not saved: the server did not answer. Try again.");
  }
});

for (const button of document.querySelectorAll(".remove-routine")) {
  button.addEventListener("click", async () => {
    try {
      await api(`/api/clients/${client}/routines/${button.dataset.routine}`, { method: "DELETE" });
      location.reload();
    } catch (err) {
      say(err instanceof ApiError ? err.message : "Not deleted: the server did not answer. Try again.");
    }
  });
}
