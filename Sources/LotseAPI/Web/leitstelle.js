import {
  alarmTone, api, debounce, el, fmtAge, fmtTime, followEvents, header, localInput, requireSession, say, STATUS, BEDS, ANNOUNCEMENT_STATE,
} from "/ui/lotse.js";
import { answerView, composePZC as pzcOf, fillReference, placeNamed, splitPZC as partsOf } from "/ui/dispatch.js";

header("leitstelle");
const me = requireSession(["dispatcher"]);
const $ = (id) => document.getElementById(id);
let board = null;
let asOf = null;
let lastQuery = null;
let lastAnswer = null;
let codes = [];
let places = [];
let shownBoard = "";
let shownAnswer = "";
const SYMBOL = { available: "✓", limited: "!", closed: "✕", unknown: "?" };

// ---------- Board ----------

async function loadBoard() {
  const params = new URLSearchParams();
  if ($("district").value) params.set("district", $("district").value);
  if (asOf) params.set("asOf", asOf.toISOString());
  try {
    board = await api("/v1/board?" + params);
  } catch (e) {
    say("board-meta", `Übersicht nicht geladen: ${e.message}`, true);
    return;
  }
  fillDistricts();
  const key = JSON.stringify(board.hospitals);
  if (key !== shownBoard) {
    shownBoard = key;
    renderMatrix();
    renderMap();
  }
  // A node whose store does not answer keeps showing its last state — and says how old it may be.
  const stale = board.dataAgeSeconds > 0;
  $("board-meta").className = stale ? "error" : "muted";
  $("board-meta").textContent = `${board.hospitals.length} Kliniken · Stand ${fmtTime(board.evaluatedAt)} · Log-Position ${board.logPosition}`
    + (stale ? ` · Speicher nicht erreichbar – Daten bis zu ${Math.ceil(board.dataAgeSeconds)} s alt, Änderungen nicht möglich` : "");
}

function fillDistricts() {
  const select = $("district");
  if (select.options.length > 1) return;
  const districts = [...new Set(board.hospitals.map((h) => h.district))].sort();
  for (const d of districts) select.append(el("option", { value: d }, d));
  const own = me.role === "dispatcher" ? me.scope.find((s) => districts.includes(s)) : null;
  for (const d of districts) $("ann-district").append(el("option", { value: d, selected: d === own }, d));
}

function resourceColumns() {
  const seen = new Map();
  for (const h of board.hospitals) for (const r of h.resources) seen.set(r.resource, r.label);
  return [...seen.entries()];
}

function cell(r) {
  if (!r) return el("td", { class: "s none", title: "nicht vorhanden" }, "–");
  let text = `${SYMBOL[r.status]} ${STATUS[r.status]}`;
  if (r.status === "closed" && r.until) text = `✕ bis ${fmtTime(r.until)}`;
  const detail = [r.label, STATUS[r.status], r.reason ? `Grund: ${r.reason}` : null, r.reportedAt ? `gemeldet ${fmtTime(r.reportedAt)}` : "keine Meldung"]
    .filter(Boolean).join(" · ");
  return el("td", { class: `s ${r.status}`, title: detail }, text, el("span", { class: "sr-only" }, ` (${detail})`));
}

/** Free beds of the categories; with the surge the hospital reported (beds more within 24 h / 72 h), if any. */
function freeBeds(h, cats) {
  let free = 0, known = false, a24 = null, a72 = null;
  for (const c of cats) {
    const b = h.beds[c];
    if (!b) continue;
    free += b.free;
    known = true;
    if (b.additional24h != null) a24 = (a24 ?? 0) + b.additional24h;
    if (b.additional72h != null) a72 = (a72 ?? 0) + b.additional72h;
  }
  if (!known) return "–";
  return a24 === null && a72 === null ? String(free) : `${free} (Surge +${a24 ?? "?"} in 24 h, +${a72 ?? "?"} in 72 h)`;
}

