/* The dashboard's charts, drawn by the site's own copy of Chart.js from the
   figures the page carries as JSON (the same figures as the tables under
   each chart). Without script the tables are still there. */
(function () {
  "use strict";
  var COLOURS = ["#0f5e9c", "#d9822b", "#2e7d32", "#8e24aa", "#c62828", "#00838f", "#6d4c41", "#546e7a"];

  document.querySelectorAll("[data-evaluation-autosubmit]").forEach(function (select) {
    select.addEventListener("change", function () {
      select.form.submit();
    });
  });

  var source = document.getElementById("evaluation-chart-data");
  if (!source || typeof window.Chart === "undefined") {
    return;
  }
  var data = JSON.parse(source.textContent);
  var reduceMotion = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;

  document.querySelectorAll("canvas[data-evaluation-chart]").forEach(function (canvas) {
    var chart = data[canvas.dataset.evaluationChart];
    if (!chart) {
      return;
    }
    var stacked = chart.kind === "stacked";
    new window.Chart(canvas, {
      type: "bar",
      data: {
        labels: chart.labels,
        datasets: chart.series.map(function (series, index) {
          return {
            label: series.name,
            data: series.values,
            backgroundColor: COLOURS[index % COLOURS.length],
          };
        }),
      },
      options: {
        animation: reduceMotion ? false : { duration: 300 },
        maintainAspectRatio: false,
        responsive: true,
        plugins: { legend: { display: chart.series.length > 1, position: "bottom" } },
        scales: {
          x: { stacked: stacked },
          y: { stacked: stacked, beginAtZero: true, ticks: { precision: 0 } },
        },
      },
    });
  });
})();
