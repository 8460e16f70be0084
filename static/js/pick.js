/* The pick page's quantity step shows a number pad (the box stays empty: a scan of the item counts
   one more, so nothing is pre-filled that a scan would run into); the Take / None there buttons
   send their number through the scan box like a typed scan. */
(function () {
  "use strict";
  function prepare() {
    const step = document.getElementById("pick-step"), box = document.getElementById("scan-input");
    if (!step || !box) return;
    const manual = document.querySelector(".kbd-toggle[aria-pressed=true]");
    box.setAttribute("inputmode", step.dataset.step === "qty" ? "numeric" : (manual ? "text" : "none"));
  }
  document.addEventListener("DOMContentLoaded", prepare);
  document.addEventListener("scan:result", prepare);
  document.addEventListener("click", function (event) {
    const button = event.target.closest("[data-scan-code]");
    if (!button) return;
    document.getElementById("scan-input").value = button.dataset.scanCode;
    document.getElementById("pick-scan").requestSubmit();
  });
})();
