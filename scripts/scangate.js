#!/usr/bin/env node
// The `scangate` command: runs the compiled CLI (npm install builds dist/ through "prepare").
import '../dist/gateway/cli/main.js';
