"use strict";
// The RainStorm dashboard: hash routes #/ (cluster), #/job/<id>, #/hydfs; every view reads /api/v1 and refreshes itself.
const REFRESH_MS = 2000;
const COLOURS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#17becf"];
let timer = null;
let actions = { enabled: false, actions: [] };
// What the user typed into a control, by the control's id: a refresh re-renders the page but keeps it.
const drafts = {};

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === "class") node.className = v;
    else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else if (v !== null && v !== undefined && v !== false) node.setAttribute(k, v === true ? "" : String(v));
  }
  for (const c of children.flat()) if (c !== null && c !== undefined) node.append(c instanceof Node ? c : String(c));
  return node;
}
const svgEl = (tag, attrs) => {
  const node = document.createElementNS("http://www.w3.org/2000/svg", tag);
  for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, String(v));
  return node;
};
const badge = text => el("span", { class: "badge " + text }, text);
const num = v => typeof v === "number" ? (Math.abs(v) >= 100 ? Math.round(v).toLocaleString("en") : v.toFixed(1)) : String(v ?? "-");
const pct = v => (v * 100).toFixed(0) + "%";
const secs = v => v >= 3600 ? (v / 3600).toFixed(1) + " h" : v >= 60 ? (v / 60).toFixed(1) + " min" : v.toFixed(1) + " s";
const time = ms => new Date(ms).toLocaleTimeString("en-GB");

async function api(path, options) {
  const response = await fetch("/api/v1" + path, options);
  const text = await response.text();
  let body;
  try {
    // Ring ids are 64-bit: keep their exact digits (JSON.parse source text) instead of a rounded double.
    body = JSON.parse(text, (key, value, context) => key === "ring_id" && context && context.source ? context.source : value);
  } catch { body = { error: response.statusText }; }
  if (!response.ok) throw new Error(body.error || response.statusText);
  return body;
}

function table(columns, rows, id) {
  return el("table", { id },
    el("thead", {}, el("tr", {}, columns.map(c => el("th", { class: c.num ? "num" : null }, c.title)))),
    el("tbody", {}, rows.map(r => el("tr", { "data-key": r.__key ?? null }, columns.map(c => el("td", { class: c.num ? "num" : null }, c.value(r)))))));
}

function section(title, ...children) { return el("section", {}, el("h2", {}, title), ...children); }

function setStatus(text, error) {
  const status = document.getElementById("status");
  status.textContent = text;
  status.className = error ? "error" : "muted";
}

// ---- actions (need the access token; without one configured the controls stay read-only) ----
function tokenBox() {
  if (!actions.enabled) return el("p", { id: "actions-state", class: "muted" }, "Read-only: this node has no access token configured (rainstorm.http.token), so kill, kill_task and rescale are off.");
  return el("p", { id: "actions-state" }, "Access token: ",
    el("input", { id: "token", type: "password", value: sessionStorage.getItem("rainstorm-token") || "",
      oninput: e => sessionStorage.setItem("rainstorm-token", e.target.value) }));
}
async function act(path, body) {
  try {
    const result = await api(path, { method: "POST", headers: { "Content-Type": "application/json",
      Authorization: "Bearer " + (sessionStorage.getItem("rainstorm-token") || "") }, body: JSON.stringify(body || {}) });
    setStatus(Object.values(result).join(" "));
  } catch (e) { setStatus(e.message, true); }
}
const actionButton = (label, path, body, id) => el("button", { id, disabled: !actions.enabled, onclick: () => act(path, typeof body === "function" ? body() : body) }, label);
function draftInput(id, value, attrs) {
  return el("input", { ...attrs, id, value: drafts[id] ?? value, disabled: !actions.enabled, oninput: e => { drafts[id] = e.target.value; } });
}

