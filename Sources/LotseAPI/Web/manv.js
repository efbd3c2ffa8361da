import { api, debounce, el, fmtTime, followEvents, header, newIdempotencyKey, requireSession, say, SK } from "/ui/lotse.js";

// The Leitstelle's MANV board (issue 18): open an incident, watch the hospitals answer (a countdown to the deadline;
// no answer by then is "unbekannt", never assumed), compute Lotse's plan, confirm or change it with a reason, and send
// each transport — it becomes an announcement on the hospital's arrival board.
header("manv");
const me = requireSession(["dispatcher", "admin"]);
const $ = (id) => document.getElementById(id);
const ANSWER = { answered: "geantwortet", pending: "ausstehend", unknown: "unbekannt (keine Antwort)" };
const NEED = { "trauma-center": "Traumazentrum", pediatrics: "Pädiatrie", icu: "Intensiv" };
let incident = null;
let shown = "";

const counts = (c) => c ? `${c.red} / ${c.yellow} / ${c.green}` : "–";
const need = (n) => n && n.length ? ` · ${n.map((k) => NEED[k] || k).join(", ")}` : "";

function fillDistricts() {
  const own = me.scope.includes("*") ? ["Vorpommern-Rügen", "Vorpommern-Greifswald", "Rostock", "Landkreis Rostock", "Nordwestmecklenburg",
    "Ludwigslust-Parchim", "Mecklenburgische Seenplatte", "Schwerin"] : me.scope;
  $("district").replaceChildren(...own.map((d) => el("option", { value: d }, d)));
}

async function loadList(select) {
  const list = await api("/v1/manv/incidents");
  const options = list.incidents.map((m) => el("option", { value: m.incidentId }, `${m.label} (${m.status === "open" ? "läuft" : "beendet"}, ${fmtTime(m.openedAt)})`));
  if (!list.incidents.length) $("open-panel").open = true;
  const keep = select || $("incident").value;
  $("incident").replaceChildren(...(options.length ? options : [el("option", { value: "" }, "keine Lage")]));
  if (keep && list.incidents.some((m) => m.incidentId === keep)) $("incident").value = keep;
  await load();
}

async function load() {
  const id = $("incident").value;
  if (!id) { $("board").replaceChildren(el("p", { class: "muted" }, "Keine MANV-Lage.")); incident = null; return; }
  try {
    incident = await api(`/v1/manv/incidents/${encodeURIComponent(id)}`);
  } catch (e) {
    say("message", `Lage nicht geladen: ${e.message}`, true);
    return;
  }
  const key = JSON.stringify({ ...incident, answerSecondsLeft: 0, logPosition: 0 });
  if (key !== shown) { shown = key; render(); }
  tick();
}

/** The countdown to the answer deadline, every second. */
function tick() {
  const c = document.querySelector("#deadline .count");
  if (!c || !incident) return;
  const left = Math.max(0, Math.round((new Date(incident.answerBy) - Date.now()) / 1000));
  c.textContent = left > 0 ? `${Math.floor(left / 60)}:${String(left % 60).padStart(2, "0")} min` : "abgelaufen";
}
setInterval(tick, 1000);

