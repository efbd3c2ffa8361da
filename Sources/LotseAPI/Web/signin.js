import { api, say, session, ROLE } from "/ui/lotse.js";

const home = { dispatcher: "leitstelle", crew: "rtw", admin: "leitstelle", hospital: "klinik", physician: "telenotarzt" };
const form = document.getElementById("signin");
const field = document.getElementById("token");

if (session()) say("signin-message", `Angemeldet als ${ROLE[session().role] || session().role} ${session().subject}.`);

form.addEventListener("submit", async (e) => {
  e.preventDefault();
  const token = field.value.trim().replace(/^Bearer\s+/i, "");
  if (token.split(".").length !== 3) {
    say("signin-message", "Das ist kein Token (drei durch Punkte getrennte Teile erwartet).", true);
    field.focus();
    return;
  }
  try {
    await api("/v1/hospitals", { token });
  } catch (err) {
    say("signin-message", err.status === 401 ? "Token ungültig oder abgelaufen." : `Anmeldung fehlgeschlagen: ${err.message}`, true);
    field.focus();
    return;
  }
  sessionStorage.setItem("lotse.token", token);
  const s = session();
  if (!s) {
    say("signin-message", "Token abgelaufen.", true);
    return;
  }
  const next = new URLSearchParams(location.search).get("weiter");
  location.href = next && next.startsWith("/ui/") ? next : `/ui/${home[s.role] || "leitstelle"}.html`;
});
