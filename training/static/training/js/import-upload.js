// Roster import: send the file with XMLHttpRequest to show the upload
// progress, then follow the server's answer. Without this script the form
// posts normally and the server answers the same way.
(function () {
  "use strict";
  var form = document.querySelector("[data-import-form]");
  if (!form || !window.FormData || !window.XMLHttpRequest) return;
  var box = document.querySelector("[data-import-progress]");
  var bar = box.querySelector("progress");
  var text = box.querySelector("[data-import-progress-text]");

  function say(message) { text.textContent = message; }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var request = new XMLHttpRequest();
    request.open("POST", form.action);
    request.setRequestHeader("X-Requested-With", "XMLHttpRequest");
    request.upload.addEventListener("progress", function (progress) {
      if (!progress.lengthComputable) return;
      var percent = Math.round((progress.loaded / progress.total) * 100);
      bar.value = percent;
      say(box.getAttribute("data-uploading").replace("{percent}", percent + "%"));
    });
    request.upload.addEventListener("load", function () {
      bar.removeAttribute("value"); // indeterminate while the server checks the rows
      say(box.getAttribute("data-checking"));
    });
    request.addEventListener("load", function () {
      var type = request.getResponseHeader("Content-Type") || "";
      if (type.indexOf("application/json") === 0) {
        window.location.assign(JSON.parse(request.responseText).redirect);
        return;
      }
      // The upload page again, with the file's error: show it as it came.
      document.open();
      document.write(request.responseText);
      document.close();
    });
    request.addEventListener("error", function () {
      say(box.getAttribute("data-failed"));
    });
    box.hidden = false;
    bar.value = 0;
    say(box.getAttribute("data-uploading").replace("{percent}", "0%"));
    request.send(new FormData(form));
  });
})();
