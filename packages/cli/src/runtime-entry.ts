// Entry of the charm runtime bundle (scripts/bundle-runtime.mjs → dist/runtime/lucky.cjs):
// the whole `lucky` CLI, daemon included, in one file that a built charm runs with its
// own Node. Loading the file runs the CLI with the process's arguments.
import { main } from './main.js';

void main();
