/*
 * alliances-course-deck: what the course adds to JupyterLab's slide deck (jupyterlab-slideshow 0.3.4).
 *
 * A JupyterLab "federated extension" written by hand, so the course needs no Node.js build:
 * JupyterLab loads this file, then asks window._JUPYTERLAB["alliances-course-deck"] for the module
 * "./extension" (package.json, jupyterlab._build). It imports nothing from JupyterLab: it uses
 * only the application object, its command registry and the DOM classes the deck sets.
 *
 * In every notebook: presenter notes (cells whose slide type is "notes": timings, demos, expected
 * answers) are never shown — not after Run All or Shift+Enter, not after a deck — and never
 * become the active cell (course.css hides them by the class set here from the cells' metadata;
 * the student edition leaves them out altogether, course/publish/release.py). They live in the
 * presenter's running order (course export --presenter) and the speaker view (below). Text marked
 * <span class="print-only"> is for the printed handout and is not shown on screen.
 *
 * While a notebook is presented (body[data-jp-deck-mode="presenting"]):
 *  1. Sizes for a projector: course.css (next to this file) sets text, code, tables, widgets and
 *     charts for a 1280x720 screen; --course-deck-scale scales that layout to the window
 *     (its height, or its width if the window is narrower than 16:9), so 1920x1080 shows the
 *     same slide 1.5 times larger.
 *  2. Clicker keys: PageDown, Space, ArrowRight and ArrowDown go to the next screen; PageUp,
 *     Shift+Space, ArrowLeft and ArrowUp go back; Home and End go to the first and the last
 *     screen; b and . blank the screen (black) and any key brings it back, as in PowerPoint and
 *     reveal.js; s opens the speaker view; Escape leaves the deck, with the notebook scrolled to
 *     the screen that was showing. "Next screen" means the next fragment, subslide or slide (the
 *     deck's own ArrowRight skips subslides), and steps that would change nothing on screen (a
 *     cell that continues the slide, a hidden plumbing cell) are passed over. The keys work
 *     wherever the focus is, also after a widget was used (a slider or dropdown would otherwise
 *     take them), except that typing in a text box keeps Space and the arrows. No other key
 *     reaches the notebook: none of its shortcuts (a, b, x, d d, z, Enter, Shift+Enter, Ctrl+V,
 *     F5...) can change the lesson on the projector; Ctrl+S, the command palette and the
 *     browser's zoom still work.
 *  3. Plumbing cells: a code cell tagged "plumbing" shows no code on the slides (its output,
 *     a chart say, still shows); in the notebook it looks like any other cell.
 *  3a. Explorers: when an explorer's screen is shown, its layout (controls above the chart, or
 *     beside it; course.css) is the one that fits the screen.
 *  3b. Charts: a chart too wide (or a screen too tall) for the slide at 1.3 times the chart's
 *     notebook size is drawn smaller, down to 1.2 times (its labels stay at 12 pixels or more
 *     on a 720-line screen).
 *  4. Nothing left to run: when the deck starts on a notebook with code cells that have not
 *     run in this kernel, the notebook is run first (Run All), and the deck stays on its slide.
 *  5. Only on request: jupyterlab-slideshow stores "active": true in the user settings while a
 *     deck shows and starts it again at the next load; a deck nobody asked for (no deck command)
 *     is stopped at once, which also resets the setting.
 *  6. The speaker view (speaker.html, a second window: the s key, or View > Open Speaker View):
 *     the current screen's presenter notes, the next screen, and the time since the deck
 *     started against the lesson's 50-minute plan (notebook metadata course.fifty_minute_plan,
 *     course/publish/slides.py), kept in step over a BroadcastChannel; its buttons and keys step the
 *     deck too.
 *
 * In Chromium: tests/browser/test_slides.py (sizes, order, explorers), test_deck_room.py (keys,
 * blanking, Home/End, Escape, stored settings, the speaker view), test_lessons_in_jupyterlab.py
 * (presenter notes never on a student's screen),
 * test_keyboard_only.py and test_wcag.py (axe-core: names given here to ipywidgets' slider
 * handles and to the charts' menu).
 */
