/* global module */
/**
 * A webpack loader for the benchmark's baseline: the workflows' activity options as they were
 * before activities heartbeated, without `heartbeatTimeout`, so a dead worker's call is retried
 * only after its 30 s start-to-close timeout.
 */
module.exports = function withoutHeartbeatTimeout(source) {
  const baseline = source.replace(/^\s*heartbeatTimeout:.*\n/gm, '');
  if (baseline === source) throw new Error('without-heartbeat-timeout-loader: no heartbeatTimeout to remove');
  return baseline;
};