// ---- cluster page ----
async function clusterView() {
  const [cluster, jobs] = await Promise.all([api("/cluster"), api("/jobs")]);
  document.getElementById("self").textContent = cluster.self;
  return [
    el("div", { class: "grid" },
      section(`Members (${cluster.members.length})`, table([
        { title: "Address", value: m => m.address },
        { title: "Roles", value: m => m.roles.join(", ") },
        { title: "Status", value: m => badge(m.status) },
        { title: "", value: m => m.address === cluster.leader ? "hosts the leader" : "" },
      ], cluster.members.map(m => ({ ...m, __key: m.address })), "members")),
      section(`HyDFS ring (${cluster.hydfs_ring.length})`, table([
        { title: "Node", value: m => m.node }, { title: "Ring id", value: m => m.ring_id, num: true },
      ], cluster.hydfs_ring, "ring"))),
    section(`Jobs (${jobs.length})`, jobs.length === 0 ? el("p", { class: "muted" }, "no jobs yet") : table([
      { title: "Job", value: j => el("a", { href: "#/job/" + j.id }, j.id) },
      { title: "Status", value: j => badge(j.status) },
      { title: "Stages", value: j => j.stages, num: true }, { title: "Tasks", value: j => j.tasks, num: true },
      { title: "In", value: j => num(j.in), num: true }, { title: "Out", value: j => num(j.out), num: true },
      { title: "Elapsed", value: j => secs(j.elapsed), num: true },
    ], jobs.map(j => ({ ...j, __key: j.id })), "jobs")),
  ];
}

// ---- job page ----
function stageClass(load) {
  if (!load) return "stage";
  if (load.backpressure === "HIGH" || load.backpressured >= 0.5) return "stage backpressured";
  return "stage " + (load.busy >= 0.7 ? "busy-high" : load.busy >= 0.3 ? "busy-mid" : "busy-low");
}

function stageGraph(job, history) {
  const loads = history.stages || [];
  const limit = history.bottleneck ? history.bottleneck.stage : null;
  const boxes = [];
  job.stages.forEach((s, i) => {
    if (i > 0) boxes.push(el("span", { class: "arrow" }, "→"));
    const load = loads.find(l => l.stage === s.stage);
    boxes.push(el("div", { class: stageClass(load) + (limit === s.stage ? " limit" : ""), "data-stage": s.stage, "data-width": s.width },
      el("div", { class: "name" }, `${s.stage}. ${s.op}`),
      el("div", { class: "muted" }, s.arg || ""),
      el("div", { class: "width" }, `×${s.width}`),
      el("div", {}, `${num(s.in_per_s)} in/s · ${num(s.out_per_s)} out/s`),
      el("div", {}, load ? `busy ${pct(load.busy)} · backpressure ` : "backpressure ", badge(s.backpressure)),
      s.stage > 0 && job.status === "RUNNING" ? rescaleControl(job, s) : null));
  });
  return el("div", { class: "graph", id: "stage-graph" }, boxes);
}

// An operator stage's width, as 'rescale <job> <stage> <n>' sets it.
function rescaleControl(job, s) {
  const id = `rescale-${s.stage}`;
  return el("div", { class: "rescale" },
    draftInput(id, s.width, { type: "number", min: 1, "aria-label": `tasks for stage ${s.stage}` }),
    actionButton("Rescale", `/jobs/${job.id}/rescale`, () => {
      const tasks = Number(document.getElementById(id).value);
      delete drafts[id];
      return { stage: s.stage, tasks };
    }, `${id}-go`));
}

function rateChart(job, history) {
  const samples = history.samples || [];
  const w = 1000, h = 200, pad = 30;
  const svg = svgEl("svg", { class: "chart", id: "rate-chart", viewBox: `0 0 ${w} ${h}`, preserveAspectRatio: "none", "data-points": samples.length });
  if (samples.length > 1) {
    const t0 = samples[0].t, t1 = samples[samples.length - 1].t;
    const max = Math.max(1, ...samples.flatMap(s => s.out));
    const x = t => pad + (w - 2 * pad) * (t - t0) / Math.max(1, t1 - t0);
    const y = v => h - pad - (h - 2 * pad) * v / max;
    svg.append(svgEl("line", { x1: pad, y1: h - pad, x2: w - pad, y2: h - pad, stroke: "#ccd" }));
    const label = svgEl("text", { x: pad, y: 14, "font-size": 12, fill: "#6b7785" });
    label.textContent = `max ${num(max)} tuples/s out · ${time(t0)} – ${time(t1)}`;
    svg.append(label);
    job.stages.forEach((s, i) => {
      const points = samples.map(p => `${x(p.t).toFixed(1)},${y(p.out[i] ?? 0).toFixed(1)}`).join(" ");
      svg.append(svgEl("polyline", { points, fill: "none", stroke: COLOURS[i % COLOURS.length], "stroke-width": 2, "data-stage": s.stage }));
    });
  }
  const legend = el("div", { class: "legend" }, job.stages.map((s, i) =>
    el("span", {}, el("i", { style: `background:${COLOURS[i % COLOURS.length]}` }), `${s.stage}. ${s.op} out/s`)));
  return [svg, legend, el("p", { class: "muted" }, `${samples.length} samples kept on the server (one per second).`)];
}

