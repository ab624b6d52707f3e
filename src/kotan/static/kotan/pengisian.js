/* SI-KOTAN enumerator's list (/pengisian/): what waits on this device, and "Siapkan semua
   untuk luring", which keeps the offline form of every unit of the user's open assignments
   on the device in one tap. The page itself is kept by the service worker, so it opens with
   no signal and shows the outbox; it sends what is due whenever it is open and online. */
(function () {
  'use strict';

  var config = JSON.parse(document.getElementById('pengisian-config').textContent);
  var text = config.text;
  var format = KotanOutbox.format;
  var element = KotanOutbox.element;
  var prefix = 'pengisian/';
  var suffix = '/' + config.user;
  var outboxList = document.getElementById('outbox');
  var draftList = document.getElementById('device-drafts');

  // Only this user's questionnaires: on a shared phone nobody sees or sends another's.
  function mine(entry) {
    var key = entry.form || '';
    return key.indexOf(prefix) === 0 && key.slice(-suffix.length) === suffix;
  }

  var outbox = KotanOutbox.create({
    endpoint: config.endpoint,
    login: config.login,
    text: text,
    mine: mine,
    onChange: function () { return render(); }
  });

  function showDrafts() {
    return KotanOutbox.store.getAll('drafts').then(function (drafts) {
      drafts = drafts.filter(function (d) { return mine(d) && Object.keys(d.answers).length; });
      draftList.textContent = '';
      if (!drafts.length) draftList.appendChild(element('li', 'muted', text.none));
      drafts.forEach(function (d) {
        var parts = d.form.split('/');  // pengisian/<assignment>/<unit>/<user>
        var url = '/pengisian/' + parts[1] + '/' + parts[2] + '/luring/';
        var unit = config.units.filter(function (u) { return u.url === url; })[0];
        var li = element('li');
        li.appendChild(element('span', 'state', unit ? unit.label : parts[2]));
        li.appendChild(element('span', 'muted', [d.institution, format(text.items, { n: Object.keys(d.answers).length })].filter(Boolean).join(' · ') + ' '));
        var open = element('a', null, text.open);
        open.href = url;
        li.appendChild(open);
        draftList.appendChild(li);
      });
    });
  }

  function render() {
    return Promise.all([
      outbox.render(outboxList, { labels: true, links: true, open: text.open, limit: 30 }),
      showDrafts()
    ]);
  }

  /* --- "Siapkan semua untuk luring" ----------------------------------------------------- */

  var button = document.getElementById('prepare');
  var state = document.getElementById('prepare-state');

  function markReady() {
    if (!window.caches) return Promise.resolve(0);
    return caches.open('kotan-luring').then(function (cache) {
      return Promise.all(config.units.map(function (unit) {
        return cache.match(unit.url).then(function (hit) {
          var mark = document.querySelector('[data-offline-url="' + unit.url + '"]');
          if (mark) mark.hidden = !hit;
          return hit ? 1 : 0;
        });
      }));
    }).then(function (hits) { return hits.reduce(function (a, b) { return a + b; }, 0); });
  }

  function prepare() {
    var total = config.units.length;
    var done = 0;
    var failed = 0;
    button.disabled = true;
    state.textContent = format(text.prepared, { n: 0, total: total });
    return KotanOutbox.install(config, [location.pathname].concat(config.assets)).then(function () {
      // One after another: a cheap phone on a weak signal does better than with many at once.
      return config.units.reduce(function (chain, unit) {
        return chain.then(function () {
          return KotanOutbox.keepPage(unit.url).then(function () { done += 1; }, function () { failed += 1; })
            .then(function () { state.textContent = format(text.prepared, { n: done, total: total }); });
        });
      }, Promise.resolve());
    }).catch(function () { failed = total - done; }).then(function () {
      button.disabled = false;
      state.textContent = format(text.prepared, { n: done, total: total }) + '. ' +
        (failed ? format(text.prepare_failed, { n: failed }) : text.prepare_done);
      document.documentElement.dataset.prepared = String(done);
      return markReady();
    });
  }

  if (button) button.addEventListener('click', prepare);

  /* --- network state ---------------------------------------------------------------------- */

  function showNetwork() {
    document.getElementById('net-state').textContent = navigator.onLine ? text.online : text.offline;
  }
  window.addEventListener('online', function () { showNetwork(); outbox.wake(true); });
  window.addEventListener('offline', showNetwork);

  function load() {
    showNetwork();
    return render().then(function () { return outbox.wake(false); }).then(markReady);
  }
  // Back to this tab after signing in elsewhere: what waited for a session goes now.
  document.addEventListener('visibilitychange', function () {
    if (document.visibilityState === 'visible') outbox.wake(false);
  });
  window.addEventListener('pageshow', function (event) {
    if (event.persisted) load();
  });

  document.getElementById('device').hidden = false;
  load();
  // This page too, so that it opens with no signal.
  KotanOutbox.install(config, [location.pathname].concat(config.assets)).then(function () {
    document.documentElement.dataset.offlineReady = '1';
  }).catch(function () { return undefined; });
})();
