// Lotse – the ambulance crew's page (tablet or phone): request the Telenotarzt and follow the request live, find the
// destination hospital from the current position, announce the patient and follow the acknowledgement. Commands go
// through an outbox kept on the device with their Idempotency-Key: made without a connection (Funkloch) they are
// sent when it returns, shown as "wird gesendet" until confirmed, and never land twice.
import {
  api, debounce, el, fmtTime, followEvents, handoverText, header, newIdempotencyKey, requireSession, say, ANNOUNCEMENT_STATE, DISPOSITION, TNA_KIND,
} from "/ui/lotse.js";
import { answerView, composePZC, fillReference, nearestPlace, placeNamed } from "/ui/dispatch.js";

header("rtw");
const me = requireSession(["crew"]);
const $ = (id) => document.getElementById(id);
const unit = me.scope.find((s) => s !== "*") || "";
let codes = [];
let places = [];
let where = null; // { lat, lon, district, label }

// ---------- Theme (day / night) ----------

function applyTheme(dark) {
  // A toggle button keeps its name; "gedrückt" says night mode is on.
  document.body.classList.toggle("dark", dark);
  $("theme").setAttribute("aria-pressed", String(dark));
  localStorage.setItem("lotse.theme", dark ? "dark" : "light");
}
$("theme").addEventListener("click", () => applyTheme(!document.body.classList.contains("dark")));
applyTheme(localStorage.getItem("lotse.theme") === "dark");

// ---------- Outbox: commands survive a Funkloch ----------

// One outbox per person on this device: a crew signing in later never sends the previous crew's commands. Two tabs
// may send the same item; its Idempotency-Key makes the second a replay of the first.
const OUTBOX = `lotse.outbox.${me.role}:${me.subject}`;
const outbox = () => JSON.parse(localStorage.getItem(OUTBOX) || "[]");
const saveOutbox = (items) => localStorage.setItem(OUTBOX, JSON.stringify(items));
let flushing = false;

/**
 * Queues a command with a fresh Idempotency-Key and tries to send it; `done` names what to do once it is confirmed.
 * The same command (method, path, body) already waiting is not queued twice: a second tap in a dead zone adds nothing.
 */
function command(method, path, body, label, done) {
  const same = JSON.stringify([method, path, body ?? null]);
  if (outbox().some((x) => JSON.stringify([x.method, x.path, x.body ?? null]) === same)) {
    say(path.includes("consultation") ? "tna-message" : "dispatch-message", `${label}: wird bereits gesendet.`);
    return;
  }
  saveOutbox([...outbox(), { key: newIdempotencyKey(), method, path, body, label, madeAt: new Date().toISOString(), done }]);
  renderOutbox();
  flush();
}

const confirmed = {
  tna: (r) => { say("tna-message", `Telenotarzt angefordert (${r.consultationId}).`); loadConsultations(); },
  announce: (r) => { say("dispatch-message", `Voranmeldung ${r.announcementId} gesendet – wartet auf Quittung der Klinik.`); loadAnnouncements(); },
  refresh: () => { loadConsultations(); loadAnnouncements(); },
};

/** Sends what waits, oldest first, each with its own key (a repeat after a lost answer returns the first result). */
async function flush() {
  if (flushing) return;
  flushing = true;
  try {
    for (;;) {
      const [item] = outbox();
      if (!item) break;
      try {
        const r = await api(item.path, { method: item.method, body: item.body, idempotencyKey: item.key, timeoutMs: 15000 });
        confirmed[item.done]?.(r);
      } catch (err) {
        // No connection, a time-out, a server or proxy that cannot answer now (5xx, 408, 429) or an ended session
        // (401: the page asks for a new token): the command stays and is sent again with the same key.
        if (err.status === undefined || err.status === 401 || err.status === 408 || err.status === 429 || err.status >= 500) break;
        say(item.path.includes("consultation") ? "tna-message" : "dispatch-message", `${item.label}: ${err.message}`, true);
      }
      saveOutbox(outbox().filter((x) => x.key !== item.key));
      renderOutbox();
    }
  } finally {
    flushing = false;
    renderOutbox();
  }
}

function renderOutbox() {
  const items = outbox();
  $("outbox").hidden = items.length === 0;
  $("outbox").textContent = items.length
    ? `Keine Verbindung? ${items.length} Aktion${items.length > 1 ? "en" : ""} wird gesendet: ${items.map((x) => `${x.label} (${fmtTime(x.madeAt)})`).join(", ")}`
    : "";
}

// ---------- Patient and place ----------

function pzc() {
  return composePZC(codes, $("code").value, $("age").value, $("urgency").value);
}

function setPlace(lat, lon, source) {
  const near = nearestPlace(places, lat, lon);
  where = { lat, lon, district: near?.district || "", label: `${lat.toFixed(4)}, ${lon.toFixed(4)} – bei ${near ? near.name.split(",")[0] : "?"} (${near?.district || "?"}), ${source}` };
  say("where", `Ort: ${where.label}`);
}