function render() {
  const m = incident;
  const open = m.status === "open";
  const pending = m.hospitals.filter((h) => h.answer !== "answered").length;
  const parts = [
    el("p", {}, el("strong", {}, m.label), ` · ${m.district} · eröffnet ${fmtTime(m.openedAt)} · Reichweite ${Math.round(m.reachMinutes)} min`
      + (m.surgeDeclared ? ` · Surge ausgerufen (${m.surgeReason})` : "") + (open ? "" : ` · beendet: ${m.closedReason}`)),
    el("p", { id: "deadline" }, "Antwortfrist: ", el("span", { class: "count", "aria-live": "off" }, ""), ` (bis ${fmtTime(m.answerBy)}) · `,
      `${m.hospitals.length - pending} von ${m.hospitals.length} Kliniken haben geantwortet`),
    el("p", { id: "on-scene" }, `Noch vor Ort (SK I / II / III): ${counts(m.onScene)} · insgesamt ${counts(m.patients)}`),
  ];
  parts.push(el("div", { class: "table-wrap" }, el("table", { id: "hospitals" },
    el("caption", { class: "sr-only" }, "Angefragte Kliniken"),
    el("thead", {}, el("tr", {}, ...["Klinik", "Fahrzeit", "Antwort", "zugesagt I/II/III", "Surge", "geplant", "unterwegs", "angekommen", "Begründung"]
      .map((t) => el("th", { scope: "col" }, t)))),
    el("tbody", {}, ...m.hospitals.map((h) => el("tr", { "data-hospital": h.hospitalId, "data-answer": h.answer },
      el("th", { scope: "row" }, h.name),
      el("td", {}, `${Math.round(h.driveMinutes)} min`),
      el("td", { class: h.answer === "answered" ? "available" : h.answer === "unknown" ? "unknown" : "limited" }, ANSWER[h.answer]),
      el("td", {}, counts(h.firstHour)),
      el("td", {}, counts(h.surge), h.bedsAdditional24h != null || h.bedsAdditional72h != null
        ? el("span", { class: "muted" }, ` · Betten +${h.bedsAdditional24h ?? "?"} (24 h), +${h.bedsAdditional72h ?? "?"} (72 h)`) : ""),
      el("td", {}, counts(h.planned)), el("td", {}, counts(h.enRoute)), el("td", {}, counts(h.arrived)),
      el("td", { class: "muted" }, h.explanation)))))));
  if (open) {
    parts.push(el("div", { class: "row" },
      el("button", { type: "button", id: "plan", onclick: () => command("plans", undefined, "Plan berechnet") }, m.plan ? "Neu planen" : "Plan berechnen"),
      pending ? el("button", { type: "button", id: "remind", class: "secondary", onclick: () => command("reminders", undefined, "Erinnerung gesendet") }, "Kliniken erinnern") : "",
      el("button", { type: "button", id: "widen", class: "secondary", onclick: widen }, "Reichweite erweitern"),
      m.surgeDeclared ? "" : el("button", { type: "button", id: "surge", class: "secondary", onclick: surge }, "Surge ausrufen"),
      el("button", { type: "button", id: "more", class: "secondary", onclick: more }, "Weitere Patienten"),
      el("button", { type: "button", id: "close", class: "danger", onclick: closeIncident }, "Lage beenden")));
  }
  if (m.plan) parts.push(renderPlan(m));
  if (m.transports.length) {
    parts.push(el("h3", {}, "Transporte"), el("div", { class: "table-wrap" }, el("table", { id: "transports" },
      el("thead", {}, el("tr", {}, ...["Zeit", "Einsatzmittel", "Klinik", "SK", "Status"].map((t) => el("th", { scope: "col" }, t)))),
      el("tbody", {}, ...m.transports.map((t) => el("tr", { "data-announcement": t.announcementId },
        el("td", {}, fmtTime(t.at)), el("td", {}, t.unit), el("td", {}, name(t.hospitalId)), el("td", {}, SK[t.category] + need(t.need)),
        el("td", {}, { announced: "unterwegs – nicht quittiert", acknowledged: "unterwegs – quittiert", arrived: "angekommen", cancelled: "storniert" }[t.status] || t.status)))))));
  }
  $("board").replaceChildren(...parts);
}

const name = (id) => (incident.hospitals.find((h) => h.hospitalId === id) || { name: id }).name;