async function jobView(id) {
  const [job, tasks, history] = await Promise.all([api(`/jobs/${id}`), api(`/jobs/${id}/tasks`), api(`/jobs/${id}/history`)]);
  const shares = history.tasks || {};
  const events = (history.events || []);
  return [
    section(`Job ${job.id} `, el("span", { id: "job-status" }, badge(job.status)),
      el("p", { class: "muted" }, job.command_line),
      el("p", {}, `${num(job.in)} tuples in, ${num(job.out)} out, ${secs(job.elapsed)}` + (job.failure ? ` — ${job.failure}` : "")),
      tokenBox(),
      job.status === "RUNNING" ? actionButton("Kill job", `/jobs/${job.id}/kill`) : null),
    section("Stages", stageGraph(job, history), el("p", { id: "bottleneck" }, history.bottleneck ? history.bottleneck.text : "Bottleneck: not known yet.")),
    section("Rates", rateChart(job, history)),
    section(`Tasks (${tasks.length})`, tasks.length === 0 ? el("p", { class: "muted" }, "no tasks running") : table([
      { title: "Task", value: t => t.task }, { title: "Op", value: t => t.op }, { title: "Node", value: t => t.node },
      { title: "PID", value: t => t.pid, num: true }, { title: "State", value: t => badge(t.state) },
      { title: "In/s", value: t => num(t.in_per_s), num: true }, { title: "Out/s", value: t => num(t.out_per_s), num: true },
      { title: "Busy", value: t => shares[t.task] ? pct(shares[t.task].busy) : "-", num: true },
      { title: "Backpressure", value: t => badge(t.backpressure) },
      { title: "", value: t => actionButton("kill_task", "/tasks/kill", { node: t.node, pid: t.pid }) },
    ], tasks.map(t => ({ ...t, __key: t.task })), "tasks")),
    section("Timeline: restarts, rescales, end", events.length === 0 ? el("p", { class: "muted" }, "nothing happened yet") :
      el("ul", { class: "timeline", id: "timeline" }, events.map(e => el("li", { "data-kind": e.kind }, `${time(e.t)} `, badge(e.kind), " ", e.text)))),
  ];
}

// ---- HyDFS page ----
async function hydfsView() {
  const [files, cluster] = await Promise.all([api("/hydfs/files"), api("/cluster")]);
  const nodes = cluster.hydfs_ring.map(m => m.node);
  return [section(`HyDFS files (${files.length})`, files.length === 0 ? el("p", { class: "muted" }, "no files") : table([
    { title: "File", value: f => f.file }, { title: "Bytes", value: f => num(f.bytes), num: true },
    { title: "Replicas", value: f => f.replicas.length, num: true },
    ...nodes.map(n => ({ title: n, value: f => f.replicas.includes(n) ? "●" : "" })),
  ], files.map(f => ({ ...f, __key: f.file })), "files"))];
}

// ---- routing and refresh ----
async function render() {
  clearTimeout(timer);
  const hash = location.hash || "#/";
  document.getElementById("nav-cluster").classList.toggle("active", hash === "#/");
  document.getElementById("nav-hydfs").classList.toggle("active", hash === "#/hydfs");
  try {
    actions = await api("/actions");
    const job = hash.match(/^#\/job\/(.+)$/);
    const view = job ? await jobView(decodeURIComponent(job[1])) : hash === "#/hydfs" ? await hydfsView() : await clusterView();
    const focused = document.activeElement && document.activeElement.id;
    document.getElementById("view").replaceChildren(...view);
    if (focused && document.getElementById(focused)) document.getElementById(focused).focus();
    setStatus("updated " + new Date().toLocaleTimeString("en-GB"));
  } catch (e) {
    setStatus(e.message, true);
  }
  timer = setTimeout(render, REFRESH_MS);
}
window.addEventListener("hashchange", render);
render();