$("locate").addEventListener("click", () => {
  if (!navigator.geolocation) return say("where", "Keine Ortung auf diesem Gerät – Gemeinde eingeben.", true);
  say("where", "Ortung läuft …");
  navigator.geolocation.getCurrentPosition(
    (p) => setPlace(p.coords.latitude, p.coords.longitude, "Gerät"),
    () => say("where", "Ortung nicht möglich – Gemeinde eingeben.", true),
    { enableHighAccuracy: true, timeout: 10000, maximumAge: 60000 });
});
$("place").addEventListener("change", () => {
  const p = placeNamed(places, $("place").value);
  if (p) setPlace(p.lat, p.lon, "Gemeinde");
  else say("where", "Gemeinde unbekannt – aus der Liste wählen.", true);
});

function needPlace(target) {
  if (where) return true;
  say(target, "Erst den Ort bestimmen (Position vom Gerät oder Gemeinde).", true);
  $("place").focus();
  return false;
}

// ---------- Telenotarzt ----------

$("tna-form").addEventListener("submit", (e) => {
  e.preventDefault();
  if (!needPlace("tna-message")) return;
  const body = {
    kind: document.querySelector("input[name=kind]:checked").value, priority: Number($("priority").value), district: where.district,
    lat: Number(where.lat.toFixed(5)), lon: Number(where.lon.toFixed(5)), unit,
  };
  const code = pzc();
  if (code) body.pzc = code;
  if ($("note").value.trim()) body.note = $("note").value.trim();
  command("POST", "/v1/consultations", body, "Telenotarzt-Anforderung", "tna");
  $("note").value = "";
});

let shownConsultations = "";
function stateText(v) {
  const c = v.consultation;
  switch (c.status) {
    case "waiting": return `Wartet – Platz ${v.queuePosition ?? "?"} von ${v.queueLength}, seit ${fmtTime(c.requestedAt)}`;
    case "offered": return "Einem Telenotarzt angeboten – wartet auf Annahme";
    case "accepted": return `Angenommen von ${v.physician?.id ?? "?"} (${v.physician?.centreName ?? ""})`;
    case "connected": return `Verbunden mit ${v.physician?.id ?? "?"}`;
    case "ended": return `Beendet: ${DISPOSITION[c.disposition] || c.disposition || ""}`;
    case "cancelled": return "Abgebrochen";
    case "escalated": return "An den Notarzt übergeben (Notarzt nachgefordert)";
    default: return c.status;
  }
}

async function loadConsultations() {
  let list;
  try { list = await api(`/v1/units/${encodeURIComponent(unit)}/consultations`); } catch (e) { return; }
  // The waiting time ticks on every answer: it is not a reason to redraw (which would drop a half-typed reason).
  const key = JSON.stringify(list.consultations.map((v) => ({ ...v, waitingSeconds: undefined })));
  if (key === shownConsultations) return;
  shownConsultations = key;
  const typed = new Map([...document.querySelectorAll("#consultations input")].map((i) => [i.id, i.value]));
  const cards = list.consultations.map((v) => {
    const c = v.consultation, id = c.request.id, open = ["waiting", "offered", "accepted", "connected"].includes(c.status);
    const reason = el("input", { id: `cancel-${id}`, placeholder: "Grund", size: 16, value: typed.get(`cancel-${id}`) || "" });
    return el("article", { class: `candidate consultation ${open ? "" : "done"}`, "data-consultation": id, "data-status": c.status },
      el("h3", {}, `${TNA_KIND[c.request.kind] || c.request.kind} · Priorität ${c.request.priority} · ${fmtTime(c.requestedAt)}`),
      el("p", { class: "state" }, stateText(v)),
      v.physician && (c.status === "accepted" || c.status === "connected")
        ? el("p", {}, "Rückruf: ", v.physician.phone ? el("a", { href: `tel:${v.physician.phone.replace(/\s/g, "")}` }, v.physician.phone) : "Nummer nicht hinterlegt (tna-config)")
        : "",
      open ? el("div", { class: "row" },
        el("button", { type: "button", class: "danger", onclick: () => command("POST", `/v1/consultations/${id}/escalation`, undefined, "Notarzt nachfordern", "refresh") }, "Notarzt nachfordern"),
        el("label", { for: `cancel-${id}` }, "Abbruchgrund", reason),
        el("button", { type: "button", class: "secondary", onclick: () => {
          if (!reason.value.trim()) { reason.focus(); return say("tna-message", "Für den Abbruch einen Grund angeben.", true); }
          command("POST", `/v1/consultations/${id}/cancellation`, { reason: reason.value.trim() }, "Abbruch", "refresh");
        } }, "Abbrechen")) : "");
  });
  $("consultations").replaceChildren(...(cards.length ? cards : [el("p", { class: "muted" }, "Keine Anforderung in den letzten 12 h.")]));
}

// ---------- Destination hospital ----------

const ANSWER = "lotse.rtw.answer";
function showAnswerAge() {
  const saved = JSON.parse(localStorage.getItem(ANSWER) || "null");
  if (!saved) return;
  const mins = Math.round((Date.now() - new Date(saved.at)) / 60000);
  $("answer-age").textContent = `Antwort von ${fmtTime(saved.at)} (vor ${mins} min)${saved.stale ? " – letzter Stand, keine Verbindung" : ""}`;
}

