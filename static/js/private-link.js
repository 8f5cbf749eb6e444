// The booking confirmation is the answer to the booking form's POST. Put the patron's private
// link in the address bar instead, so that reloading, bookmarking or sharing the page reads the
// booking (a GET) and the browser never offers to send the form again.
(function () {
  "use strict";
  var address = document.currentScript && document.currentScript.dataset.address;
  if (address && window.history && window.history.replaceState) {
    window.history.replaceState(null, "", address);
  }
})();
