// Types for /dashboard/vendor/uplot.js, which the gateway serves from uPlot's own ESM build in
// node_modules; this file only lets tsc check the pages that import it (it is never served).
export { default } from 'uplot'
