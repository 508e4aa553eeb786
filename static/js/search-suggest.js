/* Progressive enhancement: suggestions in the search page's box while typing. The form works without it. */
(function () {
  "use strict";
  var input = document.getElementById("q"), list = document.getElementById("goi-y"), timer;
  if (!input || !list || !input.dataset.suggestUrl || !window.fetch) return;
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () {
      if (input.value.trim().length < 2) return;
      fetch(input.dataset.suggestUrl + "?q=" + encodeURIComponent(input.value)).then(function (r) { return r.json(); })
        .then(function (data) {
          list.textContent = "";
          data.suggestions.forEach(function (s) { var o = document.createElement("option"); o.value = s.title; list.appendChild(o); });
        }).catch(function () {});
    }, 250);
  });
})();
