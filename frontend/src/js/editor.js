// AgentGate: the tool-arguments editor of approve with edits. The page works without this script (the server checks
// every edit); with it, the editor says at once whether its text is a JSON object, formats it on request, and an
// approval with text that is not an object is stopped before it is sent. Reject ignores the editor.
(function () {
  'use strict';

  function check(text) {
    var value;
    try {
      value = JSON.parse(text);
    } catch (e) {
      return { ok: false, message: 'Not valid JSON: ' + e.message };
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      return { ok: false, message: 'The tool arguments must be a JSON object ({ ... }).' };
    }
    return { ok: true, value: value, message: 'Valid JSON object.' };
  }

  function enhance(editor) {
    var original = editor.value;
    var status = document.createElement('p');
    status.className = 'json-status';
    status.id = editor.id + '-status';
    status.setAttribute('aria-live', 'polite');
    var tools = document.createElement('div');
    tools.className = 'json-tools';
    var format = document.createElement('button');
    format.type = 'button';
    format.className = 'button button-small';
    format.textContent = 'Format';
    var reset = document.createElement('button');
    reset.type = 'button';
    reset.className = 'button button-small';
    reset.textContent = 'Undo changes';
    tools.appendChild(format);
    tools.appendChild(reset);
    editor.insertAdjacentElement('afterend', status);
    editor.insertAdjacentElement('afterend', tools);
    editor.setAttribute('aria-describedby', (editor.getAttribute('aria-describedby') || '') + ' ' + status.id);

    // grows with its text (bounded), so an approver sees the whole object while editing
    function fit() {
      var lines = editor.value.split('\n').length + 1;
      editor.rows = Math.max(4, Math.min(30, lines));
    }

    function update() {
      fit();
      var result = check(editor.value);
      var changed = editor.value !== original;
      editor.setAttribute('aria-invalid', result.ok ? 'false' : 'true');
      status.className = 'json-status ' + (result.ok ? 'ok' : 'bad');
      status.textContent = result.ok ? (changed ? 'Valid JSON object: approving approves your edit.' : result.message)
        : result.message;
      reset.disabled = !changed;
      return result;
    }

    format.addEventListener('click', function () {
      var result = check(editor.value);
      if (result.ok) editor.value = JSON.stringify(result.value, null, 2);
      update();
      editor.focus();
    });
    reset.addEventListener('click', function () {
      editor.value = original;
      update();
      editor.focus();
    });
    editor.addEventListener('input', update);
    if (editor.form) {
      editor.form.addEventListener('submit', function (e) {
        var approving = !e.submitter || e.submitter.value === 'APPROVED' || e.submitter.classList.contains('button-approve');
        if (approving && !update().ok) {
          e.preventDefault();
          editor.focus();
        }
      });
    }
    update();
  }

  document.addEventListener('DOMContentLoaded', function () {
    document.querySelectorAll('textarea[data-json-editor]').forEach(enhance);
  });
})();
