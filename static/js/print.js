/* Print buttons (marked data-print) need JavaScript, so they stay hidden until
   this script shows them and makes them open the browser's print dialog. */
document.querySelectorAll("[data-print]").forEach(function (button) {
  button.hidden = false;
  button.addEventListener("click", function () {
    window.print();
  });
});
