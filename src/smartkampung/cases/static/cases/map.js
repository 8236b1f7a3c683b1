/* The staff map of open cases: points from points.json (already limited to the user's teams and areas). */
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("cases-map-config").textContent);
  var status = document.getElementById("map-status");
  var category = document.getElementById("category"), state = document.getElementById("state");
  var map = L.map("map", { maxZoom: config.maxZoom, minZoom: 8, preferCanvas: true }).setView(config.center, 10);
  map.attributionControl.setPrefix("Leaflet");
  if (config.tiles) L.tileLayer(config.tiles, { maxZoom: config.maxZoom, attribution: config.labels.attribution }).addTo(map);
  var layer = L.featureGroup().addTo(map);

  function load() {
    var params = new URLSearchParams();
    if (category.value) params.set("category", category.value);
    if (state.value) params.set("state", state.value);
    history.replaceState(null, "", "?" + params.toString());
    fetch(config.points + "?" + params.toString(), { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.json(); })
      .then(function (body) {
        layer.clearLayers();
        body.points.forEach(function (p) {
          var dot = L.circleMarker([p.lat, p.lon], { radius: 6, weight: 1, color: p.overdue ? "#a32020" : "#0b6b3a", fillOpacity: 0.8 });
          var box = document.createElement("div");
          var link = document.createElement("a");
          link.href = p.url; link.textContent = p.ticket;
          box.appendChild(link);
          box.appendChild(document.createTextNode(" " + p.category_name + " · " + p.village + (p.overdue ? " · " + config.labels.overdue : "")));
          dot.bindPopup(box);
          dot.addTo(layer);
        });
        status.textContent = body.points.length ? body.points.length + " ✓" : config.labels.none;
        status.dataset.count = String(body.points.length);
        if (body.points.length) map.fitBounds(layer.getBounds(), { maxZoom: 14, padding: [20, 20] });
      });
  }
  category.addEventListener("change", load);
  state.addEventListener("change", load);
  load();
})();
