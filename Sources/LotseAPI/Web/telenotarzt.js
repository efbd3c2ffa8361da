import { api, debounce, el, fmtTime, followEvents, header, requireSession, say, DISPOSITION, TNA_KIND as KIND } from "/ui/lotse.js";

header("telenotarzt");
const me = requireSession(["physician"]);
const $ = (id) => document.getElementById(id);
const doc = me.subject;
let live = null;
let shown = "";
let hospitals = [];
const PSTATE = { available: "im Dienst, frei", busy: "im Dienst, ausgelastet", paused: "Pause", signedOff: "abgemeldet" };

async function load() {
  try {
    live = await api("/v1/consultations");
  } catch (e) {
    say("message", `Konsole nicht geladen: ${e.message}`, true);
    return;
  }
  // Re-render only on change: a button under the cursor or the keyboard focus stays where it is.
  const key = JSON.stringify(live);
  if (key === shown) return;
  shown = key;
  render();
}

function mine() { return live.physicians.find((p) => p.id === doc); }

function render() {
  const p = mine();
  const state = p ? PSTATE[p.status] || p.status : "nicht angemeldet";
  $("duty-state").textContent = `${doc}: ${state}` + (p ? ` · Zentrale ${p.centre} · bis zu ${p.maxParallel} parallel` : "");
  const on = p && p.status !== "signedOff";
  $("sign-on").disabled = on;
  $("pause").disabled = !on || p.status === "paused";
  $("resume").disabled = !on || p.status !== "paused";
  $("sign-off").disabled = !on;

  const offers = live.open.filter((c) => c.status === "offered" && c.physician === doc);
  $("offer").replaceChildren(...(offers.length ? offers.map(offerBox) : [el("p", { class: "muted" }, "Kein Angebot.")]));
  const active = live.open.filter((c) => (c.status === "accepted" || c.status === "connected") && c.physician === doc);
  $("active").replaceChildren(...(active.length ? active.map(activeBox) : [el("p", { class: "muted" }, "Keine.")]));
  $("queue").replaceChildren(live.queue.length ? el("table", {},
    el("thead", {}, el("tr", {}, ...["Priorität", "Art", "Bereich", "Einheit", "wartet seit"].map((t) => el("th", { scope: "col" }, t)))),
    el("tbody", {}, ...live.queue.map((c) => el("tr", { "data-consultation": c.request.id },
      el("th", { scope: "row" }, String(c.request.priority)), el("td", {}, KIND[c.request.kind] || c.request.kind),
      el("td", {}, c.request.district), el("td", {}, c.request.unit), el("td", {}, fmtTime(c.requestedAt))))))
    : el("p", { class: "muted" }, "Niemand wartet."));
  $("team").replaceChildren(el("ul", {}, ...live.physicians.map((x) => el("li", {}, `${x.id}: ${PSTATE[x.status] || x.status} (${x.assigned.length} ${x.assigned.length === 1 ? "Fall" : "Fälle"})`))));
}

function describe(c) {
  return `${KIND[c.request.kind] || c.request.kind} · Priorität ${c.request.priority} · ${c.request.unit} · ${c.request.district}` + (c.request.pzc ? ` · PZC ${c.request.pzc}` : "");
}

function offerBox(c) {
  const left = Math.max(0, Math.round((new Date(c.offerExpiresAt) - Date.now()) / 1000));
  return el("div", { class: "offer", role: "alertdialog", "aria-labelledby": `offer-${c.request.id}`, "data-consultation": c.request.id },
    el("h3", { id: `offer-${c.request.id}` }, "Neue Anfrage: " + describe(c)),
    el("p", {}, "Annehmen in ", el("span", { class: "count", "data-expires": c.offerExpiresAt, "aria-live": "off" }, `${left} s`),
      ` · angefragt ${fmtTime(c.requestedAt)}`),
    el("div", { class: "row" },
      el("button", { type: "button", id: "accept", onclick: () => step(c, "acceptance", {}) }, "Annehmen"),
      el("button", { type: "button", class: "secondary", id: "decline", onclick: () => step(c, "decline", {}) }, "Ablehnen")));
}

function activeBox(c) {
  const times = [["angefragt", c.requestedAt], ["angeboten", c.offeredAt], ["angenommen", c.acceptedAt], ["verbunden", c.connectedAt]]
    .filter(([, t]) => t).map(([l, t]) => `${l} ${fmtTime(t)}`).join(" · ");
  const disposition = el("select", { id: `disp-${c.request.id}`, "aria-label": "Ergebnis" },
    ...Object.entries(DISPOSITION).filter(([k]) => k !== "handed-over-to-notarzt").map(([k, v]) => el("option", { value: k }, v)));
  const destination = el("select", { id: `dest-${c.request.id}`, "aria-label": "Zielklinik" },
    ...hospitals.map((h) => el("option", { value: h.hospitalId }, h.name)));
  return el("article", { class: "candidate", "data-consultation": c.request.id, "aria-label": describe(c) },
    el("h3", {}, describe(c)),
    el("p", { class: "muted" }, times),
    el("div", { class: "row" },
      c.status === "accepted" ? el("button", { type: "button", onclick: () => step(c, "connection", {}) }, "Verbunden") : el("span", { class: "badge available" }, "verbunden"),
      el("label", { for: `disp-${c.request.id}` }, "Ergebnis", disposition),
      el("label", { for: `dest-${c.request.id}` }, "Zielklinik", destination),
      el("button", { type: "button", onclick: () => {
        const body = { disposition: disposition.value };
        if (disposition.value === "transported-to-hospital") body.destination = destination.value;
        step(c, "end", body);
      } }, "Beenden"),
      el("button", { type: "button", class: "danger", onclick: () => step(c, "escalation", {}) }, "Notarzt nachfordern")));
}

async function step(c, what, body) {
  try {
    await api(`/v1/consultations/${c.request.id}/${what}`, { method: "POST", body });
    const done = { acceptance: "angenommen", decline: "abgelehnt", connection: "verbunden", end: "beendet", escalation: "an Notarzt übergeben" };
    say("message", `Konsultation ${done[what]}.`);
    load();
  } catch (e) {
    say("message", e.message, true);
    load();
  }
}

async function duty(what, body) {
  try {
    await api(`/v1/physicians/${encodeURIComponent(doc)}/${what}`, { method: "POST", body });
    say("message", { "sign-on": "Dienst begonnen.", "sign-off": "Dienst beendet.", pause: "Pause.", resume: "Pause beendet." }[what]);
    load();
  } catch (e) {
    say("message", e.message, true);
  }
}

$("sign-on").addEventListener("click", () => duty("sign-on", { maxParallel: Number($("parallel").value) }));
$("pause").addEventListener("click", () => duty("pause"));
$("resume").addEventListener("click", () => duty("resume"));
$("sign-off").addEventListener("click", () => duty("sign-off"));

// The countdown of an offer, every second (announced to screen readers only at 10 s and 5 s).
setInterval(() => {
  for (const span of document.querySelectorAll("[data-expires]")) {
    const left = Math.max(0, Math.round((new Date(span.dataset.expires) - Date.now()) / 1000));
    span.textContent = `${left} s`;
    span.setAttribute("aria-live", left === 10 || left === 5 ? "assertive" : "off");
    if (left === 0) load();
  }
}, 1000);

const refresh = debounce(load, 150);
followEvents(() => refresh(), () => refresh());
api("/v1/hospitals").then((l) => { hospitals = l.hospitals; }).catch(() => {});
load();
