// Answers in progress kept on this device only (employee surveys and anonymous links): the
// server never holds a half-finished answer that could be tied to a person.
(function () {
  "use strict";
  var form = document.getElementById("answer-form");
  if (!form || form.dataset.draft !== "local") return;
  var key = "symetrie:draft:" + location.pathname;
  var status = document.getElementById("save-status");

  function read() {
    try { return JSON.parse(window.localStorage.getItem(key) || "null"); } catch (e) { return null; }
  }
  function save() {
    var data = {};
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.type === "hidden" || el.type === "submit") return;
      if ((el.type === "radio" || el.type === "checkbox")) {
        if (el.checked) (data[el.name] = data[el.name] || []).push(el.value);
      } else if (el.value) {
        data[el.name] = [el.value];
      }
    });
    try {
      window.localStorage.setItem(key, JSON.stringify(data));
      if (status && status.dataset.localSaved) status.textContent = status.dataset.localSaved;
    } catch (e) { /* private mode: nothing kept */ }
  }
  if (form.dataset.restore === "1") {
    var saved = read();
    if (saved) {
      Array.prototype.forEach.call(form.elements, function (el) {
        var values = saved[el.name];
        if (!values) return;
        if (el.type === "radio" || el.type === "checkbox") el.checked = values.indexOf(el.value) !== -1;
        else if (el.tagName === "TEXTAREA") el.value = values[0];
      });
    }
  }
  form.addEventListener("change", save);
  form.addEventListener("input", save);
  form.addEventListener("submit", function () {
    try { window.localStorage.removeItem(key); } catch (e) { /* nothing kept */ }
  });
})();
