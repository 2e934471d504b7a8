// The attendance sheet: "mark everyone present" fills in the radios at once
// instead of a round trip, and Enter in the roster search runs the search.
// The form works the same without this script.
(function () {
  "use strict";
  var form = document.querySelector("[data-sheet]");
  if (!form) return;
  var live = form.querySelector("[data-sheet-live]");

  var markAll = form.querySelector("[data-sheet-mark-all]");
  if (markAll) {
    markAll.addEventListener("click", function (event) {
      event.preventDefault();
      form.querySelectorAll('input.sheet-radio[value="present"]').forEach(function (radio) {
        if (!radio.disabled) radio.checked = true;
      });
      if (live) live.textContent = form.getAttribute("data-sheet-marked-message");
    });
  }

  var search = form.querySelector("[data-sheet-search]");
  var searchButton = form.querySelector("[data-sheet-search-button]");
  if (search && searchButton) {
    search.addEventListener("keydown", function (event) {
      if (event.key === "Enter") {
        event.preventDefault();
        searchButton.click();
      }
    });
  }
})();
