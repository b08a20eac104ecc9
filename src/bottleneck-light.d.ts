// bottleneck's light build (no clustering), the one @octokit/plugin-throttling loads: the same API as the full one.
declare module 'bottleneck/light.js' {
  import Bottleneck from 'bottleneck';
  export default Bottleneck;
}
