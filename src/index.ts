import * as core from '@actions/core';
import { run } from './main.js';
import { post } from './post.js';
import { STATE_IS_POST } from './state.js';

// One bundle serves both entries of action.yml: main saves isPost, so the post step finds it set.
if (core.getState(STATE_IS_POST) === 'true') {
  await post();
} else {
  await run();
}
