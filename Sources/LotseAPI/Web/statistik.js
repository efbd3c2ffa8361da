import { api, el, header, localInput, requireSession, say, session } from "/ui/lotse.js";

header("statistik", { live: false });
const me = requireSession(["admin", "dispatcher", "hospital"]);
const $ = (id) => document.getElementById(id);
const num = (x, digits = 1) => Number(x).toLocaleString("de-DE", { maximumFractionDigits: digits });
const quantiles = (q, unit) => (q ? `Median ${num(q.median)} ${unit}, 90 % ≤ ${num(q.p90)} ${unit}` : "–");
const DAY = 24 * 3600 * 1000;

// The next whole minute (the field has minutes): the server counts up to now at the latest.
$("to").value = localInput(new Date(Date.now() + 60 * 1000));
$("from").value = localInput(new Date(Date.now() - 30 * DAY));
if (me.role === "hospital") $("district-label").hidden = true;

function query(format) {
  const from = new Date($("from").value), to = new Date($("to").value);
  if (isNaN(from) || isNaN(to)) throw new Error("Bitte Beginn und Ende angeben.");
  if (from >= to) throw new Error("Der Beginn muss vor dem Ende liegen.");
  const p = new URLSearchParams({ from: from.toISOString().replace(/\.\d{3}Z$/, "Z"), to: to.toISOString().replace(/\.\d{3}Z$/, "Z"), format });
  const district = $("district").value.trim();
  if (district && me.role !== "hospital") p.append("district", district);
  return `/v1/statistics?${p}`;
}

/** A horizontal bar chart as SVG (no script or style inside; labels as text, the values also in the tables). */
function barChart(rows, { unit, max, label }) {
  const ns = "http://www.w3.org/2000/svg";
  const W = 640, rowH = 22, left = 250, H = Math.max(1, rows.length) * rowH + 10;
  const svg = document.createElementNS(ns, "svg");
  svg.setAttribute("viewBox", `0 0 ${W} ${H}`);
  svg.setAttribute("role", "img");
  svg.setAttribute("aria-label", label);
  svg.setAttribute("class", "chart");
  const title = document.createElementNS(ns, "title");
  title.textContent = label;
  svg.append(title);
  const top = max || Math.max(1e-9, ...rows.map((r) => r.value));
  rows.forEach((r, i) => {
    const y = 5 + i * rowH;
    const name = document.createElementNS(ns, "text");
    name.setAttribute("x", left - 6); name.setAttribute("y", y + 15); name.setAttribute("text-anchor", "end");
    name.textContent = r.name.length > 34 ? r.name.slice(0, 33) + "…" : r.name;
    const bar = document.createElementNS(ns, "rect");
    bar.setAttribute("x", left); bar.setAttribute("y", y + 3);
    bar.setAttribute("width", Math.max(1, (W - left - 90) * r.value / top)); bar.setAttribute("height", rowH - 7);
    bar.setAttribute("class", "bar");
    const value = document.createElementNS(ns, "text");
    value.setAttribute("x", left + Math.max(1, (W - left - 90) * r.value / top) + 5); value.setAttribute("y", y + 15);
    value.textContent = r.text || `${num(r.value)} ${unit}`;
    svg.append(name, bar, value);
  });
  return rows.length ? svg : el("p", { class: "muted" }, "Keine Werte im Zeitraum.");
}

function table(headers, rows, empty) {
  if (!rows.length) return el("p", { class: "muted" }, empty);
  return el("table", {},
    el("thead", {}, el("tr", {}, ...headers.map((h) => el("th", { scope: "col" }, h)))),
    el("tbody", {}, ...rows.map((r) => el("tr", r.attrs || {}, el("th", { scope: "row" }, r.cells[0]), ...r.cells.slice(1).map((c) => el("td", {}, c))))));
}

const reasons = (list) => list.map((r) => `${r.text} (${r.count})`).join("; ");

