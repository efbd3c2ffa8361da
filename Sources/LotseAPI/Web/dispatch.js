// Lotse – the dispatch question shared by the Leitstelle and the crew page: indication by code or name, PZC from
// code + age + urgency, the place from a municipality, and the explained answer (candidates with their reasons,
// hospitals excluded and why).
import { api, el, fmtAge, fmtTime, STATUS } from "/ui/lotse.js";

/** The rankable codes and the municipalities (reference data of the server). */
async function loadReference() {
  const [c, m] = await Promise.all([api("/v1/reference/codes"), api("/v1/reference/municipalities")]);
  return { codes: c.codes.filter((x) => x.rankable), places: m.municipalities };
}

/** Loads the reference data into the page's `#codes` and `#places` lists and preselects stroke (421, urgency 1). */
export async function fillReference() {
  const ref = await loadReference();
  const byId = (id) => document.getElementById(id);
  byId("codes").replaceChildren(...ref.codes.map((x) => el("option", { value: `${x.rmi} – ${x.name}` })));
  byId("places").replaceChildren(...ref.places.map((p) => el("option", { value: p.name.split(",")[0] }, p.district)));
  byId("code").value = "421 – " + (ref.codes.find((x) => x.rmi === "421")?.name || "");
  byId("urgency").value = "1";
  return ref;
}

/** The three-digit code of "421", "421 – Schlaganfall" or a part of the name; null if none matches. */
export function codeOf(codes, text) {
  const m = text.match(/^\s*(\d{3})/);
  if (m) return m[1];
  const hit = codes.find((c) => c.name.toLowerCase().includes(text.trim().toLowerCase()));
  return hit ? hit.rmi : null;
}

/** The PZC of code + age + urgency, or null. */
export function composePZC(codes, codeText, age, urgency) {
  const rmi = codeOf(codes, codeText);
  const a = Number(age);
  return rmi && Number.isInteger(a) && a >= 0 && a <= 99 ? `${rmi}${String(a).padStart(2, "0")}${urgency}` : null;
}

/** Code text, age and urgency of a PZC, or null. */
export function splitPZC(codes, pzc) {
  if (!/^\d{6}$/.test(pzc)) return null;
  const c = codes.find((x) => x.rmi === pzc.slice(0, 3));
  return { code: c ? `${c.rmi} – ${c.name}` : pzc.slice(0, 3), age: String(Number(pzc.slice(3, 5))), urgency: pzc.slice(5) };
}

/** The municipality named (first part of its name), or the nearest one to a position. */
export function placeNamed(places, name) {
  const n = name.split(",")[0].trim().toLowerCase();
  return places.find((p) => p.name.split(",")[0].toLowerCase() === n) || null;
}

export function nearestPlace(places, lat, lon) {
  let best = null, bestD = Infinity;
  const k = Math.cos((lat * Math.PI) / 180);
  for (const p of places) {
    const d = (p.lat - lat) ** 2 + ((p.lon - lon) * k) ** 2;
    if (d < bestD) { best = p; bestD = d; }
  }
  return best;
}

function resourceList(resources) {
  return el("ul", {}, ...resources.map((r) => el("li", { class: r.status },
    `${r.label}: ${STATUS[r.status]}${r.until ? ` bis ${fmtTime(r.until)}` : ""}${r.reason ? ` – ${r.reason}` : ""}`)));
}

/** The explained answer: a heading, one card per candidate (with `onAnnounce(candidate, false)`), the excluded ones. */
export function answerView(a, onAnnounce) {
  const head = el("p", {}, el("strong", {}, `${a.query.indication} (PZC ${a.query.pzc})`),
    ` – ${a.suitableTotal} geeignet, ${a.excludedTotal} derzeit nicht · Regeln ${a.rulesVersion} · Fahrzeiten ${a.travelTimeModel} · Stand ${fmtTime(a.evaluatedAt)}`);
  const cands = a.candidates.map((c) => el("article", { class: "candidate", "data-rank": c.rank, "data-hospital": c.hospitalId, "aria-label": `Rang ${c.rank}: ${c.name}` },
    el("h3", {}, `${c.rank}. ${c.name}`),
    el("p", {}, `${c.driveMinutes} min Fahrt (${c.distanceKm} km) · Score ${c.score}`
      + (c.scoreParts.limitedPenaltyMinutes ? ` · +${c.scoreParts.limitedPenaltyMinutes} min eingeschränkt` : "")
      + (c.scoreParts.loadPenaltyMinutes ? ` · +${c.scoreParts.loadPenaltyMinutes} min Last` : "")
      + ` · ${c.patientsEnRoute} unterwegs · Daten ${fmtAge(c.dataAgeMinutes)}`),
    resourceList(c.resources),
    el("button", { type: "button", onclick: () => onAnnounce(c, false) }, `Voranmelden: ${c.name}`)));
  const excluded = a.excluded.length ? el("div", {}, el("h3", {}, "Derzeit nicht geeignet"),
    ...a.excluded.map((x) => el("article", { class: "candidate closed", "data-excluded": x.hospitalId },
      el("h3", {}, x.name), el("p", {}, `${x.driveMinutes} min Fahrt`),
      el("ul", {}, ...x.reasons.map((r) => el("li", {}, r))),
      el("button", { type: "button", class: "danger", onclick: () => onAnnounce(x, true) }, `Trotz Abmeldung voranmelden: ${x.name}`)))) : null;
  return [head, ...(cands.length ? cands : [el("p", { class: "error" }, "Keine Klinik ist derzeit geeignet.")]), excluded || ""];
}
