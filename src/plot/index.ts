// spikegpu/plot: the SVG figures (a raster, line charts), for a page or a script that wants only these.
export { rasterSvg, type RasterOptions } from './raster.js';
export { lineChartSvg, type LineChartOptions, type Series as ChartSeries } from './lines.js';
