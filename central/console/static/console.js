// The console's only script (no CDN, no build step). A page whose <body> carries
// data-refresh="SECONDS" reloads itself that often, so a fleet page left open on an office
// screen stays current; never while someone is typing into one of its forms.
(function () {
  "use strict";
  var seconds = parseInt(document.body.getAttribute("data-refresh") || "0", 10);
  if (!seconds) { return; }
  var typing = false;
  document.addEventListener("input", function () { typing = true; });
  window.setTimeout(function reload() {
    if (typing || document.hidden) { window.setTimeout(reload, seconds * 1000); return; }
    window.location.reload();
  }, seconds * 1000);
}());
