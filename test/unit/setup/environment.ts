// Loaded before every test (both mocha configurations): the environment the suite's processes share.
// A `continuum graph build` that builds alone starts a daemon that holds the store for 15 minutes
// (src/cli/daemonStart.ts); the suite's builds must not leave those behind on its temporary stores.
// The daemon's own tests turn it on for the processes they start.
process.env.CONTINUUM_DAEMON ??= 'off';
