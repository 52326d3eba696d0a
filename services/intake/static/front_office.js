// Paper viewer of the front-office check: a click on a thumbnail shows the
// photo large, with rotate and zoom. Without JavaScript the thumbnail link
// opens the photo in a new tab.
(function () {
  "use strict";
  var rotation = 0;
  var scale = 1;

  function viewerImage() { return document.getElementById("penampil-gambar"); }

  // A photo turned sideways is shrunk so that it still fits the stage.
  function fitFactor(image) {
    if (rotation % 180 === 0 || !image.offsetWidth || !image.offsetHeight) { return 1; }
    var stage = image.parentNode;
    return Math.min(1, stage.clientWidth / image.offsetHeight,
                    stage.clientHeight / image.offsetWidth);
  }

  function applyTransform() {
    var image = viewerImage();
    if (!image) { return; }
    var factor = scale * fitFactor(image);
    image.style.transform = "rotate(" + rotation + "deg) scale(" + factor + ")";
  }

  function show(link) {
    var viewer = document.getElementById("penampil");
    var image = viewerImage();
    if (!viewer || !image) { return false; }
    rotation = 0;
    scale = 1;
    image.src = link.getAttribute("href");
    image.alt = link.getAttribute("data-title") || "";
    document.getElementById("penampil-judul").textContent = image.alt;
    document.getElementById("penampil-asli").setAttribute("href", link.getAttribute("href"));
    var hint = document.getElementById("penampil-petunjuk");
    if (hint) { hint.hidden = true; }
    viewer.hidden = false;
    applyTransform();
    viewer.scrollIntoView({ block: "nearest" });
    return true;
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest("a[data-view]");
    if (link && !event.ctrlKey && !event.metaKey && show(link)) {
      event.preventDefault();
      return;
    }
    var rotate = event.target.closest("[data-rotate]");
    if (rotate) {
      rotation = (rotation + Number(rotate.getAttribute("data-rotate")) + 360) % 360;
      applyTransform();
      return;
    }
    var zoom = event.target.closest("[data-zoom]");
    if (zoom) {
      scale = Math.min(5, Math.max(0.3, scale * Number(zoom.getAttribute("data-zoom"))));
      applyTransform();
      return;
    }
    if (event.target.closest("[data-reset]")) {
      rotation = 0;
      scale = 1;
      applyTransform();
    }
  });
})();
