(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var box = document.getElementById("demo-embedded");
    var status = document.getElementById("demo-status");
    var connect = window.RoostConnect.initialize({
      connectUrl: box.getAttribute("data-connect-url"),
      onSuccess: function (result) {
        window.location.href = "/demo/embedded/result?code=" + encodeURIComponent(result.code);
      },
      onError: function (error) { status.textContent = "Error (" + error.errorType + "): " + error.errorMessage; },
      onClose: function () { status.textContent = "Closed. Open it again, or start over."; }
    });
    function open() { connect.open({ sessionId: box.getAttribute("data-session-id"), state: "demo" }); }
    document.getElementById("demo-open").addEventListener("click", open);
    open();
  });
})();
