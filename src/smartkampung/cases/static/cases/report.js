/* The report form's "where": tap the map or use the phone's location; fills the hidden lat/lon.
 * Works without this script too (the village list is enough). */
(function () {
  "use strict";
  var lat = document.getElementById("lat"), lon = document.getElementById("lon"), shown = document.getElementById("point");
  var config = JSON.parse(document.getElementById("pick-config").textContent);
  var marker = null, map = null;

  function setPoint(la, lo) {
    lat.value = la.toFixed(6); lon.value = lo.toFixed(6);
    shown.textContent = lat.value + ", " + lon.value;
    if (map) {
      if (marker) marker.setLatLng([la, lo]); else marker = L.circleMarker([la, lo], { radius: 8, color: "#0b6b3a" }).addTo(map);
    }
  }

  if (window.L) {
    map = L.map("pick-map", { maxZoom: config.maxZoom, minZoom: 8 }).setView(config.center, 10);
    map.attributionControl.setPrefix("Leaflet");
    if (config.tiles) L.tileLayer(config.tiles, { maxZoom: config.maxZoom, attribution: "© OpenStreetMap" }).addTo(map);
    map.on("click", function (e) { setPoint(e.latlng.lat, e.latlng.lng); });
  }
  if (lat.value && lon.value) setPoint(parseFloat(lat.value), parseFloat(lon.value));

  var locate = document.getElementById("locate");
  if (!navigator.geolocation) { locate.hidden = true; return; }
  locate.addEventListener("click", function () {
    navigator.geolocation.getCurrentPosition(function (pos) {
      setPoint(pos.coords.latitude, pos.coords.longitude);
      if (map) map.setView([pos.coords.latitude, pos.coords.longitude], 15);
    }, function () { shown.textContent = "—"; }, { enableHighAccuracy: true, timeout: 10000 });
  });
})();
