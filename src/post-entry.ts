import { post } from './post.js';

// The post step has its own small bundle: it only removes what main recorded, so it starts fast.
await post();
