/**
 * The V8 flags the headless server runs with: package.json's `serve` script passes them to node
 * (so `npm run serve` and `npm start` run with them), and the serve bench starts its servers with
 * them (tests/unit/server-node-flags.test.ts checks the two agree). They cannot be set once the
 * process runs: V8 sizes its heap when it starts.
 *
 * A larger young generation (semi-space 32 MB, V8's default 16): at 10,000 storefront reads a
 * second (≈ 10 KB allocated each) and 500 stock writes (≈ 40 KB each) the server allocated ≈ 120 MB
 * a second and scavenged ≈ 10 times a second, each collection a pause of the main thread while
 * reads were due. A scavenge costs what survives it (the requests in flight), not the space
 * swept, so twice the space is half the scavenges for about the same pause each; it costs at most
 * 32 MB more memory (measured in the serve bench: see docs/benchmarks.md, `serve`).
 */
export const SERVER_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=32'];
