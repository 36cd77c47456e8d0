// The reader's form on the review page (plain ES module, no build step).
// Per flagged vertebra: the grade when it is a fracture, the reason when it is not, the note for
// "other". Rows for fractures the tool missed are added and removed here; Submit asks first.
// Without this script every field shows and the server still checks everything.

function syncVertebra(fieldset) {
  const choice = fieldset.querySelector('input[name$="-fracture"]:checked')?.value;
  const grade = fieldset.querySelector('.if-fracture');
  const reasonBox = fieldset.querySelector('.if-not-fracture');
  const reason = fieldset.querySelector('select.reason');
  const note = fieldset.querySelector('input.note');
  grade.hidden = choice !== 'yes';
  reasonBox.hidden = choice !== 'no';
  note.hidden = reason.value !== 'other';
  note.required = choice === 'no' && reason.value === 'other';
  fieldset.dataset.decided = choice ? 'true' : 'false';
}

function addMissedRow(form) {
  const template = form.querySelector('#missed-row-template');
  const rows = form.querySelector('#missed-rows');
  const row = template.content.firstElementChild.cloneNode(true);
  rows.append(row);
  row.querySelector('select')?.focus();
}

function start(form) {
  for (const fieldset of form.querySelectorAll('fieldset.vertebra')) {
    syncVertebra(fieldset);
    fieldset.addEventListener('change', () => syncVertebra(fieldset));
  }
  form.querySelector('#add-missed')?.addEventListener('click', () => addMissedRow(form));
  form.addEventListener('click', (event) => {
    const remove = event.target.closest('.remove-missed');
    if (remove) remove.closest('.missed-row')?.remove();
  });
  form.addEventListener('submit', (event) => {
    const message = event.submitter?.dataset.confirm;
    if (message && !window.confirm(message)) event.preventDefault();
  });
  form.dataset.ready = 'true';
}

const form = document.getElementById('read-form');
if (form) start(form);
