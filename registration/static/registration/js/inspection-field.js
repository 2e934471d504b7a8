/*
 * The inspection form on site (registration/admin/inspection_form.html):
 * - keeps every answer in this phone's storage until the inspection is sent,
 *   so a lost connection or a closed tab loses nothing; a saved draft is
 *   dropped once the work has a newer inspection than the one it started from;
 * - asks the phone for its position and the time on the phone;
 * - shows a checklist item's "what is wrong" fields only when it is not compliant,
 *   and offers to mark every unanswered item compliant at once.
 */
(function () {
  "use strict";

  var form = document.getElementById("w-editor-form");
  var meta = document.querySelector("[data-draft-key]");
  if (!form || !meta) return;
  var key = "huli-draft:" + meta.dataset.draftKey;
  var base = meta.dataset.draftBase;
  var draftStatus = document.querySelector("[data-draft-status]");
  var clearButton = document.querySelector("[data-draft-clear]");
  var KEPT = "input:not([type=file]):not([type=hidden]):not([type=submit]), textarea, select";

  function field(name) {
    return form.querySelector('[name="' + name + '"]');
  }

  function show(element, text) {
    element.textContent = text;
    element.hidden = false;
  }

  // --- the draft --------------------------------------------------------------
  function read() {
    try {
      return JSON.parse(window.localStorage.getItem(key) || "null");
    } catch (error) {
      return null;
    }
  }

  function save() {
    var values = {};
    form.querySelectorAll(KEPT).forEach(function (input) {
      if (!input.name || input.name === "csrfmiddlewaretoken") return;
      if (input.type === "radio" || input.type === "checkbox") {
        if (input.checked) values[input.name] = (values[input.name] || []).concat([input.value]);
        else if (!(input.name in values)) values[input.name] = [];
      } else {
        values[input.name] = input.value;
      }
    });
    try {
      window.localStorage.setItem(key, JSON.stringify({ base: base, savedAt: Date.now(), values: values }));
      show(draftStatus, meta.dataset.textSaved);
      clearButton.hidden = false;
    } catch (error) {
      /* storage full or disabled: the form still works */
    }
  }

  function restore() {
    var draft = read();
    if (!draft) return;
    if (String(draft.base) !== String(base)) {
      window.localStorage.removeItem(key); // sent already, or someone inspected since
      return;
    }
    form.querySelectorAll(KEPT).forEach(function (input) {
      if (!(input.name in draft.values)) return;
      var value = draft.values[input.name];
      if (input.type === "radio" || input.type === "checkbox") input.checked = value.indexOf(input.value) !== -1;
      else input.value = value;
    });
    show(draftStatus, meta.dataset.textRestored);
    clearButton.hidden = false;
  }

  var timer = null;
  function saveSoon() {
    window.clearTimeout(timer);
    timer = window.setTimeout(save, 300);
  }

  clearButton.addEventListener("click", function () {
    window.localStorage.removeItem(key);
    window.location.reload();
  });

  // --- checklist items ------------------------------------------------------
  function toggleFailDetails(item) {
    var chosen = item.querySelector("input[type=radio]:checked");
    var details = item.querySelector("[data-fail-details]");
    if (details) details.hidden = !(chosen && chosen.value === "not_compliant");
  }

  var items = document.querySelectorAll("[data-checklist-item]");
  items.forEach(toggleFailDetails);
  if (items.length) {
    var allCompliant = document.createElement("button");
    allCompliant.type = "button";
    allCompliant.className = "button button-small button-secondary";
    allCompliant.textContent = document.querySelector("[data-inspection-status]").dataset.textAllCompliant;
    allCompliant.addEventListener("click", function () {
      items.forEach(function (item) {
        if (!item.querySelector("input[type=radio]:checked")) {
          var compliant = item.querySelector('input[type=radio][value="compliant"]');
          if (compliant) compliant.checked = true;
        }
        toggleFailDetails(item);
      });
      saveSoon();
    });
    items[0].closest("fieldset").insertAdjacentElement("beforebegin", allCompliant);
  }

  form.addEventListener("change", function (event) {
    var item = event.target.closest && event.target.closest("[data-checklist-item]");
    if (item) toggleFailDetails(item);
    saveSoon();
  });
  form.addEventListener("input", saveSoon);

  // --- position and phone time ----------------------------------------------
  var positionStatus = document.querySelector("[data-position-status]");
  if (navigator.geolocation) {
    navigator.geolocation.getCurrentPosition(
      function (position) {
        field("latitude").value = position.coords.latitude.toFixed(6);
        field("longitude").value = position.coords.longitude.toFixed(6);
        field("accuracy").value = Math.round(position.coords.accuracy);
        show(positionStatus, meta.dataset.textLocated.replace("%(metres)s", Math.round(position.coords.accuracy)));
      },
      function () {
        show(positionStatus, meta.dataset.textNoPosition);
      },
      { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 }
    );
  } else {
    show(positionStatus, meta.dataset.textNoPosition);
  }
  form.addEventListener("submit", function () {
    field("device_time").value = new Date().toISOString();
    save();
  });

  restore();
  items.forEach(toggleFailDetails);
})();
