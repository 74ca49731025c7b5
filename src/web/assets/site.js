// Progressive enhancement only: every form works without this file.
// Sign-up boxes post in place and show the server's own message in their aria-live region.
(function () {
  'use strict';
  // On a phone the section list scrolls sideways: bring the current section into view, so it is seen
  // highlighted even when it is not among the first few.
  var nav = document.querySelector('.site-nav ul');
  var current = nav && nav.querySelector('a[aria-current]');
  if (current && nav.scrollWidth > nav.clientWidth) {
    var item = current.parentElement;
    var left = item.getBoundingClientRect().left - nav.getBoundingClientRect().left + nav.scrollLeft;
    if (left + item.offsetWidth > nav.clientWidth - 32) nav.scrollLeft = Math.max(0, left - 16);
  }
  var FAILURE = 'There was a problem. Please refresh the page and try again.';
  function show(status, text, isError) {
    status.textContent = text;
    status.classList.toggle('is-error', Boolean(isError));
  }
  document.addEventListener('submit', function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute('data-signup')) return;
    if (!window.fetch || !window.URLSearchParams) return;
    event.preventDefault();
    var status = form.querySelector('.signup-status');
    var button = form.querySelector('button[type=submit]');
    if (button) button.disabled = true;
    show(status, 'Signing you up…', false);
    fetch(form.action, {
      method: 'POST',
      headers: { Accept: 'application/json', 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(new FormData(form)).toString(),
      credentials: 'same-origin',
    })
      .then(function (res) {
        return res.json().then(
          function (data) { return { ok: res.ok, data: data }; },
          function () { return { ok: false, data: null }; }
        );
      })
      .then(function (r) {
        var message = r.data && (r.data.message || (r.data.error && r.data.error.message));
        if (r.ok && message) {
          // The server's own answer; beside it, the address the reader typed, so a typo is seen at once.
          show(status, message, false);
          var typed = form.querySelector('input[type=email]');
          if (typed && typed.value) {
            var sent = form.querySelector('.signup-sent') || document.createElement('p');
            sent.className = 'signup-sent';
            sent.textContent = 'We sent it to ' + typed.value + '.';
            status.insertAdjacentElement('afterend', sent);
          }
          form.reset();
        } else {
          show(status, r.data && r.data.error && r.data.error.status && r.data.error.status < 500 && r.data.error.status !== 404 ? message : FAILURE, true);
        }
      })
      .catch(function () { show(status, FAILURE, true); })
      .then(function () { if (button) button.disabled = false; });
  });
})();
