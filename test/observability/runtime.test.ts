/** `TEMPORAL_METRICS_PROMETHEUS_ADDRESS` → the runtime's Prometheus exporter, or a clear refusal. */
import { ConfigurationError } from '../../src/common/configuration-error';
import { runtimeTelemetryFromEnv } from '../../src/observability/runtime';

test('unset: no metrics exporter', () => {
  expect(runtimeTelemetryFromEnv({})).toBeUndefined();
});

test.each(['127.0.0.1:9464', '0.0.0.0:9464', 'localhost:1', '[::1]:65535'])(
  '%s is served at /metrics',
  (address) => {
    expect(runtimeTelemetryFromEnv({ TEMPORAL_METRICS_PROMETHEUS_ADDRESS: address })).toEqual({
      metrics: { prometheus: { bindAddress: address, countersTotalSuffix: true } },
    });
  },
);

test.each(['9464', '127.0.0.1', '127.0.0.1:0', '127.0.0.1:70000', 'http://127.0.0.1:9464'])(
  '%s is refused, naming the variable and the rule',
  (address) => {
    const refuse = () => runtimeTelemetryFromEnv({ TEMPORAL_METRICS_PROMETHEUS_ADDRESS: address });
    expect(refuse).toThrow(ConfigurationError);
    expect(refuse).toThrow(
      'TEMPORAL_METRICS_PROMETHEUS_ADDRESS must be host:port with a port from 1 to 65535',
    );
  },
);
