/* SI-KOTAN outbox, shared by the offline questionnaire (offline.js) and the enumerator's list
   (pengisian.js). Drafts and finished questionnaires live in IndexedDB ("drafts", "outbox");
   a finished one is sent to the JSON API under its client UUID, which never changes, so every
   resend becomes the same one response on the server. What the answer means:
     200/201            sent: the receipt number is kept and shown.
     401 auth.required  kept waiting; "Masuk lagi untuk mengirim" links to the login page,
                        which returns here, and the page sends it again.
     403 auth.csrf      the page's token is stale: a fresh one is fetched, then sent again.
     429, 5xx, network  kept waiting and retried later (Retry-After honoured, then backoff).
     400/409/413/422    final: kept on the server for an operator, and shown here.
   Documents attached offline travel with their questionnaire as multipart/form-data. */
window.KotanOutbox = (function () {
  'use strict';

  var RETRY_FIRST_MS = 2000;
  var RETRY_MAX_MS = 5 * 60 * 1000;
  var FINAL = [400, 403, 409, 413, 422];

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
  var store = {
    get: function (name, key) { return run(name, 'readonly', function (s) { return s.get(key); }); },
    getAll: function (name) { return run(name, 'readonly', function (s) { return s.getAll(); }); },
    put: function (name, value) { return run(name, 'readwrite', function (s) { return s.put(value); }); },
    remove: function (name, key) { return run(name, 'readwrite', function (s) { return s.delete(key); }); }
  };

  /* --- words and dates ------------------------------------------------------------------ */

  function format(template, values) {
    return template.replace(/\{(\w+)\}/g, function (all, key) { return key in values ? values[key] : all; });
  }

  function when(iso, text) {
    var date = new Date(iso);
    try {
      return date.toLocaleString(document.documentElement.lang || 'id', {
        dateStyle: 'long', timeStyle: 'short', timeZone: 'Asia/Jakarta'
      }) + ' ' + text.wib;
    } catch (error) {
      return date.toLocaleString();
    }
  }

  function element(tag, className, content) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (content) node.textContent = content;
    return node;
  }

  function loginHref(config, item) {
    return (item && item.loginUrl || config.login) + '?next=' + encodeURIComponent(location.pathname + location.search);
  }

  /* --- one outbox, seen from one page ---------------------------------------------------- */

  function create(config) {
    var text = config.text;
    var sending = false;
    var timer = null;
    var tokenInput = document.querySelector('input[name="csrfmiddlewaretoken"]');
    var token = tokenInput ? tokenInput.value : '';

    function items() {
      return store.getAll('outbox').then(function (all) {
        return all.filter(config.mine).sort(function (a, b) { return a.created < b.created ? 1 : -1; });
      });
    }

    function retryLater(item, reason, waitMs) {
      item.attempts += 1;
      var backoff = Math.min(RETRY_MAX_MS, RETRY_FIRST_MS * Math.pow(2, item.attempts - 1));
      item.next = Date.now() + Math.max(backoff, waitMs || 0);
      item.detail = reason;
    }

    function retryAfterMs(response) {
      var value = response.headers.get('Retry-After');
      if (!value) return 0;
      var seconds = Number(value);
      if (!isNaN(seconds)) return seconds * 1000;
      var date = Date.parse(value);
      return isNaN(date) ? 0 : Math.max(0, date - Date.now());
    }

    // A fresh CSRF token from this very page; null when the session is gone (the page
    // answers with the login page instead).
    function freshToken() {
      return fetch(location.pathname, { credentials: 'same-origin', cache: 'no-store' }).then(function (response) {
        if (!response.ok || response.redirected) return null;
        return response.text().then(function (html) {
          var match = /name="csrfmiddlewaretoken" value="([^"]+)"/.exec(html);
          if (!match) return null;
          token = match[1];
          if (tokenInput) tokenInput.value = token;
          return token;
        });
      }, function () { return null; });
    }

    function request(item) {
      var files = (item.files || []).filter(function (file) { return file.blob; });
      var headers = { 'X-CSRFToken': token };
      if (!files.length) {
        headers['Content-Type'] = 'application/json';
        return { method: 'POST', credentials: 'same-origin', headers: headers, body: JSON.stringify(item.payload) };
      }
      var body = new FormData();
      body.append('payload', JSON.stringify(item.payload));
      files.forEach(function (file) { body.append('evidence', file.blob, file.name); });
      return { method: 'POST', credentials: 'same-origin', headers: headers, body: body };
    }

    function sent(item, data) {
      item.status = 'sent';
      item.receipt = data.receipt;
      item.detail = '';
      item.login = false;
      item.sent_at = new Date().toISOString();
      item.refused_files = data.evidence_rejected || [];
      // The server has the documents now: keep their names, free the device's storage.
      item.files = (item.files || []).map(function (file) { return { name: file.name, size: file.size }; });
    }

    function attempt(item, retried) {
      return fetch(config.endpoint, request(item)).then(function (response) {
        return response.json().catch(function () { return {}; }).then(function (data) {
          var status = response.status;
          if (status === 200 || status === 201) return sent(item, data);
          item.login = status === 401;
          if (status === 401) {
            item.loginUrl = data.login_url || config.login;
            return retryLater(item, text.login);
          }
          if (status === 403 && data.code === 'auth.csrf') {
            if (retried) return retryLater(item, text.retry);
            return freshToken().then(function (fresh) {
              if (fresh) return attempt(item, true);
              item.login = true;
              return retryLater(item, text.login);
            });
          }
          if (FINAL.indexOf(status) >= 0 && data.code) {
            item.status = 'rejected';  // kept on the server for an operator, and here
            item.receipt = data.receipt;
            item.detail = data.detail || '';
            return undefined;
          }
          // 429, 503 and other server errors, or an answer not from us (a proxy's page).
          return retryLater(item, text.retry, retryAfterMs(response));
        });
      }, function () {
        retryLater(item, text.retry);
      });
    }

    function send() {
      if (sending) return Promise.resolve();
      sending = true;
      return items().then(function (all) {
        var due = all.filter(function (item) { return item.status === 'waiting' && item.next <= Date.now(); });
        return due.reduce(function (chain, item) {
          return chain.then(function () {
            return attempt(item, false).then(function () { return store.put('outbox', item); });
          });
        }, Promise.resolve());
      }).catch(function () { return undefined; }).then(function () {
        sending = false;
        return schedule().then(config.onChange);
      });
    }

    function schedule() {
      return items().then(function (all) {
        var waiting = all.filter(function (item) { return item.status === 'waiting'; });
        clearTimeout(timer);
        if (!waiting.length) return;
        var next = Math.min.apply(null, waiting.map(function (item) { return item.next; }));
        timer = setTimeout(send, Math.max(500, next - Date.now()));
      });
    }

    // Now, not after the backoff: the page was (re)opened, came back online, or the user
    // has just signed in again. `all` also wakes items waiting out a server error.
    function wake(all) {
      return items().then(function (list) {
        return Promise.all(list.filter(function (item) {
          return item.status === 'waiting' && (all || item.login);
        }).map(function (item) { item.next = 0; return store.put('outbox', item); }));
      }).then(send);
    }

    function add(item) {
      item.status = 'waiting';
      item.attempts = 0;
      item.next = 0;
      return store.put('outbox', item);
    }

    function renderItem(item, options) {
      var li = element('li');
      li.dataset.uuid = item.uuid;
      li.appendChild(element('span', 'state state-' + item.status, text[item.status]));
      var facts = [item.payload.institution, when(item.created, text), format(text.items, { n: Object.keys(item.payload.answers).length })];
      if (item.files && item.files.length) facts.push(format(text.files, { n: item.files.length }));
      if (options.labels && item.label) facts.unshift(item.label);
      li.appendChild(element('span', 'muted', facts.filter(Boolean).join(' · ')));
      if (item.receipt) {
        var receipt = element('span', 'receipt', ' ' + text.receipt + ' ');
        receipt.appendChild(element('strong', 'receipt-no', item.receipt));
        li.appendChild(document.createElement('br'));
        li.appendChild(receipt);
      }
      if (item.detail) {
        li.appendChild(document.createElement('br'));
        li.appendChild(element('span', 'muted', ' ' + item.detail));
      }
      if (item.status === 'waiting' && item.login) {
        var login = element('a', 'button login-link', text.login_link);
        login.href = loginHref(config, item);
        var p = element('p');
        p.appendChild(login);
        li.appendChild(p);
      }
      if (item.refused_files && item.refused_files.length) {
        var refused = element('ul', 'refused');
        refused.appendChild(element('li', null, text.files_refused));
        item.refused_files.forEach(function (file) { refused.appendChild(element('li', 'muted', file.name + ': ' + file.detail)); });
        li.appendChild(refused);
      }
      if (options.links && item.page) {
        var open = element('a', null, options.open);
        open.href = item.page;
        li.appendChild(document.createTextNode(' '));
        li.appendChild(open);
      }
      return li;
    }

    // The outbox as a list; a banner asks to sign in again when anything waits for that.
    function render(list, options) {
      options = options || {};
      return items().then(function (all) {
        if (options.limit) all = all.slice(0, options.limit);
        list.textContent = '';
        if (!all.length) list.appendChild(element('li', 'muted', text.none));
        all.forEach(function (item) { list.appendChild(renderItem(item, options)); });
        var banner = document.getElementById('signin-needed');
        if (banner) {
          var needed = all.some(function (item) { return item.status === 'waiting' && item.login; });
          banner.hidden = !needed;
          var link = banner.querySelector('a');
          if (link) link.href = loginHref(config);
        }
        return all;
      });
    }

    return { items: items, add: add, send: send, wake: wake, render: render };
  }

  /* --- the service worker, and this page kept for offline use ---------------------------- */

  function install(config, urls) {
    if (!('serviceWorker' in navigator) || !window.caches) return Promise.reject(new Error('unsupported'));
    return navigator.serviceWorker.register(config.sw, { scope: '/' })
      .then(function () { return navigator.serviceWorker.ready; })
      .then(function () {
        if (!navigator.onLine) return undefined;
        return caches.open('kotan-luring').then(function (cache) { return cache.addAll(urls); });
      });
  }

  function keepPage(url) {
    // A redirect (to the login page) is never kept as the form.
    return fetch(url, { credentials: 'same-origin' }).then(function (response) {
      if (!response.ok || response.redirected) throw new Error('not kept: ' + response.status);
      return caches.open('kotan-luring').then(function (cache) { return cache.put(url, response); });
    });
  }

  return { store: store, create: create, install: install, keepPage: keepPage, format: format, when: when, element: element };
})();
