/*
 * alliances-course-deck: what the course adds to JupyterLab's slide deck (jupyterlab-slideshow 0.3.4).
 *
 * A JupyterLab "federated extension" written by hand, so the course needs no Node.js build:
 * JupyterLab loads this file, then asks window._JUPYTERLAB["alliances-course-deck"] for the module
 * "./extension" (package.json, jupyterlab._build). It imports nothing from JupyterLab: it uses
 * only the application object, its command registry and the DOM classes the deck sets.
 *
 * In notebooks, course.css hides text marked <span class="print-only"> (it is for the printed
 * handout). While a notebook is presented (body[data-jp-deck-mode="presenting"]):
 *  1. Sizes for a projector: course.css (next to this file) sets text, code, tables, widgets and
 *     charts for a 1280x720 screen; --course-deck-scale scales that layout to the window
 *     (its height, or its width if the window is narrower than 16:9), so 1920x1080 shows the
 *     same slide 1.5 times larger.
 *  2. Clicker keys: PageDown, Space, ArrowRight and ArrowDown go to the next screen; PageUp,
 *     Shift+Space, ArrowLeft and ArrowUp go back; Escape leaves the deck. "Next screen" means
 *     the next fragment, subslide or slide (the deck's own ArrowRight skips subslides), and
 *     steps that would change nothing on screen (a cell that continues the slide, a hidden
 *     plumbing cell) are passed over. The keys work wherever the focus is, also after a widget
 *     was used (a slider or dropdown would otherwise take them), except that typing in a text
 *     box keeps Space and the arrows.
 *  3. Plumbing cells: a code cell tagged "plumbing" shows no code on the slides (its output,
 *     a chart say, still shows); in the notebook it looks like any other cell.
 *  3a. Explorers: when an explorer's screen is shown, its layout (controls above the chart, or
 *     beside it; course.css) is the one that fits the screen.
 *  3b. Charts: a chart too wide (or a screen too tall) for the slide at 1.3 times the chart's
 *     notebook size is drawn smaller, down to 1.2 times (its labels stay at 12 pixels or more
 *     on a 720-line screen).
 *  4. Nothing left to run: when the deck starts on a notebook with code cells that have not
 *     run in this kernel, the notebook is run first (Run All), and the deck stays on its slide.
 *
 * tests/browser/test_slides.py drives all of this in Chromium.
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
  const KEYS = {
    PageDown: NEXT, ArrowRight: NEXT, ArrowDown: NEXT, ' ': NEXT,
    PageUp: PREVIOUS, ArrowLeft: PREVIOUS, ArrowUp: PREVIOUS
  };
  const TAG_CLASSES = { plumbing: 'course-mod-plumbing', explorer: 'course-mod-explorer' };

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

  function markTags(panel) {
    for (const cell of panel.content.widgets) {
      const tags = (cell.model && cell.model.getMetadata && cell.model.getMetadata('tags')) || [];
      for (const [tag, cls] of Object.entries(TAG_CLASSES)) {
        cell.node.classList.toggle(cls, tags.includes(tag));
      }
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
  const watched = new WeakSet(); // panels whose tags are kept up to date

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
    layoutExplorers(panel);
    fitCharts(panel);
    focusActiveCell(panel);
  }

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

  function onKeydown(app, event) {
    if (!presenting() || event.ctrlKey || event.altKey || event.metaKey) {
      return;
    }
    const panel = deckPanel(app);
    if (!panel || panel.content.mode === 'edit') {
      return; // editing a cell while presenting: keys belong to the editor
    }
    const target = event.target;
    if (target instanceof Node && target !== document.body && !panel.node.contains(target)) {
      return; // a dialog, the command palette, a side panel: not the deck's keys
    }
    if (event.key === 'Escape') {
      event.preventDefault();
      event.stopPropagation();
      void app.commands.execute('deck:stop');
      return;
    }
    let where = KEYS[event.key];
    if (!where) {
      return;
    }
    if (event.key === ' ' && event.shiftKey) {
      where = PREVIOUS;
    } else if (event.shiftKey) {
      return;
    }
    if (typingIn(event.target) && !event.key.startsWith('Page')) {
      return;
    }
    event.preventDefault();
    event.stopPropagation();
    stepping = stepping.then(() => step(app, panel, where)).catch(console.error);
  }

  function unrun(panel) {
    return panel.content.widgets.some((cell) => cell.model && cell.model.type === 'code'
      && cell.model.sharedModel.getSource().trim() !== '' && cell.model.executionCount == null);
  }

  /** When the deck starts: mark tagged cells, and run the notebook if it has not run. */
  async function onDeckStarted(app) {
    const panel = deckPanel(app);
    if (!panel) {
      return;
    }
    markTags(panel);
    if (!watched.has(panel)) {
      watched.add(panel);
      panel.content.model.contentChanged.connect(() => markTags(panel));
    }
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
      layoutExplorers(panel);
      fitCharts(panel);
      focusActiveCell(panel);
    }
  }

  function setScale() {
    // The slide keeps its 16:9 layout: a 4:3 or 16:10 window scales it to fit its width.
    const scale = Math.max(Math.min(window.innerHeight / REFERENCE_HEIGHT,
                                    window.innerWidth / REFERENCE_WIDTH), 0.1);
    document.documentElement.style.setProperty('--course-deck-scale', scale.toFixed(4));
  }

  const plugin = {
    id: `${NAME}:deck`,
    description: 'Projector sizes, clicker keys and hidden plumbing cells for the deck.',
    autoStart: true,
    activate: (app) => {
      const link = document.createElement('link');
      link.rel = 'stylesheet';
      link.href = `${STATIC}course.css`;
      document.head.appendChild(link);
      setScale();
      window.addEventListener('resize', setScale);
      window.addEventListener('keydown', (event) => onKeydown(app, event), true);
      app.commands.commandExecuted.connect((_, executed) => {
        if (executed.id === 'deck:start' || executed.id === 'deck:toggle') {
          Promise.resolve(executed.result)
            .then(() => (presenting() ? onDeckStarted(app) : undefined))
            .catch(console.error);
        }
      });
      // A deck restored with the workspace (JupyterLab remembers it) starts without a command.
      app.restored.then(() => {
        if (presenting()) {
          return onDeckStarted(app);
        }
      }).catch(console.error);
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
