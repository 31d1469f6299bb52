// A customer's web app embedding Connect with a browser SDK, configured by the query string:
//   ?sdk=finch|roost  &connect=<Roost origin>  &session=<session id>  [&state=<state>]
// sdk=finch loads the official @tryfinch/react-connect UMD build (global FinchConnect);
// sdk=roost loads Roost's own <connect>/connect.js (global RoostConnect).
// Every callback is recorded in window.__events for the test to read.
(function () {
  "use strict";
  var params = new URLSearchParams(window.location.search);
  var sdk = params.get("sdk") || "finch";
  var connectUrl = params.get("connect");
  var button = document.getElementById("connect");
  var log = document.getElementById("log");
  window.__events = [];

  function record(type, payload) {
    var event = { type: type, payload: payload === undefined ? null : payload };
    window.__events.push(event);
    log.textContent += type + " " + JSON.stringify(event.payload) + "\n";
  }

  var callbacks = {
    onSuccess: function (result) { record("success", result); },
    onError: function (error) { record("error", error); },
    onClose: function () { record("close"); }
  };

  function start() {
    var connect;
    if (sdk === "roost") {
      connect = window.RoostConnect.initialize(callbacks);
    } else {
      callbacks.apiConfig = { connectUrl: connectUrl };
      connect = window.FinchConnect.initialize(callbacks);
    }
    window.__connect = connect;
    button.disabled = false;
    button.addEventListener("click", function () {
      var options = { sessionId: params.get("session") };
      if (params.get("state")) options.state = params.get("state");
      connect.open(options);
    });
  }

  var script = document.createElement("script");
  script.src = sdk === "roost" ? connectUrl + "/connect.js" : "/vendor/react-connect/index.js";
  script.onload = start;
  script.onerror = function () { record("sdk_load_failed", script.src); };
  document.head.appendChild(script);
})();
