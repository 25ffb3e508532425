/*
 * The speaker view (speaker.html): listens to the deck in the JupyterLab window over the
 * BroadcastChannel "alliances-course-deck" (remoteEntry.js publishes a state after every
 * move) and shows the current screen's presenter notes, the next screen, and the time since
 * the deck started against the lesson's 50-minute plan. Its buttons, and the clicker's keys
 * while this window has the focus, step the deck.
 */
(function () {
  'use strict';

  const channel = new BroadcastChannel('alliances-course-deck');
  const KEYS = {
    PageDown: 'next', ArrowRight: 'next', ArrowDown: 'next', ' ': 'next',
    PageUp: 'previous', ArrowLeft: 'previous', ArrowUp: 'previous',
    Home: 'first', End: 'last', b: 'blank', B: 'blank', '.': 'blank'
  };
  let current = null;
  let offset = 0; // this window's clock minus the deck window's

  const $ = (id) => document.getElementById(id);

  function escape(text) {
    return String(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;');
  }

  /** A lesson's markdown as the screen shows it: text for paper only
   * (<span class="print-only">, even cut off by the preview's length) goes, other tags
   * (<span class="screen-only">, <br>, ...) are dropped and their text kept. */
  function screenText(text) {
    return String(text)
      .replace(/<span class="print-only">[\s\S]*?(<\/span>|$)/g, '')
      .replace(/<[^>]*>?/g, '');
  }

  /** The little Markdown notes use: paragraphs, **bold**, *italics*, `code`, [links](...). */
  function markdown(text) {
    return screenText(text).trim().split(/\n\s*\n/).map((block) => {
      let html = escape(block.replace(/\s*\n\s*/g, ' '));
      html = html.replace(/`([^`]+)`/g, '<code>$1</code>')
        .replace(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>')
        .replace(/\*([^*]+)\*/g, '<em>$1</em>')
        .replace(/\[([^\]]+)\]\([^)]+\)/g, '$1');
      return `<p>${html}</p>`;
    }).join('');
  }

  function minutes(ms) {
    const seconds = Math.max(0, Math.floor(ms / 1000));
    return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
  }

  function slotText(slot) {
    return slot ? `min ${slot.start}–${slot.end}` : 'not in the 50-minute plan';
  }

  function renderClock() {
    const state = current;
    if (!state || !state.clock) {
      $('elapsed').textContent = '0:00';
      $('pace').textContent = '';
      return;
    }
    const elapsed = Date.now() + offset - state.clock;
    $('elapsed').textContent = minutes(elapsed);
    const slot = state.screen && state.screen.plan;
    const pace = $('pace');
    pace.className = 'pace';
    if (!slot) {
      pace.textContent = state.nextPlanned
        ? `Lab work in a 50-minute slot: move on to screen ${state.nextPlanned.number} `
          + `(${slotText(state.nextPlanned.plan)}).`
        : 'Lab work in a 50-minute slot: move on.';
      return;
    }
    const m = elapsed / 60000;
    if (m > slot.end + 0.5) {
      pace.textContent = `${Math.round(m - slot.end)} min behind the plan`;
      pace.classList.add('behind');
    } else if (m < slot.start - 0.5) {
      pace.textContent = `${Math.round(slot.start - m)} min ahead of the plan`;
      pace.classList.add('ahead');
    } else {
      pace.textContent = 'On time';
      pace.classList.add('on-time');
    }
  }

  function previewHtml(screen) {
    if (!screen) {
      return '<p>The end of the deck.</p>';
    }
    const head = `<p><strong>Screen ${screen.number}</strong> · slide ${screen.slide}`
      + `${screen.kind === 'slide' ? '' : `, ${escape(screen.kind)}`} · `
      + `${escape(slotText(screen.plan))}</p>`;
    const cells = screen.preview.map((cell) => {
      if (cell.kind === 'text') {
        return `<div class="cell">${markdown(cell.text)}</div>`;
      }
      const code = cell.text ? `<pre>${escape(cell.text)}</pre>` : '';
      return `<div class="cell">${code}<p>(code cell: ${escape(cell.shows)})</p></div>`;
    }).join('');
    return head + cells;
  }

  function render(state) {
    current = state;
    offset = state.now ? state.now - Date.now() : 0;
    document.title = state.lesson ? `Speaker view · ${state.lesson}` : 'Speaker view';
    $('lesson').textContent = state.lesson ? `Speaker view · ${state.lesson}` : 'Speaker view';
    const screen = state.screen;
    if (!state.presenting || !screen) {
      $('where').textContent = 'The deck is not showing: start it in the JupyterLab window.';
    } else {
      $('where').textContent = `Screen ${screen.number} of ${state.total} · slide `
        + `${screen.slide}${state.blank ? ' · the room\'s screen is blank' : ''}`;
    }
    const slot = screen && screen.plan;
    $('slot').textContent = screen
      ? `This screen in the 50-minute plan: ${slotText(slot)}`
        + (slot && slot.short ? ` (shortened: ${slot.short})` : '')
      : 'This screen in the 50-minute plan: —';
    const notes = state.notes && state.notes.length
      ? (state.notesFrom ? `<p class="from">(the notes of screen ${state.notesFrom}, which `
        + 'this step builds on)</p>' : '') + state.notes.map(markdown).join('')
      : '<p>No presenter notes for this screen.</p>';
    $('notes').innerHTML = notes;
    $('next').innerHTML = previewHtml(state.next)
      + (state.nextPlanned ? `<p>Next in the 50-minute plan: screen ${state.nextPlanned.number}`
        + ` (${escape(slotText(state.nextPlanned.plan))}).</p>` : '');
    const body = $('plan').querySelector('tbody');
    body.innerHTML = ((state.plan && state.plan.rows) || []).map((row, i) => {
      const here = slot && slot.row === i;
      return `<tr${here ? ' class="current" aria-current="step"' : ''}>`
        + `<td>${row.start}–${row.end}</td><td>${escape(row.what)}</td></tr>`;
    }).join('');
    $('blank').setAttribute('aria-pressed', state.blank ? 'true' : 'false');
    renderClock();
  }

  function send(action) {
    channel.postMessage({ type: 'action', action });
  }

  channel.addEventListener('message', (message) => {
    if (message.data && message.data.type === 'state') {
      render(message.data);
    }
  });
  for (const button of document.querySelectorAll('button[data-action]')) {
    button.addEventListener('click', () => send(button.dataset.action));
  }
  $('restart').addEventListener('click', () => channel.postMessage({ type: 'restart-clock' }));
  window.addEventListener('keydown', (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey) {
      return;
    }
    const target = event.target;
    if (target instanceof HTMLButtonElement && (event.key === ' ' || event.key === 'Enter')) {
      return; // a focused button is pressed with Space or Enter
    }
    let action = KEYS[event.key];
    if (event.key === ' ' && event.shiftKey) {
      action = 'previous';
    }
    if (action) {
      event.preventDefault();
      send(action);
    }
  });
  setInterval(renderClock, 1000);
  channel.postMessage({ type: 'hello' });
})();
