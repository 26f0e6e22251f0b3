import { parse, View } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

/**
 * Renders a Vega-Lite spec to an SVG string on the server with vega's headless View (renderer
 * `none`, `toSVG()`): no browser build step and no script on the page, and no canvas package
 * (text is measured by vega's estimate). Charts are views of report figures, never of raw records.
 */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const view = new View(parse(compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** What every chart shares: size, font and a title. */
export const chartBase = (title: string) =>
  ({
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title,
    width: 480,
    height: 220,
    background: 'white',
    config: { font: 'sans-serif', view: { stroke: null } },
  }) as const;
