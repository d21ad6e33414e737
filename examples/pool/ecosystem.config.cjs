// pm2 settings for a resque-ts worker pool: pm2 start examples/pool/ecosystem.config.cjs
module.exports = {
  apps: [
    {
      name: "resque-worker",
      // The binary itself, not npx or npm: npm does not pass signals on to the worker.
      script: "node_modules/.bin/resque",
      args: "work --count 4 --concurrency 10 --require ./dist/jobs.js",
      // resque forks its own processes: one pm2 process in fork mode, never pm2's cluster mode.
      exec_mode: "fork",
      instances: 1,
      // pm2 stops with SIGINT and kills after 1.6 s by default; QUIT lets running jobs finish.
      kill_signal: "SIGQUIT",
      kill_timeout: 120000,
      env: { NODE_ENV: "production", QUEUE: "critical,default", RESQUE_TERM_TIMEOUT: "10" },
    },
  ],
};