function renderMatrix() {
  const cols = resourceColumns();
  const table = el("table", { class: "matrix", "aria-describedby": "matrix-title" },
    el("caption", { class: "sr-only" }, "Kliniken und der Status jeder Ressource"),
    el("thead", {}, el("tr", {},
      el("th", { scope: "col" }, "Klinik"),
      ...cols.map(([, label]) => el("th", { scope: "col" }, label)),
      el("th", { scope: "col" }, "ITS frei"), el("th", { scope: "col" }, "Normal frei"),
      el("th", { scope: "col" }, "unterwegs"), el("th", { scope: "col" }, "Daten"))),
    el("tbody", {}, ...board.hospitals.map((h) => {
      const byKey = new Map(h.resources.map((r) => [r.resource, r]));
      return el("tr", { "data-hospital": h.hospitalId },
        el("th", { scope: "row" }, h.name, el("br"), el("span", { class: "muted" }, `${h.district} · Stufe ${h.notfallstufe}`)),
        ...cols.map(([key]) => cell(byKey.get(key))),
        el("td", {}, freeBeds(h, ["icu-high-care", "icu-low-care"])), el("td", {}, freeBeds(h, ["normal"])),
        el("td", { "data-en-route": h.hospitalId }, String(h.patientsEnRoute)),
        el("td", { class: h.dataAgeMinutes === null || h.dataAgeMinutes > 720 ? "unknown" : "" }, fmtAge(h.dataAgeMinutes)));
    })));
  $("matrix").replaceChildren(table);
}

// ---------- Map (SVG from the hospitals' coordinates) ----------

function renderMap() {
  const W = 560, H = 380, lat0 = 53.1, lat1 = 54.72, lon0 = 10.55, lon1 = 14.45;
  const x = (lon) => ((lon - lon0) / (lon1 - lon0)) * W;
  const y = (lat) => ((lat1 - lat) / (lat1 - lat0)) * H;
  const ns = "http://www.w3.org/2000/svg";
  const svg = document.createElementNS(ns, "svg");
  svg.setAttribute("viewBox", `0 0 ${W} ${H}`);
  svg.setAttribute("class", "map");
  svg.setAttribute("role", "img");
  svg.setAttribute("aria-label", "Karte Mecklenburg-Vorpommern mit den Kliniken; Farbe = Notaufnahme/Status");
  const add = (tag, attrs, title) => {
    const e = document.createElementNS(ns, tag);
    for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
    if (title) { const t = document.createElementNS(ns, "title"); t.textContent = title; e.append(t); }
    svg.append(e);
    return e;
  };
  const color = { available: "#1d8a44", limited: "#d08a00", closed: "#c0392b", unknown: "#7b8494" };
  const ranked = new Map((lastAnswer?.candidates || []).map((c) => [c.hospitalId, c.rank]));
  for (const h of board.hospitals) {
    const worst = ["closed", "unknown", "limited", "available"].find((s) => h.resources.some((r) => r.status === s)) || "unknown";
    const label = `${h.name}: ${h.resources.filter((r) => r.status !== "available").map((r) => `${r.label} ${STATUS[r.status]}`).join(", ") || "alles verfügbar"}`;
    add("circle", { cx: x(h.lon), cy: y(h.lat), r: ranked.has(h.hospitalId) ? 9 : 6, fill: color[worst] }, label);
    if (ranked.has(h.hospitalId)) {
      const t = add("text", { x: x(h.lon) + 10, y: y(h.lat) + 4, "font-size": 13, "font-weight": 700 });
      t.textContent = String(ranked.get(h.hospitalId));
    }
  }
  if (lastQuery) {
    const px = x(lastQuery.lon), py = y(lastQuery.lat);
    add("path", { d: `M${px - 7},${py - 7}L${px + 7},${py + 7}M${px - 7},${py + 7}L${px + 7},${py - 7}`, stroke: "#0b4f9c", "stroke-width": 3 }, "Einsatzort");
  }
  $("map").replaceChildren(svg, el("p", { class: "muted" }, "Punktfarbe: schlechtester Status der Klinik (grün verfügbar, orange eingeschränkt, rot abgemeldet, grau unbekannt); Ziffern: Rang der Zuweisung; ✕ Einsatzort."));
}

// ---------- Dispatch ----------

function composePZC() {
  const pzc = pzcOf(codes, $("code").value, $("age").value, $("urgency").value);
  if (pzc) $("pzc").value = pzc;
}

