/* SI-KOTAN questionnaire form, small additions to a page that works without JavaScript:
   the answer counter moves as answers are ticked, and the receipt can be printed or saved. */
(function () {
  'use strict';

  var counter = document.getElementById('answered-count');
  if (counter) {
    var form = document.querySelector('.qform form[method="post"]');
    var bar = document.getElementById('answered-bar');
    var elsewhere = Number(counter.dataset.elsewhere) || 0;
    var total = bar ? bar.max : 0;
    var update = function () {
      var here = Array.prototype.filter.call(form.querySelectorAll('fieldset.q'), function (fieldset) {
        return fieldset.querySelector('input[type="radio"]:checked') !== null;
      }).length;
      counter.textContent = counter.dataset.template.replace('{n}', elsewhere + here).replace('{total}', total);
      if (bar) bar.value = elsewhere + here;
    };
    form.addEventListener('change', update);
    window.addEventListener('pageshow', update);  // back/forward keeps ticked answers
  }

  var print = document.querySelector('[data-print]');
  if (print) {
    print.hidden = false;
    print.addEventListener('click', function () { window.print(); });
  }
})();
