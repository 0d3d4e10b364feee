import { Resvg } from '@resvg/resvg-js';

/**
 * Rasterises an SVG to PNG with resvg (Rust, prebuilt for each platform in
 * the npm package), so reports need no browser. Text uses the system fonts;
 * without DejaVu Sans or Arial installed, resvg picks another sans-serif font
 * or leaves text out.
 */
export function renderPng(svg: string): Buffer {
  const renderer = new Resvg(svg, {
    background: '#ffffff',
    font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans', sansSerifFamily: 'DejaVu Sans' },
  });
  return renderer.render().asPng();
}