function splitPZC() {
  const p = partsOf(codes, $("pzc").value.trim());
  if (!p) return;
  $("code").value = p.code;
  $("age").value = p.age;
  $("urgency").value = p.urgency;
}

async function runDispatch() {
  if (!lastQuery || asOf) return;
  const q = new URLSearchParams({ pzc: lastQuery.pzc, lat: lastQuery.lat, lon: lastQuery.lon, limit: 5 });
  try {
    lastAnswer = await api("/v1/dispatch?" + q);
    if ($("dispatch-message").className === "error") say("dispatch-message", "");
    const key = JSON.stringify([lastAnswer.candidates, lastAnswer.excluded, lastQuery]);
    if (key === shownAnswer) return;
    shownAnswer = key;
    renderAnswer();
    renderMap();
  } catch (e) {
    lastAnswer = null;
    $("answer").replaceChildren();
    say("dispatch-message", e.field ? `${e.message} (Feld: ${e.field})` : e.message, true);
  }
}

function renderAnswer() {
  $("answer").replaceChildren(...answerView(lastAnswer, openAnnounce));
}

// ---------- Announcement ----------

let target = null;
function openAnnounce(c, override) {
  target = { ...c, override };
  $("announce-target").textContent = `${c.name} – PZC ${lastAnswer.query.pzc}`;
  $("eta").value = localInput(new Date(Date.now() + Math.max(5, c.driveMinutes) * 60000));
  $("override").required = override;
  $("override-label").hidden = !override;
  for (const b of document.querySelectorAll("input[name=flag]")) b.checked = false;
  say("announce-message", "");
  $("announce-dialog").showModal();
  $("unit").focus();
}

$("announce-cancel").addEventListener("click", () => $("announce-dialog").close());
$("announce").addEventListener("submit", async (e) => {
  e.preventDefault();
  const body = {
    hospitalId: target.hospitalId, pzc: lastAnswer.query.pzc, unit: $("unit").value.trim(), district: $("ann-district").value,
    eta: new Date($("eta").value).toISOString(),
    flags: [...document.querySelectorAll("input[name=flag]:checked")].map((b) => b.value),
  };
  if (target.override) body.overrideReason = $("override").value.trim();
  try {
    const r = await api("/v1/announcements", { method: "POST", body });
    $("announce-dialog").close();
    say("dispatch-message", `Voranmeldung ${r.announcementId} an ${target.name} gesendet – wartet auf Quittung der Klinik.`);
  } catch (err) {
    say("announce-message", err.field ? `${err.message} (Feld: ${err.field})` : err.message, true);
  }
});

// ---------- Alarms, announcements of the district, Telenotarzt queue ----------

let shownAlarms = "";
async function loadAlarms() {
  let list;
  try { list = await api("/v1/alarms"); } catch (e) { return; }
  const open = list.alarms.filter((a) => !a.acknowledgedAt);
  alarmTone.ring(open.length > 0, open[0]?.text);
  const key = JSON.stringify(open);
  if (key === shownAlarms) return;
  shownAlarms = key;
  $("alarms").hidden = open.length === 0;
  $("alarms").replaceChildren(...open.map((a) => el("p", { "data-alarm": a.id },
    `${a.kind === "announcement-escalated" ? "ALARM Voranmeldung" : "ALARM Telenotarzt"} (${fmtTime(a.raisedAt)}): ${a.text} `,
    el("button", { type: "button", onclick: () => acknowledgeAlarm(a) }, "Quittieren"))));
}

async function acknowledgeAlarm(a) {
  try {
    await api(`/v1/alarms/${encodeURIComponent(a.id)}/acknowledgement`, { method: "POST" });
    say("dispatch-message", `Alarm quittiert (${fmtTime(new Date().toISOString())}).`);
    loadAlarms();
  } catch (e) {
    say("dispatch-message", e.message, true);
  }
}

