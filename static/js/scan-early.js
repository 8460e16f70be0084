/* Runs right after a scan box's form (not deferred): until the deferred scan.js has set the box up,
   keep each Enter-terminated code for it, in order. The browser would otherwise submit the form
   itself (a GET that reloads the page). */
(function (form) {
  "use strict";
  const input = form.querySelector(".scan-input");
  form.pendingScans = [];
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (form.scanReady) return;
    const code = input.value.trim();
    input.value = "";
    if (code) form.pendingScans.push(code);
  });
  input.focus();
})(document.currentScript.previousElementSibling);
