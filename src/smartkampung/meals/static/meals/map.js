/* Rantang Kasih map: providers, recipients with lines to their provider, and one provider's round.
 * Plain Leaflet from this server; recipients are bare points (no names). */
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("meals-map-config").textContent);
  var text = config.labels;
  var status = document.getElementById("meals-map-status");
  var providerSelect = document.getElementById("provider");
  var dateInput = document.getElementById("date");
  var map = L.map("meals-map", { minZoom: 8, maxZoom: 18, preferCanvas: true }).setView(config.center, 10);
  map.attributionControl.setPrefix("Leaflet");
  if (config.tiles) L.tileLayer(config.tiles, { maxZoom: 18, attribution: text.attribution }).addTo(map);
  var layer = L.featureGroup().addTo(map);
  var fitted = false;

  function load() {
    var params = new URLSearchParams();
    if (providerSelect.value) params.set("provider", providerSelect.value);
    if (dateInput.value) params.set("date", dateInput.value);
    status.textContent = "…";
    fetch(config.dataUrl + "?" + params.toString(), { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.json().then(function (body) { if (!r.ok) throw new Error(body.message || r.statusText); return body; }); })
      .then(draw)
      .catch(function (e) { status.textContent = e.message; });
  }

  function draw(data) {
    layer.clearLayers();
    var byId = {};
    data.providers.forEach(function (p) {
      byId[p.id] = p;
      L.circleMarker([p.lat, p.lon], { radius: 4 + Math.sqrt(p.capacity), color: "#0b6b3a", fillOpacity: 0.6, weight: 1 })
        .bindPopup(p.name + "<br>" + text.assigned + ": " + p.assigned + " / " + text.capacity + ": " + p.capacity).addTo(layer);
    });
    var unserved = 0;
    data.recipients.forEach(function (r) {
      var p = byId[r.provider];
      if (p) L.polyline([[r.lat, r.lon], [p.lat, p.lon]], { color: "#2166ac", weight: 1, opacity: 0.4 }).addTo(layer);
      else unserved += 1;
      L.circleMarker([r.lat, r.lon], { radius: 3, color: p ? "#2166ac" : "#c8372d", fillOpacity: 0.9, weight: 1 }).addTo(layer);
    });
    if (data.route) {
      L.polyline(data.route.points, { color: "#f0a43a", weight: 4 }).addTo(layer);
      data.route.points.slice(1, -1).forEach(function (pt, i) {
        L.marker(pt, { icon: L.divIcon({ className: "meals-seq", html: String(i + 1) }) }).addTo(layer);
      });
    }
    status.textContent = data.providers.length + " " + text.provider + " · " + data.recipients.length + " " + text.recipient +
      (unserved ? " · " + unserved + " " + text.unserved : "") + (data.route ? " · " + text.route + " " + (data.route.distance_m / 1000).toFixed(1) + " km" : "");
    if (!fitted && layer.getLayers().length) { map.fitBounds(layer.getBounds(), { maxZoom: 14 }); fitted = true; }
  }

  providerSelect.addEventListener("change", load);
  dateInput.addEventListener("change", load);
  load();
})();