function renderPlan(m) {
  const p = m.plan;
  const rows = p.assignments.map((a, i) => el("tr", { "data-hospital": a.hospitalId, "data-category": a.category },
    el("th", { scope: "row" }, a.name), el("td", {}, SK[a.category] + need(a.need)),
    el("td", {}, String(a.patients)),
    // A change distributes the patients still on scene: it starts from what is still open on each line.
    el("td", {}, el("input", { type: "number", min: 0, max: 1000, value: a.left, size: 3, name: `line-${i}`, "aria-label": `Offene Patienten ${SK[a.category]} nach ${a.name}` })),
    el("td", {}, `${Math.round(a.driveMinutes)} min`),
    el("td", {}, p.confirmed && a.left > 0 && m.status === "open"
      ? el("button", { type: "button", class: "secondary", onclick: () => transport(a), "aria-label": `Transport ${SK[a.category]} nach ${a.name}` }, "Transport")
      : "")));
  return el("section", { id: "plan-section", "aria-labelledby": "plan-title" },
    el("h3", { id: "plan-title" }, `Verteilungsplan ${p.number} – ${p.confirmed ? "bestätigt" : "nicht bestätigt"}${p.changeReason ? ` (geändert: ${p.changeReason})` : ""}`),
    el("p", { class: "muted" }, `Gesamtfahrzeit ${Math.round(p.totalDriveMinutes)} Patientenminuten` + (p.surge ? " · mit Surge" : "")
      + (p.withoutAnswer.length ? ` · ohne Antwort, nicht verplant: ${p.withoutAnswer.map(name).join(", ")}` : "")),
    p.unplaced.length ? el("p", { class: "error", id: "unplaced" }, `Nicht verteilbar: ${p.unplaced.map((u) => `${u.count} ${SK[u.category]}${need(u.need)}`).join(", ")}`) : "",
    el("div", { class: "table-wrap" }, el("table", { id: "plan-table" },
      el("thead", {}, el("tr", {}, ...["Klinik", "Gruppe", "geplant", "offen (änderbar)", "Fahrzeit", "Aktion"].map((t) => el("th", { scope: "col" }, t)))),
      el("tbody", {}, ...rows))),
    m.status === "open" ? el("div", { class: "row", id: "add-line" },
      el("label", { for: "add-hospital" }, "Weitere Zeile: Klinik ",
        el("select", { id: "add-hospital" }, ...m.hospitals.filter((h) => h.answer === "answered").map((h) => el("option", { value: h.hospitalId }, h.name)))),
      el("label", { for: "add-category" }, "SK ", el("select", { id: "add-category" }, ...Object.entries(SK).map(([k, l]) => el("option", { value: k }, l)))),
      el("label", { for: "add-patients" }, "Patienten ", el("input", { id: "add-patients", type: "number", min: 0, max: 1000, value: 0, size: 3 }))) : "",
    m.status === "open" ? el("div", { class: "row" },
      p.confirmed ? "" : el("button", { type: "button", id: "confirm", onclick: () => command(`plans/${p.number}/confirmation`, undefined, `Plan ${p.number} bestätigt`) }, `Plan ${p.number} bestätigen`),
      el("button", { type: "button", id: "change", class: "secondary", onclick: change }, "Plan ändern (mit Begründung)")) : "");
}

async function command(path, body, done) {
  try {
    const r = await api(`/v1/manv/incidents/${incident.incidentId}/${path}`, { method: "POST", body, idempotencyKey: newIdempotencyKey() });
    say("message", r.events.length ? `${done}.` : "Nichts Neues.");
    load();
  } catch (e) {
    say("message", e.field ? `${e.message} (Feld: ${e.field})` : e.message, true);
  }
}

function widen() {
  const text = prompt(`Neue Reichweite in Minuten (bisher ${Math.round(incident.reachMinutes)}): weitere Kliniken werden angefragt`,
    String(Math.round(incident.reachMinutes) + 15));
  if (text) command("reach", { reachMinutes: Number(text) }, "Reichweite erweitert – weitere Kliniken angefragt");
}

