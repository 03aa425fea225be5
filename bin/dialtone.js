#!/usr/bin/env node
// The `dialtone` command: runs the TypeScript entry point through tsx's loader.
import { register } from 'tsx/esm/api';
register();
await import('../firmware-app/main.ts');
