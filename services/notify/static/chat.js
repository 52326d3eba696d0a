// Chat pages: keep the newest message in view, drop a message that a poll
// and a send both delivered, and clear the send box after a successful send.
(function () {
  "use strict";
  function scrollToEnd(box) { box.scrollTop = box.scrollHeight; }

  function dropRepeats(box) {
    var seen = {};
    box.querySelectorAll(".msg[data-seq]").forEach(function (message) {
      var seq = message.getAttribute("data-seq");
      if (seen[seq]) { message.remove(); } else { seen[seq] = true; }
    });
    var empty = document.getElementById("chat-empty");
    if (empty && box.querySelector(".msg")) { empty.remove(); }
  }

  document.addEventListener("DOMContentLoaded", function () {
    var box = document.querySelector("[data-chat]");
    if (box) { scrollToEnd(box); }
  });
  document.addEventListener("htmx:afterSwap", function (event) {
    var box = event.detail.target;
    if (box && box.hasAttribute("data-chat")) {
      dropRepeats(box);
      scrollToEnd(box);
    }
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    var form = event.detail.elt;
    if (form && form.hasAttribute("data-chat-form") && event.detail.successful) {
      form.reset();
    }
  });
})();
