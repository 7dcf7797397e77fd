/* When a form comes back with errors, move the focus to the summary at its top so a screen reader reads
   it first; its links lead to each field. */
(function () {
  "use strict";
  var summary = document.getElementById("error-summary");
  if (summary) { summary.focus(); }
})();
