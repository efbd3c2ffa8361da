import {
  alarmTone, api, debounce, el, fmtAge, fmtTime, followEvents, header, localInput, requireSession, say, STATUS, BEDS, ANNOUNCEMENT_STATE, handoverText, SK as SK_LABEL,
} from "/ui/lotse.js";

header("klinik");
const me = requireSession(["hospital"]);
const $ = (id) => document.getElementById(id);
let hospital = null;
let closing = null;
let shown = "";
let shownArrivals = "";

async function loadHospitals() {
  const list = await api("/v1/hospitals");
  const all = list.hospitals || list;
  const mine = me.scope.includes("*") ? all : all.filter((h) => me.scope.includes(h.hospitalId));
  $("hospital").replaceChildren(...mine.map((h) => el("option", { value: h.hospitalId }, `${h.name} (${h.hospitalId})`)));
  if (!mine.length) say("message", "Ihr Token gilt für keinen Standort.", true);
}

async function load() {
  const id = $("hospital").value;
  if (!id) return;
  try {
    hospital = await api(`/v1/hospitals/${encodeURIComponent(id)}`);
  } catch (e) {
    say("message", `Klinik nicht geladen: ${e.message}`, true);
    return;
  }
  $("hospital-meta").textContent = `${hospital.district} · Notfallstufe ${hospital.notfallstufe} · Daten ${fmtAge(hospital.dataAgeMinutes)}`;
  // Re-render only on change (keeps focus and half-typed bed counts); the data age above always updates.
  const key = JSON.stringify({ r: hospital.resources, b: hospital.beds, t: hospital.bedsReportedAt });
  if (key !== shown) {
    shown = key;
    renderResources();
    renderBeds();
  }
  warnExpiring();
  loadArrivals();
  loadManv();
}

/** Reports that turn "unbekannt" within the hour (or already have): one banner, and the one-click remedy. */
function warnExpiring() {
  const now = Date.now(), ttl = hospital.statusTTLMinutes * 60000;
  const soon = hospital.resources.filter((r) => r.reportedAt && (r.status === "available" || r.status === "limited")
    && new Date(r.reportedAt).getTime() + ttl - now < 3600000);
  const gone = hospital.resources.filter((r) => r.status === "unknown" && r.reportedAt);
  const parts = [];
  if (soon.length) parts.push(`${soon.length} Meldung${soon.length > 1 ? "en werden" : " wird"} bald „unbekannt“: `
    + soon.map((r) => `${r.label} um ${fmtTime(new Date(new Date(r.reportedAt).getTime() + ttl).toISOString())}`).join(", "));
  if (soon.length) parts.push("„Alles unverändert bestätigen“ meldet sie neu");
  if (gone.length) parts.push(`abgelaufen, bitte einzeln neu melden: ${gone.map((r) => r.label).join(", ")}`);
  $("ttl-warning").hidden = parts.length === 0;
  $("ttl-warning").textContent = parts.join(" · ");
}

$("confirm-all").addEventListener("click", async () => {
  try {
    const r = await api(`/v1/hospitals/${hospital.hospitalId}/status-confirmation`, { method: "POST" });
    say("message", `${r.events.length} Status unverändert bestätigt (${fmtTime(new Date().toISOString())}).`);
    load();
  } catch (e) {
    say("message", e.message, true);
  }
});
$("sound").addEventListener("click", () => alarmTone.enable($("sound")));

function renderResources() {
  const rows = hospital.resources.map((r) => {
    const actions = r.status === "closed"
      ? [el("button", { type: "button", onclick: () => reopen(r), "aria-label": `${r.label} wieder anmelden` }, "Wieder anmelden")]
      : [el("button", { type: "button", class: "danger", onclick: () => openClose(r), "aria-label": `${r.label} abmelden` }, "Abmelden"),
        " ",
        el("button", { type: "button", class: "secondary", onclick: () => report(r, "available"), "aria-label": `${r.label}: verfügbar melden` }, "verfügbar"),
        " ",
        el("button", { type: "button", class: "secondary", onclick: () => report(r, "limited"), "aria-label": `${r.label}: eingeschränkt melden` }, "eingeschränkt")];
    return el("tr", { "data-resource": r.resource },
      el("th", { scope: "row" }, r.label),
      el("td", { class: r.status }, STATUS[r.status] + (r.until ? ` bis ${fmtTime(r.until)}` : "")),
      el("td", {}, r.reason || ""),
      el("td", {}, r.reportedAt ? fmtTime(r.reportedAt) : "keine Meldung"),
      el("td", {}, ...actions));
  });
  $("resources").replaceChildren(el("table", {},
    el("thead", {}, el("tr", {}, ...["Ressource", "Status", "Grund", "gemeldet", "Aktion"].map((t) => el("th", { scope: "col" }, t)))),
    el("tbody", {}, ...rows)));
}

