// FrontDesk console: live updates without reloading the page.
// When the business's outbox gets an event (a booking made, moved, cancelled or confirmed, by
// voice, API or console), re-fetch this page and swap its <main> in place. Forms the user is
// typing in are left alone until they are done.
(function () {
  "use strict";
  if (!window.EventSource || !document.getElementById("nav")) return;
  var pending = false;
  var busy = false;

  function typing() {
    var active = document.activeElement;
    return active && active.form && active.form.method === "post" && active.value !== "" && active.type !== "submit";
  }

  function refresh() {
    if (busy) { pending = true; return; }
    if (typing()) { pending = true; setTimeout(refresh, 1000); return; }
    busy = true;
    pending = false;
    fetch(window.location.href, { credentials: "same-origin", headers: { "Accept": "text/html" } })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) {
        if (!html) return;
        var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("main");
        var main = document.getElementById("main");
        if (!fresh || !main) return;
        main.replaceChildren.apply(main, Array.prototype.slice.call(fresh.childNodes).map(function (node) {
          return document.importNode(node, true);
        }));
        var count = parseInt(document.body.getAttribute("data-live-updates") || "0", 10) + 1;
        document.body.setAttribute("data-live-updates", String(count));
      })
      .catch(function () { /* the next event tries again */ })
      .finally(function () {
        busy = false;
        if (pending) refresh();
      });
  }

  var source = new EventSource("/console/events");
  source.addEventListener("change", refresh);
})();
