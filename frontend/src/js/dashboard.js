// AgentGate dashboard: times in the viewer's zone, deadlines counting down, open lists updated live.
// The pages are complete without this script; it only improves them.
(function () {
  'use strict';

  var dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

  function human(seconds) {
    var s = Math.max(0, Math.round(seconds));
    if (s < 60) return s + ' s';
    if (s < 3600) return Math.floor(s / 60) + ' min ' + (s % 60) + ' s';
    if (s < 86400) return Math.floor(s / 3600) + ' h ' + Math.floor(s % 3600 / 60) + ' min';
    return Math.floor(s / 86400) + ' d ' + Math.floor(s % 86400 / 3600) + ' h';
  }

  // Every <time datetime> in the viewer's zone; relative ones ("ago", "left") kept current.
  function renderTimes(root) {
    var now = Date.now();
    root.querySelectorAll('time[datetime]').forEach(function (el) {
      var t = Date.parse(el.getAttribute('datetime'));
      if (isNaN(t)) return;
      var kind = el.getAttribute('data-kind') || 'at';
      var local = dateTime.format(new Date(t));
      if (kind === 'at') {
        el.textContent = local;
      } else if (kind === 'ago') {
        el.textContent = human((now - t) / 1000) + ' ago';
      } else if (kind === 'left') {
        var left = (t - now) / 1000;
        el.textContent = left <= 0 ? 'overdue' : 'in ' + human(left);
        el.classList.toggle('soon', left <= 60);
      }
      el.title = local + ' (' + el.getAttribute('datetime') + ')';
    });
  }

  // Open lists follow the gate's events: on each, the page's live regions are re-read from the server
  // (the same escaped HTML a reload would give), so filters and paging stay right.
  function live(container) {
    if (!window.EventSource || !window.fetch || !window.DOMParser) return;
    var status = container.querySelector('[data-live-status]');
    var pending = null;
    var known = {};
    document.querySelectorAll('tr[data-id]').forEach(function (tr) { known[tr.getAttribute('data-id')] = true; });
    // each region's HTML as the server last rendered it (times left out: their words change by the second), so a
    // re-read that changed nothing leaves the page's elements alone
    var rendered = {};
    function served(html) { return html.replace(/(<time[^>]*>)[^<]*(<\/time>)/g, '$1$2'); }
    container.querySelectorAll('[data-live-region]').forEach(function (region) {
      rendered[region.id] = served(region.innerHTML);
    });

    function say(text) { if (status) status.textContent = text; }

    function refresh(event) {
      fetch(window.location.href, { credentials: 'same-origin', headers: { 'Accept': 'text/html' } })
        .then(function (r) {
          if (r.redirected || !r.ok) throw new Error('status ' + r.status);
          return r.text();
        })
        .then(function (html) {
          var doc = new DOMParser().parseFromString(html, 'text/html');
          container.querySelectorAll('[data-live-region]').forEach(function (region) {
            var fresh = doc.getElementById(region.id);
            if (!fresh || served(fresh.innerHTML) === rendered[region.id]) return;
            rendered[region.id] = served(fresh.innerHTML);
            // rows a reviewer has ticked for a batch decision stay ticked when the list is re-read
            var ticked = [];
            region.querySelectorAll('input[type=checkbox][id]').forEach(function (box) {
              if (box.checked) ticked.push(box.id);
            });
            var replacement = document.importNode(fresh, true);
            ticked.forEach(function (boxId) {
              var box = replacement.querySelector('#' + CSS.escape(boxId));
              if (box) box.checked = true;
            });
            region.replaceWith(replacement);
          });
          var added = 0;
          document.querySelectorAll('tr[data-id]').forEach(function (tr) {
            var id = tr.getAttribute('data-id');
            if (!known[id]) { tr.classList.add('fresh'); added++; }
            known[id] = true;
          });
          renderTimes(document);
          if (event && event.type === 'submitted') {
            say('New pending action: ' + event.action + ' by ' + event.agent);
          } else if (event && event.type === 'decided') {
            say(event.action + ' by ' + event.agent + ' is now ' + String(event.status).toLowerCase().replace('_', ' '));
          }
        })
        .catch(function () { say('Live updates paused: reload the page.'); });
    }

    var source = new EventSource(container.getAttribute('data-live'));
    source.onopen = function () {
      if (status) { status.classList.add('on'); if (!status.textContent) status.textContent = 'Live'; }
    };
    source.onmessage = function (message) {
      var event;
      try { event = JSON.parse(message.data); } catch (e) { return; }
      if (!event || event.type === 'heartbeat') return;
      if (event.type === 'ended') {
        // the session ended (logout here or elsewhere): no reconnect, the next page load asks to log in
        source.close();
        if (status) status.classList.remove('on');
        say('Session ended: reload the page to log in again.');
        return;
      }
      // every (re)connect starts with 'resync': the list is re-read once, so nothing that happened before the
      // stream was subscribed (between the page's render and now, or while it was away) is missed
      clearTimeout(pending);
      pending = setTimeout(function () { refresh(event); }, 150);
    };
    source.onerror = function () { if (status) status.classList.remove('on'); };
  }

  document.addEventListener('DOMContentLoaded', function () {
    // live() first: it keeps the regions as served, before the times are put in the viewer's zone
    var container = document.querySelector('[data-live]');
    if (container) live(container);
    renderTimes(document);
    setInterval(function () { renderTimes(document); }, 1000);
  });
})();
