// Lotse – shared code of every page: session (token in sessionStorage), API calls with problem+json errors,
// the live event stream (fetch + SSE parsing, so the token goes in a header, never in a URL) with a visible
// "Verbindung getrennt" state, automatic reconnect and resume by Last-Event-ID, and small DOM helpers.

/** Where an announcement stands, in German. */
export const ANNOUNCEMENT_STATE = { announced: "angemeldet – nicht quittiert", acknowledged: "quittiert", arrived: "angekommen", cancelled: "storniert" };

/** Arrival and hand-over of an announced patient, with the offload delay (arrival → hand-over) once known. */
export function handoverText(a) {
  if (a.status !== "arrived" || !a.arrivedAt) return "";
  if (!a.handoverAt) return ` · angekommen ${fmtTime(a.arrivedAt)}, Übergabe ausstehend (seit ${Math.max(0, Math.round((Date.now() - new Date(a.arrivedAt)) / 60000))} min)`;
  const offload = Math.round((new Date(a.handoverAt) - new Date(a.arrivedAt)) / 60000);
  return ` · übergeben ${fmtTime(a.handoverAt)}${offload > 0 ? ` (Übergabe nach ${offload} min)` : ""}`;
}

/** Telenotarzt: the kinds of request and the ways a consultation ends, in German. */
export const TNA_KIND = {
  "crew-advice": "Beratung der Besatzung", "dispatched-with-ambulance": "mit RTW alarmiert", "bridging-until-nef": "Überbrückung bis NEF",
  "support-on-scene-notarzt": "Unterstützung Notarzt vor Ort", "secondary-transport": "Sekundärtransport",
};
export const DISPOSITION = {
  "transported-to-hospital": "Transport in Klinik", "treated-on-scene": "vor Ort behandelt", "handed-over-to-notarzt": "an Notarzt übergeben",
  "no-treatment-needed": "keine Behandlung nötig",
};

/** The Sichtungskategorien (MANV) by their API names. */
export const SK = { red: "SK I (rot)", yellow: "SK II (gelb)", green: "SK III (grün)" };
export const STATUS = {
  available: "verfügbar", limited: "eingeschränkt", closed: "abgemeldet", unknown: "unbekannt",
};
export const ROLE = {
  dispatcher: "Leitstelle", crew: "RTW-Besatzung", hospital: "Klinik", physician: "Telenotarzt", admin: "Betrieb",
};
export const BEDS = {
  "icu-high-care": "ITS High Care", "icu-low-care": "ITS Low Care", ecmo: "ECMO", normal: "Normalstation",
  pediatric: "Kinderstation", "pediatric-icu": "Kinder-ITS",
};

/** The claims of a token (not verified here: the server verifies every call), or null. */
export function claimsOf(token) {
  try {
    const part = token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
    const claims = JSON.parse(decodeURIComponent(escape(atob(part))));
    return { token, role: claims.role, subject: claims.sub, scope: claims.scope || [], exp: claims.exp };
  } catch (e) {
    return null;
  }
}

/** The signed-in token and its claims; null when there is none or it has expired (`{ expired: true }`: also then). */
export function session({ expired = false } = {}) {
  const token = sessionStorage.getItem("lotse.token");
  const s = token ? claimsOf(token) : null;
  if (!s || (!expired && s.exp && s.exp * 1000 < Date.now())) return null;
  return s;
}

/** The session, or back to the sign-in page. */
export function requireSession(roles) {
  const s = session();
  if (!s) {
    location.href = "/?weiter=" + encodeURIComponent(location.pathname);
    throw new Error("nicht angemeldet");
  }
  if (roles && !roles.includes(s.role) && s.role !== "admin") {
    document.querySelector("main").prepend(el("p", { class: "banner", role: "alert" },
      `Diese Seite ist für ${roles.map((r) => ROLE[r]).join(" / ")}; Sie sind als ${ROLE[s.role] || s.role} angemeldet.`));
  }
  return s;
}

export function signOut() {
  sessionStorage.removeItem("lotse.token");
  location.href = "/";
}

/** A problem+json error as thrown by `api`. */
export class Problem extends Error {
  constructor(status, detail, field) {
    super(detail || `Fehler ${status}`);
    this.status = status;
    this.field = field;
  }
}

