// The circle of competence: name the segment in focus or under the pointer beside the
// picture, download the picture as PNG (drawn from the SVG on a canvas), and print.
(function () {
  "use strict";

  document.querySelectorAll("[data-circle]").forEach(function (figure) {
    var caption = figure.querySelector(".app-circle-figure__caption");
    function describe(event) {
      var segment = event.target.closest && event.target.closest(".app-circle__segment[aria-label]");
      if (segment && caption) {
        caption.textContent = segment.getAttribute("aria-label");
      }
    }
    figure.addEventListener("focusin", describe);
    figure.addEventListener("mouseover", describe);
  });

  function downloadPng(svg, filename) {
    var box = svg.viewBox.baseVal;
    var clone = svg.cloneNode(true);
    clone.setAttribute("width", box.width);
    clone.setAttribute("height", box.height);
    var source = new XMLSerializer().serializeToString(clone);
    var image = new Image();
    image.onload = function () {
      var scale = 2;
      var canvas = document.createElement("canvas");
      canvas.width = Math.ceil(box.width * scale);
      canvas.height = Math.ceil(box.height * scale);
      var context = canvas.getContext("2d");
      context.fillStyle = "#ffffff";
      context.fillRect(0, 0, canvas.width, canvas.height);
      context.drawImage(image, 0, 0, canvas.width, canvas.height);
      canvas.toBlob(function (blob) {
        var link = document.createElement("a");
        link.href = URL.createObjectURL(blob);
        link.download = filename;
        document.body.appendChild(link);
        link.click();
        link.remove();
        setTimeout(function () { URL.revokeObjectURL(link.href); }, 1000);
      }, "image/png");
    };
    image.src = "data:image/svg+xml;charset=utf-8," + encodeURIComponent(source);
  }

  document.querySelectorAll("[data-circle-png]").forEach(function (button) {
    var svg = document.getElementById(button.getAttribute("data-circle-png"));
    if (!svg || !window.HTMLCanvasElement) {
      return;
    }
    button.hidden = false;
    button.addEventListener("click", function () {
      downloadPng(svg, button.getAttribute("data-filename") || "circle.png");
    });
  });

  document.querySelectorAll("[data-circle-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });
})();
