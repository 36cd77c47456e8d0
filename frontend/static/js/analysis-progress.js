// Keeps the analysis status of a study page live: polls the study API while any analysis is queued
// or running, updates progress bars in place, and reloads once one finishes so its findings show.
const POLL_MS = 2000;
const ACTIVE = new Set(["queued", "running"]);

function activeIds(root) {
  return [...root.querySelectorAll(".status-queued, .status-running")].map((el) => el.dataset.analysis);
}

async function poll(root, url) {
  const response = await fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" });
  if (!response.ok) return true;
  const study = await response.json();
  let finished = false;
  for (const series of study.series) {
    for (const analysis of series.analyses) {
      const el = root.querySelector(`[data-analysis="${analysis.id}"]`);
      if (!el) continue;
      if (!ACTIVE.has(analysis.status)) { finished = finished || ACTIVE.has(el.className.replace(/.*status-/, "")); continue; }
      const bar = el.querySelector("progress");
      const stage = el.querySelector(".stage");
      if (bar) bar.value = analysis.progress;
      if (stage) stage.textContent = `${analysis.status}${analysis.stage ? " · " + analysis.stage : ""} · ${Math.round(analysis.progress * 100)} %`;
    }
  }
  return !finished;
}

export function start(root = document.getElementById("analyses")) {
  if (!root || activeIds(root).length === 0) return () => {};
  let timer = null;
  let stopped = false;
  const tick = async () => {
    if (stopped) return;
    const keepGoing = await poll(root, root.dataset.api).catch(() => true);
    if (!keepGoing) { window.location.reload(); return; }
    timer = setTimeout(tick, POLL_MS);
  };
  timer = setTimeout(tick, POLL_MS);
  return () => { stopped = true; clearTimeout(timer); };
}

const stop = start();
window.addEventListener("pagehide", stop);
