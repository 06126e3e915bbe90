// The team heatmap: link each cell that has a history (a required competency, or a level
// held) to that history. The page is sent without them: a link in every cell was most of
// a 50-person map's 214 KB. The row gives the person; the table gives each column's
// competency, in order, and the address pattern. Without script, the page
// offers the same map with links drawn by the server.
(function () {
  "use strict";

  document.querySelectorAll("table[data-history]").forEach(function (table) {
    var pattern = table.getAttribute("data-history");
    var unlinked = table.getAttribute("data-unlinked");
    var columns = table.getAttribute("data-competencies").split(",");
    table.querySelectorAll("tbody tr[data-person]").forEach(function (row) {
      var person = row.getAttribute("data-person");
      row.querySelectorAll("td:not(.app-heatmap__met)").forEach(function (cell, index) {
        var text = cell.textContent.trim();
        if (text === unlinked || !columns[index] || cell.firstElementChild) {
          return;
        }
        var link = document.createElement("a");
        link.href = pattern.replace("{person}", person).replace("{competency}", columns[index]);
        link.textContent = text;
        cell.textContent = "";
        cell.appendChild(link);
      });
    });
  });
})();
