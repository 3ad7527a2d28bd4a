// Training page: start with fetch() (CSRF token in a header) and poll the status.
"use strict";
(function () {
  const formulier = document.getElementById("training-start");
  const toestand = document.getElementById("toestand");
  const log = document.getElementById("log");
  const knop = document.getElementById("train-knop");
  const melding = document.getElementById("melding");
  let timer = null;

  function toon(status) {
    toestand.textContent = status.toestand;
    melding.textContent = status.melding || "";
    log.textContent = (status.regels || []).join("\n");
    knop.disabled = Boolean(status.bezig);
    if (!status.bezig && timer) { clearInterval(timer); timer = null; }
    if (status.bezig && !timer) { timer = setInterval(peil, 2000); }
  }

  async function peil() {
    try {
      const antwoord = await fetch("/training/status", { credentials: "same-origin" });
      if (antwoord.ok) { toon(await antwoord.json()); }
    } catch (fout) {
      toestand.textContent = "de app is even niet bereikbaar";
    }
  }

  formulier.addEventListener("submit", async function (gebeurtenis) {
    gebeurtenis.preventDefault();
    const token = formulier.elements.csrf.value;
    const antwoord = await fetch("/training/start", {
      method: "POST", credentials: "same-origin", headers: { "X-CSRF-Token": token },
    });
    if (antwoord.ok) { toon(await antwoord.json()); } else { toestand.textContent = "starten lukte niet (" + antwoord.status + ")"; }
  });
  peil();
})();
