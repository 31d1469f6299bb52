// Roost Connect page behaviour. No inline script anywhere (CSP script-src 'self'):
// everything the page needs comes from data- attributes the server rendered.
(function () {
  "use strict";

  function postToSdk() {
    var body = document.body;
    var message = body.getAttribute("data-sdk-message");
    var target = body.getAttribute("data-target-origin");
    if (!message || !target || window.parent === window) return;
    // Only ever to the origin the application registered and the SDK named.
    window.parent.postMessage(JSON.parse(message), target);
  }

  function providerSearch() {
    var input = document.querySelector("[data-provider-search]");
    var list = document.querySelector("[data-provider-list]");
    if (!input || !list) return;
    var items = Array.prototype.slice.call(list.querySelectorAll("li"));
    var empty = document.querySelector("[data-provider-empty]");
    input.addEventListener("input", function () {
      var query = input.value.trim().toLowerCase();
      var shown = 0;
      items.forEach(function (item) {
        var match = !query || item.getAttribute("data-search").indexOf(query) !== -1;
        item.hidden = !match;
        if (match) shown += 1;
      });
      if (empty) empty.hidden = shown !== 0;
    });
    input.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown" || event.key === "Enter") {
        var first = list.querySelector("li:not([hidden]) button");
        if (first) {
          event.preventDefault();
          if (event.key === "Enter") first.click(); else first.focus();
        }
      }
    });
    list.addEventListener("keydown", function (event) {
      if (event.key !== "ArrowDown" && event.key !== "ArrowUp") return;
      var buttons = Array.prototype.slice.call(list.querySelectorAll("li:not([hidden]) button"));
      var index = buttons.indexOf(document.activeElement);
      if (index === -1) return;
      event.preventDefault();
      var next = event.key === "ArrowDown" ? index + 1 : index - 1;
      if (next < 0) input.focus();
      else if (next < buttons.length) buttons[next].focus();
    });
  }

  function closeBehaviour() {
    var form = document.querySelector("[data-close-form]");
    if (!form) return;
    var backdrop = document.querySelector("[data-close-on-click]");
    if (backdrop && document.documentElement.classList.contains("embedded")) {
      backdrop.addEventListener("click", function () { form.submit(); });
    }
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && document.documentElement.classList.contains("embedded")) form.submit();
    });
  }

  function preventDoubleSubmit() {
    Array.prototype.forEach.call(document.querySelectorAll("form"), function (form) {
      form.addEventListener("submit", function () {
        window.setTimeout(function () {
          Array.prototype.forEach.call(form.querySelectorAll("button[type=submit]"), function (b) { b.disabled = true; });
        }, 0);
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    postToSdk();
    providerSearch();
    closeBehaviour();
    preventDoubleSubmit();
  });
})();
