/* SI-KOTAN home page, for enumerators: how many questionnaires wait in this device's outbox
   (IndexedDB "kotan", store "outbox", written by outbox.js). Reads only, and only this
   user's entries (form key "pengisian/<assignment>/<unit>/<user>"). Without JavaScript or
   IndexedDB the server-rendered text stays: a link to /pengisian/, which shows the outbox. */
(function () {
  'use strict';
  var box = document.getElementById('device-outbox');
  if (!box || !window.indexedDB) return;
  var suffix = '/' + box.dataset.user;
  var request = indexedDB.open('kotan');
  // No database yet: nothing was ever kept here. Do not create one (outbox.js owns it).
  request.onupgradeneeded = function () { request.transaction.abort(); };
  request.onerror = function () { show(0); };
  request.onsuccess = function () {
    var db = request.result;
    if (!db.objectStoreNames.contains('outbox')) { db.close(); return show(0); }
    var all = db.transaction('outbox', 'readonly').objectStore('outbox').getAll();
    all.onsuccess = function () {
      db.close();
      show(all.result.filter(function (item) {
        var key = item.form || '';
        return item.status === 'waiting' && key.indexOf('pengisian/') === 0 &&
          key.slice(-suffix.length) === suffix;
      }).length);
    };
    all.onerror = function () { db.close(); };
  };
  function show(n) {
    var words = n ? box.dataset.some.replace('{n}', n) : box.dataset.none;
    box.querySelector('.device-count').textContent = words + ' ';
  }
})();
