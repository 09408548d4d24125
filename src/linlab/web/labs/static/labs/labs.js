/* linlab labs: draw the plotly figures that the server embeds as JSON, after the page loads and after
   every htmx swap (the form swaps the lab's inner HTML); let htmx swap the 400 answers too (they carry
   the form with its error message).  Plot containers carry no id, so htmx's settling step (which
   copies attributes between old and new elements of the same id) never strips plotly's classes. */
(function () {
  "use strict";

  function draw(root) {
    if (!window.Plotly) return;
    root.querySelectorAll("[data-lab-figure]").forEach(function (box) {
      if (box.dataset.drawn) return;
      var source = document.getElementById(box.dataset.labFigure);
      if (!source) return;
      var figure = JSON.parse(source.textContent);
      box.dataset.drawn = "1";
      window.Plotly.newPlot(box, figure.data, figure.layout, { responsive: true, displaylogo: false, displayModeBar: false });
    });
  }

  document.addEventListener("DOMContentLoaded", function () { draw(document); });
  document.addEventListener("htmx:afterSwap", function () { draw(document); });
  document.addEventListener("htmx:load", function () { draw(document); });
  document.addEventListener("htmx:beforeSwap", function (event) {
    var target = event.detail.target;
    if (event.detail.xhr.status === 400 && target && target.closest(".lab")) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });
})();
