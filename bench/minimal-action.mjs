// The floor @actions/core sets: an action that only imports the toolkit, reads one input and sets
// one output. The benchmark bundles it the way dist/ is bundled and times it next to ours.
import * as core from '@actions/core';

core.setOutput('endpoint', core.getInput('endpoint'));
