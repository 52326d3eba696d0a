// Distribution desk: a header checkbox marked data-select-all="NAME" ticks or
// clears every checkbox named NAME in the same form.
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var box = event.target.closest("[data-select-all]");
    if (!box || !box.form) { return; }
    var name = box.getAttribute("data-select-all");
    box.form.querySelectorAll('input[type="checkbox"][name="' + name + '"]').forEach(
      function (item) { item.checked = box.checked; }
    );
  });
})();
