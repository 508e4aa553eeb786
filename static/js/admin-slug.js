/* The Wagtail admin proposes page slugs in the browser (the `w-slug` Stimulus controller): its
   transliteration knows French or Polish letters but not Vietnamese ones, so "Xã Đắk La tập huấn"
   became "xa-djk-la-tp-hun" (ắ, ậ, ấ dropped, đ read as Serbian "dj"). This script folds Vietnamese
   the way the server does (core.folding.fold: tone and vowel marks removed, đ → d) in the value the
   controller is about to convert, so Wagtail's own conversion then yields "xa-dak-la-tap-huan".

   It listens, in the capture phase, to the events that feed the controller:
   - `w-sync:check` / `w-sync:apply`: the title field sends its value to the slug field (Wagtail's
     TitleFieldPanel); `check` decides whether the slug still follows the title, `apply` fills it;
   - `blur` of the slug field itself: an editor typing "tưới" into the slug gets "tuoi", not "ti".
   Every other language keeps Wagtail's behaviour: only marks on Latin letters and đ/Đ are touched. */
(function () {
  "use strict";

  var MARKS_ON_LATIN = /([A-Za-z])[\u0300-\u036f]+/g;

  function foldVietnamese(value) {
    if (typeof value !== "string" || !value) return value;
    return value.normalize("NFD").replace(MARKS_ON_LATIN, "$1").replace(/đ/g, "d").replace(/Đ/g, "D").normalize("NFC");
  }

  function isSlugInput(element) {
    var controllers = element && element.getAttribute && element.getAttribute("data-controller");
    return !!controllers && controllers.split(/\s+/).indexOf("w-slug") !== -1;
  }

  function foldSyncedValue(event) {
    if (isSlugInput(event.target) && event.detail && typeof event.detail.value === "string") {
      event.detail.value = foldVietnamese(event.detail.value);
    }
  }

  document.addEventListener("w-sync:check", foldSyncedValue, true);
  document.addEventListener("w-sync:apply", foldSyncedValue, true);
  document.addEventListener("blur", function (event) {
    var input = event.target;
    if (isSlugInput(input) && typeof input.value === "string") {
      var folded = foldVietnamese(input.value);
      if (folded !== input.value) input.value = folded;
    }
  }, true);

  window.cmsFoldVietnamese = foldVietnamese;  // for the browser tests
})();
