/* The public queue screen: polls a small JSON endpoint every 3 seconds and redraws the called numbers.
   No framework, no CDN; a failed poll leaves the last picture on screen and tries again. */
(function () {
  "use strict";
  var root = document.getElementById("screen");
  var list = document.getElementById("called");
  var clock = document.getElementById("clock");
  var last = "";
  function text(tag, cls, value) { var el = document.createElement(tag); if (cls) { el.className = cls; } el.textContent = value; return el; }
  function draw(data) {
    var key = JSON.stringify(data.called);
    if (key === last) { return; }
    last = key;
    list.textContent = "";
    if (!data.called.length) { list.appendChild(text("li", "", root.dataset.empty)); return; }
    data.called.forEach(function (item, i) {
      var li = text("li", "publicservices-called" + (i === 0 ? " publicservices-latest" : ""), "");
      li.appendChild(text("span", "publicservices-number", item.ticket));
      li.appendChild(document.createTextNode(" "));
      li.appendChild(text("span", "", root.dataset.counterLabel + " " + item.counter));
      list.appendChild(li);
    });
  }
  function poll() {
    var request = new XMLHttpRequest();
    request.open("GET", root.dataset.url);
    request.timeout = 5000;
    request.onload = function () { if (request.status === 200) { try { draw(JSON.parse(request.responseText)); } catch (e) { /* keep the last picture */ } } };
    request.send();
    clock.textContent = new Date().toLocaleTimeString("id-ID", { hour: "2-digit", minute: "2-digit" });
  }
  poll();
  setInterval(poll, 3000);
}());
