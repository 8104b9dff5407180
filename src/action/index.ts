// The action's entry point: nothing but the call, so tests can import run() without side effects.
import { run } from './main.js';

await run();
