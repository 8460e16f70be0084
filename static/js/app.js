/* Behaviours the pages ask for with data attributes, since the Content-Security-Policy allows no
   inline event handlers. Listeners sit on the document, so content htmx swaps in works too. */
(function () {
  "use strict";
  // <form data-confirm="Question?">: submits only when the person confirms.
  document.addEventListener("submit", function (event) {
    const question = event.target.dataset && event.target.dataset.confirm;
    if (question && !window.confirm(question)) event.preventDefault();
  }, true);
  // <select data-autosubmit>: choosing an option submits its form.
  document.addEventListener("change", function (event) {
    if (event.target.matches("select[data-autosubmit]") && event.target.form) event.target.form.submit();
  });
})();
