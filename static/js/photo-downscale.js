/*
 * Photos from a phone camera are several MB: before upload, every
 * <input type="file" data-downscale="1600"> replaces each chosen JPG or PNG
 * by a JPEG at most that many pixels on its longer side. The original's
 * EXIF block (with where the photo was taken) is copied into the new file,
 * its orientation set to upright, so the server can keep the position in
 * the record; the server strips it from the photo it stores.
 * Without this script (or on an old browser) the original is sent and the
 * server downscales it instead.
 */
(function () {
  "use strict";

  var QUALITY = 0.85;

  function exifSegment(buffer) {
    // The APP1 "Exif" segment of a JPEG, marker included, or null.
    try {
      var view = new DataView(buffer);
      if (view.getUint16(0) !== 0xffd8) return null;
      var offset = 2;
      while (offset + 10 < view.byteLength) {
        var marker = view.getUint16(offset);
        if ((marker & 0xff00) !== 0xff00 || marker === 0xffda) return null;
        var length = view.getUint16(offset + 2);
        if (marker === 0xffe1 && view.getUint32(offset + 4) === 0x45786966) {
          return upright(new Uint8Array(buffer.slice(offset, offset + 2 + length)));
        }
        offset += 2 + length;
      }
    } catch (error) {
      return null;
    }
    return null;
  }

  function upright(segment) {
    // The pixels are drawn upright already: set the Orientation tag (0x0112) to 1.
    var view = new DataView(segment.buffer);
    var tiff = 10; // marker, length, "Exif\0\0"
    var little = view.getUint16(tiff) === 0x4949;
    var ifd = tiff + view.getUint32(tiff + 4, little);
    var count = view.getUint16(ifd, little);
    for (var i = 0; i < count; i++) {
      var entry = ifd + 2 + i * 12;
      if (view.getUint16(entry, little) === 0x0112) view.setUint16(entry + 8, 1, little);
    }
    return segment;
  }

  function withExif(jpeg, segment) {
    // Put the segment after the SOI marker (and the JFIF APP0 segment, if any).
    if (!segment) return jpeg;
    return jpeg.arrayBuffer().then(function (buffer) {
      var view = new DataView(buffer);
      var at = 2;
      if (view.getUint16(2) === 0xffe0) at = 4 + view.getUint16(4);
      return new Blob([buffer.slice(0, at), segment, buffer.slice(at)], { type: "image/jpeg" });
    });
  }

  function downscale(file, maxPx) {
    if (!/^image\/(jpeg|png)$/.test(file.type) || !window.createImageBitmap) return Promise.resolve(file);
    var exif = file.type === "image/jpeg" ? file.arrayBuffer().then(exifSegment) : Promise.resolve(null);
    return createImageBitmap(file, { imageOrientation: "from-image" }).then(function (bitmap) {
      var scale = Math.min(1, maxPx / Math.max(bitmap.width, bitmap.height));
      if (scale === 1 && file.type === "image/jpeg") return file;
      var canvas = document.createElement("canvas");
      canvas.width = Math.round(bitmap.width * scale);
      canvas.height = Math.round(bitmap.height * scale);
      canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
      return new Promise(function (resolve) {
        canvas.toBlob(resolve, "image/jpeg", QUALITY);
      })
        .then(function (blob) {
          return exif.then(function (segment) {
            return withExif(blob, segment);
          });
        })
        .then(function (blob) {
          var name = file.name.replace(/\.[^.]*$/, "") + ".jpg";
          return new File([blob], name, { type: "image/jpeg", lastModified: file.lastModified });
        });
    });
  }

  function sizeText(bytes) {
    return bytes >= 1048576 ? (bytes / 1048576).toFixed(1) + " MB" : Math.max(1, Math.round(bytes / 1024)) + " KB";
  }

  function status(input) {
    var id = input.id + "-downscale";
    var element = document.getElementById(id);
    if (!element) {
      element = document.createElement("p");
      element.id = id;
      element.className = "help";
      element.setAttribute("aria-live", "polite");
      input.insertAdjacentElement("afterend", element);
    }
    return element;
  }

  function onChange(event) {
    var input = event.target;
    var files = Array.prototype.slice.call(input.files || []);
    if (!files.length || !window.DataTransfer || input.dataset.downscaling) return;
    var maxPx = parseInt(input.dataset.downscale, 10) || 1600;
    var before = files.reduce(function (sum, file) { return sum + file.size; }, 0);
    input.dataset.downscaling = "1";
    Promise.all(files.map(function (file) {
      return downscale(file, maxPx).catch(function () { return file; });
    })).then(function (results) {
      var transfer = new DataTransfer();
      results.forEach(function (file) { transfer.items.add(file); });
      input.files = transfer.files;
      var after = results.reduce(function (sum, file) { return sum + file.size; }, 0);
      var template = input.dataset.downscaleText || "%(before)s → %(after)s";
      status(input).textContent = template.replace("%(before)s", sizeText(before)).replace("%(after)s", sizeText(after));
      delete input.dataset.downscaling;
    });
  }

  document.addEventListener("change", function (event) {
    if (event.target.matches && event.target.matches("input[type=file][data-downscale]")) onChange(event);
  });
})();
