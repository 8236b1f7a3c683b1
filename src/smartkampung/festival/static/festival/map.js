// One marker for the event's venue. Tiles only when the deployment configured a tile server; otherwise a
// plain background (no request leaves this server).
(function () {
  var el = document.getElementById("festival-map");
  var cfg = JSON.parse(document.getElementById("festival-map-config").textContent);
  if (!el || !window.L || cfg.lat === null) return;
  var map = L.map(el, { scrollWheelZoom: false }).setView([cfg.lat, cfg.lon], 15);
  if (cfg.tiles) {
    L.tileLayer(cfg.tiles, { maxZoom: 18, attribution: "&copy; OpenStreetMap" }).addTo(map);
  } else {
    el.classList.add("offline");
  }
  L.circleMarker([cfg.lat, cfg.lon], { radius: 9, color: "#0b6b3a", fillOpacity: 0.8 }).addTo(map).bindPopup(cfg.title);
})();
