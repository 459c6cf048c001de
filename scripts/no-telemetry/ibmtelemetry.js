#!/usr/bin/env node
// vigil installs report nothing: Carbon's packages run `ibmtelemetry --config=telemetry.yml` after install, and the
// real collector starts a background process that phones home (and, without a network, hangs for minutes). This
// stand-in (package.json "overrides") has nothing to do: it exits at once, with status 0.
export {};