function renderBeds() {
  const cats = Object.keys(BEDS).filter((c) => hospital.beds[c] || ["normal", "icu-high-care", "icu-low-care"].includes(c));
  const rows = cats.map((c) => {
    const b = hospital.beds[c] || { free: 0, operable: 0 };
    return el("tr", {},
      el("th", { scope: "row" }, BEDS[c]),
      el("td", {}, el("input", { type: "number", min: 0, max: 5000, value: b.free, name: `${c}-free`, "aria-label": `${BEDS[c]} frei`, size: 5 })),
      el("td", {}, el("input", { type: "number", min: 0, max: 5000, value: b.operable, name: `${c}-operable`, "aria-label": `${BEDS[c]} betreibbar`, size: 5 })),
      // Surge: empty means "not reported" (never read as zero).
      el("td", {}, el("input", { type: "number", min: 0, max: 5000, value: b.additional24h ?? "", name: `${c}-a24`, "aria-label": `${BEDS[c]} zusätzlich in 24 Stunden`, size: 5 })),
      el("td", {}, el("input", { type: "number", min: 0, max: 5000, value: b.additional72h ?? "", name: `${c}-a72`, "aria-label": `${BEDS[c]} zusätzlich in 72 Stunden`, size: 5 })));
  });
  $("beds").replaceChildren(
    el("table", {}, el("thead", {}, el("tr", {}, ...["Kategorie", "frei", "betreibbar", "+ in 24 h", "+ in 72 h"].map((t) => el("th", { scope: "col" }, t)))),
      el("tbody", {}, ...rows)),
    el("p", { class: "muted" }, "Surge: Betten, die innerhalb von 24 bzw. 72 Stunden zusätzlich bereitgestellt werden können (leer: keine Angabe)."),
    el("p", { class: "muted" }, `Zuletzt gemeldet: ${hospital.bedsReportedAt ? fmtTime(hospital.bedsReportedAt) : "nie"}`),
    el("button", { type: "submit", id: "beds-send" }, "Betten melden"));
}

$("beds").addEventListener("submit", async (e) => {
  e.preventDefault();
  const beds = {};
  for (const c of Object.keys(BEDS)) {
    const f = $("beds").elements[`${c}-free`], o = $("beds").elements[`${c}-operable`];
    if (!f || !o) continue;
    const free = Number(f.value), operable = Number(o.value);
    const a24 = $("beds").elements[`${c}-a24`].value, a72 = $("beds").elements[`${c}-a72`].value;
    if (operable === 0 && free === 0 && a24 === "" && a72 === "" && !hospital.beds[c]) continue;
    beds[c] = { free, operable };
    if (a24 !== "") beds[c].additional24h = Number(a24);
    if (a72 !== "") beds[c].additional72h = Number(a72);
  }
  try {
    await api(`/v1/hospitals/${hospital.hospitalId}/beds`, { method: "PUT", body: { beds } });
    say("message", "Betten gemeldet.");
  } catch (err) {
    say("message", err.field ? `${err.message} (Feld: ${err.field})` : err.message, true);
  }
});

async function report(r, status) {
  try {
    await api(`/v1/hospitals/${hospital.hospitalId}/resources/${r.resource}/status`, { method: "PUT", body: { status } });
    say("message", `${r.label}: ${STATUS[status]} gemeldet.`);
  } catch (e) {
    say("message", e.message, true);
  }
}

function openClose(r) {
  closing = r;
  $("close-target").textContent = `${r.label} – ${hospital.name}`;
  $("close-reason").value = "";
  $("close-until").value = localInput(new Date(Date.now() + 2 * 3600 * 1000));
  say("close-message", "");
  $("close-dialog").showModal();
  $("close-reason").focus();
}

$("close-cancel").addEventListener("click", () => $("close-dialog").close());
$("close-form").addEventListener("submit", async (e) => {
  e.preventDefault();
  const until = new Date($("close-until").value);
  if (isNaN(until)) { say("close-message", "„Bis“ fehlt.", true); return; }
  try {
    await api(`/v1/hospitals/${hospital.hospitalId}/resources/${closing.resource}/closure`, {
      method: "PUT", body: { reason: $("close-reason").value.trim(), until: until.toISOString() },
    });
    $("close-dialog").close();
    say("message", `${closing.label} abgemeldet bis ${fmtTime(until.toISOString())}.`);
    load();
  } catch (err) {
    say("close-message", err.field ? `${err.message} (Feld: ${err.field})` : err.message, true);
  }
});