let idem = 0;
/** A key that makes a command's retries land once (the server answers a repeat with the first result). */
export function newIdempotencyKey() {
  return `web-${Date.now()}-${++idem}-${Math.random().toString(36).slice(2)}`;
}
/** Calls the API with the session's token; commands get an Idempotency-Key. Returns parsed JSON. */
export async function api(path, { method = "GET", body, token, idempotencyKey, timeoutMs } = {}) {
  const headers = { Authorization: "Bearer " + (token || session({ expired: true })?.token || "") };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (method !== "GET") headers["Idempotency-Key"] = idempotencyKey || newIdempotencyKey();
  // A time limit where asked (the crew's outbox): a request that hangs in a dead zone counts as no connection.
  const signal = timeoutMs ? AbortSignal.timeout(timeoutMs) : undefined;
  const r = await fetch(path, { method, headers, signal, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await r.text();
  let json = null;
  try { json = text ? JSON.parse(text) : null; } catch (e) { json = null; }
  if (!r.ok) {
    // The session ended (expired or revoked): ask for a new token, keep what is on screen.
    if (r.status === 401 && !token) renewal.show(true);
    throw new Problem(r.status, json?.detail || text || r.statusText, json?.field);
  }
  return json;
}

/**
 * Follows `/v1/events` live. `onEvent({id, type, data})` for each event; `onResync()` after every (re)connect,
 * so a page reloads its state and misses nothing. Shows the state in `#live` (aria-live), reconnects with
 * back-off and resumes from the last event id.
 */
export function followEvents(onEvent, onResync) {
  const badge = document.getElementById("live");
  let lastId = null;
  let attempt = 0;
  const show = (cls, text) => {
    if (!badge) return;
    badge.className = cls;
    badge.textContent = text;
  };
  async function connect() {
    show("connecting", "Verbinde …");
    const headers = { Authorization: "Bearer " + session({ expired: true })?.token };
    if (lastId !== null) headers["Last-Event-ID"] = String(lastId);
    try {
      const r = await fetch("/v1/events", { headers, cache: "no-store" });
      // The session ended (expired or revoked): ask for a new token and keep trying; the page stays as it is.
      if (r.status === 401) { renewal.show(true); throw new Error("Sitzung beendet"); }
      if (!r.ok || !r.body) throw new Error("HTTP " + r.status);
      attempt = 0;
      show("connected", "Live");
      onResync?.();
      const reader = r.body.getReader();
      const decoder = new TextDecoder();
      let buffer = "";
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += decoder.decode(value, { stream: true });
        let cut;
        while ((cut = buffer.indexOf("\n\n")) >= 0) {
          const frame = buffer.slice(0, cut);
          buffer = buffer.slice(cut + 2);
          const ev = { id: null, type: "message", data: "" };
          for (const line of frame.split("\n")) {
            if (line.startsWith("id: ")) ev.id = Number(line.slice(4));
            else if (line.startsWith("event: ")) ev.type = line.slice(7);
            else if (line.startsWith("data: ")) ev.data += line.slice(6);
          }
          if (ev.id !== null) lastId = ev.id;
          if (ev.data) {
            try { ev.data = JSON.parse(ev.data); } catch (e) { /* keep the text */ }
            onEvent(ev);
          }
        }
      }
      throw new Error("Verbindung beendet");
    } catch (e) {
      attempt += 1;
      const wait = Math.min(10, attempt * 2);
      show("disconnected", `Verbindung getrennt – neuer Versuch in ${wait} s`);
      setTimeout(connect, wait * 1000);
    }
  }
  connect();
}

/** Creates an element: el("td", {class: "x", onclick: f}, "text", child…). */
export function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
    else if (k === "text") e.textContent = v;
    else e.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children.flat()) if (c !== null && c !== undefined) e.append(c instanceof Node ? c : String(c));
  return e;
}

/** Runs `work` after `ms` of quiet (many events in a burst → one reload). */
export function debounce(work, ms = 250) {
  let t = null;
  return () => { clearTimeout(t); t = setTimeout(work, ms); };
}

export function fmtTime(iso) {
  if (!iso) return "–";
  const d = new Date(iso);
  const today = new Date();
  const hm = d.toLocaleTimeString("de-DE", { hour: "2-digit", minute: "2-digit", timeZone: "Europe/Berlin" });
  return d.toDateString() === today.toDateString() ? hm : d.toLocaleDateString("de-DE", { day: "2-digit", month: "2-digit", timeZone: "Europe/Berlin" }) + " " + hm;
}

export function fmtAge(minutes) {
  if (minutes === null || minutes === undefined) return "keine Meldung";
  if (minutes < 1) return "gerade eben";
  if (minutes < 60) return `vor ${Math.round(minutes)} min`;
  if (minutes < 48 * 60) return `vor ${Math.floor(minutes / 60)} h ${Math.round(minutes % 60)} min`;
  return `vor ${Math.round(minutes / 1440)} Tagen`;
}

/** `datetime-local` value for a Date, in local time. */
export function localInput(d) {
  const p = (n) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}

/** Shows a message in a live region (`role=status`), errors as alerts. */
export function say(target, text, isError = false) {
  const t = typeof target === "string" ? document.getElementById(target) : target;
  if (!t) return;
  t.className = isError ? "error" : "ok";
  t.setAttribute("role", isError ? "alert" : "status");
  t.textContent = text;
}

/**
 * The alarm tone (Web Audio, no files): switched on once by a click (browsers allow sound only after a gesture;
 * the page also asks once for permission to show notifications), then `alarmTone.ring(true)` repeats a two-tone
 * signal every 5 s until `ring(false)`.
 */
