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
          // The server's own wording of the time, in the publication's time zone.
          var t = r.savedAtText || '';
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

  document.documentElement.classList.add('js');
  var stateBox = function (text, error) {
    var st = document.getElementById('save-state');
    if (st) { st.textContent = text; st.className = 'save-state' + (error ? ' error' : ''); }
  };

  // One image to a newsroom upload URL; resolves with its stored address.
  function uploadImage(url, file) {
    var fd = new FormData();
    fd.append('_csrf', csrf);
    fd.append('image', file, file.name || 'image');
    return fetch(url, { method: 'POST', body: fd, credentials: 'same-origin', headers: { accept: 'application/json', 'x-csrf-token': csrf } })
      .then(function (res) { return res.json().then(function (b) { if (!res.ok) throw new Error((b.error && b.error.message) || 'HTTP ' + res.status); return b; }); });
  }

  // The feature image: uploaded as soon as a file is chosen or dropped, saved or not.
  var fileInput = document.getElementById('ed-image-file');
  var setFeature = function (url) {
    var input = document.getElementById('ed-image-url');
    if (input) { input.value = url; input.dispatchEvent(new Event('change', { bubbles: true })); }
    var thumb = document.getElementById('ed-image-thumb');
    if (thumb) { thumb.src = url; thumb.hidden = false; }
  };
  var featureUpload = function (file) {
    if (!fileInput) return;
    stateBox('Uploading the image…');
    uploadImage(fileInput.getAttribute('data-upload-to'), file)
      .then(function (r) { setFeature(r.url); stateBox('Image uploaded. Add its alt text below.'); })
      .catch(function (err) { stateBox('Upload failed: ' + err.message, true); });
  };
  if (fileInput) {
    var button = document.querySelector('[data-upload-button]');
    if (button) button.hidden = true;
    fileInput.addEventListener('change', function () { if (fileInput.files && fileInput.files[0]) featureUpload(fileInput.files[0]); });
  }

  // Drag and drop: onto the feature image fields, or into the body (the image goes where the cursor is).
  var drops = document.querySelectorAll('[data-drop-images]');
  for (var i = 0; i < drops.length; i++) {
    (function (el) {
      el.addEventListener('dragover', function (e) {
        if (e.dataTransfer && Array.prototype.indexOf.call(e.dataTransfer.types, 'Files') >= 0) { e.preventDefault(); el.classList.add('drop-target'); }
      });
      el.addEventListener('dragleave', function () { el.classList.remove('drop-target'); });
      el.addEventListener('drop', function (e) {
        el.classList.remove('drop-target');
        var file = e.dataTransfer && e.dataTransfer.files && e.dataTransfer.files[0];
        if (!file || !/^image\//.test(file.type)) return;
        e.preventDefault();
        if (el.tagName !== 'TEXTAREA') { featureUpload(file); return; }
        var at = el.selectionStart;
        stateBox('Uploading the image…');
        uploadImage(el.getAttribute('data-drop-images'), file)
          .then(function (r) {
            var md = '\n![Describe the image](' + r.url + ')\n';
            el.value = el.value.slice(0, at) + md + el.value.slice(at);
            el.dispatchEvent(new Event('input', { bubbles: true }));
            stateBox('Image added to the text: describe it between the brackets.');
          })
          .catch(function (err) { stateBox('Upload failed: ' + err.message, true); });
      });
    })(drops[i]);
  }

  // The headline wraps and grows; Enter moves on to the dek instead of breaking the line.
  var headline = document.getElementById('ed-headline');
  if (headline) {
    var grow = function () { headline.style.height = 'auto'; headline.style.height = headline.scrollHeight + 'px'; };
    headline.addEventListener('input', grow);
    headline.addEventListener('keydown', function (e) {
      if (e.key === 'Enter') { e.preventDefault(); var dek = document.getElementById('ed-dek'); if (dek) dek.focus(); }
    });
    grow();
  }

  // "Publish now?" before an article goes live.
  var dialog = document.getElementById('publish-confirm');
  var publish = document.querySelector('[data-confirm-publish]');
  if (dialog && publish && typeof dialog.showModal === 'function' && editor) {
    var confirmed = false;
    publish.addEventListener('click', function (e) {
      if (confirmed) return;
      e.preventDefault();
      dialog.querySelector('[data-headline]').textContent = (headline && headline.value.trim()) || 'This article';
      dialog.showModal();
    });
    dialog.querySelector('[data-confirm]').addEventListener('click', function () {
      confirmed = true;
      dialog.close();
      if (editor.requestSubmit) editor.requestSubmit(publish); else publish.click();
    });
    dialog.querySelector('[data-cancel]').addEventListener('click', function () { dialog.close(); });
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
  var pctLabel = box.querySelector('.progress__pct');
  // The same words as src/admin/pages/edition-states.ts.
  var STATES = { draft: 'Draft, not scheduled', scheduled: 'Scheduled', sending: 'Sending now', paused: 'Paused', sent: 'Sent', cancelled: 'Cancelled' };
  // Numbers in the publication's locale, as the server wrote them (src/platform/numbers.ts).
  var locale = box.getAttribute('data-locale') || 'en-GB';
  var num = function (x) { try { return Number(x).toLocaleString(locale); } catch (e) { return String(x); } };
  var poll = function () {
    fetch(box.getAttribute('data-progress'), { credentials: 'same-origin', headers: { accept: 'application/json' } })
      .then(function (r) { return r.json(); })
      .then(function (s) {
        var done = s.sent + s.failed + s.skipped;
        if (s.total) {
          var pct = Math.floor((done / s.total) * 100);
          bar.value = pct;
          if (pctLabel) pctLabel.textContent = pct + '%';
          text.textContent = num(s.sent) + ' of ' + num(s.total) + ' sent (' + pct + '%)' + (s.failed ? ', ' + num(s.failed) + ' failed' : '') + (s.skipped ? ', ' + num(s.skipped) + ' skipped' : '') + ', ' + num(s.queued + (s.sending || 0)) + ' to go.';
          box.hidden = false;
        }
        if (state) { state.textContent = STATES[s.status] || s.status; state.setAttribute('data-state', s.status); }
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