async function reopen(r) {
  try {
    await api(`/v1/hospitals/${hospital.hospitalId}/resources/${r.resource}/closure`, { method: "DELETE" });
    say("message", `${r.label} wieder angemeldet.`);
    load();
  } catch (e) {
    say("message", e.message, true);
  }
}

// ---------- Arrivals board ----------

async function loadArrivals() {
  let list;
  try {
    list = await api(`/v1/announcements?hospitalId=${encodeURIComponent(hospital.hospitalId)}`);
  } catch (e) {
    say("message", `Ankünfte nicht geladen: ${e.message}`, true);
    return;
  }
  // A red patient not yet acknowledged: a banner and the tone until someone acknowledges.
  const red = list.announcements.filter((a) => a.urgency === 1 && a.status === "announced");
  $("red-alert").hidden = red.length === 0;
  $("red-alert").textContent = red.length
    ? `ROT – ${red.length} Patient${red.length > 1 ? "en" : ""} nicht quittiert: ${red.map((a) => `PZC ${a.pzc}, ${a.unit}, ETA ${fmtTime(a.eta)}`).join("; ")}`
    : "";
  redPending = red.length > 0;
  ringAlarm();
  const key = JSON.stringify(list.announcements);
  if (key === shownArrivals) return;
  shownArrivals = key;
  const rows = list.announcements.map((a) => el("tr", { "data-announcement": a.id, class: a.status === "announced" && a.urgency === 1 ? "closed" : "" },
    el("th", { scope: "row" }, a.pzc, el("br"), el("span", { class: "muted" }, `Dringlichkeit ${a.urgency}`)),
    el("td", {}, fmtTime(a.eta)),
    el("td", {}, a.unit),
    el("td", {}, a.flags.join(", ")),
    el("td", {}, ANNOUNCEMENT_STATE[a.status] + (a.escalatedAt ? " · eskaliert" : "") + handoverText(a) + (a.overrideReason ? ` · trotz Abmeldung: ${a.overrideReason}` : "")),
    el("td", {},
      a.status === "announced" ? el("button", { type: "button", onclick: () => step(a, "acknowledgement"), "aria-label": `Voranmeldung ${a.pzc} quittieren` }, "Quittieren") : "",
      " ",
      a.status === "announced" || a.status === "acknowledged" ? el("button", { type: "button", class: "secondary", onclick: () => step(a, "arrival"), "aria-label": `Patient ${a.pzc} angekommen` }, "Angekommen") : "",
      a.status === "arrived" && !a.handoverAt ? el("button", { type: "button", onclick: () => step(a, "handover"), "aria-label": `Patient ${a.pzc} übernommen` }, "Übernommen") : "")));
  $("arrivals").replaceChildren(rows.length
    ? el("table", {}, el("thead", {}, el("tr", {}, ...["PZC", "ETA", "Einsatzmittel", "Hinweise", "Status", "Aktion"].map((t) => el("th", { scope: "col" }, t)))), el("tbody", {}, ...rows))
    : el("p", { class: "muted" }, "Keine Voranmeldungen."));
}

async function step(a, what) {
  try {
    await api(`/v1/announcements/${a.id}/${what}`, { method: "POST", body: what === "acknowledgement" ? undefined : {} });
    say("message", { arrival: `Patient ${a.pzc} angekommen und übernommen.`, handover: `Patient ${a.pzc} übernommen.` }[what] || `Voranmeldung ${a.pzc} quittiert.`);
    loadArrivals();
  } catch (e) {
    say("message", e.message, true);
  }
}

// ---------- MANV: the Leitstelle's request for acceptance, and this hospital's part of the incident ----------

const SK = Object.entries(SK_LABEL);
let shownManv = "";
/** An unanswered MANV request rings the alarm tone too, as an unacknowledged red announcement does. */
let manvPending = false, redPending = false;
function ringAlarm() {
  alarmTone.ring(redPending || manvPending, redPending ? $("red-alert").textContent : "MANV-Anfrage der Leitstelle");
}
const manvText = (c) => c ? SK.map(([k, l]) => `${c[k]} ${l}`).join(", ") : "–";