export const alarmTone = {
  ctx: null,
  timer: null,
  enable(button) {
    try { this.ctx = this.ctx || new AudioContext(); } catch (e) { this.ctx = null; }
    if (window.Notification && Notification.permission === "default") Notification.requestPermission().catch(() => {});
    if (button) { button.setAttribute("aria-pressed", "true"); button.textContent = "Alarmton an"; }
    this.beep();
  },
  beep() {
    if (!this.ctx) return;
    const t = this.ctx.currentTime;
    for (const [i, f] of [[0, 880], [1, 660]]) {
      const o = this.ctx.createOscillator(), g = this.ctx.createGain();
      o.frequency.value = f;
      g.gain.setValueAtTime(0.2, t + i * 0.35);
      g.gain.setValueAtTime(0, t + i * 0.35 + 0.3);
      o.connect(g).connect(this.ctx.destination);
      o.start(t + i * 0.35);
      o.stop(t + i * 0.35 + 0.32);
    }
  },
  ring(on, text) {
    if (on && !this.timer) {
      this.beep();
      this.timer = setInterval(() => this.beep(), 5000);
      if (text && window.Notification && Notification.permission === "granted" && document.hidden) new Notification("Lotse", { body: text });
    } else if (!on && this.timer) {
      clearInterval(this.timer);
      this.timer = null;
    }
  },
};

/** "Sitzung bis 14:30" in the header; from 10 minutes before the end a form for a new token of the same person. */
const renewal = {
  warnMs: 10 * 60 * 1000,
  box: null,
  show(ended) {
    const s = session({ expired: true });
    const endsAt = s?.exp ? new Date(s.exp * 1000) : null;
    const until = document.getElementById("session-end");
    if (until && endsAt) until.textContent = `Sitzung bis ${fmtTime(endsAt.toISOString())}`;
    const due = ended || (endsAt && endsAt - Date.now() < this.warnMs);
    if (!due) { if (this.box) this.box.hidden = true; return; }
    if (!this.box) this.build();
    this.box.hidden = false;
    const gone = ended || !endsAt || endsAt <= Date.now();
    document.getElementById("renew-text").textContent = gone
      ? "Ihre Sitzung ist beendet (Token abgelaufen oder widerrufen). Neues Token einfügen – die Anzeige bleibt erhalten."
      : `Ihre Sitzung endet um ${fmtTime(endsAt.toISOString())}. Bitte jetzt ein neues Token einfügen – die Anzeige bleibt erhalten.`;
  },
  build() {
    const field = el("input", { id: "renew-token", type: "password", autocomplete: "off", "aria-describedby": "renew-text renew-message" });
    const form = el("form", { id: "renew", class: "banner", role: "alert" },
      el("p", { id: "renew-text" }),
      el("label", { for: "renew-token" }, "Neues Token "), field, " ",
      el("button", { type: "submit" }, "Sitzung verlängern"),
      el("p", { id: "renew-message", "aria-live": "polite" }));
    form.addEventListener("submit", async (e) => {
      e.preventDefault();
      const token = field.value.trim().replace(/^Bearer\s+/i, "");
      const next = claimsOf(token), now = session({ expired: true });
      if (!next || token.split(".").length !== 3) return say("renew-message", "Das ist kein Token.", true);
      if (now && (next.role !== now.role || next.subject !== now.subject)) {
        return say("renew-message", `Das Token gehört zu ${next.subject} (${ROLE[next.role] || next.role}) – für einen Wechsel bitte abmelden.`, true);
      }
      try { await api("/v1/hospitals", { token }); } catch (err) {
        return say("renew-message", err.status === 401 ? "Token ungültig oder abgelaufen." : `Prüfung fehlgeschlagen: ${err.message}`, true);
      }
      sessionStorage.setItem("lotse.token", token);
      field.value = "";
      say("renew-message", "");
      this.show(false);
    });
    this.box = form;
    document.querySelector("main").prepend(form);
  },
};

/** The page header: navigation, who is signed in, when the session ends, sign-out. */
export function header(current, { live = true } = {}) {
  const s = session();
  const nav = el("nav", { "aria-label": "Seiten" },
    ...[["leitstelle", "Leitstelle"], ["klinik", "Klinik"], ["telenotarzt", "Telenotarzt"], ["rtw", "RTW"],
      // The statistics are for those who may read them (administration, Leitstellen, hospitals).
      // MANV incidents are led by Leitstellen (hospitals answer on their Klinik page).
      ...(s && ["admin", "dispatcher"].includes(s.role) ? [["manv", "MANV"]] : []),
      ...(s && ["admin", "dispatcher", "hospital"].includes(s.role) ? [["statistik", "Statistik"]] : [])].map(([p, label]) =>
      el("a", { href: `/ui/${p}.html`, "aria-current": p === current ? "page" : null }, label)));
  const who = el("span", { class: "who" }, s ? `${ROLE[s.role] || s.role}: ${s.subject} (${s.scope.join(", ")}) ` : "",
    el("span", { id: "session-end" }), " ",
    live ? el("span", { id: "live", role: "status", "aria-live": "polite", class: "connecting" }, "Verbinde …") : null, " ",
    el("button", { type: "button", onclick: signOut }, "Abmelden"));
  document.body.prepend(el("header", { class: "top" }, el("h1", {}, "Lotse"), nav, who));
  if (s) {
    renewal.show(false);
    setInterval(() => renewal.show(false), 15000);
  }
}
