// The upload page: choose or drop files and folders, send them to the upload API in batches that
// each fit one request, show the real upload progress, then what happened to every file.

// Operating-system litter and CD index files; the server would only report them as rejected.
const JUNK_NAMES = new Set([".DS_Store", "Thumbs.db", "desktop.ini", "DICOMDIR"]);
// Room for the multipart headers around each file and the form around them all.
const PART_OVERHEAD = 1024;
const FORM_OVERHEAD = 64 * 1024;

const form = document.getElementById("upload-form");
if (form) setUp(form);

function setUp(form) {
  const $ = (id) => document.getElementById(id);
  const limits = {
    batchBytes: Number(form.dataset.batchMaxBytes),
    batchFiles: Number(form.dataset.batchMaxFiles),
    requestBytes: Number(form.dataset.maxRequestBytes),
  };
  const csrfToken = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  const dropzone = $("dropzone");
  const startButton = $("start");
  const clearButton = $("clear");
  const cancelButton = $("cancel");
  const bar = $("progress-bar");
  const barText = $("progress-text");

  let chosen = new Map(); // key -> {file, name}
  let busy = false;
  let cancelled = false;
  let currentRequest = null;

  function choose(items) {
    for (const item of items) {
      if (isJunk(item.name)) continue;
      chosen.set(`${item.name}|${item.file.size}|${item.file.lastModified}`, item);
    }
    showSelection();
  }

  function showSelection() {
    const items = [...chosen.values()];
    const bytes = items.reduce((sum, item) => sum + item.file.size, 0);
    $("selection").textContent = items.length
      ? `${items.length} file${items.length === 1 ? "" : "s"} chosen (${formatBytes(bytes)}).`
      : "No files chosen.";
    startButton.disabled = busy || items.length === 0;
    clearButton.disabled = busy || items.length === 0;
  }

  $("pick-files").addEventListener("change", (event) => {
    choose([...event.target.files].map((file) => ({ file, name: file.name })));
    event.target.value = "";
  });
  $("pick-folder").addEventListener("change", (event) => {
    choose([...event.target.files].map((file) => ({ file, name: file.webkitRelativePath || file.name })));
    event.target.value = "";
  });
  clearButton.addEventListener("click", () => {
    chosen = new Map();
    showSelection();
  });

  for (const type of ["dragenter", "dragover"]) {
    dropzone.addEventListener(type, (event) => {
      event.preventDefault();
      if (!busy) dropzone.classList.add("over");
    });
  }
  dropzone.addEventListener("dragleave", () => dropzone.classList.remove("over"));
  dropzone.addEventListener("drop", async (event) => {
    event.preventDefault();
    dropzone.classList.remove("over");
    if (busy) return;
    try {
      choose(await droppedFiles(event.dataTransfer));
    } catch (error) {
      $("selection").textContent = `Could not read the dropped items: ${error}`;
    }
  });

  cancelButton.addEventListener("click", () => {
    cancelled = true;
    if (currentRequest) currentRequest.abort();
  });
  window.addEventListener("beforeunload", (event) => {
    if (busy) event.preventDefault();
  });

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (busy || chosen.size === 0) return;
    const items = [...chosen.values()];
    chosen = new Map();
    busy = true;
    cancelled = false;
    showSelection();
    cancelButton.hidden = false;
    try {
      await uploadAll(items);
    } finally {
      busy = false;
      currentRequest = null;
      cancelButton.hidden = true;
      showSelection();
    }
  });

  async function uploadAll(items) {
    const results = new Results();
    const tooLarge = new Set(
      items.filter((item) => item.file.size + PART_OVERHEAD + FORM_OVERHEAD > limits.requestBytes),
    );
    for (const item of tooLarge) {
      results.addFile(item.name, "rejected", `larger than the upload limit of ${formatBytes(limits.requestBytes)}`);
    }
    const batches = makeBatches(items.filter((item) => !tooLarge.has(item)), limits);
    const totalBytes = batches.flat().reduce((sum, item) => sum + item.file.size, 0);
    let sentBytes = 0;
    $("progress").hidden = false;
    bar.value = 0;

    for (const [index, batch] of batches.entries()) {
      if (cancelled) {
        for (const item of batches.slice(index).flat()) results.addFile(item.name, "failed", "not sent: cancelled");
        break;
      }
      const label = batches.length > 1 ? ` (batch ${index + 1} of ${batches.length})` : "";
      const batchBytes = batch.reduce((sum, item) => sum + item.file.size, 0);
      const onProgress = (fraction) => {
        const done = sentBytes + fraction * batchBytes;
        bar.value = totalBytes ? done / totalBytes : 1;
        barText.textContent =
          fraction < 1
            ? `Uploading ${formatBytes(done)} of ${formatBytes(totalBytes)}${label}…`
            : `Checking and storing the files${label}…`;
      };
      onProgress(0);
      const answer = await send(batch, onProgress);
      sentBytes += batchBytes;
      if (answer.ok) {
        results.addAnswer(answer.body);
        continue;
      }
      for (const item of batch) results.addFile(item.name, "failed", answer.message);
      if (answer.status === 401 || answer.status === 403) {
        for (const item of batches.slice(index + 1).flat()) results.addFile(item.name, "failed", "not sent");
        break;
      }
    }
    bar.value = 1;
    const counts = results.counts;
    barText.textContent =
      `Finished: ${counts.stored} stored, ${counts.duplicate} already stored, ` +
      `${counts.rejected + counts.failed} not stored.`;
  }

  function send(batch, onProgress) {
    return new Promise((resolve) => {
      const request = new XMLHttpRequest();
      currentRequest = request;
      request.open("POST", form.action);
      request.responseType = "json";
      request.setRequestHeader("X-CSRFToken", csrfToken);
      request.setRequestHeader("Accept", "application/json");
      request.upload.addEventListener("progress", (event) => {
        if (event.lengthComputable && event.total > 0) onProgress(Math.min(event.loaded / event.total, 0.999));
      });
      request.upload.addEventListener("load", () => onProgress(1));
      request.addEventListener("load", () => {
        const ok = request.status === 200 || request.status === 201;
        resolve({ ok, status: request.status, body: request.response, message: ok ? "" : failure(request) });
      });
      request.addEventListener("error", () =>
        resolve({ ok: false, status: 0, body: null, message: "the connection to the server failed" }),
      );
      request.addEventListener("abort", () =>
        resolve({ ok: false, status: 0, body: null, message: "cancelled while uploading" }),
      );
      const data = new FormData();
      for (const item of batch) data.append("files", item.file, item.name);
      request.send(data);
    });
  }
}

