// The case pages: copy the customer's status link in one click, and let the saved-action
// notice fade after a while (it stays for screen readers as long as it is shown).
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var button = event.target instanceof Element && event.target.closest("[data-copy]");
    if (!button) return;
    var field = document.querySelector(button.getAttribute("data-copy"));
    if (!field) return;
    field.select();
    var done = function () {
      var label = button.textContent;
      button.textContent = button.getAttribute("data-copied") || label;
      window.setTimeout(function () { button.textContent = label; }, 2000);
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(field.value).then(done, function () { document.execCommand("copy"); done(); });
    } else {
      document.execCommand("copy");
      done();
    }
  });
  var timer = null;
  document.addEventListener("htmx:oobAfterSwap", function (event) {
    var toast = event.detail.target;
    if (!toast || !toast.classList || !toast.classList.contains("toast")) return;
    window.clearTimeout(timer);
    timer = window.setTimeout(function () { toast.textContent = ""; }, 8000);
  });
})();
