// The workspace's keyboard: "/" goes to the search box from anywhere but a field, as in the
// customer's own apps. The saved-action notice fades after a while (it stays in the DOM for
// screen readers only as long as it is visible).
(function () {
  "use strict";
  document.addEventListener("keydown", function (event) {
    if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) return;
    var target = event.target;
    if (target instanceof Element && target.closest("input, textarea, select, [contenteditable]")) return;
    var search = document.querySelector("[data-search]");
    if (!search) return;
    event.preventDefault();
    search.focus();
    search.select();
  });
  var timer = null;
  document.addEventListener("htmx:oobAfterSwap", function (event) {
    var status = document.getElementById("workspace-status");
    if (!status || event.detail.target !== status) return;
    window.clearTimeout(timer);
    timer = window.setTimeout(function () { status.textContent = ""; }, 8000);
  });
})();
