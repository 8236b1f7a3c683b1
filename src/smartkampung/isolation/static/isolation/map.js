/* Occupancy of the isolation houses tonight. Plain Leaflet (served by this server), no other library.
 * Houses come from data.json as points with bed counts only: no names of residents, no NIKs. */
(function () {
  "use strict";

  var config = JSON.parse(document.getElementById("map-config").textContent);
  var text = config.labels;
  var statusLine = document.getElementById("map-status");
  // SVG markers (not canvas): a few hundred houses at most, each one a clickable element.
  var map = L.map("map", { maxZoom: 18, minZoom: 8 }).setView(config.center, 10);
  map.attributionControl.setPrefix("Leaflet");
  if (config.tiles) {
    L.tileLayer(config.tiles, { maxZoom: 18, attribution: "© OpenStreetMap" }).addTo(map);
  }
  var layer = L.featureGroup().addTo(map);

  // Same classes as the legend in map.html.
  function colour(house) {
    if (!house.beds || house.occupied >= house.beds) return "#c8372d";
    if (house.occupied / house.beds >= 0.5) return "#f0a43a";
    return "#1a7f45";
  }

  function popup(house) {
    var box = document.createElement("div");
    var title = document.createElement("strong");
    title.textContent = house.name;
    box.appendChild(title);
    var lines = [
      house.village + ", " + house.kecamatan,
      house.occupied + " / " + house.beds + " " + text.beds + " " + text.occupied,
      (house.beds - house.occupied) + " " + text.free,
      text.puskesmas + ": " + house.puskesmas.replace(/^Puskesmas /, ""),
    ];
    lines.forEach(function (line) {
      var p = document.createElement("div");
      p.textContent = line;
      box.appendChild(p);
    });
    var link = document.createElement("a");
    link.href = config.houseUrl.replace("{id}", house.id);
    link.textContent = text.open;
    box.appendChild(link);
    return box;
  }

  fetch(config.dataUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
    .then(function (response) { return response.json().then(function (body) { if (!response.ok) throw new Error(body.message); return body; }); })
    .then(function (body) {
      body.houses.forEach(function (house) {
        var marker = L.circleMarker([house.lat, house.lon], {
          radius: 5 + Math.min(10, house.beds), color: "#333", weight: 1, fillColor: colour(house), fillOpacity: 0.85,
        });
        marker.bindPopup(function () { return popup(house); });
        marker.addTo(layer);
      });
      statusLine.textContent = body.houses.length + " " + text.houses;
      statusLine.dataset.count = String(body.houses.length);
      if (body.houses.length) map.fitBounds(layer.getBounds(), { padding: [20, 20] });
    })
    .catch(function (error) { statusLine.textContent = error.message; });
})();