function renderAnswer(a) {
  $("answer").replaceChildren(...answerView(a, announce));
}

async function runDispatch() {
  if (!where) return;
  const code = pzc();
  if (!code) { say("dispatch-message", "Indikation nicht erkannt – Code (z. B. 421) oder Namen wählen.", true); return; }
  const q = new URLSearchParams({ pzc: code, lat: where.lat.toFixed(5), lon: where.lon.toFixed(5), limit: 5 });
  try {
    const a = await api("/v1/dispatch?" + q);
    localStorage.setItem(ANSWER, JSON.stringify({ at: new Date().toISOString(), answer: a, where }));
    if ($("dispatch-message").className === "error") say("dispatch-message", "");
    renderAnswer(a);
  } catch (err) {
    const saved = JSON.parse(localStorage.getItem(ANSWER) || "null");
    if (err.status === undefined && saved) {
      saved.stale = true;
      localStorage.setItem(ANSWER, JSON.stringify(saved));
      renderAnswer(saved.answer);
    }
    say("dispatch-message", err.status === undefined ? "Keine Verbindung – letzte Antwort wird gezeigt." : err.message, true);
  }
  showAnswerAge();
}

$("dispatch-button").addEventListener("click", () => { if (needPlace("dispatch-message")) runDispatch(); });

function announce(c, override) {
  const saved = JSON.parse(localStorage.getItem(ANSWER) || "null");
  const body = {
    hospitalId: c.hospitalId, pzc: saved?.answer.query.pzc || pzc(), unit, district: where?.district || saved?.where?.district,
    eta: new Date(Date.now() + Math.max(5, c.driveMinutes) * 60000).toISOString(),
    flags: [...document.querySelectorAll("input[name=flag]:checked")].map((b) => b.value),
  };
  if (override) {
    const why = window.prompt(`${c.name} ist derzeit nicht geeignet. Begründung für die Voranmeldung:`);
    if (!why || !why.trim()) return;
    body.overrideReason = why.trim();
  }
  command("POST", "/v1/announcements", body, `Voranmeldung an ${c.name}`, "announce");
}

let shownAnnouncements = "";
async function loadAnnouncements() {
  let list;
  try { list = await api("/v1/announcements"); } catch (e) { return; }
  const mine = list.announcements.filter((a) => a.unit === unit).sort((a, b) => (a.announcedAt < b.announcedAt ? 1 : -1));
  const key = JSON.stringify(mine);
  if (key === shownAnnouncements) return;
  shownAnnouncements = key;
  const rows = mine.map((a) => {
    const enRoute = a.status === "announced" || a.status === "acknowledged";
    const reason = el("input", { id: `storno-${a.id}`, placeholder: "Grund", size: 14 });
    return el("article", { class: `candidate ${a.status === "acknowledged" ? "available" : ""}`, "data-announcement": a.id, "data-status": a.status },
      el("h3", {}, `${a.hospitalName || a.hospitalId} · PZC ${a.pzc} · ETA ${fmtTime(a.eta)}`),
      el("p", { class: "state" }, ANNOUNCEMENT_STATE[a.status] + (a.escalatedAt ? " · eskaliert (Klinik hat nicht quittiert)" : "")
        + (a.acknowledgedAt ? ` · quittiert ${fmtTime(a.acknowledgedAt)}` : "") + handoverText(a)),
      enRoute ? el("div", { class: "row" },
        el("button", { type: "button", onclick: () => command("POST", `/v1/announcements/${a.id}/arrival`, { arrivedAt: new Date().toISOString() }, "Ankunft", "refresh") }, "Angekommen"),
        el("label", { for: `storno-${a.id}` }, "Stornogrund", reason),
        el("button", { type: "button", class: "secondary", onclick: () => {
          if (!reason.value.trim()) { reason.focus(); return say("dispatch-message", "Für das Storno einen Grund angeben.", true); }
          command("POST", `/v1/announcements/${a.id}/cancellation`, { reason: reason.value.trim() }, "Storno", "refresh");
        } }, "Stornieren")) : "");
  });
  $("announcements").replaceChildren(...(rows.length ? rows : [el("p", { class: "muted" }, "Keine.")]));
}

// ---------- Live ----------

const refresh = debounce(() => { loadConsultations(); loadAnnouncements(); });
followEvents(() => refresh(), () => { refresh(); flush(); });
window.addEventListener("online", flush);
setInterval(() => { flush(); showAnswerAge(); }, 3000);

(async () => {
  renderOutbox();
  showAnswerAge();
  try {
    ({ codes, places } = await fillReference());
  } catch (e) {
    say("tna-message", `Referenzdaten nicht geladen: ${e.message}`, true);
  }
  const saved = JSON.parse(localStorage.getItem(ANSWER) || "null");
  if (saved) { where = saved.where; renderAnswer(saved.answer); say("where", `Ort: ${where.label}`); }
  loadConsultations();
  loadAnnouncements();
  flush();
})();
