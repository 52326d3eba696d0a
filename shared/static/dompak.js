// DOMPAK page behaviour shared by every service: CSRF header on htmx
// requests and error messages shown in the flash area.
(function () {
  "use strict";
  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }
  window.dompak = { csrfToken: csrfToken };

  function flash(message, kind) {
    var box = document.getElementById("pesan");
    if (!box) { return; }
    box.textContent = message;
    box.className = "flash " + (kind || "error");
    box.hidden = false;
    box.scrollIntoView({ block: "nearest" });
  }
  window.dompak.flash = flash;

  document.addEventListener("htmx:configRequest", function (event) {
    event.detail.headers["X-CSRF-Token"] = csrfToken();
  });
  document.addEventListener("htmx:beforeRequest", function () {
    var box = document.getElementById("pesan");
    if (box && box.classList.contains("error")) { box.hidden = true; }
  });
  document.addEventListener("htmx:responseError", function (event) {
    var xhr = event.detail.xhr;
    var message = "Permintaan gagal (" + xhr.status + ").";
    try {
      var body = JSON.parse(xhr.responseText);
      if (body && body.message) { message = body.message; }
    } catch (ignored) { /* not JSON: keep the status line */ }
    flash(message, "error");
  });
  document.addEventListener("htmx:sendError", function () {
    var english = document.documentElement.lang === "en";
    flash(english ? "No connection. Check your network and try again."
                  : "Tidak ada sambungan. Periksa jaringan lalu coba lagi.", "error");
  });
  // Buttons marked data-print open the browser's print dialog.
  document.addEventListener("click", function (event) {
    var target = event.target.closest("[data-print]");
    if (target) { event.preventDefault(); window.print(); }
  });
})();
