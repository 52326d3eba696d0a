// Resident application pages: photos shrunk in the browser and sent in
// resumable chunks, papers shown or hidden by the form's conditions, and
// repeated rows (family members, witnesses) added or removed.
(function () {
  "use strict";
  var CHUNK_BYTES = 64 * 1024;
  var MAX_SIDE = 1600;
  var JPEG_QUALITY = 0.8;
  var MAX_RETRIES = 10;
  var english = document.documentElement.lang === "en";
  function t(indonesian, englishText) { return english ? englishText : indonesian; }
  function csrfToken() { return window.dompak ? window.dompak.csrfToken() : ""; }
  function sleep(ms) { return new Promise(function (done) { setTimeout(done, ms); }); }

  // An error the server returned: retrying the same bytes will not help.
  function UploadError(message) { this.message = message; }

  // Draw the photo on a canvas at most MAX_SIDE pixels long and encode it as
  // JPEG. Browsers apply the EXIF rotation when they decode into <img>.
  function shrink(file) {
    return new Promise(function (resolve, reject) {
      var url = URL.createObjectURL(file);
      var image = new Image();
      image.onload = function () {
        var longest = Math.max(image.naturalWidth, image.naturalHeight);
        var scale = Math.min(1, MAX_SIDE / longest);
        var canvas = document.createElement("canvas");
        canvas.width = Math.max(1, Math.round(image.naturalWidth * scale));
        canvas.height = Math.max(1, Math.round(image.naturalHeight * scale));
        canvas.getContext("2d").drawImage(image, 0, 0, canvas.width, canvas.height);
        URL.revokeObjectURL(url);
        canvas.toBlob(function (blob) {
          if (blob) { resolve(blob); } else { reject(new UploadError(t("Foto tidak bisa diproses.", "The photo could not be processed."))); }
        }, "image/jpeg", JPEG_QUALITY);
      };
      image.onerror = function () {
        URL.revokeObjectURL(url);
        reject(new UploadError(t("Berkas ini bukan foto. Pilih foto JPEG atau PNG.", "This file is not a photo. Choose a JPEG or PNG photo.")));
      };
      image.src = url;
    });
  }

  function send(method, url, body, headers) {
    headers = headers || {};
    headers["X-CSRF-Token"] = csrfToken();
    return fetch(url, { method: method, body: body, headers: headers, credentials: "same-origin", cache: "no-store" });
  }

  function serverMessage(response) {
    return response.json().then(function (body) {
      return (body && body.message) || (t("Pengiriman gagal", "Sending failed") + " (" + response.status + ")");
    }, function () { return t("Pengiriman gagal", "Sending failed") + " (" + response.status + ")"; });
  }

  function askOffset(uploadId) {
    return send("HEAD", "/unggahan/" + uploadId).then(function (response) {
      if (!response.ok) { throw new UploadError(t("Unggahan tidak ditemukan lagi; pilih fotonya sekali lagi.", "The upload is gone; choose the photo again.")); }
      return parseInt(response.headers.get("Upload-Offset"), 10);
    });
  }

  async function upload(input, blob, show) {
    var box = input.closest(".berkas");
    var select = box.querySelector("[data-field-select]");
    var created = await send("POST", input.dataset.upload, JSON.stringify({
      requirement: input.dataset.requirement,
      field: select ? select.value : input.dataset.field,
      size: blob.size,
      filename: (input.files[0] && input.files[0].name) || "foto.jpg"
    }), { "Content-Type": "application/json" });
    if (!created.ok) { throw new UploadError(await serverMessage(created)); }
    var state = await created.json();
    var offset = state.offset;
    var failures = 0;
    var lost = false;
    while (offset < blob.size) {
      try {
        if (lost) { offset = await askOffset(state.upload_id); lost = false; continue; }
        var response = await send("PATCH", "/unggahan/" + state.upload_id, blob.slice(offset, offset + CHUNK_BYTES), {
          "Upload-Offset": String(offset), "Content-Type": "application/offset+octet-stream"
        });
        if (response.status === 409) { lost = true; continue; }
        if (!response.ok) { throw new UploadError(await serverMessage(response)); }
        state = await response.json();
        offset = state.offset;
        failures = 0;
        show(Math.round(100 * offset / blob.size), t("Mengirim", "Sending") + " " + Math.round(100 * offset / blob.size) + "%");
      } catch (error) {
        if (error instanceof UploadError) { throw error; }
        // The connection dropped: wait, ask the server how far it got, go on.
        failures += 1;
        lost = true;
        if (failures > MAX_RETRIES) { throw new UploadError(t("Sambungan terputus. Pilih fotonya lagi saat sinyal membaik.", "The connection dropped. Choose the photo again when the signal is better.")); }
        show(null, t("Sambungan terputus, mencoba lagi...", "Connection lost, trying again..."));
        await sleep(Math.min(30000, 1000 * Math.pow(2, failures - 1)));
      }
    }
    return state;
  }

  function watch(input) {
    input.addEventListener("change", function () {
      var file = input.files && input.files[0];
      if (!file) { return; }
      var box = input.closest(".berkas");
      var bar = box.querySelector("progress");
      var label = box.querySelector(".photo-state");
      function show(percent, text) {
        if (percent !== null) { bar.value = percent; }
        bar.hidden = false;
        label.textContent = text;
        label.className = "photo-state";
      }
      show(0, t("Memperkecil foto...", "Making the photo smaller..."));
      shrink(file).then(function (blob) {
        return upload(input, blob, show);
      }).then(function (state) {
        bar.hidden = true;
        label.textContent = t("Foto tersimpan", "Photo saved") + ": " + state.photo.filename;
        label.className = "photo-state ok";
      }, function (error) {
        bar.hidden = true;
        label.textContent = error.message || String(error);
        label.className = "photo-state error";
      });
    });
  }

  // Show the papers the form needs, from the list the last draft save sent.
  function showRequired() {
    var marker = document.getElementById("berkas-wajib");
    if (!marker) { return; }
    var needed = (marker.dataset.required || "").split(" ");
    document.querySelectorAll(".berkas[data-requirement]").forEach(function (box) {
      box.hidden = needed.indexOf(box.dataset.requirement) < 0;
    });
  }

  function renumber(list) {
    list.querySelectorAll(".rows > [data-row]").forEach(function (row, index) {
      var number = row.querySelector("[data-row-number]");
      if (number) { number.textContent = String(index + 1); }
    });
  }

  function addRow(list) {
    var rows = list.querySelector(".rows");
    var max = parseInt(list.dataset.max, 10);
    if (rows.children.length >= max) { return; }
    var next = 0;
    rows.querySelectorAll("[name]").forEach(function (field) {
      var match = field.name.slice(list.dataset.list.length + 1).match(/^(\d+)\./);
      if (match) { next = Math.max(next, parseInt(match[1], 10) + 1); }
    });
    var copy = list.querySelector("template").content.cloneNode(true);
    copy.querySelectorAll("[name], [id], [for]").forEach(function (node) {
      ["name", "id", "for"].forEach(function (attribute) {
        var value = node.getAttribute(attribute);
        if (value) { node.setAttribute(attribute, value.replace("__i__", String(next))); }
      });
    });
    rows.appendChild(copy);
    renumber(list);
  }

  function removeRow(button) {
    var list = button.closest("[data-list]");
    var rows = list.querySelector(".rows");
    if (rows.children.length <= parseInt(list.dataset.min, 10)) { return; }
    button.closest("[data-row]").remove();
    renumber(list);
    var form = list.closest("form");
    if (form && window.htmx) { window.htmx.trigger(form, "change"); }
  }

  document.addEventListener("click", function (event) {
    var add = event.target.closest("[data-add-row]");
    if (add) { event.preventDefault(); addRow(add.closest("[data-list]")); return; }
    var remove = event.target.closest("[data-remove-row]");
    if (remove) { event.preventDefault(); removeRow(remove); }
  });
  document.addEventListener("htmx:afterSettle", showRequired);
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("input[type=file][data-upload]").forEach(watch);
  });
})();
