// The newsroom's enhancements. Every form works without this file; with it the editor gets a live
// Markdown preview, debounced autosave with a visible saved state, and instant image upload.
(function () {
  'use strict';
  var csrf = document.body.getAttribute('data-csrf') || '';

  function postJson(url, data) {
    return fetch(url, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': 'application/json', accept: 'application/json', 'x-csrf-token': csrf },
      body: JSON.stringify(data),
    }).then(function (res) {
      return res.json().then(function (body) {
        if (!res.ok) throw new Error((body && body.error && body.error.message) || 'HTTP ' + res.status);
        return body;
      });
    });
  }

  function debounce(fn, ms) {
    var t = null;
    return function () {
      if (t) clearTimeout(t);
      t = setTimeout(fn, ms);
    };
  }

  function formData(form) {
    var out = { authors: [] };
    var fd = new FormData(form);
    fd.forEach(function (value, key) {
      if (key === '_csrf' || key === 'action') return;
      if (key === 'authors') out.authors.push(value);
      else out[key] = value;
    });
    out.editors_pick = fd.has('editors_pick');
    return out;
  }

  var editor = document.getElementById('editor');
  if (editor) {
    var state = document.getElementById('save-state');
    var body = document.getElementById('ed-body');
    var previewPane = editor.querySelector('[data-preview]');
    var previewBox = document.getElementById('live-preview');
    var autosaveUrl = editor.getAttribute('data-autosave');
    var dirty = false;
    var saving = false;

    var setState = function (text, error) {
      state.textContent = text;
      state.className = 'save-state' + (error ? ' error' : '');
    };

    // Live preview: the server converts and sanitises, exactly as it will when saving.
    if (previewPane && body) {
      previewPane.hidden = false;
      previewPane.parentElement.classList.add('with-preview');
      var refresh = function () {
        postJson(previewPane.getAttribute('data-preview'), { body: body.value })
          .then(function (r) { previewBox.innerHTML = r.html; })
          .catch(function () { previewBox.textContent = 'The preview is not available right now.'; });
      };
      body.addEventListener('input', debounce(refresh, 400));
      refresh();
    }

    var autosave = function () {
      if (!dirty || saving) return;
      var data = formData(editor);
      if (!data.headline || !data.headline.trim()) {
        setState('Not saved: give the article a headline.', true);
        return;
      }
      saving = true;
      dirty = false;
      setState('Saving…');
      postJson(autosaveUrl, data)
        .then(function (r) {
          var t = new Date(r.savedAt).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });
          setState(r.applied ? 'All changes saved at ' + t : 'Changes kept at ' + t + ' (not live until you press Update)');
          if (r.url && editor.getAttribute('action') === '/admin/articles') {
            // The first autosave created the draft: from now on the form edits it.
            editor.setAttribute('action', r.url);
            autosaveUrl = r.url + '/autosave';
            editor.setAttribute('data-autosave', autosaveUrl);
            history.replaceState(null, '', r.url);
          }
        })
        .catch(function (e) {
          dirty = true;
          setState('Not saved: ' + e.message, true);
        })
        .then(function () {
          saving = false;
          if (dirty) scheduled();
        });
    };
    var scheduled = debounce(autosave, 1500);
    var changed = function () {
      dirty = true;
      setState('Unsaved changes');
      scheduled();
    };
    editor.addEventListener('input', changed);
    editor.addEventListener('change', changed);
    editor.addEventListener('submit', function () { dirty = false; });
    window.addEventListener('beforeunload', function (e) {
      if (dirty) { e.preventDefault(); e.returnValue = ''; }
    });
  }

  // Image upload without leaving the editor.
  var upload = document.querySelector('form[data-upload]');
  if (upload) {
    upload.addEventListener('submit', function (e) {
      e.preventDefault();
      var button = upload.querySelector('button');
      button.disabled = true;
      fetch(upload.action, { method: 'POST', body: new FormData(upload), credentials: 'same-origin', headers: { accept: 'application/json', 'x-csrf-token': csrf } })
        .then(function (res) { return res.json().then(function (b) { if (!res.ok) throw new Error(b.error && b.error.message); return b; }); })
        .then(function (r) {
          var input = document.getElementById('ed-image-url');
          if (input) input.value = r.url;
          var st = document.getElementById('save-state');
          if (st) st.textContent = 'Image uploaded and saved.';
        })
        .catch(function (err) {
          var st = document.getElementById('save-state');
          if (st) { st.textContent = 'Upload failed: ' + err.message; st.className = 'save-state error'; }
        })
        .then(function () { button.disabled = false; });
    });
  }
})();

// Live send progress in the edition composer.
(function () {
  'use strict';
  var box = document.querySelector('[data-progress]');
  if (!box) return;
  var bar = document.getElementById('send-progress');
  var text = document.getElementById('send-progress-text');
  var state = document.getElementById('edition-state');
  var poll = function () {
    fetch(box.getAttribute('data-progress'), { credentials: 'same-origin', headers: { accept: 'application/json' } })
      .then(function (r) { return r.json(); })
      .then(function (s) {
        var done = s.sent + s.failed + s.skipped;
        if (s.total) {
          bar.value = Math.round((done / s.total) * 100);
          text.textContent = s.sent + ' of ' + s.total + ' sent, ' + s.failed + ' failed, ' + (s.queued + s.sending) + ' to go.';
        }
        if (state) state.textContent = s.status;
        // Pause, resume and cancel follow the send's state.
        var controls = document.querySelectorAll('#send-controls [data-when]');
        for (var i = 0; i < controls.length; i++) {
          controls[i].hidden = controls[i].getAttribute('data-when').split(' ').indexOf(s.status) < 0;
        }
        var paused = document.getElementById('send-paused-reason');
        if (paused) {
          paused.hidden = s.status !== 'paused';
          paused.textContent = 'Paused' + (s.pausedReason ? ': ' + s.pausedReason : '') + '.';
        }
        if (s.status === 'sending' || s.status === 'scheduled') setTimeout(poll, 2000);
        else if (s.status === 'paused') setTimeout(poll, 5000);
      })
      .catch(function () { setTimeout(poll, 5000); });
  };
  poll();

  // A live list (the Stories screen's ranking): the element with data-live-refresh="SECONDS" is fetched
  // again and replaced while the page is visible and nobody is using a control inside it. Without
  // this file the page has a Refresh link.
  var live = document.querySelector('[data-live-refresh]');
  if (live && window.fetch && window.DOMParser) {
    var every = Math.max(15, Number(live.getAttribute('data-live-refresh')) || 60) * 1000;
    setInterval(function () {
      if (document.visibilityState && document.visibilityState !== 'visible') return;
      if (live.contains(document.activeElement)) return;
      fetch(location.href, { credentials: 'same-origin', headers: { accept: 'text/html' } })
        .then(function (res) { return res.ok ? res.text() : null; })
        .then(function (text) {
          if (!text) return;
          var fresh = new DOMParser().parseFromString(text, 'text/html').querySelector('[data-live-refresh]');
          if (fresh) live.innerHTML = fresh.innerHTML;
        })
        .catch(function () {});
    }, every);
  }
})();
