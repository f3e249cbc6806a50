// The tappable body map of the reflection: tap a muscle once for "felt a little" (4), twice for
// "felt a lot" (8), a third time to clear. The target muscles are marked and cannot be tapped.

const LEVELS = [0, 4, 8];

export function bindBodyMap(root) {
  const picked = new Map();
  let targets = new Set();
  const paint = () => {
    for (const el of root.querySelectorAll(".m")) {
      const id = el.dataset.muscle;
      const v = picked.get(id) || 0;
      el.classList.toggle("target", targets.has(id));
      el.classList.toggle("sel", v > 0);
      el.style.fillOpacity = v === 4 ? "0.6" : "";
    }
    const label = root.parentElement.querySelector("[data-felt-list]");
    if (label) {
      const names = [...picked.entries()].filter(([, v]) => v > 0).map(([id, v]) => `${nameOf(id)} ${v === 8 ? "(a lot)" : "(a little)"}`);
      label.textContent = names.length ? names.join(", ") : "Nowhere else";
    }
  };
  const nameOf = (id) => {
    const el = root.querySelector(`[data-muscle="${id}"] title`);
    return el ? el.textContent : id;
  };
  root.addEventListener("click", (e) => {
    const el = e.target.closest(".m");
    if (!el || targets.has(el.dataset.muscle)) return;
    const id = el.dataset.muscle;
    const next = LEVELS[(LEVELS.indexOf(picked.get(id) || 0) + 1) % LEVELS.length];
    if (next) picked.set(id, next);
    else picked.delete(id);
    if (navigator.vibrate) navigator.vibrate(15);
    paint();
  });
  return {
    reset(targetIds) {
      picked.clear();
      targets = new Set(targetIds);
      paint();
    },
    values() {
      return Object.fromEntries(picked);
    },
  };
}