let shownSent = "";
async function loadSent() {
  let list;
  try { list = await api("/v1/announcements"); } catch (e) { return; }
  const key = JSON.stringify(list.announcements);
  if (key === shownSent) return;
  shownSent = key;
  const names = new Map((board?.hospitals || []).map((h) => [h.hospitalId, h.name]));
  const rows = list.announcements.slice().sort((a, b) => (a.announcedAt < b.announcedAt ? 1 : -1)).map((a) =>
    el("tr", { "data-sent": a.id, class: a.escalatedAt && a.status === "announced" ? "closed" : "" },
      el("td", {}, `${a.pzc} · ${a.unit}`),
      el("td", {}, names.get(a.hospitalId) || a.hospitalId),
      el("td", {}, ANNOUNCEMENT_STATE[a.status] + (a.escalatedAt ? " · eskaliert" : "")),
      el("td", {}, `${fmtTime(a.announcedAt)} (vor ${Math.max(0, Math.round((Date.now() - new Date(a.announcedAt)) / 60000))} min)`)));
  $("sent").replaceChildren(rows.length ? el("table", {},
    el("thead", {}, el("tr", {}, ...["PZC · Einheit", "Klinik", "Stand", "gesendet"].map((t) => el("th", { scope: "col" }, t)))),
    el("tbody", {}, ...rows)) : el("p", { class: "muted" }, "Keine offenen Voranmeldungen."));
}

async function loadTNA() {
  let live;
  try { live = await api("/v1/consultations"); } catch (e) { return; }
  const waited = live.queue.map((c) => Math.round((Date.now() - new Date(c.requestedAt)) / 60000));
  const onDuty = live.physicians.filter((p) => p.status !== "signedOff").length;
  $("tna-state").textContent = `${live.queue.length} wartend${waited.length ? ` (längste ${Math.max(...waited)} min)` : ""} · `
    + `${live.open.length} offen · Telenotarzt-Dienst: ${onDuty} angemeldet`;
}

$("sound").addEventListener("click", () => alarmTone.enable($("sound")));

// ---------- Wiring ----------

$("code").addEventListener("change", composePZC);
$("age").addEventListener("change", composePZC);
$("urgency").addEventListener("change", composePZC);
$("pzc").addEventListener("change", splitPZC);
$("place").addEventListener("change", () => {
  const p = placeNamed(places, $("place").value);
  if (p) { $("lat").value = p.lat.toFixed(4); $("lon").value = p.lon.toFixed(4); }
});
$("dispatch").addEventListener("submit", (e) => {
  e.preventDefault();
  if (!/^\d{6}$/.test($("pzc").value.trim())) composePZC();
  const pzc = $("pzc").value.trim();
  if (!/^\d{6}$/.test(pzc)) { say("dispatch-message", "Indikation nicht erkannt – Code (z. B. 421) oder Namen wählen.", true); $("code").focus(); return; }
  lastQuery = { pzc, lat: $("lat").value, lon: $("lon").value };
  if (asOf) { say("dispatch-message", "Zuweisung gibt es nur für jetzt – erst „Jetzt (live)“ wählen.", true); return; }
  runDispatch();
});
$("filter").addEventListener("submit", (e) => {
  e.preventDefault();
  if (!$("asof").value) { say("board-meta", "Zeitpunkt wählen.", true); return; }
  asOf = new Date($("asof").value);
  $("history-banner").hidden = false;
  $("history-banner").textContent = `Historischer Stand um ${fmtTime(asOf.toISOString())} – keine Live-Aktualisierung. „Jetzt (live)“ kehrt zurück.`;
  loadBoard();
});
$("asof-now").addEventListener("click", () => {
  asOf = null;
  $("asof").value = "";
  $("history-banner").hidden = true;
  loadBoard();
  runDispatch();
});
$("district").addEventListener("change", loadBoard);

const refresh = debounce(() => {
  loadAlarms();
  loadSent();
  loadTNA();
  if (!asOf) { loadBoard(); runDispatch(); }
});
followEvents(() => refresh(), () => refresh());

(async () => {
  try {
    ({ codes, places } = await fillReference());
    composePZC();
  } catch (e) {
    say("dispatch-message", `Referenzdaten nicht geladen: ${e.message}`, true);
  }
  await loadBoard();
  loadAlarms();
  loadSent();
  loadTNA();
})();
