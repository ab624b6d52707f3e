/* SI-KOTAN offline questionnaire.
   Every answer, and every document attached, is written to IndexedDB as it is entered
   (store "drafts", one per form). "Kirim jawaban" moves the questionnaire to the outbox
   (outbox.js) under its client UUID, which sends it with retries until the server
   acknowledges it. Nothing leaves the device's storage unacknowledged: a sent questionnaire
   stays listed with its receipt number, a refused one with the server's reason. The page
   has no unload handler and is not "no-store", so it survives the back/forward cache; when
   it comes back from there ("pageshow", persisted) it reads its state again. */
(function () {
  'use strict';

  var config = JSON.parse(document.getElementById('offline-config').textContent);
  var text = config.text;
  var form = document.getElementById('offline-questionnaire');
  var outboxList = document.getElementById('outbox');
  var store = KotanOutbox.store;
  var format = KotanOutbox.format;
  var outbox = KotanOutbox.create({
    endpoint: config.endpoint,
    login: config.login,
    text: text,
    mine: function (item) { return item.form === config.form; },
    onChange: function () { return outbox.render(outboxList); }
  });

  /* --- the questionnaire being filled ------------------------------------------------- */

  var draft = null;
  var questions = Array.prototype.slice.call(form.querySelectorAll('fieldset.q'));
  var fileInput = document.getElementById('bukti');
  var fileList = document.getElementById('bukti-list');

  function newUuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var bytes = crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map.call(bytes, function (b) { return (b + 256).toString(16).slice(1); }).join('');
    return hex.slice(0, 8) + '-' + hex.slice(8, 12) + '-' + hex.slice(12, 16) + '-' + hex.slice(16, 20) + '-' + hex.slice(20);
  }

  function freshDraft() {
    return { form: config.form, uuid: newUuid(), institution: config.institution || '', answers: {}, files: [], started_at: new Date().toISOString() };
  }

  function showDraft() {
    form.elements.instansi.value = draft.institution;
    questions.forEach(function (fieldset) {
      var code = fieldset.id.slice(2);
      fieldset.querySelectorAll('input[type="radio"]').forEach(function (input) {
        input.checked = draft.answers[code] === input.value;
      });
    });
    showCount();
    showFiles();
  }

  function showCount() {
    var n = Object.keys(draft.answers).length;
    var counter = document.getElementById('answered');
    counter.textContent = format(text.answered, { n: n, total: questions.length });
    var bar = document.getElementById('answered-bar');
    if (bar) bar.value = n;
  }

  function keep() {
    var counter = document.getElementById('answered');
    counter.dataset.saved = '0';
    return store.put('drafts', draft).then(function () {
      showCount();
      counter.textContent += ' · ' + text.kept;
      counter.dataset.saved = '1';
    });
  }

  form.addEventListener('change', function (event) {
    if (event.target.type !== 'radio') return;  // the institution is kept as it is typed
    draft.answers[event.target.name] = event.target.value;
    showCount();
    keep();
  });
  form.elements.instansi.addEventListener('input', function (event) {
    draft.institution = event.target.value;
    showCount();
    keep();
  });

  /* --- documents, kept on the device until sent --------------------------------------- */

  function fileProblem(file, count) {
    var rules = config.evidence;
    var dot = file.name.lastIndexOf('.');
    var extension = dot >= 0 ? file.name.slice(dot).toLowerCase() : '';
    if (rules.extensions.indexOf(extension) < 0) return format(text.file_kind, { name: file.name });
    if (file.size > rules.max_bytes || file.size === 0) return format(text.file_size, { name: file.name });
    if (count >= rules.max_files) return format(text.file_count, { n: rules.max_files });
    return '';
  }

  function showFiles() {
    if (!fileList) return;
    fileList.textContent = '';
    (draft.files || []).forEach(function (file, index) {
      var li = KotanOutbox.element('li');
      li.appendChild(KotanOutbox.element('span', null, file.name + ' (' + Math.max(1, Math.round(file.size / 1024)) + ' KB)'));
      var remove = KotanOutbox.element('button', 'linklike', text.remove);
      remove.type = 'button';
      remove.setAttribute('aria-label', text.remove + ' ' + file.name);
      remove.addEventListener('click', function () {
        draft.files.splice(index, 1);
        showFiles();
        keep();
      });
      li.appendChild(remove);
      fileList.appendChild(li);
    });
  }

  if (fileInput) {
    fileInput.addEventListener('change', function () {
      var error = document.getElementById('bukti-error');
      var problems = [];
      draft.files = draft.files || [];
      Array.prototype.forEach.call(fileInput.files, function (file) {
        var problem = fileProblem(file, draft.files.length);
        if (problem) problems.push(problem);
        else draft.files.push({ name: file.name, type: file.type, size: file.size, blob: file });
      });
      fileInput.value = '';
      error.textContent = problems.join(' ');
      error.hidden = !problems.length;
      showFiles();
      keep();
    });
  }

  /* --- sending ---------------------------------------------------------------------------- */

  form.addEventListener('submit', function (event) {
    event.preventDefault();
    var error = document.getElementById('form-error');
    if (!Object.keys(draft.answers).length) {
      error.textContent = text.empty;
      error.hidden = false;
      return;
    }
    error.hidden = true;
    var payload = Object.assign({}, config.context, {
      uuid: draft.uuid,
      unit: config.unit,
      institution: draft.institution.trim(),
      started_at: draft.started_at,
      submitted_at: new Date().toISOString(),
      answers: draft.answers
    });
    var item = {
      uuid: draft.uuid, form: config.form, payload: payload, created: payload.submitted_at,
      files: draft.files || [], label: config.label, page: location.pathname
    };
    // The outbox entry is written before the draft is cleared: a crash in between leaves
    // both, and the same UUID can only ever become one response on the server.
    outbox.add(item)
      .then(function () { return store.remove('drafts', config.form); })
      .then(function () {
        draft = freshDraft();
        showDraft();
        setState(text.queued);
        window.scrollTo(0, document.getElementById('outbox-title').offsetTop);
        return outbox.render(outboxList);
      })
      .then(outbox.send);
  });

  /* --- network state and installation ------------------------------------------------ */

  function setState(message) { document.getElementById('net-state').textContent = message; }
  function showNetwork() { setState(navigator.onLine ? text.online : text.offline); }

  window.addEventListener('online', function () {
    showNetwork();
    outbox.wake(true);
  });
  window.addEventListener('offline', showNetwork);

  function load() {
    showNetwork();
    return store.get('drafts', config.form).then(function (saved) {
      draft = saved || freshDraft();
      showDraft();
      return outbox.render(outboxList);
    }).then(function () {
      // Back from the login page (or a new visit): whatever waited for a session goes now.
      return outbox.wake(false);
    });
  }

  // Back to this tab after signing in elsewhere: what waited for a session goes now.
  document.addEventListener('visibilitychange', function () {
    if (document.visibilityState === 'visible') outbox.wake(false);
  });
  // Restored from the back/forward cache: another page may have sent or changed things.
  window.addEventListener('pageshow', function (event) {
    if (event.persisted) load();
  });

  load();
  KotanOutbox.install(config, [location.pathname].concat(config.assets)).then(function () {
    document.getElementById('ready-state').textContent = text.ready;
    document.documentElement.dataset.offlineReady = '1';
  }).catch(function () { return undefined; });
})();
