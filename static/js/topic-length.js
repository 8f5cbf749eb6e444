// A topic that usually takes longer (bank ID, a new phone) picks that length on the booking
// form, until the patron picks a length themselves. Without the script the topic's label
// still says how long it usually takes.
(function () {
  "use strict";
  var form = document.querySelector("form[data-topic-lengths]");
  if (!form) {
    return;
  }
  var lengths = Array.prototype.slice.call(form.querySelectorAll('input[name="minutes"]'));
  var chosenByHand = false;
  lengths.forEach(function (radio) {
    radio.addEventListener("change", function () {
      chosenByHand = true;
    });
  });
  form.addEventListener("change", function (event) {
    if (event.target.name !== "topics" || chosenByHand || lengths.length === 0) {
      return;
    }
    var wanted = 0;
    form.querySelectorAll('input[name="topics"]:checked').forEach(function (box) {
      wanted = Math.max(wanted, Number(box.dataset.minutes || 0));
    });
    // The longest length on offer that is not longer than wanted; the shortest if none is.
    var pick = lengths[0];
    lengths.forEach(function (radio) {
      if (Number(radio.value) <= wanted) {
        pick = radio;
      }
    });
    pick.checked = true;
  });
})();
