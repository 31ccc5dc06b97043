// The console's only script (no inline script anywhere: the CSP forbids it). Pages work without
// it; with it, times show in the person's own zone and a form's error summary takes the focus.
(function () {
  'use strict';
  // dateStyle and timeStyle cannot be combined with timeZoneName: the fields are spelled out.
  var format = new Intl.DateTimeFormat(undefined, { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit', timeZoneName: 'short' });

  function localTimes(root) {
    var times = root.querySelectorAll('time[data-local]');
    for (var i = 0; i < times.length; i += 1) {
      var date = new Date(times[i].getAttribute('datetime'));
      if (!isNaN(date.getTime())) times[i].textContent = format.format(date);
    }
  }

  function focusSummary() {
    var summary = document.querySelector('[data-focus]');
    if (summary) summary.focus();
  }

  document.addEventListener('DOMContentLoaded', function () {
    localTimes(document);
    focusSummary();
  });
  document.addEventListener('htmx:afterSettle', function (event) {
    localTimes(event.target || document);
  });
})();