function surge() {
  const reason = prompt("Grund für Surge (zusätzliche Betten der Kliniken einplanen)", "Großschadenslage");
  if (reason) command("surge", { reason }, "Surge ausgerufen");
}

function more() {
  const text = prompt("Weitere Patienten (SK I / SK II / SK III, z. B. 1/2/3)", "0/0/1");
  if (!text) return;
  const [red, yellow, green] = text.split("/").map((v) => Number(v.trim()) || 0);
  const patients = [["red", red], ["yellow", yellow], ["green", green]].filter(([, n]) => n > 0).map(([category, count]) => ({ category, count }));
  command("patients", { patients }, "Patienten ergänzt");
}

function closeIncident() {
  const reason = prompt("Lage beenden – Grund", "Alle Patienten versorgt");
  if (reason) command("closure", { reason }, "Lage beendet");
}

async function change() {
  const assignments = incident.plan.assignments.map((a, i) => ({
    hospitalId: a.hospitalId, category: a.category, need: a.need, patients: Number(document.querySelector(`input[name=line-${i}]`).value),
  }));
  const extra = Number($("add-patients")?.value || 0);
  if (extra > 0 && $("add-hospital").value) assignments.push({ hospitalId: $("add-hospital").value, category: $("add-category").value, need: [], patients: extra });
  try {
    await api(`/v1/manv/incidents/${incident.incidentId}/plan`, { method: "PUT", body: { assignments, reason: $("change-reason").value.trim() } });
    say("message", "Plan geändert (gilt sofort).");
    load();
  } catch (e) {
    say("message", e.field ? `${e.message} (Feld: ${e.field})` : e.message, true);
  }
}

async function transport(a) {
  const unit = $("unit").value.trim(), pzc = $("pzc").value.trim();
  if (!unit || !/^[0-9]{6}$/.test(pzc)) { say("message", "Für den Transport Einsatzmittel und PZC (6 Ziffern) angeben.", true); return; }
  try {
    await api(`/v1/manv/incidents/${incident.incidentId}/transports`, {
      method: "POST", idempotencyKey: newIdempotencyKey(), body: { hospitalId: a.hospitalId, category: a.category, need: a.need, pzc, unit },
    });
    say("message", `${unit}: ${SK[a.category]} nach ${a.name} – Voranmeldung gesendet.`);
    load();
  } catch (e) {
    say("message", e.field ? `${e.message} (Feld: ${e.field})` : e.message, true);
  }
}

$("open").addEventListener("submit", async (e) => {
  e.preventDefault();
  const n = (id) => Number($(id).value) || 0;
  const trauma = n("red-trauma"), children = n("red-children");
  if (trauma + children > n("red")) { say("message", "Mehr SK I mit besonderem Bedarf als SK I insgesamt.", true); return; }
  const patients = [
    { category: "red", count: n("red") - trauma - children }, { category: "red", need: ["trauma-center"], count: trauma },
    { category: "red", need: ["pediatrics"], count: children }, { category: "yellow", count: n("yellow") }, { category: "green", count: n("green") },
  ].filter((g) => g.count > 0);
  const body = { district: $("district").value, label: $("label").value.trim(), lat: Number($("lat").value), lon: Number($("lon").value), patients,
    answerMinutes: n("answer-minutes") || 10 };
  if ($("reach").value) body.reachMinutes = Number($("reach").value);
  try {
    const r = await api("/v1/manv/incidents", { method: "POST", body, idempotencyKey: newIdempotencyKey() });
    say("message", "Lage eröffnet – Kliniken in Reichweite angefragt.");
    $("open-panel").open = false;
    await loadList(r.incidentId);
  } catch (err) {
    say("message", err.field ? `${err.message} (Feld: ${err.field})` : err.message, true);
  }
});

$("incident").addEventListener("change", () => { shown = ""; load(); });
fillDistricts();
const refresh = debounce(() => loadList());
followEvents(() => refresh(), () => refresh());
loadList().catch((e) => say("message", e.message, true));
