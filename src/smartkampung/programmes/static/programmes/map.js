/* The digital map of who receives what, per village. Plain Leaflet, no other library.
 * Villages come from data.json (circles at their centroids, or polygons when shapes are loaded);
 * households only from zoom 15 on, from households.json, as bare points without names or NIKs. */
(function () {
  "use strict";

  var config = JSON.parse(document.getElementById("map-config").textContent);
  var text = config.labels;
  var statusLine = document.getElementById("map-status");
  var programmeSelect = document.getElementById("programme");
  var runSelect = document.getElementById("run");

  var map = L.map("map", { maxZoom: config.maxZoom, minZoom: 8, preferCanvas: true }).setView(config.center, 10);
  map.attributionControl.setPrefix("Leaflet"); // the default prefix links to an external site
  if (config.tiles) {
    L.tileLayer(config.tiles, { maxZoom: config.maxZoom, attribution: text.attribution }).addTo(map);
  }
  var villageLayer = L.featureGroup().addTo(map);
  var householdLayer = L.layerGroup().addTo(map);
  var shapesByCode = null;
  var fitted = false;
  var householdRequest = null;
  var noData = ""; // why the map is empty, if it is

  function say(message) { statusLine.textContent = message || ""; }

  function query(extra) {
    var params = new URLSearchParams();
    if (programmeSelect.value) params.set("programme", programmeSelect.value);
    if (runSelect.value) params.set("run", runSelect.value);
    Object.keys(extra || {}).forEach(function (key) { params.set(key, extra[key]); });
    return params.toString();
  }

  function getJson(url, signal) {
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" }, signal: signal })
      .then(function (response) {
        return response.json().then(function (body) {
          if (!response.ok) throw new Error(body.message || response.statusText);
          return body;
        });
      });
  }

  // Same classes as the legend in map.html.
  function colour(coverage) {
    if (coverage === null || coverage === undefined) return "#9aa39d";
    if (coverage >= 0.9) return "#1a7f45";
    if (coverage >= 0.7) return "#8cc665";
    if (coverage >= 0.5) return "#f0a43a";
    return "#c8372d";
  }

  var numbers = new Intl.NumberFormat("id-ID");
  function percent(value) {
    return value === null || value === undefined ? "–" : numbers.format(Math.round(value * 1000) / 10) + " %";
  }

  function row(table, label, value) {
    var tr = table.insertRow();
    var th = document.createElement("th");
    th.textContent = label;
    tr.appendChild(th);
    tr.insertCell().textContent = value;
  }

  // Built from DOM nodes, not HTML strings, so no value can inject markup.
  function villagePopup(v) {
    var box = document.createElement("div");
    var title = document.createElement("strong");
    title.textContent = v.name;
    box.appendChild(title);
    box.appendChild(document.createTextNode(" · " + text.kecamatan + " " + v.kecamatan));
    var table = document.createElement("table");
    table.className = "popup-figures";
    row(table, text.coverage, percent(v.coverage));
    ["eligible", "recipients", "eligible_receiving", "exclusion", "not_eligible", "deceased", "duplicate"].forEach(function (key) {
      row(table, text[key], numbers.format(v[key]));
    });
    box.appendChild(table);
    return box;
  }

  function drawVillages(villages) {
    villageLayer.clearLayers();
    var most = Math.max.apply(null, [1].concat(villages.map(function (v) { return v.recipients; })));
    // Big circles first, so the small ones stay on top and clickable.
    villages.slice().sort(function (a, b) { return b.recipients - a.recipients; }).forEach(function (v) {
      var style = { color: "#33443a", weight: 1, fillColor: colour(v.coverage), fillOpacity: 0.75 };
      var shape = shapesByCode && shapesByCode[v.code];
      var layer;
      if (shape) {
        layer = L.geoJSON(shape, { style: function () { return style; } });
      } else if (v.lat !== null && v.lon !== null) {
        style.radius = 3 + 11 * Math.sqrt(v.recipients / most);
        layer = L.circleMarker([v.lat, v.lon], style);
      } else {
        return;
      }
      layer.bindPopup(villagePopup(v));
      villageLayer.addLayer(layer);
    });
    if (!fitted && villages.length) {
      map.fitBounds(villageLayer.getBounds(), { maxZoom: 14, padding: [10, 10] });
      fitted = true;
    }
  }

  function loadShapes() {
    if (!config.shapesUrl) return Promise.resolve();
    return getJson(config.shapesUrl).then(function (collection) {
      shapesByCode = {};
      collection.features.forEach(function (f) { shapesByCode[f.properties.code] = f; });
    }).catch(function () { shapesByCode = null; }); // circles are still a usable map
  }

  function loadVillages() {
    return getJson(config.dataUrl + "?" + query()).then(function (body) {
      drawVillages(body.villages);
      noData = !body.run ? text.no_data : (body.villages.length ? "" : text.no_villages);
    }).catch(function (error) { say(error.message); });
  }

  function householdMarker(h) {
    var marker = L.circleMarker([h.lat, h.lon], {
      radius: 5, weight: h.findings.length ? 3 : 1, color: h.findings.length ? "#b2182b" : "#2166ac",
      fillColor: h.receiving ? "#2166ac" : "#ffffff", fillOpacity: 0.9,
    });
    var tip = (h.receiving ? text.receiving : "") + (h.findings.length ? (h.receiving ? " · " : "") + text.finding + ": " +
      h.findings.map(function (kind) { return text[kind] || kind; }).join(", ") : "");
    marker.bindTooltip(tip + " — " + text.open);
    marker.on("click", function () { window.location.href = config.householdUrl.replace("{id}", h.id); });
    return marker;
  }

  function loadHouseholds() {
    if (householdRequest) householdRequest.abort();
    householdLayer.clearLayers();
    if (map.getZoom() < config.householdZoom || !programmeSelect.value) {
      say(noData || text.zoom_in);
      return;
    }
    householdRequest = new AbortController();
    var url = config.householdsUrl + "?" + query({ bbox: map.getBounds().toBBoxString() });
    getJson(url, householdRequest.signal).then(function (body) {
      body.households.forEach(function (h) { householdLayer.addLayer(householdMarker(h)); });
      say(body.truncated ? text.too_many : "");
    }).catch(function (error) { if (error.name !== "AbortError") say(error.message); });
  }

  function refresh() {
    // Keep the choice in the address, so a reload or a shared link shows the same map.
    window.history.replaceState(null, "", "?" + query());
    loadVillages().then(loadHouseholds);
  }

  programmeSelect.addEventListener("change", refresh);
  runSelect.addEventListener("change", refresh);
  map.on("moveend", loadHouseholds);
  loadShapes().then(loadVillages).then(loadHouseholds);
})();
