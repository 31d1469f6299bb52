/*
 * Roost Connect SDK — served at /connect.js.
 *
 *   const connect = RoostConnect.initialize({ onSuccess, onError, onClose, connectUrl? });
 *   connect.open({ sessionId, state?, zIndex? }); connect.close(); connect.destroy();
 *
 * Speaks the same iframe + postMessage protocol as Finch's @tryfinch/react-connect, so a
 * Roost server also works with that SDK. connectUrl defaults to the origin this script
 * was loaded from.
 */
(function (global) {
  "use strict";
  var MESSAGE_NAME = "finch-auth-message-v2";
  var IFRAME_ID = "roost-connect-iframe";
  var VERSION = "roost-1.0.0";
  var scriptOrigin = (function () {
    var script = document.currentScript;
    try { return script ? new URL(script.src).origin : global.location.origin; } catch (e) { return global.location.origin; }
  })();

  function initialize(options) {
    options = options || {};
    var connectUrl = (options.connectUrl || scriptOrigin).replace(/\/+$/, "");
    var connectOrigin = new URL(connectUrl).origin;
    var iframe = null;
    var previousOverflow = "";

    function close() {
      if (!iframe) return;
      iframe.parentNode && iframe.parentNode.removeChild(iframe);
      iframe = null;
      document.body.style.overflow = previousOverflow;
    }

    function onMessage(event) {
      var data = event.data;
      // Exact origin match (Finch's SDK only checks a prefix).
      if (!data || data.name !== MESSAGE_NAME || event.origin !== connectOrigin) return;
      if (data.kind !== "error") close();
      if (data.kind === "success") {
        options.onSuccess && options.onSuccess({ code: data.code, state: data.state, idpRedirectUri: data.idpRedirectUri });
      } else if (data.kind === "closed") {
        options.onClose && options.onClose();
      } else if (data.kind === "error") {
        var error = data.error || {};
        if (error.shouldClose) close();
        options.onError && options.onError({ errorMessage: error.message || "Unknown error", errorType: error.type });
      } else {
        options.onError && options.onError({ errorMessage: "Unexpected message from Roost Connect: " + data.kind });
      }
    }
    global.addEventListener("message", onMessage);

    function open(openOptions) {
      if (!openOptions || !openOptions.sessionId) throw new Error("RoostConnect.open needs a sessionId");
      close();
      var params = new URLSearchParams({
        session: openOptions.sessionId,
        app_type: "spa",
        sdk_host_url: global.location.origin,
        mode: "employer",
        sdk_version: VERSION
      });
      if (openOptions.state) params.set("state", openOptions.state);
      iframe = document.createElement("iframe");
      iframe.id = IFRAME_ID;
      iframe.src = connectUrl + "/authorize?" + params.toString();
      iframe.title = "Roost Connect";
      iframe.setAttribute("allow", "clipboard-write; clipboard-read");
      iframe.style.cssText = "position:fixed;top:0;left:0;width:100%;height:100%;border:none;background:transparent;" +
        "z-index:" + (openOptions.zIndex || 999) + ";";
      previousOverflow = document.body.style.overflow;
      document.body.style.overflow = "hidden";
      document.body.prepend(iframe);
    }

    function destroy() {
      close();
      global.removeEventListener("message", onMessage);
    }

    return { open: open, close: close, destroy: destroy };
  }

  global.RoostConnect = { initialize: initialize, version: VERSION };
})(window);