class Results {
  constructor() {
    this.counts = { stored: 0, duplicate: 0, rejected: 0, failed: 0 };
    this.analyses = new Map();
    this.section = document.getElementById("results");
    this.filesBody = document.querySelector("#files-table tbody");
    this.analysesTable = document.getElementById("analyses-table");
    this.filesBody.replaceChildren();
    this.analysesTable.querySelector("tbody").replaceChildren();
    this.analysesTable.hidden = true;
    document.getElementById("analyses-empty").hidden = false;
    this.showCounts();
  }

  addAnswer(body) {
    for (const file of body.files) this.addFile(file.name, file.outcome, file.message);
    for (const analysis of body.analyses) this.analyses.set(analysis.id, analysis);
    this.showAnalyses();
  }

  addFile(name, outcome, message) {
    this.counts[outcome] = (this.counts[outcome] || 0) + 1;
    this.filesBody.append(row([name, outcome === "duplicate" ? "already stored" : outcome, message], outcome));
    this.showCounts();
  }

  showCounts() {
    this.section.hidden = false;
    document.getElementById("count-stored").textContent = this.counts.stored;
    document.getElementById("count-duplicate").textContent = this.counts.duplicate;
    document.getElementById("count-rejected").textContent = this.counts.rejected + this.counts.failed;
  }

  showAnalyses() {
    const body = this.analysesTable.querySelector("tbody");
    body.replaceChildren(
      ...[...this.analyses.values()].map((a) =>
        row([a.series_instance_uid, a.status, a.exclusion_reasons.join(", ")], `status-${a.status}`),
      ),
    );
    this.analysesTable.hidden = this.analyses.size === 0;
    document.getElementById("analyses-empty").hidden = this.analyses.size > 0;
  }
}

function row(cells, outcome) {
  const tr = document.createElement("tr");
  cells.forEach((text, index) => {
    const td = document.createElement("td");
    td.textContent = text;
    if (index === 1) td.className = `outcome-${outcome}`;
    tr.append(td);
  });
  return tr;
}

function makeBatches(items, limits) {
  const budget = Math.min(limits.batchBytes, limits.requestBytes - FORM_OVERHEAD);
  const batches = [];
  let current = [];
  let bytes = 0;
  for (const item of items) {
    const size = item.file.size + PART_OVERHEAD;
    if (current.length && (current.length >= limits.batchFiles || bytes + size > budget)) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
    current.push(item);
    bytes += size;
  }
  if (current.length) batches.push(current);
  return batches;
}

async function droppedFiles(dataTransfer) {
  // Entries must be taken while the drop event runs; reading them may happen later.
  const entries = [...dataTransfer.items]
    .filter((item) => item.kind === "file" && item.webkitGetAsEntry)
    .map((item) => item.webkitGetAsEntry())
    .filter(Boolean);
  if (!entries.length) return [...dataTransfer.files].map((file) => ({ file, name: file.name }));
  const found = [];
  for (const entry of entries) await walk(entry, found);
  return found;
}

async function walk(entry, found) {
  if (entry.isFile) {
    const file = await new Promise((resolve, reject) => entry.file(resolve, reject));
    found.push({ file, name: entry.fullPath.replace(/^\//, "") });
  } else if (entry.isDirectory) {
    const reader = entry.createReader();
    for (;;) {
      const children = await new Promise((resolve, reject) => reader.readEntries(resolve, reject));
      if (!children.length) break;
      for (const child of children) await walk(child, found);
    }
  }
}

function isJunk(name) {
  const parts = name.split("/");
  const last = parts[parts.length - 1];
  return JUNK_NAMES.has(last) || last.startsWith("._") || parts.includes("__MACOSX");
}

function failure(request) {
  const body = request.response;
  if (body && typeof body === "object") {
    if (body.detail) return String(body.detail);
    const messages = Object.values(body).flat().map(String);
    if (messages.length) return messages.join(" ");
  }
  if (request.status === 401 || request.status === 403) return "not allowed: log in again";
  return `the server answered ${request.status || "nothing"}`;
}

function formatBytes(bytes) {
  const units = ["bytes", "KB", "MB", "GB", "TB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return unit === 0 ? `${Math.round(value)} bytes` : `${value.toFixed(1)} ${units[unit]}`;
}
