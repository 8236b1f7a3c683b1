/* The provider's phone page: a small map of today's round, and the phone's position added to each mark
 * (if the rider allows it; a mark without a position is still recorded). */
(function () {
  "use strict";
  var holder = document.getElementById("meals-round-config");
  if (holder && window.L) {
    var config = JSON.parse(holder.textContent);
    var map = L.map("meals-round-map", { maxZoom: 18 }).setView(config.warung, 14);
    map.attributionControl.setPrefix("Leaflet");
    if (config.tiles) L.tileLayer(config.tiles, { maxZoom: 18, attribution: config.labels.attribution }).addTo(map);
    var points = [config.warung];
    L.circleMarker(config.warung, { radius: 9, color: "#0b6b3a", fillOpacity: 0.8 }).bindPopup(config.labels.warung).addTo(map);
    config.stops.forEach(function (s) {
      points.push([s.lat, s.lon]);
      L.marker([s.lat, s.lon], { icon: L.divIcon({ className: "meals-seq" + (s.done ? " meals-seq-done" : ""), html: String(s.seq) }) }).addTo(map);
    });
    points.push(config.warung);
    var line = L.polyline(points, { color: "#f0a43a", weight: 4 }).addTo(map);
    map.fitBounds(line.getBounds(), { maxZoom: 16, padding: [12, 12] });
  }
  if (!navigator.geolocation) return;
  var last = null;
  navigator.geolocation.getCurrentPosition(function (pos) { last = pos.coords; }, function () {}, { maximumAge: 120000, timeout: 8000 });
  document.querySelectorAll("form[data-geo]").forEach(function (form) {
    form.addEventListener("submit", function () {
      if (last) {
        form.querySelector("input[name=latitude]").value = last.latitude.toFixed(6);
        form.querySelector("input[name=longitude]").value = last.longitude.toFixed(6);
      }
    });
  });
})();
