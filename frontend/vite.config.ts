/// <reference types="vitest/config" />
// Vite build of the VCF Sentinel viewer (Cornerstone3D, plain TypeScript).
//
// `npm run build` writes static/viewer/viewer.js (ES module entry), static/viewer/viewer.css and
// static/viewer/stats.js (the statistics dashboard's charts, Chart.js) with fixed names; chunks, workers and wasm go to
// static/viewer/assets/ with hashes. Django serves the folder at /static/viewer/.
import { fileURLToPath } from 'node:url';
import { type Plugin, createLogger, defineConfig } from 'vite';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

// Modules Cornerstone imports but this viewer never runs: replacing them keeps
// about 1.2 MB of JavaScript (vtk.js WebGPU back-end, the XML mesh reader and
// its XML/YAML libraries) out of the bundle, so the viewer starts sooner.
const STUBS: Record<string, string> = {
  '@kitware/vtk.js/Rendering/WebGPU/Profiles/Volume.js': 'export {};',
  '@kitware/vtk.js/Rendering/WebGPU/Profiles/Geometry.js': 'export {};',
  '@kitware/vtk.js/IO/XML/XMLPolyDataReader.js':
    'export default { newInstance() { throw new Error("vtkXMLPolyDataReader is not part of the VCF viewer bundle"); } };',
};

function stubUnusedModules(): Plugin {
  return {
    name: 'vcf-stub-unused-modules',
    enforce: 'pre',
    load(id) {
      const path = id.split('?')[0].replace(/\\/g, '/');
      for (const [suffix, code] of Object.entries(STUBS)) {
        if (path.endsWith(`/node_modules/${suffix}`)) return code;
      }
      return null;
    },
  };
}

// The emscripten codec glue mentions Node's fs/path behind runtime checks;
// Vite's "externalized for browser compatibility" notices about them are noise.
const logger = createLogger();
const warn = logger.warn.bind(logger);
logger.warn = (msg, options) => {
  if (msg.includes('externalized for browser compatibility')) return;
  warn(msg, options);
};

// `npm run dev`: the harness page dev/index.html, with API, DICOMweb and login
// proxied to a running Django (VCF_BACKEND, default http://127.0.0.1:8000).
const backend = process.env.VCF_BACKEND ?? 'http://127.0.0.1:8000';
const proxied = ['/api', '/dicomweb', '/accounts', '/static/css'];

export default defineConfig(({ command }) => ({
  customLogger: logger,
  // Built files are served by Django at /static/viewer/; the dev server at /.
  base: command === 'build' ? '/static/viewer/' : '/',
  // No public/ folder: nothing is copied verbatim into the output.
  publicDir: false,
  plugins: [stubUnusedModules()],
  resolve: {
    alias: {
      // vtk.js imports the Node "events" module; use the browser polyfill.
      events: here('./node_modules/events/events.js'),
    },
  },
  optimizeDeps: {
    // Dev server only: pre-bundle the CommonJS / emscripten codec modules.
    include: [
      'dicom-parser',
      '@cornerstonejs/codec-libjpeg-turbo-8bit/decodewasmjs',
      '@cornerstonejs/codec-charls/decodewasmjs',
      '@cornerstonejs/codec-openjpeg/decodewasmjs',
      '@cornerstonejs/codec-openjph/wasmjs',
    ],
    exclude: ['@cornerstonejs/dicom-image-loader'],
  },
  worker: {
    format: 'es',
    rolldownOptions: {
      output: {
        entryFileNames: 'assets/[name]-[hash].js',
        chunkFileNames: 'assets/[name]-[hash].js',
        assetFileNames: 'assets/[name]-[hash][extname]',
      },
    },
  },
  build: {
    outDir: here('./static/viewer'),
    emptyOutDir: true,
    target: 'es2022',
    cssCodeSplit: false,
    sourcemap: false,
    chunkSizeWarningLimit: 4096,
    reportCompressedSize: false,
    rolldownOptions: {
      // Entry names are the output names: viewer.js (image viewer), stats.js (dashboard charts).
      input: { viewer: here('./src/main.ts'), stats: here('./src/stats/main.ts') },
      checks: { pluginTimings: false },
      output: {
        entryFileNames: '[name].js',
        chunkFileNames: 'assets/[name]-[hash].js',
        assetFileNames: (info) =>
          (info.names ?? []).some((n) => n.endsWith('.css'))
            ? 'viewer.css'
            : 'assets/[name]-[hash][extname]',
      },
    },
  },
  server: {
    port: 5173,
    strictPort: true,
    open: false,
    proxy: Object.fromEntries(proxied.map((p) => [p, { target: backend, changeOrigin: false }])),
  },
  test: {
    include: ['src/**/*.test.ts'],
    environment: 'node',
  },
}));