(function () {
  'use strict';

  const NAME = 'alliances-course-deck';
  const here = document.currentScript ? document.currentScript.src : '';
  const STATIC = here.slice(0, here.lastIndexOf('/') + 1);
  const REFERENCE_HEIGHT = 720; // course.css sizes slides for a 1280x720 screen
  const REFERENCE_WIDTH = 1280;

  const NEXT = { direction: 'down', alternate: 'forward' };
  const PREVIOUS = { direction: 'up', alternate: 'back' };
  const TAG_CLASSES = { plumbing: 'course-mod-plumbing', explorer: 'course-mod-explorer' };
  const NOTES_CLASS = 'course-mod-notes';

  function presenting() {
    return document.body.dataset.jpDeckMode === 'presenting';
  }

  /** The notebook panel the deck is presenting, or null. */
  function deckPanel(app) {
    const widget = app.shell.currentWidget;
    if (!widget || !widget.content || !widget.node.classList.contains('jp-Deck')) {
      return null;
    }
    return widget.content.widgets ? widget : null;
  }

  /** Cells on screen and shown, that take up room: what the audience sees. */
  function screenKey(panel) {
    const shown = [];
    panel.content.widgets.forEach((cell, index) => {
      const node = cell.node;
      if (node.classList.contains('jp-deck-mod-onscreen')
          && node.classList.contains('jp-deck-mod-visible') && node.offsetHeight > 0) {
        shown.push(index);
      }
    });
    return shown.join(',');
  }

  /** Classes from the cells' metadata: tags (plumbing, explorer) and presenter notes. */
  function markCells(panel) {
    for (const cell of panel.content.widgets) {
      const tags = (cell.model && cell.model.getMetadata && cell.model.getMetadata('tags')) || [];
      for (const [tag, cls] of Object.entries(TAG_CLASSES)) {
        cell.node.classList.toggle(cls, tags.includes(tag));
      }
      cell.node.classList.toggle(NOTES_CLASS, isNotes(cell.model));
    }
  }

  function focusActiveCell(panel) {
    const cell = panel.content.activeCell;
    if (cell && cell.node.offsetHeight > 0) {
      cell.node.focus({ preventScroll: true });
    }
  }

  const BESIDE = 'course-explorer-beside';
  const MIN_CONTROLS_EM = 13; // narrowest column of controls beside a chart

  /**
   * Explorers on the screen get the layout that fits the screen (course.css): the controls in
   * rows above the chart, or beside it. Chosen once per explorer, when its chart is drawn, so
   * that nothing moves while the controls change.
   */
  function layoutExplorers(panel) {
    const outer = panel.node.querySelector('.jp-WindowedPanel-outer');
    if (!outer) {
      return;
    }
    const overflow = (explorer) => Math.max(0, outer.scrollHeight - outer.clientHeight)
      + Math.max(0, explorer.scrollWidth - explorer.clientWidth);
    for (const cell of panel.content.widgets) {
      if (!cell.node.classList.contains('jp-deck-mod-onscreen')) {
        continue;
      }
      for (const explorer of cell.node.querySelectorAll('.course-explorer-view')) {
        if (explorer.dataset.courseLayout
            || !explorer.querySelector('.course-explorer-chart .vega-embed svg, canvas')) {
          continue;
        }
        explorer.classList.remove(BESIDE);
        const rows = overflow(explorer);
        let choice = 'rows';
        const chart = explorer.querySelector('.course-explorer-chart');
        const room = explorer.clientWidth - chart.offsetWidth;
        const em = parseFloat(getComputedStyle(explorer).fontSize);
        if (rows > 0 && room >= MIN_CONTROLS_EM * em) {
          explorer.classList.add(BESIDE);
          if (overflow(explorer) < rows) {
            choice = 'beside';
          } else {
            explorer.classList.remove(BESIDE);
          }
        }
        explorer.dataset.courseLayout = choice;
      }
    }
  }

  const CHART_ZOOM = 1.3; // a chart on a slide: 1.3 times its size in the notebook (course.css)
  const MIN_CHART_ZOOM = 1.2; // ...or down to 1.2 if it is too wide for the slide
  const TEXT_ZOOM = 1.75;

  /**
   * Charts on the screen (not an explorer's): as large as course.css says, or smaller — to fit
   * the slide's width, then, if the screen is still too tall, its height — but never below
   * MIN_CHART_ZOOM.
   */
  function fitCharts(panel) {
    const scale = parseFloat(getComputedStyle(document.documentElement)
      .getPropertyValue('--course-deck-scale')) || 1;
    const fitted = [];
    for (const cell of panel.content.widgets) {
      if (!cell.node.classList.contains('jp-deck-mod-onscreen')) {
        continue;
      }
      for (const embed of cell.node.querySelectorAll('.vega-embed')) {
        const svg = embed.querySelector('svg');
        const output = embed.closest('.jp-OutputArea-output');
        if (!svg || !output || embed.closest('.course-explorer-chart')) {
          continue;
        }
        const natural = parseFloat(svg.getAttribute('width'));
        const room = output.getBoundingClientRect().width / scale; // in 720-line pixels
        const zoom = Math.max(MIN_CHART_ZOOM, Math.min(CHART_ZOOM, room / natural));
        if (natural > 0 && room > 0) {
          embed.style.setProperty('--course-chart-zoom', (zoom / TEXT_ZOOM).toFixed(4));
          fitted.push({ embed, zoom, height: parseFloat(svg.getAttribute('height')) || 0 });
        }
      }
    }
    const outer = panel.node.querySelector('.jp-WindowedPanel-outer');
    const over = outer ? (outer.scrollHeight - outer.clientHeight) / scale : 0;
    const tallest = fitted.sort((a, b) => b.height * b.zoom - a.height * a.zoom)[0];
    if (over > 0 && tallest && tallest.height > 0) {
      const zoom = Math.max(MIN_CHART_ZOOM, tallest.zoom - over / tallest.height);
      tallest.embed.style.setProperty('--course-chart-zoom', (zoom / TEXT_ZOOM).toFixed(4));
    }
  }

  let stepping = Promise.resolve();
  const watched = new WeakSet(); // notebook panels whose cells are marked and kept marked

  /** Move to the next (or previous) screen that looks different from this one. */
  async function step(app, panel, where) {
    const notebook = panel.content;
    const start = notebook.activeCellIndex;
    const before = screenKey(panel);
    for (let moves = 0; moves < notebook.widgets.length; moves++) {
      const index = notebook.activeCellIndex;
      await app.commands.execute('deck:go', where);
      if (notebook.activeCellIndex === index) {
        notebook.activeCellIndex = start; // the end of the deck: stay on the last screen
        break;
      }
      if (screenKey(panel) !== before) {
        break;
      }
    }
    settle(panel);
  }

  /** After a move: explorers laid out, charts fitted, the focus on the slide, the speaker
   *  view told. */
  function settle(panel) {
    layoutExplorers(panel);
    fitCharts(panel);
    focusActiveCell(panel);
    publishSoon();
  }

  // ------------------------------------------------------------------ the deck as a model
  // The same reading of the cells' metadata as course/publish/slides.py (screens, notes, minutes)
  // and its 50-minute plan (notebook metadata course.fifty_minute_plan).

  const NOTES_HEAD = /^\*\*Presenter notes\b[^*\n]*\*\*/;
  const NOTES_MINUTES = /(\d+)\s*min\s+(teaching|exercises?)\b/g;

  function slideType(model) {
    const meta = model && model.getMetadata ? model.getMetadata('slideshow') : null;
    return (meta && meta.slide_type) || null;
  }

  function isNotes(model) {
    return slideType(model) === 'notes';
  }

  function noteMinutes(text) {
    const first = (text.trim().split('\n')[0] || '');
    const head = NOTES_HEAD.exec(first);
    const minutes = [0, 0];
    if (head) {
      for (const found of head[0].matchAll(NOTES_MINUTES)) {
        minutes[found[2] === 'teaching' ? 0 : 1] += Number(found[1]);
      }
    }
    return minutes;
  }

  /** The deck's screens, numbered as course/publish/slides.py numbers them. */
  function deckScreens(panel) {
    const found = [];
    let slide = 0;
    panel.content.widgets.forEach((cell, index) => {
      let kind = slideType(cell.model);
      if (index === 0 && (kind === null || kind === 'subslide')) {
        kind = 'slide';
      }
      const last = found[found.length - 1];
      if (kind === 'skip') {
        return;
      }
      if (kind === 'notes') {
        if (last) {
          const text = cell.model.sharedModel.getSource();
          last.notes.push(text);
          const [teaching, exercise] = noteMinutes(text);
          last.minutes = [last.minutes[0] + teaching, last.minutes[1] + exercise];
        }
        return;
      }
      if (kind === 'slide' || kind === 'subslide' || kind === 'fragment' || !last) {
        slide += kind === 'slide' ? 1 : 0;
        found.push({ number: found.length + 1, slide, kind: kind || 'slide', start: index,
                     cells: [index], notes: [], minutes: [0, 0], id: cell.model.id });
      } else {
        last.cells.push(index);
      }
    });
    return found;
  }

  function screenAt(screens, index) {
    let at = screens[0] || null;
    for (const screen of screens) {
      if (screen.cells.includes(index)) {
        return screen;
      }
      if (screen.start <= index) {
        at = screen;
      }
    }
    return at;
  }

  /** The 50-minute plan: its rows with their clock, and screen number -> its slot. */
  function deckPlan(panel, screens) {
    const meta = panel.content.model && panel.content.model.getMetadata
      ? panel.content.model.getMetadata('course') : null;
    const rows = (meta && meta.fifty_minute_plan) || [];
    const byId = new Map(screens.map((s) => [s.id, s]));
    const slots = new Map();
    const table = [];
    let clock = 0;
    for (const row of rows) {
      const start = clock;
      const items = row.screens || [];
      for (const item of items) {
        const screen = byId.get(typeof item === 'string' ? item : item.cell);
        if (!screen) {
          continue;
        }
        const minutes = (typeof item === 'object' && item.minutes) || screen.minutes;
        const total = minutes[0] + minutes[1];
        slots.set(screen.number, { start: clock, end: clock + total, minutes,
                                   short: (typeof item === 'object' && item.short) || '',
                                   row: table.length });
        clock += total;
      }
      if (!items.length) {
        clock += (row.minutes || [0, 0])[0] + (row.minutes || [0, 0])[1];
      }
      table.push({ what: row.what, start, end: clock });
    }
    return { rows: table, slots, total: clock };
  }

  function preview(panel, screen) {
    if (!screen) {
      return [];
    }
    return screen.cells.map((index) => {
      const model = panel.content.widgets[index].model;
      const text = model.sharedModel.getSource();
      if (model.type === 'markdown') {
        return { kind: 'text', text: text.slice(0, 600) };
      }
      const outputs = model.outputs ? model.outputs.toJSON() : [];
      const mimes = outputs.flatMap((o) => Object.keys(o.data || {}));
      const shows = mimes.some((m) => m.startsWith('application/vnd.vegalite')) ? 'a chart'
        : mimes.includes('application/vnd.jupyter.widget-view+json') ? 'an explorer'
          : outputs.length ? 'output' : 'no output';
      const tags = model.getMetadata('tags') || [];
      const code = tags.includes('plumbing') ? '' : text.split('\n').slice(0, 3).join('\n');
      return { kind: 'code', text: code, shows };
    });
  }

  // ------------------------------------------------------------------ the speaker view
  // A second browser window (speaker.html, beside this file) kept in step over a
  // BroadcastChannel: the notes, the next screen and the clock against the 50-minute plan.
  // The room's window publishes; the speaker view asks ('hello') and can step the deck.

  const CHANNEL = 'alliances-course-deck';
  const channel = typeof BroadcastChannel === 'function' ? new BroadcastChannel(CHANNEL) : null;
  const clocks = new Map(); // notebook path -> when its deck first started (ms since epoch)
  let publishing = null;
  let blanked = false;
  let lastPanel = null;

  function state(app) {
    const panel = deckPanel(app) || lastPanel;
    if (!panel || panel.isDisposed || !panel.content.model) {
      return { type: 'state', presenting: false, lesson: null };
    }
    const screens = deckScreens(panel);
    const plan = deckPlan(panel, screens);
    const index = panel.content.activeCellIndex;
    const screen = screenAt(screens, index);
    const next = screen ? screens[screen.number] || null : null;
    const nextPlanned = screen
      ? screens.slice(screen.number).find((s) => plan.slots.has(s.number)) || null : null;
    let notesFrom = screen;
    while (notesFrom && !notesFrom.notes.length && notesFrom.kind === 'fragment') {
      notesFrom = screens[notesFrom.number - 2];
    }
    const describe = (s) => s && {
      number: s.number, slide: s.slide, kind: s.kind, minutes: s.minutes,
      plan: plan.slots.get(s.number) || null, preview: preview(panel, s)
    };
    const path = panel.context.path;
    return {
      type: 'state',
      presenting: presenting() && deckPanel(app) === panel,
      blank: blanked,
      lesson: panel.title.label || path,
      path,
      total: screens.length,
      screen: describe(screen),
      notes: notesFrom ? notesFrom.notes : [],
      notesFrom: notesFrom && notesFrom !== screen ? notesFrom.number : null,
      next: describe(next),
      nextPlanned: nextPlanned && nextPlanned !== next ? describe(nextPlanned) : null,
      plan: { rows: plan.rows, total: plan.total },
      clock: clocks.get(path) || null,
      now: Date.now()
    };
  }

  let theApp = null;

  function publishSoon() {
    if (!channel || !theApp || publishing) {
      return;
    }
    publishing = setTimeout(() => {
      publishing = null;
      try {
        channel.postMessage(state(theApp));
      } catch (error) {
        console.error(error);
      }
    }, 50);
  }

  function openSpeakerView() {
    const opened = window.open(`${STATIC}speaker.html`, 'alliances-course-speaker-view',
                               'popup,width=1100,height=760');
    if (!opened) {
      console.warn(`${NAME}: the browser blocked the speaker view's window; allow pop-ups for `
                   + 'this page, or open it from the View menu');
    }
    publishSoon();
    return opened;
  }

  function onSpeakerMessage(app, message) {
    const data = message.data || {};
    if (data.type === 'hello') {
      publishSoon();
    } else if (data.type === 'restart-clock') {
      const panel = deckPanel(app) || lastPanel;
      if (panel) {
        clocks.set(panel.context.path, Date.now());
      }
      publishSoon();
    } else if (data.type === 'action' && presenting()) {
      const panel = deckPanel(app);
      if (panel) {
        void act(app, panel, data.action);
      }
    }
  }

  // ------------------------------------------------------------------ blanking
  let blankNode = null;

  function setBlank(on) {
    blanked = on;
    if (!blankNode) {
      blankNode = document.createElement('div');
      blankNode.className = 'course-deck-blank';
      blankNode.setAttribute('aria-hidden', 'true');
      blankNode.addEventListener('click', () => setBlank(false));
      document.body.appendChild(blankNode);
    }
    document.body.classList.toggle('course-deck-blanked', on);
    publishSoon();
  }

  // ------------------------------------------------------------------ keys
  /** Keys of a clicker and of PowerPoint and reveal.js, and what they do in the deck. */
  const ACTIONS = {
    PageDown: 'next', ArrowRight: 'next', ArrowDown: 'next', ' ': 'next',
    PageUp: 'previous', ArrowLeft: 'previous', ArrowUp: 'previous',
    Home: 'first', End: 'last', b: 'blank', B: 'blank', '.': 'blank',
    s: 'speaker', S: 'speaker', Escape: 'leave'
  };
  /** Where keys are not the deck's while presenting: dialogs, menus, the command palette,
   *  side panels, the deck's own layout tools. Everywhere else (the slide, its widgets, the
   *  deck's arrows, the page itself) they are. */
  const ELSEWHERE = '.jp-Dialog, .lm-Menu, .lm-MenuBar, .lm-CommandPalette, #jp-left-stack, '
    + '#jp-right-stack, .jp-SidePanel, .jp-Deck-DesignTools, .jp-Deck-Layover, .jp-Toolbar';
  /** Keys that never reach the notebook's shortcuts while presenting, yet do their job. */
  const PASS = new Set(['Shift', 'Control', 'Alt', 'Meta', 'CapsLock', 'NumLock', 'Tab',
                        'F11', 'F12', 'AltGraph', 'Fn']);

  function typingIn(target) {
    if (!(target instanceof HTMLElement)) {
      return false;
    }
    if (target.isContentEditable || target.tagName === 'TEXTAREA') {
      return true;
    }
    return target.tagName === 'INPUT'
      && !['checkbox', 'radio', 'range', 'button', 'submit', 'color'].includes(target.type);
  }

  /** Ctrl (Cmd) with a key: only what edits nothing — save, the command palette, the
   *  browser's zoom and reload. Everything else (run, undo, paste, split...) is stopped. */
  function harmlessWithAccel(event) {
    if (event.altKey) {
      return false;
    }
    const key = event.key.toLowerCase();
    return (key === 's' && !event.shiftKey) || (key === 'c' && event.shiftKey)
      || ['=', '+', '-', '0', 'r'].includes(key);
  }

  function stop(event) {
    event.preventDefault();
    event.stopPropagation();
    event.stopImmediatePropagation();
  }

  async function act(app, panel, action) {
    if (blanked && action !== 'speaker') {
      setBlank(false); // any key brings the slide back, and does nothing else
      return;
    }
    if (action === 'next' || action === 'previous') {
      const where = action === 'next' ? NEXT : PREVIOUS;
      stepping = stepping.then(() => step(app, panel, where)).catch(console.error);
    } else if (action === 'first' || action === 'last') {
      stepping = stepping.then(() => goTo(panel, action)).catch(console.error);
    } else if (action === 'blank') {
      setBlank(true);
    } else if (action === 'speaker') {
      openSpeakerView();
    } else if (action === 'leave') {
      await leave(app, panel);
    }
  }

  function onKeydown(app, event) {
    if (!presenting() || event.isComposing) {
      return;
    }
    const panel = deckPanel(app);
    if (!panel || panel.content.mode === 'edit') {
      return; // a cell opened for editing (a double click) while presenting: keys are the editor's
    }
    const target = event.target;
    if (target instanceof Element && target.closest(ELSEWHERE)) {
      return; // a dialog, a menu, the command palette, a side panel: not the deck's keys
    }
    let action = ACTIONS[event.key];
    if (event.key === ' ' && event.shiftKey) {
      action = 'previous';
    } else if (event.shiftKey && action && !['blank', 'speaker'].includes(action)) {
      action = undefined;
    }
    if (typingIn(target) && !(action && event.key.startsWith('Page'))) {
      return; // a text box in an explorer: what is typed is the explorer's
    }
    if (event.ctrlKey || event.metaKey || event.altKey) {
      if (!harmlessWithAccel(event)) {
        stop(event);
      }
      return;
    }
    if (!action) {
      if (blanked && !PASS.has(event.key)) {
        stop(event);
        setBlank(false);
      } else if (!PASS.has(event.key)) {
        stop(event); // no key of the notebook's own (a, b, x, d d, Enter, F5...) in the deck
      }
      return;
    }
    stop(event);
    if (!event.repeat || action === 'next' || action === 'previous') {
      void act(app, panel, action);
    }
  }

  /** Home and End: the first screen, and the last screen with everything it builds up. */
  async function goTo(panel, where) {
    const screens = deckScreens(panel);
    const target = where === 'first' ? screens[0] : screens[screens.length - 1];
    if (target) {
      const cells = target.cells;
      panel.content.activeCellIndex = cells[cells.length - 1];
    }
    settle(panel);
  }

  /** Escape: back to the notebook, scrolled to the screen that was showing. */
  async function leave(app, panel) {
    const notebook = panel.content;
    const active = notebook.activeCellIndex;
    const screen = screenAt(deckScreens(panel), active);
    const top = screen ? screen.start : active;
    setBlank(false);
    await app.commands.execute('deck:stop');
    // The deck restores the notebook's windowing and scrolls 100 ms later: place it after.
    await new Promise((resolve) => setTimeout(resolve, 160));
    if (panel.isDisposed) {
      return;
    }
    notebook.activeCellIndex = active;
    const cell = notebook.widgets[top];
    try {
      if (typeof notebook.scrollToItem === 'function') {
        await notebook.scrollToItem(top, 'start', 0); // no margin: the screen's first cell on top
      } else if (cell) {
        cell.node.scrollIntoView({ block: 'start' });
      }
    } catch (error) {
      console.error(error);
    }
    notebook.mode = 'command';
    notebook.node.focus({ preventScroll: true });
    publishSoon();
  }

  // ------------------------------------------------------------------ notebooks
  /** Every notebook: its cells marked (tags, presenter notes) and kept marked; a notes cell
   *  never becomes the active cell outside the deck (it is hidden: course.css). */
  function watchNotebook(panel) {
    if (watched.has(panel)) {
      return;
    }
    watched.add(panel);
    let pending = false;
    const later = () => {
      if (!pending) {
        pending = true;
        requestAnimationFrame(() => {
          pending = false;
          if (!panel.isDisposed) {
            markCells(panel);
          }
        });
      }
    };
    markCells(panel);
    void panel.context.ready.then(later);
    panel.content.modelContentChanged.connect(later);
    panel.content.modelChanged.connect(later);
    let previous = panel.content.activeCellIndex;
    panel.content.activeCellChanged.connect((notebook) => {
      const index = notebook.activeCellIndex;
      const from = previous;
      previous = index;
      if (presenting()) {
        publishSoon();
        return;
      }
      const cell = notebook.activeCell;
      if (!cell || !isNotes(cell.model)) {
        return;
      }
      const widgets = notebook.widgets;
      for (const direction of index >= from ? [1, -1] : [-1, 1]) {
        let i = index;
        while (i >= 0 && i < widgets.length && isNotes(widgets[i].model)) {
          i += direction;
        }
        if (i >= 0 && i < widgets.length) {
          notebook.activeCellIndex = i;
          return;
        }
      }
    });
  }

  function unrun(panel) {
    return panel.content.widgets.some((cell) => cell.model && cell.model.type === 'code'
      && cell.model.sharedModel.getSource().trim() !== '' && cell.model.executionCount == null);
  }

  /** When the deck starts: mark cells, start the clock, run the notebook if it has not run. */
  async function onDeckStarted(app) {
    const panel = deckPanel(app);
    if (!panel) {
      return;
    }
    lastPanel = panel;
    watchNotebook(panel);
    markCells(panel);
    if (!clocks.has(panel.context.path)) {
      clocks.set(panel.context.path, Date.now());
    }
    publishSoon();
    await panel.context.sessionContext.ready;
    if (!unrun(panel)) {
      layoutExplorers(panel);
      fitCharts(panel);
      return;
    }
    const notebook = panel.content;
    const at = notebook.activeCellIndex;
    await app.commands.execute('notebook:run-all-cells');
    if (deckPanel(app) === panel) {
      notebook.activeCellIndex = at;
      settle(panel);
    }
  }

  // ------------------------------------------------------------------ no deck from stored state
  // jupyterlab-slideshow keeps "active": true in the user settings while a deck shows, and
  // starts the deck again when JupyterLab next loads (a browser closed on the deck). Here a
  // deck shows only when someone asks for it (a command: the toolbar button, the palette,
  // a key); one the settings start is stopped at once, which also resets the setting.

  const DECK_STARTS = new Set(['deck:start', 'deck:toggle', 'deck:show-layover']);
  const UNASKED = 'course-deck-unasked';

  function guardStoredState(app) {
    let requested = 0;
    const execute = app.commands.execute.bind(app.commands);
    app.commands.execute = (id, args) => {
      if (DECK_STARTS.has(id) && !presenting()) {
        requested += 1;
        const done = () => { requested = Math.max(0, requested - 1); };
        const result = execute(id, args);
        Promise.resolve(result).then(() => setTimeout(done, 1000), done);
        return result;
      }
      return execute(id, args);
    };
    let stopping = false;
    const check = async () => {
      if (!presenting() || requested > 0 || stopping) {
        return;
      }
      stopping = true;
      document.body.classList.add(UNASKED); // the room never sees it (course.css)
      try {
        // Let the deck finish starting (it is not safe to stop half-way), then stop it.
        for (let i = 0; i < 100 && !document.querySelector('.jp-Deck'); i++) {
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
        await new Promise((resolve) => setTimeout(resolve, 200));
        if (presenting() && requested === 0) {
          console.info(`${NAME}: the deck was started from stored settings, not by you: `
                       + 'stopped (press the deck button to present)');
          await execute('deck:stop');
        }
      } finally {
        stopping = false;
        document.body.classList.remove(UNASKED);
      }
    };
    new MutationObserver(() => void check()).observe(document.body, {
      attributes: true, attributeFilter: ['data-jp-deck-mode']
    });
    void check();
  }

  // ------------------------------------------------------------------ accessibility patches
  // vega-embed's chart menu (the course's renderer offers "Save as SVG/PNG") is a <summary>
  // holding only an icon: give it the name its <details> shows on hover.
  // ipywidgets' sliders (noUiSlider) draw handles with role=slider and no name: give each the
  // label its widget shows ("Years"), and say which end a range's handle moves.
  function nameChartMenus() {
    for (const summary of document.querySelectorAll(
      '.vega-embed > details > summary:not([aria-label])')) {
      summary.setAttribute('aria-label', summary.parentElement.title || 'Chart actions');
    }
    for (const handle of document.querySelectorAll(
      '.widget-slider .noUi-handle[role="slider"]:not([aria-label])')) {
      const widget = handle.closest('.widget-slider');
      const label = widget && widget.querySelector(':scope > .widget-label');
      const name = (label && label.textContent.trim()) || 'Slider';
      const range = widget && widget.querySelectorAll('.noUi-handle').length > 1;
      const end = handle.classList.contains('noUi-handle-upper') ? ', to' : ', from';
      handle.setAttribute('aria-label', name + (range ? end : ''));
    }
  }

  function watchChartMenus() {
    let queued = false;
    new MutationObserver(() => {
      if (!queued) {
        queued = true;
        requestAnimationFrame(() => {
          queued = false;
          nameChartMenus();
        });
      }
    }).observe(document.body, { childList: true, subtree: true });
  }

  function setScale() {
    // The slide keeps its 16:9 layout: a 4:3 or 16:10 window scales it to fit its width.
    const scale = Math.max(Math.min(window.innerHeight / REFERENCE_HEIGHT,
                                    window.innerWidth / REFERENCE_WIDTH), 0.1);
    document.documentElement.style.setProperty('--course-deck-scale', scale.toFixed(4));
  }

  const SPEAKER_VIEW = `${NAME}:speaker-view`;

  const plugin = {
    id: `${NAME}:deck`,
    description: 'Projector sizes, clicker keys, blanking, hidden presenter notes and plumbing '
      + 'cells, and a speaker view for the deck.',
    autoStart: true,
    activate: (app) => {
      theApp = app;
      const link = document.createElement('link');
      link.rel = 'stylesheet';
      link.href = `${STATIC}course.css`;
      document.head.appendChild(link);
      setScale();
      window.addEventListener('resize', setScale);
      window.addEventListener('keydown', (event) => onKeydown(app, event), true);
      guardStoredState(app);
      watchChartMenus();
      app.docRegistry.addWidgetExtension('Notebook', {
        createNew: (panel) => {
          watchNotebook(panel);
        }
      });
      app.commands.addCommand(SPEAKER_VIEW, {
        label: 'Open Speaker View (Notes, Next Screen, Clock)',
        caption: 'A second window for the presenter, kept in step with the deck',
        execute: () => {
          openSpeakerView();
        }
      });
      if (channel) {
        channel.addEventListener('message', (message) => onSpeakerMessage(app, message));
      }
      app.commands.commandExecuted.connect((_, executed) => {
        if (executed.id === 'deck:start' || executed.id === 'deck:toggle') {
          Promise.resolve(executed.result)
            .then(() => (presenting() ? onDeckStarted(app) : undefined))
            .then(() => {
              if (!presenting()) {
                setBlank(false);
                publishSoon();
              }
            })
            .catch(console.error);
        } else if (executed.id === 'deck:stop') {
          Promise.resolve(executed.result).then(() => {
            setBlank(false);
            publishSoon();
          }).catch(console.error);
        }
      });
    }
  };

  const container = {
    init: async () => undefined, // shares no modules
    get: async (module) => {
      if (module !== './extension') {
        throw new Error(`${NAME} has no module ${module}`);
      }
      return () => ({ __esModule: true, default: [plugin] });
    }
  };
  window._JUPYTERLAB = window._JUPYTERLAB || {};
  window._JUPYTERLAB[NAME] = container;
})();
