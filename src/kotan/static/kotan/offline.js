/* SI-KOTAN offline questionnaire.
   Every answer is written to IndexedDB as it is entered (store "drafts", one per form).
   "Simpan & kirim" moves the questionnaire to the outbox (store "outbox") under its client
   UUID, and the outbox is sent to the JSON API with retries and backoff until the server
   acknowledges it. Nothing leaves the device's storage: a sent questionnaire stays listed
   with its receipt number, a refused one with the server's reason. Resending the same UUID
   is safe: the server answers a resend with the first receipt. */
(function () {
  'use strict';

  var config = JSON.parse(document.getElementById('offline-config').textContent);
  var text = config.text;
  var form = document.getElementById('offline-questionnaire');
  var outboxList = document.getElementById('outbox');
  var RETRY_FIRST_MS = 2000;
  var RETRY_MAX_MS = 5 * 60 * 1000;

  /* --- IndexedDB, as promises ---------------------------------------------------------- */

  var database = new Promise(function (resolve, reject) {
    var request = indexedDB.open('kotan', 1);
    request.onupgradeneeded = function () {
      request.result.createObjectStore('drafts', { keyPath: 'form' });
      request.result.createObjectStore('outbox', { keyPath: 'uuid' });
    };
    request.onsuccess = function () { resolve(request.result); };
    request.onerror = function () { reject(request.error); };
  });

  function run(storeName, mode, action) {
    return database.then(function (db) {
      return new Promise(function (resolve, reject) {
        var transaction = db.transaction(storeName, mode);
        var request = action(transaction.objectStore(storeName));
        transaction.oncomplete = function () { resolve(request.result); };
        transaction.onerror = transaction.onabort = function () { reject(transaction.error); };
      });
    });
  }
  function get(store, key) { return run(store, 'readonly', function (s) { return s.get(key); }); }
  function getAll(store) { return run(store, 'readonly', function (s) { return s.getAll(); }); }
  function put(store, value) { return run(store, 'readwrite', function (s) { return s.put(value); }); }
  function remove(store, key) { return run(store, 'readwrite', function (s) { return s.delete(key); }); }

  /* --- the questionnaire being filled ------------------------------------------------- */

  var draft = null;
  var questions = Array.prototype.slice.call(form.querySelectorAll('fieldset.q'));

  function newUuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var bytes = crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map.call(bytes, function (b) { return (b + 256).toString(16).slice(1); }).join('');
    return hex.slice(0, 8) + '-' + hex.slice(8, 12) + '-' + hex.slice(12, 16) + '-' + hex.slice(16, 20) + '-' + hex.slice(20);
  }

  function freshDraft() {
    return { form: config.form, uuid: newUuid(), institution: config.institution || '', answers: {}, started_at: new Date().toISOString() };
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
  }

  function showCount() {
    var n = Object.keys(draft.answers).length;
    document.getElementById('answered').textContent = text.answered.replace('{n}', n).replace('{total}', questions.length);
  }

  function keep() {
    var counter = document.getElementById('answered');
    counter.dataset.saved = '0';
    return put('drafts', draft).then(function () {
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
    var item = { uuid: draft.uuid, form: config.form, payload: payload, status: 'waiting', attempts: 0, next: 0, created: payload.submitted_at };
    // The outbox entry is written before the draft is cleared: a crash in between leaves
    // both, and the same UUID can only ever become one response on the server.
    put('outbox', item)
      .then(function () { return remove('drafts', config.form); })
      .then(function () {
        draft = freshDraft();
        showDraft();
        setState(text.queued);
        window.scrollTo(0, document.getElementById('outbox-title').offsetTop);
        return render();
      })
      .then(send);
  });

  /* --- the outbox ---------------------------------------------------------------------- */

  function mine(items) {
    return items.filter(function (item) { return item.form === config.form; })
      .sort(function (a, b) { return a.created < b.created ? 1 : -1; });
  }

  function render() {
    return getAll('outbox').then(function (items) {
      items = mine(items);
      outboxList.textContent = '';
      if (!items.length) {
        var empty = document.createElement('li');
        empty.className = 'muted';
        empty.textContent = text.none;
        outboxList.appendChild(empty);
      }
      items.forEach(function (item) {
        var li = document.createElement('li');
        li.dataset.uuid = item.uuid;
        var state = document.createElement('span');
        state.className = 'state state-' + item.status;
        state.textContent = text[item.status];
        li.appendChild(state);
        var when = new Date(item.created).toLocaleString();
        var facts = document.createElement('span');
        facts.className = 'muted';
        facts.textContent = [item.payload.institution, when, text.items.replace('{n}', Object.keys(item.payload.answers).length)].filter(Boolean).join(' · ');
        li.appendChild(facts);
        if (item.receipt) {
          var receipt = document.createElement('span');
          receipt.className = 'receipt';
          receipt.appendChild(document.createTextNode(' ' + text.receipt + ' '));
          var number = document.createElement('strong');
          number.className = 'receipt-no';
          number.textContent = item.receipt;
          receipt.appendChild(number);
          li.appendChild(document.createElement('br'));
          li.appendChild(receipt);
        }
        if (item.detail) {
          var detail = document.createElement('span');
          detail.className = 'muted';
          detail.textContent = ' ' + item.detail;
          li.appendChild(document.createElement('br'));
          li.appendChild(detail);
        }
        outboxList.appendChild(li);
      });
    });
  }

  var sending = false;
  var timer = null;

  function csrfToken() {
    var input = document.querySelector('input[name="csrfmiddlewaretoken"]');
    return input ? input.value : '';
  }

  function sendOne(item) {
    return fetch(config.endpoint, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', 'X-CSRFToken': csrfToken() },
      body: JSON.stringify(item.payload)
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        if (response.status === 200 || response.status === 201) {
          item.status = 'sent';
          item.receipt = data.receipt;
          item.detail = '';
        } else if (response.status === 409 || response.status === 422 || response.status === 400) {
          item.status = 'rejected';  // kept on the server for an operator, and here
          item.receipt = data.receipt;
          item.detail = data.detail || '';
        } else {
          retryLater(item, response.status === 403 || response.status === 401 ? text.login : text.retry);
        }
      });
    }, function () {
      retryLater(item, text.retry);
    }).then(function () { return put('outbox', item); });
  }

  function retryLater(item, reason) {
    item.attempts += 1;
    item.next = Date.now() + Math.min(RETRY_MAX_MS, RETRY_FIRST_MS * Math.pow(2, item.attempts - 1));
    item.detail = reason;
  }

  function send() {
    if (sending) return Promise.resolve();
    sending = true;
    return getAll('outbox').then(function (items) {
      var due = mine(items).filter(function (item) { return item.status === 'waiting' && item.next <= Date.now(); });
      return due.reduce(function (chain, item) {
        return chain.then(function () { return sendOne(item); });
      }, Promise.resolve());
    }).catch(function () { return undefined; }).then(function () {
      sending = false;
      return render().then(schedule);
    });
  }

  function schedule() {
    return getAll('outbox').then(function (items) {
      var waiting = mine(items).filter(function (item) { return item.status === 'waiting'; });
      clearTimeout(timer);
      if (!waiting.length) return;
      var next = Math.min.apply(null, waiting.map(function (item) { return item.next; }));
      timer = setTimeout(send, Math.max(500, next - Date.now()));
    });
  }

  /* --- network state and installation ------------------------------------------------ */

  function setState(message) { document.getElementById('net-state').textContent = message; }
  function showNetwork() { setState(navigator.onLine ? text.online : text.offline); }

  window.addEventListener('online', function () {
    showNetwork();
    getAll('outbox').then(function (items) {
      return Promise.all(mine(items).filter(function (item) { return item.status === 'waiting'; })
        .map(function (item) { item.next = 0; return put('outbox', item); }));
    }).then(send);
  });
  window.addEventListener('offline', showNetwork);

  function install() {
    if (!('serviceWorker' in navigator) || !window.caches) return Promise.resolve();
    return navigator.serviceWorker.register(config.sw, { scope: '/' })
      .then(function () { return navigator.serviceWorker.ready; })
      .then(function () {
        if (!navigator.onLine) return undefined;
        // This page and its files, so that it opens with no network from now on.
        return caches.open('kotan-luring').then(function (cache) {
          return cache.addAll([location.pathname].concat(config.assets));
        });
      })
      .then(function () {
        document.getElementById('ready-state').textContent = text.ready;
        document.documentElement.dataset.offlineReady = '1';
      });
  }

  showNetwork();
  get('drafts', config.form).then(function (saved) {
    draft = saved || freshDraft();
    showDraft();
    return render();
  }).then(send);
  install().catch(function () { return undefined; });
})();
