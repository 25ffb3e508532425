// A JupyterLab mime renderer for Vega-Lite 5 (and Vega 6) outputs.
//
// JupyterLab 4.6 bundles Vega-Lite 5.6.1 on Vega 5.33; Altair 5.5 writes Vega-Lite 5.20.1
// specs and the course's handouts are drawn by vl-convert-python 1.9 (Vega-Lite 5.20.1,
// Vega 6.2.0, vega-embed 7.0.2). This extension bundles exactly those versions and
// replaces JupyterLab's own vega5 extension, so students, handouts and tests see the
// same drawing. Charts are drawn as SVG: text stays text (zoom, screen readers, tests).
//
// Vega-Lite 5.20.1 labels its compiled Vega spec "v5"; like vl-convert, we run that spec
// on Vega 6.2.0, so the renderer compiles it here and marks it as the Vega it runs on
// (vega-embed would otherwise warn on every chart that the versions differ).
import { Widget } from '@lumino/widgets';
import vegaEmbed from 'vega-embed';
import { compile } from 'vega-lite';

const VEGALITE_MIME = 'application/vnd.vegalite.v5+json';
const VEGA_MIME = 'application/vnd.vega.v5+json';
const VEGA_SCHEMA = 'https://vega.github.io/schema/vega/v6.json';

class VegaRenderer extends Widget {
  constructor(options) {
    super();
    this._mimeType = options.mimeType;
    this._result = null;
    this.addClass('jp-RenderedVegaCommon5');
    this.addClass(this._mimeType === VEGA_MIME ? 'jp-RenderedVega5' : 'jp-RenderedVegaLite5');
  }

  async renderModel(model) {
    const spec = model.data[this._mimeType];
    if (spec === undefined) {
      return;
    }
    const metadata = model.metadata[this._mimeType] || {};
    const embedOptions = Object.assign(
      { renderer: 'svg', defaultStyle: true },
      metadata.embed_options || {},
      // Save as SVG / PNG only: "Open in Vega Editor" would need the network.
      { actions: { export: true, source: false, compiled: false, editor: false }, mode: 'vega' }
    );
    if (this._result) {
      this._result.finalize();
      this._result = null;
    }
    const element = document.createElement('div');
    // The spec as given, for the browser tests that compare what is drawn with it.
    element.vegaLiteSpec = spec;
    this.node.textContent = '';
    this.node.appendChild(element);
    try {
      let vegaSpec = spec;
      if (this._mimeType === VEGALITE_MIME) {
        vegaSpec = compile(spec).spec;
        vegaSpec.$schema = VEGA_SCHEMA;
      }
      this._result = await vegaEmbed(element, vegaSpec, embedOptions);
    } catch (error) {
      const message = document.createElement('pre');
      message.className = 'jp-RenderedVegaError';
      message.textContent = `This chart could not be drawn: ${error.message}`;
      this.node.appendChild(message);
      throw error;
    }
  }

  dispose() {
    if (this._result) {
      this._result.finalize();
      this._result = null;
    }
    super.dispose();
  }
}

const rendererFactory = {
  safe: true,
  mimeTypes: [VEGALITE_MIME, VEGA_MIME],
  createRenderer: (options) => new VegaRenderer(options)
};

const extension = {
  id: 'alliances-course-vega:renderer',
  rendererFactory,
  rank: 57,
  dataType: 'json',
  documentWidgetFactoryOptions: [
    { name: 'Vega-Lite 5', primaryFileType: 'vega-lite5', fileTypes: ['vega-lite5', 'json'],
      defaultFor: ['vega-lite5'] },
    { name: 'Vega 5', primaryFileType: 'vega5', fileTypes: ['vega5', 'json'],
      defaultFor: ['vega5'] }
  ],
  fileTypes: [
    { mimeTypes: [VEGALITE_MIME], name: 'vega-lite5', extensions: ['.vl', '.vl.json'],
      iconClass: 'jp-MaterialIcon jp-VegaIcon' },
    { mimeTypes: [VEGA_MIME], name: 'vega5', extensions: ['.vg', '.vg.json'],
      iconClass: 'jp-MaterialIcon jp-VegaIcon' }
  ]
};

export default extension;