async function loadManv() {
  let list;
  try {
    list = await api("/v1/manv/incidents?status=open");
  } catch (e) {
    say("message", `MANV nicht geladen: ${e.message}`, true);
    return;
  }
  const mine = list.incidents.map((m) => ({ m, h: m.hospitals.find((x) => x.hospitalId === hospital.hospitalId) })).filter((x) => x.h);
  $("manv").hidden = mine.length === 0;
  manvPending = mine.some(({ h }) => h.answer !== "answered");
  ringAlarm();
  // The forms are re-built only when an incident or this hospital's answer changes (half-typed counts stay).
  const key = JSON.stringify(mine.map(({ m, h }) => [m.incidentId, h.answer, h.firstHour, h.surge]));
  if (key !== shownManv) {
    shownManv = key;
    $("manv-requests").replaceChildren(...mine.map(({ m, h }) => manvBlock(m, h)));
  }
  for (const { m, h } of mine) {
    const status = document.querySelector(`[data-incident='${m.incidentId}'] .manv-status`);
    if (status) status.textContent = `Geplant: ${manvText(h.planned)} · unterwegs: ${manvText(h.enRoute)} · angekommen: ${manvText(h.arrived)}`
      + ` · noch vor Ort: ${manvText(m.onScene)}`;
  }
  manvTick();
}

function manvBlock(m, h) {
  const answered = h.answer === "answered";
  const field = (prefix, k, label, value) => el("label", { for: `${prefix}-${k}-${m.incidentId}` }, `${label} `,
    el("input", { id: `${prefix}-${k}-${m.incidentId}`, name: `${prefix}-${k}`, type: "number", min: 0, max: 500, value: value ?? 0, size: 4 }));
  const form = el("form", { class: "manv-answer" },
    el("fieldset", {}, el("legend", {}, "Aufnahme in der ersten Stunde"), el("div", { class: "row" }, ...SK.map(([k, l]) => field("first", k, l, h.firstHour?.[k])))),
    el("fieldset", {}, el("legend", {}, "Zusätzlich mit Surge (in den nächsten Stunden)"), el("div", { class: "row" }, ...SK.map(([k, l]) => field("surge", k, l, h.surge?.[k]))),
      h.bedsAdditional24h != null || h.bedsAdditional72h != null
        ? el("p", { class: "muted" }, `Ihre Bettenmeldung: zusätzlich ${h.bedsAdditional24h ?? "?"} Betten in 24 h, ${h.bedsAdditional72h ?? "?"} in 72 h – Surge wird nur verplant, wenn die Leitstelle ihn ausruft.`)
        : ""),
    el("button", { type: "submit" }, answered ? "Aufnahme ändern" : "Aufnahme melden"));
  form.addEventListener("submit", (e) => { e.preventDefault(); answerManv(m, form); });
  return el("div", { class: answered ? "panel" : "offer", "data-incident": m.incidentId, role: answered ? null : "alert" },
    el("p", {}, el("strong", {}, `MANV: ${m.label}`), ` · ${m.district} · ${Math.round(h.driveMinutes)} min Fahrzeit · Patienten: ${manvText(m.patients)}`),
    answered
      ? el("p", { class: "ok" }, `Gemeldet um ${fmtTime(h.answeredAt)}: ${manvText(h.firstHour)}; Surge ${manvText(h.surge)}`)
      : el("p", {}, "Antwort erbeten bis ", el("span", { class: "count manv-count", "data-until": h.answerBy, "aria-live": "off" }, ""), ` (${fmtTime(h.answerBy)})`,
        m.remindedAt ? el("strong", {}, ` · Erinnerung der Leitstelle um ${fmtTime(m.remindedAt)}`) : ""),
    el("p", { class: "manv-status muted" }, ""),
    form);
}

function manvTick() {
  for (const c of document.querySelectorAll(".manv-count")) {
    const left = Math.max(0, Math.round((new Date(c.dataset.until) - Date.now()) / 1000));
    c.textContent = left > 0 ? `${Math.floor(left / 60)}:${String(left % 60).padStart(2, "0")} min` : "Frist abgelaufen – bitte trotzdem melden";
  }
}
setInterval(manvTick, 1000);

async function answerManv(m, form) {
  const read = (prefix) => Object.fromEntries(SK.map(([k]) => [k, Number(form.elements[`${prefix}-${k}`].value) || 0]));
  try {
    await api(`/v1/manv/incidents/${m.incidentId}/acceptance/${hospital.hospitalId}`, { method: "PUT", body: { firstHour: read("first"), surge: read("surge") } });
    say("message", `MANV ${m.label}: Aufnahme gemeldet.`);
    loadManv();
  } catch (e) {
    say("message", e.field ? `${e.message} (Feld: ${e.field})` : e.message, true);
  }
}

$("hospital").addEventListener("change", () => { shown = ""; shownArrivals = ""; shownManv = ""; load(); });
const refresh = debounce(load);
followEvents(() => refresh(), () => refresh());
loadHospitals().then(load).catch((e) => say("message", e.message, true));
