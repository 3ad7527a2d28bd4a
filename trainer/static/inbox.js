// Inbox: labelling waits for the checks (about a minute); say so, and send each form once.
"use strict";
document.querySelectorAll("form.label").forEach(function (formulier) {
  formulier.addEventListener("submit", function (gebeurtenis) {
    if (formulier.dataset.bezig) { gebeurtenis.preventDefault(); return; }
    formulier.dataset.bezig = "1";
    const regel = document.createElement("p");
    regel.className = "bezig";
    regel.textContent = "Bezig: opslaan en controleren zoals make validate (ongeveer een minuut)…";
    formulier.appendChild(regel);
  });
});