function render(r) {
  const t = r.totals;
  $("totals").replaceChildren(table(
    ["Abmeldungen", "Stunden abgemeldet", "Voranmeldungen", "eskaliert", "Zuweisungen trotz Abmeldung", "Übergaben"],
    [{ cells: [String(t.closures), num(t.closedHours), String(t.announced), String(t.escalated), String(t.overrides), String(t.handovers)] }], ""));
  const closed = r.hospitals.map((h) => ({
    name: h.name, value: h.closures.reduce((a, c) => a + c.count, 0), hours: h.closures.reduce((a, c) => a + c.hours, 0),
  })).filter((x) => x.value > 0).sort((a, b) => b.value - a.value || b.hours - a.hours).slice(0, 20);
  $("closed-chart").replaceChildren(barChart(closed.map((x) => ({ name: x.name, value: x.value, text: `${x.value} (${num(x.hours)} h)` })),
    { unit: "", label: "Abmeldungen je Klinik im Zeitraum, mit den Stunden abgemeldet (die 20 häufigsten)" }));
  const unknown = r.hospitals.map((h) => ({
    name: h.name, value: h.unknownShare.length ? 100 * h.unknownShare.reduce((a, u) => a + u.share, 0) / h.unknownShare.length : 0,
  })).filter((x) => x.value > 0).sort((a, b) => b.value - a.value).slice(0, 20);
  $("unknown-chart").replaceChildren(barChart(unknown, { unit: "%", max: 100, label: "Mittlerer Anteil der Zeit mit Status unbekannt je Klinik, über ihre Ressourcen (die 20 höchsten)" }));
  $("closures").replaceChildren(table(
    ["Klinik", "Ressource", "Anzahl", "Stunden", "abgelaufen", "vorzeitig aufgehoben", "ersetzt", "noch abgemeldet", "Gründe"],
    r.hospitals.flatMap((h) => h.closures.map((c) => ({ attrs: { "data-hospital": h.hospitalId, "data-resource": c.resource },
      cells: [h.name, c.label, String(c.count), num(c.hours), String(c.expired), String(c.reopened), String(c.replaced), String(c.stillClosed), reasons(c.reasons)] }))),
    "Keine Abmeldungen im Zeitraum."));
  $("announcements").replaceChildren(table(
    ["Klinik", "angemeldet", "bestätigt", "Zeit bis Bestätigung", "unbestätigt", "vor Bestätigung storniert", "eskaliert", "trotz Abmeldung", "Gründe"],
    r.hospitals.filter((h) => h.announcements.announced > 0).map((h) => {
      const a = h.announcements;
      return { cells: [h.name, String(a.announced), String(a.acknowledged), quantiles(a.acknowledgementMinutes, "min"), String(a.unacknowledged),
        String(a.cancelledBeforeAcknowledgement), String(a.escalated), String(a.overrides), reasons(a.overrideReasons)] };
    }), "Keine Voranmeldungen im Zeitraum."));
  $("offload").replaceChildren(table(["Klinik", "Übergaben", "Dauer"],
    r.hospitals.filter((h) => h.offload.handovers > 0).map((h) => ({ cells: [h.name, String(h.offload.handovers), quantiles(h.offload.minutes, "min")] })),
    "Keine Übergaben im Zeitraum."));
  const n = r.telenotarzt;
  $("tna").replaceChildren(n ? table(["Kennzahl", "Wert"], [
    ["angefordert", n.requested], ["beendet", n.ended], ["abgebrochen", n.cancelled], ["an Notarzt eskaliert", n.escalated], ["offen", n.stillOpen],
    ["verpasste Angebote", n.offersMissed], ["Hintergrund alarmiert (60 s)", n.backupAlerts], ["Leitstelle alarmiert (5 min)", n.leitstelleAlerts],
    ["Anforderung → Angebot", quantiles(n.requestToOfferSeconds, "s")], ["Anforderung → verbunden", quantiles(n.requestToConnectedSeconds, "s")],
  ].map(([k, v]) => ({ cells: [k, String(v)] })), "") : el("p", { class: "muted" }, "Nicht in der Statistik einer Klinik."));
  const scope = r.scope === "all" ? "alle Kliniken" : r.scope.startsWith("districts: ") ? "Kliniken der Kreise " + r.scope.slice(11)
    : r.scope.startsWith("hospital: ") ? "Klinik " + r.scope.slice(10) : r.scope;
  $("dispatch-chart").replaceChildren(r.dispatchQueriesPerHour
    ? barChart(r.dispatchQueriesPerHour.map((n, h) => ({ name: `${h} Uhr`, value: n })), { unit: "", label: "Dispatch-Anfragen je Stunde des Tages, im Zeitraum summiert" })
    : el("p", { class: "muted" }, "Keine Zählung für diesen Umfang."));
  $("notes").textContent = `Umfang: ${scope}, bis ${new Date(r.to).toLocaleString("de-DE", { timeZone: "Europe/Berlin" })}. Ein Status gilt nach ${num(r.statusTTLHours)} h ohne Meldung als unbekannt. ` + r.notes.join(" ");
}

async function compute() {
  let path;
  try { path = query("json"); } catch (e) { say("message", e.message, true); return; }
  say("message", "Berechne …");
  $("compute").disabled = true;
  try {
    const r = await api(path);
    render(r);
    say("message", `Berechnet: ${r.hospitals.length} ${r.hospitals.length === 1 ? "Klinik" : "Kliniken"}.`);
  } catch (e) {
    say("message", `Nicht berechnet: ${e.message}`, true);
  } finally {
    $("compute").disabled = false;
  }
}

$("period").addEventListener("submit", (e) => { e.preventDefault(); compute(); });
$("csv").addEventListener("click", async () => {
  let path;
  try { path = query("csv"); } catch (e) { say("message", e.message, true); return; }
  try {
    const r = await fetch(path, { headers: { Authorization: "Bearer " + session().token } });
    if (!r.ok) throw new Error((await r.json().catch(() => ({}))).detail || r.statusText);
    const url = URL.createObjectURL(await r.blob());
    const a = el("a", { href: url, download: `lotse-statistik-${$("from").value.slice(0, 10)}-${$("to").value.slice(0, 10)}.csv` });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
  } catch (e) {
    say("message", `CSV nicht geladen: ${e.message}`, true);
  }
});
compute();
