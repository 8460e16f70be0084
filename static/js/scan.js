/* Handheld scan boxes. A keyboard-wedge scanner types a code and Enter, often several codes back
   to back. htmx reads a form when it *sends* and keeps only the last queued request, so a plain
   hx-post form loses scans. Here each Enter takes the value at once, clears the box, and queues a
   POST of exactly that value; hx-sync="this:queue all" on the form keeps them in order. */
(function () {
  "use strict";
  let audio = null;
  function beep(ok) {
    try {
      audio = audio || new (window.AudioContext || window.webkitAudioContext)();
      const osc = audio.createOscillator(), gain = audio.createGain();
      osc.type = ok ? "sine" : "square";
      osc.frequency.value = ok ? 1320 : 220;
      gain.gain.value = 0.15;
      osc.connect(gain); gain.connect(audio.destination);
      osc.start(); osc.stop(audio.currentTime + (ok ? 0.08 : 0.35));
    } catch (e) { /* no audio device: colour still shows */ }
    if (!ok && navigator.vibrate) navigator.vibrate([120, 60, 120]);
  }
  function flash(ok) {
    document.body.classList.remove("flash-ok", "flash-error");
    void document.body.offsetWidth;
    document.body.classList.add(ok ? "flash-ok" : "flash-error");
    setTimeout(() => document.body.classList.remove("flash-ok", "flash-error"), 600);
  }
  function newKey() {
    return (crypto.randomUUID ? crypto.randomUUID() : String(Date.now()) + Math.random());
  }
  function setup(form) {
    const input = form.querySelector(".scan-input");
    const toggle = form.querySelector(".kbd-toggle");
    const url = form.dataset.scanUrl, target = form.dataset.scanTarget;
    function send(code) {
      // One idempotency key per scan: a retried request counts once on the server.
      htmx.ajax("POST", url, {
        source: form, target: target, swap: "afterbegin",
        values: { code: code, idempotency_key: newKey(), mode: form.dataset.scanMode || "" },
      });
    }
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      const code = input.value.trim();
      input.value = "";
      input.focus();
      if (code) send(code);
    });
    // Codes scanned before this script ran, kept by the scan box's inline script.
    form.scanReady = true;
    (form.pendingScans || []).splice(0).forEach(send);
    document.addEventListener("htmx:afterSwap", function (event) {
      if (!event.detail.target || !event.detail.target.matches(target)) return;
      const first = document.querySelector(target + " > .scan-result");
      if (first) { const ok = first.dataset.ok === "1"; beep(ok); flash(ok); }
      // Values typed for one scan (quantity, lot, expiry, damaged) belong to it alone.
      document.querySelectorAll("[data-scan-clear] input").forEach(function (field) {
        if (field.type === "checkbox") field.checked = false; else field.value = "";
      });
      document.dispatchEvent(new CustomEvent("scan:result"));
    });
    if (toggle) {
      toggle.addEventListener("click", function () {
        const manual = input.getAttribute("inputmode") === "none";
        input.setAttribute("inputmode", manual ? "text" : "none");
        toggle.setAttribute("aria-pressed", String(manual));
        input.blur(); input.focus();
      });
    }
    // Keep the scanner's keystrokes landing in the box: refocus after taps elsewhere.
    document.addEventListener("click", function (event) {
      if (!event.target.closest("a, button, input, select, textarea, label")) input.focus();
    });
  }
  // A page may ask for a keypad for its current step (<… data-scan-keypad="numeric">, the pick
  // page's quantity step); otherwise the box keeps what the ⌨ toggle chose.
  function keypad() {
    const box = document.getElementById("scan-input");
    if (!box) return;
    const asked = document.querySelector("[data-scan-keypad]");
    const manual = document.querySelector(".kbd-toggle[aria-pressed=true]");
    box.setAttribute("inputmode", asked ? asked.dataset.scanKeypad : (manual ? "text" : "none"));
  }
  document.addEventListener("scan:result", keypad);
  // <button data-scan-code="3">: sends its code through the page's scan box, like a typed scan.
  document.addEventListener("click", function (event) {
    const button = event.target.closest("[data-scan-code]");
    const form = document.querySelector("form.scan-form");
    if (!button || !form) return;
    form.querySelector(".scan-input").value = button.dataset.scanCode;
    form.requestSubmit();
  });
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form.scan-form").forEach(setup);
    keypad();
  });
})();
