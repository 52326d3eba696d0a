// Signing desk behaviour: keep ticked queue rows across the 5-second refresh,
// "select all", and clear passphrase fields once a form was sent.
(function () {
  "use strict";
  var ticked = [];

  document.addEventListener("htmx:beforeSwap", function (event) {
    if (event.detail.target.id !== "antrian") { return; }
    ticked = Array.prototype.map.call(
      event.detail.target.querySelectorAll('input[name="application_id"]:checked'),
      function (box) { return box.value; });
  });
  document.addEventListener("htmx:afterSwap", function (event) {
    if (event.detail.target.id !== "antrian") { return; }
    event.detail.target.querySelectorAll('input[name="application_id"]').forEach(
      function (box) { box.checked = ticked.indexOf(box.value) !== -1; });
  });
  document.addEventListener("change", function (event) {
    if (event.target.id !== "pilih-semua") { return; }
    document.querySelectorAll('#antrian input[name="application_id"]').forEach(
      function (box) { box.checked = event.target.checked; });
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    var form = event.detail.elt.closest ? event.detail.elt.closest("[data-clear-secret]") : null;
    if (!form) { return; }
    form.querySelectorAll('input[type="password"]').forEach(
      function (input) { input.value = ""; });
  });
})();
