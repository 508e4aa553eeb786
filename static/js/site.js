/* Progressive enhancement only: every page works without this file. */
(function () {
  "use strict";
  var printView = document.body.classList.contains("print-view");
  document.querySelectorAll("[data-print]").forEach(function (el) {
    el.hidden = false;
    el.addEventListener("click", function (event) {
      event.preventDefault();
      window.print();
    });
  });
  // Someone who asked for the print view wants the print dialog; open it once the page has drawn.
  if (printView && window.matchMedia && !window.matchMedia("print").matches) {
    window.addEventListener("load", function () { window.setTimeout(function () { window.print(); }, 300); });
  }
})();
