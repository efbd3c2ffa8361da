import {
  alarmTone, api, debounce, el, fmtAge, fmtTime, followEvents, header, localInput, requireSession, say, STATUS, BEDS, ANNOUNCEMENT_STATE, handoverText,
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
      el("td", {}, el("input", { type: "number", min: 0, max: 5000, value: b.operable, name: `${c}-operable`, "aria-label": `${BEDS[c]} betreibbar`, size: 5 })));
  });
  $("beds").replaceChildren(
    el("table", {}, el("thead", {}, el("tr", {}, el("th", { scope: "col" }, "Kategorie"), el("th", { scope: "col" }, "frei"), el("th", { scope: "col" }, "betreibbar"))),
      el("tbody", {}, ...rows)),
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
    if (operable === 0 && free === 0 && !hospital.beds[c]) continue;
    beds[c] = { free, operable };
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
  alarmTone.ring(red.length > 0, $("red-alert").textContent);
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

$("hospital").addEventListener("change", () => { shown = ""; shownArrivals = ""; load(); });
const refresh = debounce(load);
followEvents(() => refresh(), () => refresh());
loadHospitals().then(load).catch((e) => say("message", e.message, true));
