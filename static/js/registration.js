/* Progressive enhancement for the registration form. Without this script
   every field shows, with hints saying when it applies, and the server
   checks everything. */
(function () {
  "use strict";

  // Move focus to the error summary so screen readers announce it first.
  var summary = document.querySelector("[data-error-summary]");
  if (summary) summary.focus();

  var form = document.querySelector("[data-registration-form]");
  if (form) {
    // The answer of a radio group or select, as a string.
    var answer = function (name) {
      var checked = form.querySelector('[name="' + name + '"]:checked');
      if (checked) return checked.value;
      var select = form.querySelector('select[name="' + name + '"]');
      return select ? select.value : "";
    };

    // Fields that apply after a given answer: hide them otherwise.
    var conditional = form.querySelectorAll(".conditional-field[data-controller]");
    var updateConditional = function () {
      conditional.forEach(function (wrapper) {
        var values = wrapper.getAttribute("data-values").split(" ");
        wrapper.hidden = values.indexOf(answer(wrapper.getAttribute("data-controller"))) === -1;
      });
    };
    form.addEventListener("change", updateConditional);
    updateConditional();
  }

  // Offer only the communities of the chosen street (options cannot be
  // hidden on every phone browser, so rebuild the list). Any form whose
  // community select says data-community-filter: the public form and the
  // paper registration in the back office.
  document.querySelectorAll("select[data-community-filter]").forEach(function (community) {
    var street = community.form && community.form.querySelector('select[name="' + community.getAttribute("data-community-filter") + '"]');
    if (!street) return;
    var groups = Array.prototype.slice.call(community.querySelectorAll("optgroup"));
    var filterCommunities = function () {
      var name = street.selectedIndex > 0 ? street.options[street.selectedIndex].text : "";
      var current = community.value;
      groups.forEach(function (group) {
        if (group.parentNode) group.parentNode.removeChild(group);
        if (!name || group.label === name) community.appendChild(group);
      });
      community.value = community.querySelector('option[value="' + current + '"]') ? current : "";
    };
    street.addEventListener("change", filterCommunities);
    filterCommunities();
  });

  // Submit once: a second tap while the page is sending does nothing.
  document.querySelectorAll("form[data-submit-once]").forEach(function (submitOnce) {
    submitOnce.addEventListener("submit", function (event) {
      if (submitOnce.dataset.sent) { event.preventDefault(); return; }
      submitOnce.dataset.sent = "1";
    });
    // Coming back with the back button: the page may submit again (the
    // server then shows the registration it already made).
    window.addEventListener("pageshow", function () { delete submitOnce.dataset.sent; });
  });
})();
